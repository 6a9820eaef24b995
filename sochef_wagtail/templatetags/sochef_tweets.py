"""Template helpers for showing archived tweets: ``{% load sochef_tweets %}``."""

from django import template

from ..archive.rendering import tweet_text_html
from ..conf import app_settings

register = template.Library()


@register.filter
def tweet_text(tweet):
    """The tweet's text as HTML, escaped once, with its entities as links."""
    return tweet_text_html(tweet.text, tweet.entities)


@register.simple_tag
def sochef_time_zone():
    """The zone tweets' times are shown in (SOCHEF_TIME_ZONE), for ``{% timezone %}``."""
    return app_settings.TIME_ZONE
