"""``{% load sochef_feeds %}{% sochef_feed_links %}`` in a base template's <head>: the
``<link rel="alternate">`` tags by which browsers and feed readers find the blog feeds and the
relay's posts; ``{% sochef_account_feed_links accounts %}`` adds the feeds of single relay
accounts."""

from django import template

from ..feeds import feed_links, relay_feed_links
from ..platforms import on_x_only

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


@register.inclusion_tag("sochef_wagtail/includes/feed_links.html", takes_context=True)
def sochef_account_feed_links(context, accounts):
    """The feeds of each of ``accounts`` (relay accounts) alone. No queries."""
    request = context.get("request")
    return {"feeds": [link for account in accounts for link in relay_feed_links(request, account)]}


@register.inclusion_tag("sochef_wagtail/includes/relay_feeds.html", takes_context=True)
def sochef_relay_feeds(context, accounts=(), x_only=None):
    """Visible links to the relay's posts: both accounts, then each of ``accounts``, worded for
    X when ``x_only`` (by default: when ``accounts`` are all on X). No queries; nothing when the
    app's URLs are not included."""
    request = context.get("request")
    both = relay_feed_links(request)
    singles = [(account, relay_feed_links(request, account)) for account in accounts]
    x_only = on_x_only(accounts) if x_only is None else x_only
    return {"both": both, "singles": singles if both else [], "on_x_only": x_only}
