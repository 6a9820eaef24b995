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
from django.db import connections
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_rendition_or_not_found

from ..accounts import RelayAccount
from ..archive.html import templates_overridden
from ..choices import Role, Sector, Side
from ..guests import Guest
from ..languages import content_language, lang_attribute
from ..platforms import on_x_only
from .models import GUEST_PHOTO_SPEC, GuestSlot, slots_queryset

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


def with_listed_slots(weeks):
    """Give each week of the list ``weeks`` (read by :func:`for_summaries`) the slots
    :func:`slots_of` returns: rows of :func:`list_slots`, one statement, or, when a host
    overrides the templates, which may read any field, the slots of ``slots_queryset``."""
    if templates_overridden(WEEK_TEMPLATE, GUEST_TEMPLATE):
        prefetch_related_objects(weeks, Prefetch("slots", queryset=slots_queryset()))
        return weeks
    listed = list_slots([week.pk for week in weeks])
    for week in weeks:
        week.listed_slots = listed.get(week.pk, [])
    return weeks


def guest_cards(slots):
    """The slots whose guest cards a week shows: one per guest and side, its ``accounts`` all
    the side's accounts the guest posts from that week (a guest on Bluesky and on Mastodon at
    once is shown once, with both)."""
    cards = {}
    for slot in slots:
        # The slots of several weeks (a guest's page) stay apart by week. A model's guest is
        # known by its id without reading it; a listed row has no id but the guest's slug.
        guest = getattr(slot, "guest_id", None) or slot.guest.slug
        key = (getattr(slot, "page_id", None), guest, slot.account.side)
        card = cards.get(key)
        if card is None:
            cards[key] = slot
            slot.accounts = [slot.account]
        else:
            card.accounts = [*card.accounts, slot.account]
    return list(cards.values())


def slots_of(week):
    """The week's slots, employer side first: those :func:`with_listed_slots` gave it, else its
    own (prefetched or not)."""
    listed = getattr(week, "listed_slots", None)
    return week.slots.all() if listed is None else listed


class ListedAccount:
    """A slot's relay account, as a guest card shows it."""

    __slots__ = ("pk", "handle", "side", "platform")
    network = RelayAccount.network
    profile_url = RelayAccount.profile_url

    def __init__(self, pk, handle, side, platform):
        self.pk, self.handle, self.side, self.platform = pk, handle, side, platform


class ListedRendition:
    """A photo's rendition, as ``img_tag`` writes it."""

    __slots__ = ("url", "width", "height", "focal_point_key")

    def __init__(self, url, width, height, focal_point_key):
        self.url, self.width = url, width
        self.height, self.focal_point_key = height, focal_point_key

    @property
    def attrs_dict(self):
        # A Rendition's, but for alt: every listing's photo has PHOTO_ATTRIBUTES' empty one.
        return {"src": self.url, "width": self.width, "height": self.height}


class ListedPhoto:
    """A guest's photo: what its rendition's cache key varies by, and its renditions."""

    __slots__ = ("pk", "focal_point_x", "focal_point_y", "focal_point_width")
    __slots__ += ("focal_point_height", "prefetched_renditions")

    def __init__(self, pk, x, y, width, height):
        self.pk, self.focal_point_x, self.focal_point_y = pk, x, y
        self.focal_point_width, self.focal_point_height = width, height
        self.prefetched_renditions = []

    def image(self):
        """The image itself, read to make a rendition the listing has not got."""
        return get_image_model().objects.get(pk=self.pk)


class ListedGuest:
    """A slot's guest, as a guest card in a listing shows them (no bio)."""

    __slots__ = ("name", "role", "role_other", "organisation", "sector", "handle", "slug")
    __slots__ += ("photo",)

    def __init__(self, values, photo):
        self.name, self.role, self.role_other, self.organisation = values[:4]
        self.sector, self.handle, self.slug = values[4:]
        self.photo = photo

    own_account_url = Guest.own_account_url


class ListedSlot:
    """A week's guest on a relay account, as a listing shows them."""

    __slots__ = ("pk", "account_id", "account", "accounts", "guest", "guest_url")

    def __init__(self, pk, account, guest):
        self.pk, self.account_id, self.account, self.guest = pk, account.pk, account, guest
        self.accounts = [account]
        self.guest_url = None


# The slots of the listed weeks with account, guest, photo and its listing rendition, in one
# statement: the ORM's prefetch chain of the same (slots_queryset) cost a quarter of the guest
# index's time making models, and a query more.
LIST_SLOTS_SQL = """
SELECT s.page_id, s.id, a.id, a.handle, a.side, a.platform,
  g.name, g.role, g.role_other, g.organisation, g.sector, g.handle, g.slug,
  i.id, i.focal_point_x, i.focal_point_y, i.focal_point_width, i.focal_point_height,
  r.{file}, r.width, r.height, r.focal_point_key
FROM {slot} s
JOIN {account} a ON a.id = s.account_id
JOIN {guest} g ON g.id = s.guest_id
LEFT JOIN {image} i ON i.id = g.photo_id
LEFT JOIN {rendition} r ON r.{rendition_image} = i.id AND r.filter_spec = %s
WHERE s.page_id IN ({pages})
ORDER BY s.page_id, a.side, s.sort_order, s.id, r.id
"""


def list_slots(week_pks):
    """Per week of primary keys ``week_pks``: its slots as ListedSlot rows, employer side first
    (``slots_queryset``'s order), each photo with its PHOTO_FILTER renditions. One query."""
    if not week_pks:
        return {}
    rendition_model = get_image_model().get_rendition_model()
    file_field = rendition_model._meta.get_field("file")
    sql = LIST_SLOTS_SQL.format(
        slot=GuestSlot._meta.db_table,
        account=RelayAccount._meta.db_table,
        guest=Guest._meta.db_table,
        image=get_image_model()._meta.db_table,
        rendition=rendition_model._meta.db_table,
        rendition_image=rendition_model._meta.get_field("image").column,
        file=file_field.column,
        pages=", ".join(["%s"] * len(week_pks)),
    )
    weeks, slots, accounts = {}, {}, {}
    with connections[GuestSlot.objects.db].cursor() as cursor:
        cursor.execute(sql, [PHOTO_FILTER.spec, *week_pks])
        for row in cursor.fetchall():
            slot = slots.get(row[1])
            if slot is None:
                account = accounts.get(row[2]) or accounts.setdefault(
                    row[2], ListedAccount(*row[2:6])
                )
                photo = ListedPhoto(*row[13:18]) if row[13] is not None else None
                slot = slots[row[1]] = ListedSlot(row[1], account, ListedGuest(row[6:13], photo))
                weeks.setdefault(row[0], []).append(slot)
            if row[18]:
                rendition = ListedRendition(file_field.storage.url(row[18]), *row[19:22])
                slot.guest.photo.prefetched_renditions.append(rendition)
    return weeks


def week_summary_html(week, request=None, heading_level=None, strings=None):
    """What ``week_summary.html`` renders for ``week`` (slots prefetched or listed,
    ``tweet_count`` set or not), or that template when a host overrides it or
    ``guest_card.html``."""
    strings = strings or Strings()
    if strings.templates_overridden:
        context = {"week": week, "request": request, "heading_level": heading_level}
        return SafeString(render_to_string(WEEK_TEMPLATE, context, request=request))
    slots = guest_cards(slots_of(week))
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
        if on_x_only(slot.account for slot in slots):
            tweets = ngettext("%(tweets)s tweet", "%(tweets)s tweets", count) % {"tweets": count}
        else:
            tweets = ngettext("%(posts)s post", "%(posts)s posts", count) % {"posts": count}
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
    side = strings.sides.get(account.side) or escape(account.side)
    parts = [
        f'<article class="sochef-guest sochef-guest--{escape(str(account.side))}">\n'
        '  <p class="sochef-guest__account">\n'
        f'    <span class="sochef-side">{side}</span>\n'
    ]
    parts.extend(
        f'    <a href="{escape(each.profile_url)}" rel="noopener">@{escape(each.handle)}</a>\n'
        for each in slot.accounts
    )
    parts.append("  </p>\n")
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
        parts.append(
            f'    <p class="sochef-guest__own">{strings.own_account} '
            f'<a href="{escape(guest.own_account_url)}" rel="noopener">'
            f"@{escape(guest.handle)}</a></p>\n"
        )
    parts.append("</article>\n")
    return "".join(parts)


def photo_tag(photo):
    """``{% image photo fill-96x96 class="sochef-guest__photo" alt="" %}``, from the renditions
    ``slots_queryset`` prefetched or ``list_slots`` read when one fits (Wagtail's lookup also
    writes each to its cache)."""
    prefetched = getattr(photo, "prefetched_renditions", None)
    if prefetched:
        focal_point_key = PHOTO_FILTER.get_cache_key(photo)
        for rendition in prefetched:
            if rendition.focal_point_key == focal_point_key:
                return img_tag(rendition, PHOTO_ATTRIBUTES)
    image = photo.image() if isinstance(photo, ListedPhoto) else photo
    # As the {% image %} tag: a photo whose file is gone is a broken image, not an error.
    return img_tag(get_rendition_or_not_found(image, PHOTO_FILTER), PHOTO_ATTRIBUTES)


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
