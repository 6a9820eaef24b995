"""SOchef's caches: the cache, whether it is on, version tokens, the one get-or-render path,
and the answer to a conditional GET.

Two caches keep rendered HTML: the page cache (``pages.py``: the SOchef content of the guest
index and the week pages) and the tweet cache (``tweets.py``: the tweets of weeks that are over).
Both go through :func:`get_or_render`. Each cached entry's key holds version tokens. Replacing a
token (by a new uuid) makes every entry keyed with the old one unreachable, so nothing has to
find and delete old entries: they simply expire. The tweet cache keeps a token per account and
week, the page cache one for all SOchef content. What replaces them when content changes is
connected in ``signal_handlers.py``.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition

from ..conf import app_settings

logger = logging.getLogger(__name__)


#: Backends whose entries live in each server process: an invalidation made by one process
#: does not reach the others, which keep serving their entries until these expire.
PER_PROCESS_BACKENDS = ("django.core.cache.backends.locmem.LocMemCache",)
#: The default lifetime of entries in such a cache: how late a change may show elsewhere.
PER_PROCESS_TIMEOUT = 60
#: The default lifetime of entries in a shared cache (Redis, Memcached, database).
SHARED_TIMEOUT = 7 * 24 * 3600


def cache_timeout():
    """Seconds an entry stays cached: SOCHEF_CACHE_TIMEOUT, or when it is None (the default)
    7 days in a shared cache and a minute in a per-process one; 0 means no caching."""
    if app_settings.CACHE_TIMEOUT is not None:
        return app_settings.CACHE_TIMEOUT
    backend = settings.CACHES.get(app_settings.CACHE_ALIAS, {}).get("BACKEND", "")
    return PER_PROCESS_TIMEOUT if backend in PER_PROCESS_BACKENDS else SHARED_TIMEOUT


def cache_enabled():
    return cache_timeout() != 0


def get_cache():
    return caches[app_settings.CACHE_ALIAS]


def current_tokens(keys):
    """The current token under each of ``keys``; missing ones are made."""
    cache = get_cache()
    tokens = cache.get_many(keys)
    for key in keys:
        if key not in tokens:
            # A token never comes back, so a lost one can only cause a miss, never a stale hit.
            tokens[key] = uuid.uuid4().hex
            cache.add(key, tokens[key], timeout=None)
    return [tokens[key] for key in keys]


def replace_tokens(keys):
    """Give each of ``keys`` a new token, at once and again when the current transaction
    commits: a request that read the old rows meanwhile cannot keep them cached."""
    if not cache_enabled():
        return
    _set_new_tokens(keys)
    transaction.on_commit(lambda: _set_new_tokens(keys))


def _set_new_tokens(keys):
    try:
        get_cache().set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
    except Exception:
        # A cache that cannot be written to cannot serve the old tokens either, unless it
        # comes back with them: say so loudly.
        logger.exception("SOchef's cache could not be invalidated for %s", keys)


def get_or_render(name, make_key, render, *, refresh=False, store_if=None):
    """The HTML cached under ``make_key()``, or ``render()``'s, stored under that key.

    ``make_key`` is called only when the cache is on; it may read tokens from the cache.
    ``refresh`` renders afresh and replaces the cached entry; ``store_if()``, asked after
    rendering, keeps the HTML out of the cache when false. A cache that cannot be reached is
    logged (as the ``name`` cache) and the HTML rendered without it.
    """
    if not cache_enabled():
        return render()
    try:
        cache = get_cache()
        key = make_key()
        html = None if refresh else cache.get(key)
    except Exception:
        logger.exception("The %s could not be read; rendering without it", name)
        return render()
    if html is None:
        html = render()
        if store_if is not None and not store_if():
            return html
        try:
            cache.set(key, html, timeout=cache_timeout())
        except Exception:
            logger.exception("The %s could not be written", name)
    return mark_safe(html)


def conditional_response(request, respond, etag, last_modified=None):
    """``respond(request)`` with these validators (ETag, Last-Modified when given), or 304 Not
    Modified when the client's If-None-Match / If-Modified-Since says it has that version."""
    return condition(
        etag_func=lambda request: etag, last_modified_func=lambda request: last_modified
    )(respond)(request)
