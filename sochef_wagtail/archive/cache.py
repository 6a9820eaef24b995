"""The rendered tweets of weeks that are over, kept in Django's cache.

A past week's tweets hardly change, while rendering fifty of them costs more than the rest of
the page. Their HTML is cached (``SOCHEF_CACHE_ALIAS``, ``caching.cache_timeout()``) under a key
made of everything the rendering shows — the accounts, the days, the options, the template, the
language and time zone — and of a version token per account and week. Changing a tweet
replaces the token of its account's week, so the next request renders afresh; nothing has to
find and delete the old entries, which simply expire.

- Saving or deleting a ``Tweet`` or ``TweetMedia`` and saving a ``RelayAccount`` replace the
  tokens through signals (connected in ``apps.py``).
- Writes that send no signals (``bulk_create``, ``update()``, an archive import) must call
  :func:`invalidate_week_cache` for the accounts and days they wrote.
- Every invalidation also replaces the page cache's content version (page_cache.py): the
  week pages show tweets and the guest index counts them.
- Publishing a page needs nothing: a week published with other accounts or dates asks for
  another key.

Renderings whose last day is in the current week or later are never cached, nor are those for
a preview; for logged-in users the tweets are rendered afresh and the cache is refreshed.
"""

import datetime
import hashlib
import logging
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import __version__, page_cache
from ..caching import cache_enabled, cache_timeout, current_tokens, get_cache, replace_tokens
from ..conf import app_settings
from ..dates import current_week_start, week_start_of
from .models import Tweet
from .timeline import tweet_archive

logger = logging.getLogger(__name__)

PREFIX = "sochef:tweets"
ARCHIVE_TEMPLATE = "sochef_wagtail/includes/tweet_archive.html"
# Longer ranges (a tweet block showing years of tweets) would need a token for every week: they
# are rendered without the cache.
MAX_CACHED_WEEKS = 60


def _account_pk(account):
    return getattr(account, "pk", account)


def _local_day(moment):
    """A date, or the date of an aware datetime in SOCHEF_TIME_ZONE."""
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment, ZoneInfo(app_settings.TIME_ZONE)).date()
    return moment


def _mondays(first_day, last_day):
    monday, last = week_start_of(first_day), week_start_of(last_day)
    while monday <= last:
        yield monday
        monday += datetime.timedelta(weeks=1)


def _account_key(account_pk):
    return f"{PREFIX}:v:{account_pk}"


def _week_key(account_pk, monday):
    return f"{PREFIX}:v:{account_pk}:{monday.isoformat()}"


def invalidate_week_cache(account, start=None, end=None):
    """Forget the cached renderings of ``account``'s tweets from ``start`` to ``end``.

    ``account`` is a RelayAccount or its primary key; ``start`` and ``end`` are dates or aware
    datetimes (read in SOCHEF_TIME_ZONE), both included. Without both, every week of the
    account is forgotten, and so are the cached pages (see page_cache.py). Call it after
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
    page_cache.invalidate()


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
    cache = get_cache()
    try:
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
        key = f"{PREFIX}:html:" + hashlib.sha256(repr(identity).encode()).hexdigest()
        user = getattr(request, "user", None)
        html = None if user is not None and user.is_authenticated else cache.get(key)
    except Exception:
        logger.exception("The tweet cache could not be read; rendering without it")
        return render()
    if html is None:
        html = render()
        try:
            cache.set(key, html, timeout=cache_timeout())
        except Exception:
            logger.exception("The tweet cache could not be written")
    return mark_safe(html)


def tweet_archive_html(request, accounts, first_day, last_day, heading_level=3):
    """The tweets of ``accounts`` from ``first_day`` to ``last_day`` as HTML (the
    ``tweet_archive.html`` include with the default options), cached when those days are over."""

    def render():
        archive = tweet_archive(accounts, first_day, last_day)
        context = {"archive": archive, "heading_level": heading_level}
        return render_to_string(ARCHIVE_TEMPLATE, context)

    parts = (ARCHIVE_TEMPLATE, heading_level)
    return cached_tweets_html(request, accounts, first_day, last_day, parts, render)


# Signal receivers, connected in apps.py: single saves and deletes invalidate by themselves.


def tweet_changed(sender, instance, **kwargs):
    invalidate_week_cache(instance.account_id, instance.created_at, instance.created_at)


def tweet_moving(sender, instance, raw=False, **kwargs):
    """Before an existing tweet is saved: forget the week it was in, should it move."""
    if raw or instance.pk is None or not cache_enabled():
        return
    before = Tweet.objects.filter(pk=instance.pk).values("account_id", "created_at").first()
    if before and (before["account_id"], before["created_at"]) != (
        instance.account_id,
        instance.created_at,
    ):
        invalidate_week_cache(before["account_id"], before["created_at"], before["created_at"])


def media_changed(sender, instance, **kwargs):
    # Read the tweet afresh: when media go with their tweet, the tweet may be gone already.
    tweet = Tweet.objects.filter(pk=instance.tweet_id).values("account_id", "created_at").first()
    if tweet:
        invalidate_week_cache(tweet["account_id"], tweet["created_at"], tweet["created_at"])


def account_saved(sender, instance, **kwargs):
    invalidate_week_cache(instance)
