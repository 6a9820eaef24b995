"""``{% load sochef_meta %}{% sochef_meta %}`` in a base template's <head>: the meta
description, OpenGraph and card tags of a SOchef page or route (``sochef_meta`` in its
context, see SochefPageMixin.get_meta); nothing on other pages."""

from django import template

register = template.Library()

SHOWN = "sochef_meta_shown"


@register.inclusion_tag("sochef_wagtail/includes/meta.html", takes_context=True)
def sochef_meta(context):
    """The tags once per page, even when both the host's base template and ours ask for them.
    Cached with the page (caching/pages.py): a page served from the cache reads nothing."""
    if context.render_context.get(SHOWN) or "sochef_meta" not in context:
        return {"meta": None}
    context.render_context[SHOWN] = True
    return {
        "meta": context["sochef_meta"],
        "page": context.get("page"),
        "request": context.get("request"),
    }
