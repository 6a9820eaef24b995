"""Weeks in listings: ``{% load sochef_weeks %}``."""

from django import template

from ..weeks.html import Strings, week_summary_html

register = template.Library()

STRINGS = "sochef_week_strings"


@register.simple_tag(takes_context=True)
def sochef_week_summary(context, week, heading_level=None):
    """``{% sochef_week_summary week heading_level=4 %}``: what the ``week_summary.html``
    include renders for ``week``, made in Python (``weeks/html.py``) unless a host site
    overrides it or ``guest_card.html``, which are then rendered."""
    strings = context.render_context.get(STRINGS)
    if strings is None:
        strings = context.render_context[STRINGS] = Strings()
    return week_summary_html(week, context.get("request"), heading_level, strings)
