"""Template helpers for showing archived tweets: ``{% load sochef_tweets %}``."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from ..archive.html import TWEET_TEMPLATE, Strings, templates_overridden, tweet_html
from ..archive.rendering import tweet_text_html
from ..dates import app_time_zone

register = template.Library()

STRINGS = "sochef_tweet_strings"


@register.simple_tag(takes_context=True)
def sochef_tweet(context, tweet, show_context=False, show_side=False):
    """``{% sochef_tweet tweet show_context=True show_side=True %}``: what the ``tweet.html``
    include renders with these variables, made in Python (``archive/html.py``) unless a host
    site overrides that template, which is then rendered."""
    # Asked once per rendering of the page, with the strings: a list has many tweets.
    strings = context.render_context.get(STRINGS, False)
    if strings is False:
        overridden = templates_overridden(TWEET_TEMPLATE)
        strings = context.render_context[STRINGS] = None if overridden else Strings()
    if strings is None:
        variables = {"tweet": tweet, "show_context": show_context, "show_side": show_side}
        return render_to_string(TWEET_TEMPLATE, {**context.flatten(), **variables})
    return tweet_html(tweet, show_context=show_context, show_side=show_side, strings=strings)


@register.filter
def tweet_text(tweet):
    """The tweet's text as HTML, escaped once, with its entities as links."""
    return tweet_text_html(tweet.text, tweet.entities, tweet.links)


@register.simple_tag
def tweet_time(tweet):
    """The tweet's permalink around its time in SOCHEF_TIME_ZONE, formatted as the ``date``
    filter would inside ``{% timezone %}``: a cold page shows fifty of them, and switching the
    active zone for each cost more than the formatting."""
    moment = timezone.localtime(tweet.created_at, app_time_zone())
    return format_html(
        '<a class="sochef-tweet__permalink" href="{}" rel="noopener">'
        '<time datetime="{}">{}</time></a>',
        tweet.permalink,
        date_format(moment, "c"),
        date_format(moment, "j F Y H:i"),
    )
