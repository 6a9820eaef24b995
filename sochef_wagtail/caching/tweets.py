"""The rendered tweets of weeks that are over, kept in Django's cache.

A past week's tweets hardly change, while rendering fifty of them costs more than the rest of
the page. Their HTML is cached (``SOCHEF_CACHE_ALIAS``, ``caching.cache_timeout()``) under a key
made of everything the rendering shows — the accounts, the days, the options, the template, the
language and time zone — and of a version token per account and week. Changing a tweet
replaces the token of its account's week, so the next request renders afresh; nothing has to
find and delete the old entries, which simply expire.

- Saving or deleting a ``Tweet`` or ``TweetMedia``, saving a ``RelayAccount`` and the
  archive's ``tweets_stored`` signal (sent by ``tweet_store``) replace the tokens (receivers
  in ``signal_handlers.py``).
- Other writes that send no signals (``bulk_create``, ``update()``) must call
  :func:`invalidate_week_cache` for the accounts and days they wrote.
- Every invalidation also replaces the page cache's content version (``pages.py``): the
  week pages show tweets and the guest index counts them.
- Publishing a page needs nothing: a week published with other accounts or dates asks for
  another key.

Renderings whose last day is in the current week or later are never cached, nor are those for
a preview; for logged-in users the tweets are rendered afresh and the cache is refreshed.
"""

import datetime
import hashlib

from django.utils.translation import get_language

from .. import __version__
from ..archive.html import ARCHIVE_TEMPLATE, archive_html, tweet_templates_overridden
from ..archive.timeline import tweet_archive
from ..conf import app_settings
from ..dates import WEEK, current_week_start, local_date, week_start_of
from . import cache_enabled, current_tokens, get_or_render, pages, replace_tokens

PREFIX = "sochef:tweets"
# Longer ranges (a tweet block showing years of tweets) would need a token for every week: they
# are rendered without the cache.
MAX_CACHED_WEEKS = 60


def _account_pk(account):
    return getattr(account, "pk", account)


def _local_day(moment):
    """A date, or the date of an aware datetime in SOCHEF_TIME_ZONE."""
    if isinstance(moment, datetime.datetime):
        return local_date(moment)
    return moment


def _mondays(first_day, last_day):
    monday, last = week_start_of(first_day), week_start_of(last_day)
    while monday <= last:
        yield monday
        monday += WEEK


def _account_key(account_pk):
    return f"{PREFIX}:v:{account_pk}"


def _week_key(account_pk, monday):
    return f"{PREFIX}:v:{account_pk}:{monday.isoformat()}"


def invalidate_week_cache(account, start=None, end=None):
    """Forget the cached renderings of ``account``'s tweets from ``start`` to ``end``.

    ``account`` is a RelayAccount or its primary key; ``start`` and ``end`` are dates or aware
    datetimes (read in SOCHEF_TIME_ZONE), both included. Without both, every week of the
    account is forgotten, and so are the cached pages (see pages.py). Call it after
    writing tweets without signals (``bulk_create``, ``update()``); inside a transaction is
    fine: the tokens are replaced at once and again when it commits, so a request that read the
    old rows meanwhile cannot keep them cached.
    """
    account_pk = _account_pk(account)
    if start is None or end is None:
        keys = [_account_key(account_pk)]
    else:
        first, last = sorted((_local_day(start), _local_day(end)))
        if (last - first).days > 7 * MAX_CACHED_WEEKS:
            keys = [_account_key(account_pk)]
        else:
            keys = [_week_key(account_pk, monday) for monday in _mondays(first, last)]
    replace_tokens(keys)
    # The guest index counts the tweets and the week pages show them.
    pages.invalidate()


def _tokens(account_pks, first_day, last_day):
    """The current token of each account and of each account's weeks."""
    keys = [_account_key(pk) for pk in account_pks] + [
        _week_key(pk, monday) for pk in account_pks for monday in _mondays(first_day, last_day)
    ]
    return current_tokens(keys)


def is_cacheable(first_day, last_day):
    """Whether tweets from ``first_day`` to ``last_day`` may be cached: a closed range that
    ended before this week, and not too long."""
    return (
        cache_enabled()
        and first_day is not None
        and last_day is not None
        and last_day < current_week_start()
        and (last_day - first_day).days <= 7 * MAX_CACHED_WEEKS
    )


def cached_tweets_html(request, accounts, first_day, last_day, parts, render):
    """The HTML ``render()`` returns for the tweets of ``accounts`` from ``first_day`` to
    ``last_day``, from the cache when that range is over.

    ``parts`` holds whatever else the HTML depends on (template, options), as hashable values.
    A preview renders without the cache; a logged-in user gets a fresh rendering, which
    replaces the cached one.
    """
    if request is not None and getattr(request, "is_preview", False):
        return render()
    if not is_cacheable(first_day, last_day):
        return render()

    def make_key():
        account_pks = sorted({_account_pk(account) for account in accounts})
        identity = (
            __version__,
            get_language(),
            app_settings.TIME_ZONE,
            account_pks,
            first_day.isoformat(),
            last_day.isoformat(),
            parts,
            _tokens(account_pks, first_day, last_day),
        )
        return f"{PREFIX}:html:" + hashlib.sha256(repr(identity).encode()).hexdigest()

    user = getattr(request, "user", None)
    refresh = user is not None and user.is_authenticated
    return get_or_render("tweet cache", make_key, render, refresh=refresh)


def tweet_archive_html(request, accounts, first_day, last_day, heading_level=3):
    """The tweets of ``accounts`` from ``first_day`` to ``last_day`` as HTML (the
    ``tweet_archive.html`` include with the default options), cached when those days are over."""

    def render():
        rows = not tweet_templates_overridden()
        archive = tweet_archive(accounts, first_day, last_day, rows=rows)
        return archive_html(archive, heading_level)

    parts = (ARCHIVE_TEMPLATE, heading_level)
    return cached_tweets_html(request, accounts, first_day, last_day, parts, render)
