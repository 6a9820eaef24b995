"""Relay accounts: the shared X accounts that a new guest takes over each week."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from .choices import Side
from .handles import HandleField


class RelayAccount(index.Indexed, ClusterableModel):
    handle = HandleField(
        _("handle"),
        help_text=_("The account's X handle without @, e.g. Skyddsombud."),
    )
    display_name = models.CharField(_("display name"), max_length=100)
    side = models.CharField(
        _("side"),
        max_length=20,
        choices=Side.choices,
        help_text=_("Whose perspective the guests on this account tweet from."),
    )
    description = models.TextField(_("description"), blank=True)
    x_user_id = models.CharField(
        _("X user id"),
        max_length=30,
        blank=True,
        help_text=_("Filled in automatically on the first fetch from the X API."),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive accounts are kept with their history but no longer fetched."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("handle"), FieldPanel("display_name"), FieldPanel("side")],
            heading=_("Account"),
        ),
        FieldPanel("description"),
        FieldPanel("x_user_id"),
        FieldPanel("active"),
        InlinePanel("follower_snapshots", heading=_("Follower counts"), label=_("Snapshot")),
    ]

    search_fields = [
        index.SearchField("handle"),
        index.AutocompleteField("handle"),
        index.SearchField("display_name"),
        index.AutocompleteField("display_name"),
        index.SearchField("description"),
        index.FilterField("side"),
        index.FilterField("active"),
    ]

    class Meta:
        verbose_name = _("relay account")
        verbose_name_plural = _("relay accounts")
        ordering = ["side", "handle"]
        # The statistics page (statistics.py) is about the relay accounts' activity.
        permissions = [("view_statistics", "Can view the SOchef statistics")]
        constraints = [
            models.UniqueConstraint(
                Lower("handle"),
                name="sochef_relayaccount_handle_ci_unique",
                violation_error_message=_("A relay account with this handle already exists."),
            ),
        ]

    def __str__(self):
        return f"@{self.handle}"

    @property
    def profile_url(self):
        return f"https://x.com/{self.handle}"


class FollowerSnapshot(Orderable):
    account = ParentalKey(RelayAccount, on_delete=models.CASCADE, related_name="follower_snapshots")
    date = models.DateField(_("date"))
    followers = models.PositiveIntegerField(_("followers"))

    panels = [FieldPanel("date"), FieldPanel("followers")]

    class Meta(Orderable.Meta):
        verbose_name = _("follower count")
        verbose_name_plural = _("follower counts")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "date"],
                name="sochef_followersnapshot_one_per_day",
                violation_error_message=_(
                    "This account already has a follower count for that date."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.followers} ({self.date})"


def relay_account_named(handle):
    """The relay account with the handle ``handle`` (any case, an @ before it or not), or None."""
    return RelayAccount.objects.filter(handle__iexact=handle.strip().removeprefix("@")).first()


def relay_account_handles():
    """The relay accounts' handles for a message: "@A, @B", or "–" when there is none."""
    return ", ".join(f"@{h}" for h in RelayAccount.objects.values_list("handle", flat=True)) or "–"
