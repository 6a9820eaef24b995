"""Weeks in listings: ``{% load sochef_weeks %}``."""

from django import template

from ..platforms import on_x_only
from ..weeks.html import Strings, guest_card, guest_cards, week_summary_html

register = template.Library()

STRINGS = "sochef_week_strings"


def strings_of(context):
    """The Strings of this rendering: one lookup of translations and overrides per page."""
    strings = context.render_context.get(STRINGS)
    if strings is None:
        strings = context.render_context[STRINGS] = Strings()
    return strings


@register.simple_tag(takes_context=True)
def sochef_guest_card(context, slot, heading_level=None, show_bio=False):
    """``{% sochef_guest_card slot heading_level=2 show_bio=True %}``: what the
    ``guest_card.html`` include renders for ``slot``, made in Python unless a host site
    overrides it (or ``week_summary.html``), which is then rendered."""
    return guest_card(slot, heading_level, show_bio, context.get("request"), strings_of(context))


register.filter("guest_cards", guest_cards)


@register.filter
def accounts_on_x_only(slots):
    """Whether the accounts of ``slots`` are all X's: their posts are then "tweets"."""
    return on_x_only(account for slot in slots for account in slot.accounts)


@register.simple_tag(takes_context=True)
def sochef_week_summary(context, week, heading_level=None):
    """``{% sochef_week_summary week heading_level=4 %}``: what the ``week_summary.html``
    include renders for ``week``, made in Python (``weeks/html.py``) unless a host site
    overrides it or ``guest_card.html``, which are then rendered."""
    return week_summary_html(week, context.get("request"), heading_level, strings_of(context))
