"""The record of each handover e-mail sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..guests import Guest
from ..weeks.pages import GuestWeekPage


class GuestHandover(models.Model):
    """A handover e-mail sent to a guest for a week."""

    week = models.ForeignKey(
        GuestWeekPage, verbose_name=_("guest week"), on_delete=models.CASCADE, related_name="+"
    )
    guest = models.ForeignKey(
        Guest, verbose_name=_("guest"), on_delete=models.CASCADE, related_name="handovers"
    )
    email = models.EmailField(_("e-mail address"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    times_sent = models.PositiveIntegerField(_("times sent"), default=1)

    class Meta:
        verbose_name = _("guest handover")
        verbose_name_plural = _("guest handovers")
        constraints = [
            models.UniqueConstraint(fields=["week", "guest"], name="sochef_handover_once_per_week"),
        ]

    def __str__(self):
        return f"{self.guest} ({self.week})"
