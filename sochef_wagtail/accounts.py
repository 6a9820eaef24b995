"""Relay accounts: the shared accounts (on X, Bluesky or Mastodon) that a new guest takes over
each week."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from .choices import Platform, Side
from .handles import (
    HANDLE_PATTERNS,
    PLATFORM_ID_MAX_LENGTH,
    PLATFORM_ID_PATTERNS,
    AccountHandleField,
    validate_account_handle,
    validate_platform_id,
)
from .platforms import network


def _per_platform(field, patterns):
    """The condition that ``field`` follows its row's platform's pattern."""
    condition = Q()
    for platform, pattern in patterns.items():
        condition |= Q(platform=platform, **{f"{field}__regex": pattern})
    return condition


class RelayAccount(index.Indexed, ClusterableModel):
    platform = models.CharField(
        _("platform"),
        max_length=20,
        choices=Platform.choices,
        default=Platform.X,
        help_text=_("The network the account posts on."),
    )
    handle = AccountHandleField(
        _("handle"),
        help_text=_(
            "The account's handle without @: on X e.g. Skyddsombud, on Bluesky e.g. "
            "skyddsombud.bsky.social, on Mastodon e.g. skyddsombud@mastodon.social. "
            "A profile's address is taken too."
        ),
    )
    display_name = models.CharField(_("display name"), max_length=100)
    side = models.CharField(
        _("side"),
        max_length=20,
        choices=Side.choices,
        help_text=_("Whose perspective the guests on this account post from."),
    )
    description = models.TextField(_("description"), blank=True)
    platform_id = models.CharField(
        _("account id"),
        max_length=PLATFORM_ID_MAX_LENGTH,
        blank=True,
        help_text=_(
            "The account's id on its platform (X: user id, Bluesky: DID, Mastodon: account "
            "id), which stays when the handle changes. Filled in on the first fetch or import."
        ),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive accounts are kept with their history but no longer fetched."),
    )
    # Written by the fetch (archive/fetch.py), read by editors: no form changes them.
    fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    fetch_report = models.TextField(
        _("last fetch"),
        blank=True,
        editable=False,
        help_text=_("What the last fetch of the account's posts said."),
    )
    fetch_failed = models.BooleanField(_("last fetch failed"), default=False, editable=False)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("platform"),
                FieldPanel("handle"),
                FieldPanel("display_name"),
                FieldPanel("side"),
            ],
            heading=_("Account"),
        ),
        FieldPanel("description"),
        FieldPanel("platform_id"),
        FieldPanel("active"),
        MultiFieldPanel(
            [
                FieldPanel("fetched_at", read_only=True),
                FieldPanel("fetch_report", read_only=True),
            ],
            heading=_("Fetching"),
        ),
        InlinePanel("follower_snapshots", heading=_("Follower counts"), label=_("Snapshot")),
    ]

    search_fields = [
        index.SearchField("handle"),
        index.AutocompleteField("handle"),
        index.SearchField("display_name"),
        index.AutocompleteField("display_name"),
        index.SearchField("description"),
        index.FilterField("platform"),
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
            # Unique per platform, and so across them: the platforms' handles never look alike.
            models.UniqueConstraint(
                Lower("handle"),
                name="sochef_relayaccount_handle_ci_unique",
                violation_error_message=_("A relay account with this handle already exists."),
            ),
            # clean() says which rule a handle or id breaks; these keep every other way of
            # saving an account (code, fetch, import) to the same rules.
            models.CheckConstraint(
                condition=_per_platform("handle", HANDLE_PATTERNS),
                name="sochef_relayaccount_handle_rule",
                violation_error_message=_("The handle does not follow its platform's rule."),
            ),
            models.CheckConstraint(
                condition=Q(platform_id="") | _per_platform("platform_id", PLATFORM_ID_PATTERNS),
                name="sochef_relayaccount_platform_id_rule",
                violation_error_message=_("The account id is not an id of its platform."),
            ),
        ]

    def __str__(self):
        return f"@{self.handle}"

    def clean(self):
        super().clean()
        errors = {}
        for field, validate in (
            ("handle", validate_account_handle),
            ("platform_id", validate_platform_id),
        ):
            try:
                validate(self.platform, getattr(self, field))
            except ValidationError as error:
                errors[field] = error
        posts_platform = None if "platform" in errors else self.platform_of_stored_posts()
        if posts_platform is not None:
            errors["platform"] = self.platform_stays(posts_platform)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # A form says so in clean(); code that saves an account is held to the same rule, as
        # the posts would otherwise be read as the other platform's.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "platform" in update_fields:
            posts_platform = self.platform_of_stored_posts()
            if posts_platform is not None:
                raise ValidationError({"platform": self.platform_stays(posts_platform)})
        super().save(*args, **kwargs)

    @staticmethod
    def platform_stays(platform):
        return ValidationError(
            _("The account has posts stored from %(platform)s: its platform stays."),
            params={"platform": Platform(platform).label},
            code="platform_with_posts",
        )

    def platform_of_stored_posts(self):
        """The platform this saved account had, when it is given another one while it has
        stored posts (which were that platform's); else None."""
        if self.pk is None:
            return None
        stored = RelayAccount.objects.filter(pk=self.pk).values_list("platform", flat=True).first()
        if stored in (None, self.platform):
            return None
        from .archive.models import Tweet  # the archive's models import this module

        return stored if Tweet.objects.filter(account_id=self.pk).exists() else None

    @admin.display(description=_("last fetch"))
    def last_fetch(self):
        """The last fetch, for the admin's listing: when, and what it said."""
        if self.fetched_at is None:
            return _("not fetched yet")
        moment = date_format(timezone.localtime(self.fetched_at), "SHORT_DATETIME_FORMAT")
        mark = _("Failed") if self.fetch_failed else _("OK")
        return f"{mark}, {moment}: {self.fetch_report}"

    @property
    def network(self):
        """The addresses and words of the account's platform (``platforms.Network``)."""
        return network(self.platform)

    @property
    def profile_url(self):
        """The account's public profile on its platform."""
        return self.network.profile_url(self.handle)


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


def relay_on_x_only():
    """Whether every relay account is on X: readers then read "tweets", else "posts". One
    query."""
    return not RelayAccount.objects.exclude(platform=Platform.X).exists()
