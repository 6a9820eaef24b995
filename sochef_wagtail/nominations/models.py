"""Nominations: readers suggest guest tweeters, editors handle them."""

import datetime
import hashlib

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.coreutils import find_available_slug

from ..choices import Role, Side
from ..dates import local_date
from ..guests import Guest
from ..handles import HandleField
from ..public_forms.models import PublicSubmission
from ..weeks.models import GuestSlot
from ..weeks.pages import GuestWeekPage

WHY_MAX_LENGTH = 2000
# A repeat that gives one of these otherwise than the first submission is stored apart.
MERGE_CHECKED = ("nominee_handle", "role_other", "organisation", "nominee_contact")
NOTIFY_TASK = "sochef_wagtail.nominations.notify.notify_editors"


class NomineeSide(models.TextChoices):
    EMPLOYER = Side.EMPLOYER.value, Side.EMPLOYER.label
    WORKER = Side.WORKER.value, Side.WORKER.label
    UNKNOWN = "unknown", _("Don't know")


class NominationStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SCHEDULED = "scheduled", _("Scheduled")


# Handled nominations that became a guest are anonymised when purged; the others are deleted.
BECAME_GUEST = [NominationStatus.ACCEPTED, NominationStatus.SCHEDULED]
HANDLED_WITHOUT_GUEST = [NominationStatus.CONTACTED, NominationStatus.DECLINED]


class Nomination(PublicSubmission):
    page = models.ForeignKey(
        "sochef_wagtail.NominationPage",
        verbose_name=_("nomination page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nominations",
    )
    nominee_name = models.CharField(_("nominee's name"), max_length=120)
    nominee_handle = HandleField(_("nominee's own account"), blank=True)
    side = models.CharField(
        _("side"), max_length=10, choices=NomineeSide.choices, default=NomineeSide.UNKNOWN
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    role_other = models.CharField(_("other role"), max_length=100, blank=True)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    why = models.TextField(_("why"), max_length=WHY_MAX_LENGTH, blank=True)
    nominee_contact = models.CharField(_("nominee's contact"), max_length=200, blank=True)
    is_self_nomination = models.BooleanField(_("self-nomination"), default=False)
    nominator_name = models.CharField(_("nominator's name"), max_length=120, blank=True)
    nominator_email = models.EmailField(_("nominator's e-mail"), blank=True)

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NominationStatus.choices,
        default=NominationStatus.NEW,
        db_index=True,
    )
    notes = models.TextField(_("internal notes"), blank=True)
    submission_count = models.PositiveIntegerField(
        _("times sent"),
        default=1,
        editable=False,
        help_text=_("The same nominator nominating the same person within a day is merged."),
    )
    # A hash of nominator e-mail, nominee and day: lets concurrent duplicates merge safely.
    merge_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # The editors' e-mail: claimed by the task sending it, then marked sent (notify.py).
    notify_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_at = models.DateTimeField(_("editors notified"), null=True, blank=True, editable=False)
    guest = models.ForeignKey(
        Guest,
        verbose_name=_("guest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nominations",
    )
    week_page = models.ForeignKey(
        GuestWeekPage,
        verbose_name=_("guest week"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("notes")],
            heading=_("Handling"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("nominee_name"),
                FieldRowPanel([FieldPanel("nominee_handle"), FieldPanel("side")]),
                FieldRowPanel([FieldPanel("role"), FieldPanel("role_other")]),
                FieldPanel("organisation"),
                FieldPanel("nominee_contact"),
                FieldPanel("why"),
            ],
            heading=_("Nominee"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("is_self_nomination"),
                FieldRowPanel([FieldPanel("nominator_name"), FieldPanel("nominator_email")]),
            ],
            heading=_("Nominated by"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("page", read_only=True),
                FieldPanel("guest", read_only=True),
                FieldPanel("week_page", read_only=True),
            ],
            heading=_("Origin and result"),
        ),
    ]

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.nominee_name

    @property
    def role_label(self):
        return self.role_other if self.role == Role.OTHER else self.get_role_display()

    def can_merge(self, data):
        """Whether a repeat of this nomination brings nothing but a reason that still fits.

        A repeat may come from anyone who knows the nominator's e-mail and the nominee's name:
        it never fills or changes another field, and is stored apart when it would.
        """
        for name in MERGE_CHECKED:
            field = self._meta.get_field(name)
            given = field.to_python(data.get(name, ""))
            if given and given != field.to_python(getattr(self, name)):
                return False
        why = data.get("why", "").strip()
        return len(self.merged_why(why)) <= WHY_MAX_LENGTH

    def merged_why(self, why):
        if not why or why in self.why:
            return self.why
        return f"{self.why}\n\n{why}" if self.why else why

    def merge(self, data):
        """Fold a repeat (see :meth:`can_merge`) into this nomination: its reason appended."""
        self.why = self.merged_why(data.get("why", "").strip())
        self.submission_count += 1
        self.save(update_fields=["why", "submission_count"])

    @classmethod
    def purge(cls, cutoff):
        expired = cls.objects.filter(created_at__lt=cutoff, anonymised_at__isnull=True)
        anonymised = expired.filter(status__in=BECAME_GUEST).update(
            nominator_name="",
            nominator_email="",
            nominee_contact="",
            why="",
            notes="",
            merge_key=None,
            anonymised_at=timezone.now(),
        )
        deleted, _ = expired.filter(status__in=HANDLED_WITHOUT_GUEST).delete()
        return deleted, anonymised

    @classmethod
    def unhandled_before(cls, cutoff):
        """New nominations past the retention period: purging waits for an editor."""
        return cls.objects.filter(created_at__lt=cutoff, status=NominationStatus.NEW)


def merge_key(nominator_email, nominee_name, day):
    nominee = " ".join(nominee_name.split()).casefold()
    text = f"{nominator_email.strip().lower()}\n{nominee}\n{day.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


def record_nomination(data, page=None, now=None):
    """Store a nomination, or merge it into the same nominator's nomination of the same person
    within the last day when it brings nothing but a reason that fits (see
    :meth:`Nomination.can_merge`; otherwise it is stored apart). New nominations notify the
    editors after commit, and the sweep in notify.py catches any whose notification was lost.
    Returns (nomination, created).
    """
    now = now or timezone.now()
    today = local_date(now)
    keys = [
        merge_key(data["nominator_email"], data["nominee_name"], today - datetime.timedelta(n))
        for n in (0, 1)
    ]
    with transaction.atomic():
        earlier = (
            Nomination.objects.select_for_update()
            .filter(merge_key__in=keys, created_at__gte=now - datetime.timedelta(days=1))
            .order_by("-created_at")
            .first()
        )
        if earlier is None:
            nomination = Nomination(page=page, merge_key=keys[0], created_at=now, **data)
            try:
                with transaction.atomic():
                    nomination.save()
            except IntegrityError:
                # The same nomination, sent twice at once (a double click): the first one won.
                earlier = Nomination.objects.select_for_update().get(merge_key=keys[0])
            else:
                return created(nomination)
        if earlier.can_merge(data):
            earlier.merge(data)
            return earlier, False
        # Only the first submission holds the merge key: later ones merge into it or stay apart.
        return created(Nomination.objects.create(page=page, created_at=now, **data))


def created(nomination):
    """(nomination, True), its editors' notification queued for after the commit."""
    # robust: a broker that is down must not turn a stored nomination into an error page; the
    # sweep sends what this did not queue.
    transaction.on_commit(
        lambda: async_task(NOTIFY_TASK, nomination.pk, task_name=f"nomination-{nomination.pk}"),
        robust=True,
    )
    return nomination, True


def accept_nomination(nomination, *, index, account, week_start, sector, user=None):
    """Make the nominee a Guest with a draft GuestWeekPage below ``index``; returns both."""
    with transaction.atomic():
        guest = Guest.objects.create(
            name=nomination.nominee_name,
            role=nomination.role,
            role_other=nomination.role_other if nomination.role == Role.OTHER else "",
            organisation=nomination.organisation,
            sector=sector,
            handle=nomination.nominee_handle,
        )
        title = _("%(name)s, week %(week)s %(year)s") % {
            "name": guest.name,
            "week": week_start.isocalendar().week,
            "year": week_start.isocalendar().year,
        }
        week = GuestWeekPage(
            title=title,
            slug=find_available_slug(index, f"vecka-{week_start.isoformat()}"),
            week_start=week_start,
            live=False,
        )
        week.slots.add(GuestSlot(account=account, guest=guest))
        index.add_child(instance=week)
        week.save_revision(user=user)
        nomination.status = NominationStatus.ACCEPTED
        nomination.guest = guest
        nomination.week_page = week
        nomination.save(update_fields=["status", "guest", "week_page"])
    return guest, week
