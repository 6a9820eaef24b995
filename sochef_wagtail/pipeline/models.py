"""What the pipeline sent or created for a week: one row per reminder (per guest) and per part
of the announcement, with when, by whom, and why nothing went out when nothing did."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..guests import Guest
from ..weeks.pages import GuestWeekPage


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder to the guest")
    POST = "post", _("Draft blog post")
    EDITORS = "editors", _("E-mail to the editors")


class NoticeProblem(models.TextChoices):
    """Why nothing went out: what the week's admin panel and the dashboard tell the editors."""

    PAUSED = "paused", _("The project is paused: nothing is sent.")
    CLOSED = "closed", _("The project is closed: nothing is sent.")
    NO_EMAIL = "no_email", _("The guest has no e-mail address: add it to the guest.")
    NO_RECIPIENTS = (
        "no_recipients",
        _("No editors' addresses in the SOchef settings (“editors to notify”)."),
    )
    NO_BLOG = (
        "no_blog",
        _(
            "No blog to post in: SOCHEF_BLOG is not set, or its SOchef category or a blog index "
            "page on this site is missing."
        ),
    )
    FAILED = "failed", _("The last try failed; the schedule tries again.")


class WeekNotice(models.Model):
    """A reminder, draft post or editors' e-mail of a week: at most one row of each, per guest
    for reminders, so that whoever sends first claims it (``claimed_at``) and it goes out once."""

    week = models.ForeignKey(
        GuestWeekPage, verbose_name=_("guest week"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=10, choices=NoticeKind.choices)
    guest = models.ForeignKey(
        Guest,
        verbose_name=_("guest"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    recipients = models.TextField(_("sent to"), blank=True)
    post = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("blog post"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # By an editor from the admin, not by the schedule (sent_by alone cannot say once the user
    # is deleted).
    by_hand = models.BooleanField(_("sent by hand"), default=False)
    times_sent = models.PositiveIntegerField(_("times sent"), default=0)
    # Taken by the sender at work, in one UPDATE; a claim older than CLAIM_TIMEOUT belongs to
    # a sender that died.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    problem = models.CharField(
        _("not sent because"), max_length=15, choices=NoticeProblem.choices, blank=True
    )
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)

    class Meta:
        verbose_name = _("week notice")
        verbose_name_plural = _("week notices")
        constraints = [
            models.UniqueConstraint(
                fields=["week", "kind", "guest"],
                condition=Q(guest__isnull=False),
                name="sochef_weeknotice_once_per_guest",
            ),
            models.UniqueConstraint(
                fields=["week", "kind"],
                condition=Q(guest__isnull=True),
                name="sochef_weeknotice_once_per_week",
            ),
        ]

    def __str__(self):
        guest = f" – {self.guest}" if self.guest_id else ""
        return f"{self.get_kind_display()}{guest} ({self.week})"

    @property
    def sender_label(self):
        """Who sent it last: the schedule, or the editor who sent it by hand."""
        if not self.by_hand:
            return _("the schedule")
        if self.sent_by is None:
            return _("an editor (since deleted)")
        return self.sent_by.get_full_name() or self.sent_by.get_username()
