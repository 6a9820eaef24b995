"""A per-IP rate limit of public form posts, in the cache named by
SOCHEF_RATE_LIMIT_CACHE_ALIAS (see checks.py for what each backend can do)."""

from django.conf import settings
from django.core.cache import caches
from django.utils.crypto import salted_hmac

from ..conf import app_settings


def rate_limit_cache():
    """The cache of the rate-limit counters and used time-trap tokens: SOCHEF_RATE_LIMIT_CACHE_ALIAS
    when CACHES defines it, else the default cache (see checks.py for what each backend can do)."""
    alias = app_settings.RATE_LIMIT_CACHE_ALIAS
    return caches[alias if alias in settings.CACHES else "default"]


def _rate_key(request, scope):
    # The address is kept only as a keyed hash, and only in the cache, for one period.
    ip = request.META.get("REMOTE_ADDR", "")
    return (
        f"sochef:rate:{scope}:{salted_hmac('sochef-rate', ip, algorithm='sha256').hexdigest()[:32]}"
    )


def take_slot(request, scope):
    """Take one of this client's FORM_RATE_LIMIT slots, held for FORM_RATE_PERIOD seconds; returns
    its key, or None when every slot is taken (the client is rate-limited).

    Each slot is taken with the cache's ``add``, which is atomic in Redis, Memcached, the database
    cache and LocMemCache (``incr`` is not in the database cache): posts sent at once never take
    more slots than there are. Each accepted post counts for one period from when it was sent.
    """
    cache = rate_limit_cache()
    base = _rate_key(request, scope)
    keys = [f"{base}:{n}" for n in range(app_settings.FORM_RATE_LIMIT)]
    taken = cache.get_many(keys)
    for key in keys:
        if key not in taken and cache.add(key, 1, timeout=app_settings.FORM_RATE_PERIOD):
            return key
    return None


def give_back(slot):
    """Free a slot taken by a post that was not accepted."""
    rate_limit_cache().delete(slot)
