"""Guests: the people who take over a relay account for a week."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.search import index

from .choices import Role, Sector
from .handles import HandleField
from .platforms import own_account_url

SLUG_BASE_LENGTH = 70
SLUG_ATTEMPTS = 20


def free_slug(name, taken=None):
    """A slug from ``name`` no guest has: ``anna-lindqvist``, else ``anna-lindqvist-2``, …

    ``taken``: the slugs in use, for guests created in bulk (the new slug is added to it);
    by default those in the database."""
    base = slugify(name)[:SLUG_BASE_LENGTH].strip("-") or "guest"
    if taken is None:
        taken = set(Guest.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def language_choices():
    """The site's languages: a callable, so that a migration does not copy the host's list."""
    return settings.LANGUAGES


class Guest(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    role_other = models.CharField(
        _("other role"),
        max_length=100,
        blank=True,
        help_text=_("Describe the role when “Other” is chosen."),
    )
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    bio = RichTextField(_("bio"), blank=True, features=["bold", "italic", "link"])
    photo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handle = HandleField(
        _("own account"),
        blank=True,
        help_text=_(
            "The guest's own account: a handle on X (Skyddsombud), Bluesky "
            "(name.bsky.social) or Mastodon (name@mastodon.social), or its address (optional)."
        ),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_(
            "The guest's address on the site, made from the name when left empty. "
            "Changing it breaks links to the guest's page."
        ),
    )
    email = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_(
            "Where the reminder a week before the guest's week goes; never shown on the site."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=language_choices,
        help_text=_("The language of the e-mails to the guest; empty: the site's language."),
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("role"), FieldPanel("role_other")])],
            heading=_("Role"),
        ),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("sector")]),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("handle"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("email"), FieldPanel("language")], heading=_("E-mails")),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("organisation"),
        index.SearchField("role_other"),
        index.SearchField("bio"),
        index.FilterField("role"),
        index.FilterField("sector"),
    ]

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Give a new guest a slug from the name, once: renaming keeps the address."""
        if self.slug:
            return super().save(*args, **kwargs)
        for attempt in range(SLUG_ATTEMPTS):
            self.slug = free_slug(self.name)
            try:
                # In a savepoint: a guest of the same name saved at the same moment may have
                # taken the slug; the next attempt sees it.
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                self.slug = ""
                if attempt == SLUG_ATTEMPTS - 1:
                    raise

    def clean(self):
        if self.role == Role.OTHER and not self.role_other.strip():
            raise ValidationError({"role_other": _("Describe the role when “Other” is chosen.")})
        if self.role != Role.OTHER:
            self.role_other = ""

    @property
    def email_language(self):
        """The language of the e-mails to the guest."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def role_label(self):
        return self.role_other if self.role == Role.OTHER else self.get_role_display()

    @property
    def own_account_url(self):
        return own_account_url(self.handle)
