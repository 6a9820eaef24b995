"""Project-wide settings per site: whether the experiment runs, and who is told what."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


@register_setting(icon="site")
class ProjectSettings(BaseSiteSetting):
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

    panels = [
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("status_date"), FieldPanel("status_message")],
            heading=_("Status"),
        ),
        FieldPanel("privacy_text"),
        FieldPanel("notify_emails"),
    ]

    class Meta:
        verbose_name = _("SOchef settings")

    @property
    def is_closed(self):
        return self.status == ProjectStatus.CLOSED

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
