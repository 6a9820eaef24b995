"""Project-wide settings per site: whether the experiment runs, who runs it, where else to go."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from .handles import HandleField
from .platforms import own_account_url
from .sql import model_from, quoted, written_out_rows


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


@register_setting(icon="site")
class ProjectSettings(BaseSiteSetting, ClusterableModel):
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    status_date = models.DateField(
        _("status date"), null=True, blank=True, help_text=_("When the project paused or closed.")
    )
    status_message = models.TextField(
        _("status message"),
        blank=True,
        help_text=_(
            "Shown on SOchef pages while paused or closed, e.g. “Sorry, projektet nedlagt.”"
        ),
    )
    closing_text = RichTextField(
        _("closing text"),
        blank=True,
        help_text=_(
            "Shown on the landing page instead of this week's guests while the project is "
            "paused or closed, e.g. “EDIT okt 2014: Sorry, projektet nedlagt.”"
        ),
    )
    privacy_text = RichTextField(
        _("privacy text"),
        blank=True,
        help_text=_("What happens to the data people send through the nomination form."),
    )
    notify_emails = models.TextField(
        _("editors to notify"),
        blank=True,
        help_text=_("E-mail addresses, one per line, told of each new nomination."),
    )
    announce_to_editors = models.BooleanField(
        _("e-mail the editors when a week starts"),
        default=False,
        help_text=_(
            "When a guest week begins, the editors above get an e-mail with its guests and a "
            "link to the draft blog post announcing it."
        ),
    )

    organiser_name = models.CharField(_("organiser"), max_length=120, blank=True)
    organiser_role = models.CharField(
        _("organiser's role"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “freelance writer at NyArbetsmiljo.se”."),
    )
    organiser_handle = HandleField(
        _("organiser's own account"),
        blank=True,
        help_text=_(
            "A handle on X, Bluesky (name.bsky.social) or Mastodon (name@mastodon.social), "
            "or its address (optional)."
        ),
    )
    follow_both_text = models.TextField(
        _("“follow both accounts” text"),
        blank=True,
        help_text=_("Why readers should follow both relay accounts."),
    )
    facebook_group_url = models.URLField(_("Facebook group link"), blank=True)
    facebook_group_text = models.TextField(
        _("Facebook group text"),
        blank=True,
        help_text=_("What the group is for, shown beside the link."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldPanel("status_date"),
                FieldPanel("status_message"),
                FieldPanel("closing_text"),
            ],
            heading=_("Status"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("organiser_name"), FieldPanel("organiser_handle")]),
                FieldPanel("organiser_role"),
            ],
            heading=_("Organiser"),
        ),
        FieldPanel("follow_both_text"),
        MultiFieldPanel(
            [FieldPanel("facebook_group_url"), FieldPanel("facebook_group_text")],
            heading=_("Facebook group"),
        ),
        InlinePanel("guide_links", heading=_("Guides"), label=_("Guide")),
        FieldPanel("privacy_text"),
        MultiFieldPanel(
            [FieldPanel("notify_emails"), FieldPanel("announce_to_editors")],
            heading=_("E-mails to the editors"),
        ),
    ]

    class Meta:
        verbose_name = _("SOchef settings")

    @classmethod
    def for_site(cls, site):
        """Wagtail's ``for_site()`` (get or create the site's settings) with its read written
        out: every cold SOchef page reads the settings, and the ORM built and compiled the
        ``get_or_create`` query for more CPU than running it."""
        if site is not None:
            found = written_out_rows(
                cls,
                [("s", cls, None)],
                "SELECT {columns} FROM {table} s WHERE s.{site} = %s",
                [site.pk],
                table=quoted(cls),
                site=quoted(cls, "site"),
            )
            if found:
                return model_from(cls, found[0]["s"])
        return super().for_site(site)

    @property
    def is_closed(self):
        return self.status == ProjectStatus.CLOSED

    @property
    def is_paused(self):
        return self.status == ProjectStatus.PAUSED

    @property
    def shows_status(self):
        """Paused or closed: SOchef pages show the status message."""
        return self.status != ProjectStatus.ACTIVE

    @property
    def lists_upcoming(self):
        """Only while active do pages, blocks and feeds list guests still to come."""
        return self.status == ProjectStatus.ACTIVE

    @property
    def organiser_url(self):
        return own_account_url(self.organiser_handle)

    @property
    def notify_email_list(self):
        return [line.strip() for line in self.notify_emails.splitlines() if line.strip()]

    def clean(self):
        for address in self.notify_email_list:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    {
                        "notify_emails": _("“%(address)s” is not an e-mail address.")
                        % {"address": address}
                    }
                ) from None


class GuideLink(Orderable):
    """A guide worth reading (to Twitter, to work environment duties), in the editors' order."""

    project_settings = ParentalKey(
        ProjectSettings, on_delete=models.CASCADE, related_name="guide_links"
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("URL"))

    panels = [FieldPanel("title"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self):
        return self.title
