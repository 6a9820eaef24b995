"""``{% load sochef_feeds %}{% sochef_feed_links %}`` in a base template's <head>: the
``<link rel="alternate">`` tags by which browsers and feed readers find the blog feeds."""

from django import template

from ..feeds import feed_links

register = template.Library()

SHOWN = "sochef_feed_links_shown"


@register.inclusion_tag("sochef_wagtail/includes/feed_links.html", takes_context=True)
def sochef_feed_links(context):
    """The links once per page, even when both the host's base template and ours ask for them;
    nothing when no blog is configured or the app's URLs are not included. No queries."""
    if context.render_context.get(SHOWN):
        return {"feeds": []}
    context.render_context[SHOWN] = True
    return {"feeds": feed_links(context.get("request"))}
