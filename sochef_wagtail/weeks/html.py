"""Weeks in a listing as HTML made in Python: the markup of the ``week_summary.html`` and
``guest_card.html`` includes, without the template engine's cost per week and guest.

The guest index lists twenty weeks with two guests each; through the includes, their
variables, tags and translations cost more than the rest of the page. :func:`week_summary_html`
writes the same markup (``tests/test_week_html.py`` compares it with the templates), every
value from outside escaped by ``html.escape`` as Django's autoescaping does. When a host site
overrides either template, the templates are rendered instead, as before.
"""

from html import escape

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_rendition_or_not_found

from ..archive.html import templates_overridden
from ..choices import Role, Sector, Side
from ..languages import content_language, lang_attribute
from .models import GUEST_PHOTO_SPEC

WEEK_TEMPLATE = "sochef_wagtail/includes/week_summary.html"
GUEST_TEMPLATE = "sochef_wagtail/includes/guest_card.html"
PHOTO_ATTRIBUTES = {"class": "sochef-guest__photo", "alt": ""}
# One Filter for all photos: it parses its spec once.
PHOTO_FILTER = Filter(spec=GUEST_PHOTO_SPEC)
# What week_summary_html reads of a week besides its slots (week_end and week_number are
# week_start's).
SUMMARY_FIELDS = ("title", "url_path", "locale", "week_start")


class Strings:
    """What the templates translate, in the active language, and whether a host overrides
    them, looked up once per page."""

    def __init__(self):
        # Asked once per page, not per week: finding a template is no free lookup.
        self.templates_overridden = templates_overridden(WEEK_TEMPLATE, GUEST_TEMPLATE)
        self.week = gettext("Week %(number)s")
        self.own_account = escape(gettext("Own account:"))
        self.months = {number: str(name) for number, name in MONTHS.items()}
        # get_FOO_display() builds its field's choices afresh on each call.
        self.sides = {value: escape(str(label)) for value, label in Side.choices}
        self.roles = {value: escape(str(label)) for value, label in Role.choices}
        self.sectors = {value: escape(str(label).lower()) for value, label in Sector.choices}

    def day(self, date, year=False):
        """The ``date`` filter's "j F" (``year``: "j F Y")."""
        shown = f"{date.day} {self.months[date.month]}"
        return escape(f"{shown} {date.year}" if year else shown)


def for_summaries(weeks):
    """The queryset ``weeks`` reading only the fields :func:`week_summary_html` writes: a
    listing's pages are the costliest instances to make. All of them when a host overrides
    the templates, which may read any field."""
    if templates_overridden(WEEK_TEMPLATE, GUEST_TEMPLATE):
        return weeks
    return weeks.only(*SUMMARY_FIELDS)


def week_summary_html(week, request=None, heading_level=None, strings=None):
    """What ``week_summary.html`` renders for ``week`` (slots prefetched, ``tweet_count`` set
    or not), or that template when a host overrides it or ``guest_card.html``."""
    strings = strings or Strings()
    if strings.templates_overridden:
        context = {"week": week, "request": request, "heading_level": heading_level}
        return SafeString(render_to_string(WEEK_TEMPLATE, context, request=request))
    slots = week.slots.all()
    level = escape(str(heading_level or 3))
    start, end = week.week_start, week.week_end
    parts = [
        f'<li class="sochef-week{" sochef-week--pair" if len(slots) == 2 else ""}">\n'
        f'  <h{level} class="sochef-week__title">\n'
        f'    <a href="{escape(week.get_url(request=request) or "")}"'
        f"{lang_attribute(content_language(week))}>{escape(week.title)}</a>\n"
        f"  </h{level}>\n"
        '  <p class="sochef-week__dates">\n'
        f"    {strings.week % {'number': week.week_number}}:\n"
        f'    <time datetime="{start:%Y-%m-%d}">{strings.day(start)}</time>–'
        f'<time datetime="{end:%Y-%m-%d}">{strings.day(end, year=True)}</time>\n'
        "  </p>\n"
    ]
    count = getattr(week, "tweet_count", None)
    if count is not None:
        tweets = ngettext("%(tweets)s tweet", "%(tweets)s tweets", count) % {"tweets": count}
        parts.append(f'    <p class="sochef-week__tweets">\n      {tweets}\n    </p>\n')
    parts.append('  <div class="sochef-pair">\n')
    parts.extend(guest_card_html(slot, 4, strings) for slot in slots)
    parts.append("  </div>\n</li>\n")
    return SafeString("".join(parts))


def guest_card(slot, heading_level=None, show_bio=False, request=None, strings=None):
    """What ``guest_card.html`` renders for ``slot``, or that template when a host
    overrides it."""
    strings = strings or Strings()
    if strings.templates_overridden:
        context = {"slot": slot, "heading_level": heading_level, "show_bio": show_bio}
        return SafeString(render_to_string(GUEST_TEMPLATE, context, request=request))
    return SafeString(guest_card_html(slot, heading_level or 3, strings, show_bio))


def guest_card_html(slot, heading_level, strings, show_bio=False):
    """What ``guest_card.html`` renders for ``slot``; ``show_bio``: with the guest's bio, as
    on the week page."""
    account, guest = slot.account, slot.guest
    handle = escape(account.handle)
    side = strings.sides.get(account.side) or escape(account.side)
    parts = [
        f'<article class="sochef-guest sochef-guest--{escape(str(account.side))}">\n'
        '  <p class="sochef-guest__account">\n'
        f'    <span class="sochef-side">{side}</span>\n'
        f'    <a href="{escape(account.profile_url)}" rel="noopener">@{handle}</a>\n'
        "  </p>\n"
    ]
    if guest.photo:
        parts.append(f"    {photo_tag(guest.photo)}\n")
    organisation = f", {escape(guest.organisation)}" if guest.organisation else ""
    if guest.role == Role.OTHER:
        role = escape(guest.role_other)
    else:
        role = strings.roles.get(guest.role) or escape(guest.role)
    sector = strings.sectors.get(guest.sector) or escape(guest.sector.lower())
    name = escape(guest.name)
    guest_url = getattr(slot, "guest_url", None)  # set by weeks.views.link_guests
    if guest_url:
        name = f'<a href="{escape(guest_url)}">{name}</a>'
    parts.append(
        f'  <h{heading_level} class="sochef-guest__name">{name}</h{heading_level}>\n'
        '  <p class="sochef-guest__role">\n'
        f"    {role}{organisation}\n"
        f'    <span class="sochef-guest__sector">({sector})</span>\n'
        "  </p>\n"
    )
    if show_bio and guest.bio:
        # Not at the top: the tag library loads models, and the listings' models import this.
        from wagtail.templatetags.wagtailcore_tags import richtext

        parts.append(
            f'    <div class="sochef-guest__bio"{lang_attribute(content_language(guest))}>'
            f"{richtext(guest.bio)}</div>\n"
        )
    if guest.handle:
        own = escape(guest.handle)
        parts.append(
            f'    <p class="sochef-guest__own">{strings.own_account} '
            f'<a href="https://x.com/{own}" rel="noopener">@{own}</a></p>\n'
        )
    parts.append("</article>\n")
    return "".join(parts)


def photo_tag(photo):
    """``{% image photo fill-96x96 class="sochef-guest__photo" alt="" %}``, from the renditions
    ``slots_queryset`` prefetched when one fits (Wagtail's lookup also writes each to its cache)."""
    prefetched = getattr(photo, "prefetched_renditions", None)
    if prefetched:
        focal_point_key = PHOTO_FILTER.get_cache_key(photo)
        for rendition in prefetched:
            if rendition.focal_point_key == focal_point_key:
                return img_tag(rendition, PHOTO_ATTRIBUTES)
    # As the {% image %} tag: a photo whose file is gone is a broken image, not an error.
    return img_tag(get_rendition_or_not_found(photo, PHOTO_FILTER), PHOTO_ATTRIBUTES)


def img_tag(rendition, extra_attributes):
    """``rendition.img_tag(extra_attributes)``: the same attributes (Wagtail's default ones
    included) written as Django's ``flatatt`` writes them, sorted, without its lazy escaping
    machinery, which cost more than the rest of a guest card."""
    attributes = {
        **rendition.attrs_dict,
        **apps.get_app_config("wagtailimages").default_attrs,
        **extra_attributes,
    }
    pairs = sorted(
        (name, value)
        for name, value in attributes.items()
        if value is not None and not isinstance(value, bool)
    )
    flags = sorted(name for name, value in attributes.items() if value is True)
    written = "".join(f' {_attribute(name)}="{_attribute(value)}"' for name, value in pairs)
    return f"<img{written}{''.join(f' {_attribute(name)}' for name in flags)}>"


def _attribute(value):
    """Escaped as format_html escapes its arguments: not again when already safe."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))
