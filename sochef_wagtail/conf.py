"""The app's own settings, read in one place with their defaults.

Read them as ``from sochef_wagtail.conf import app_settings; app_settings.BASE_TEMPLATE``.
Values are looked up on each access, so ``override_settings`` in tests works.
"""

import os

from django.conf import settings

DEFAULTS = {
    # The host template our pages extend; it must define the blocks "title", "extra_css" and
    # "content" (a site made with `wagtail start` does).
    "BASE_TEMPLATE": "base.html",
    # Weeks per page on the guest index.
    "INDEX_PAGE_SIZE": 20,
    # Time zone in which weeks begin and end, whatever the server's TIME_ZONE.
    "TIME_ZONE": "Europe/Stockholm",
    # Public forms (nominations, evaluation): accepted submissions per client IP and period
    # (seconds), counted in the cache named RATE_LIMIT_CACHE_ALIAS.
    "FORM_RATE_LIMIT": 5,
    "FORM_RATE_PERIOD": 3600,
    # The entry of CACHES holding the rate-limit counters and the used time-trap tokens, apart
    # from the page caches so that no other entry can push them out; the "default" cache when
    # CACHES has no such entry. It must be shared by every web process (Redis, Memcached or the
    # database cache): `manage.py check --deploy` warns otherwise.
    "RATE_LIMIT_CACHE_ALIAS": "sochef_ratelimit",
    # Time trap: a form sent sooner than this many seconds after it was shown is refused;
    # one older than FORM_MAX_AGE seconds must be sent again.
    "FORM_MIN_SECONDS": 3,
    "FORM_MAX_AGE": 24 * 3600,
    # Days that handled nominations and survey answers are kept before purging; None: never
    # purged by the schedule (the example site's demo, whose nominations are dated 2012–14).
    "RETENTION_DAYS": 365,
    # Bearer token of an X API app for sochef_fetch_tweets; also read from the environment
    # variable of the same name (SOCHEF_X_BEARER_TOKEN) when the setting is empty.
    "X_BEARER_TOKEN": "",
    # Minutes between two scheduled fetches of every active account (sochef_schedule).
    "FETCH_INTERVAL_MINUTES": 60,
    # Tries of one X API request on 5xx answers and time-outs before a fetch stops.
    "FETCH_MAX_TRIES": 3,
    # Seconds to wait before the second try; doubled for each further try.
    "FETCH_BACKOFF_SECONDS": 2,
    # Seconds before a request to the X API times out.
    "FETCH_TIMEOUT_SECONDS": 30,
    # The pictures and videos of stored posts that only have their address (fetched posts, and
    # archive media missing from the archive) are downloaded after each fetch, at most this
    # many per fetch (the rest the next time), each refused above MEDIA_MAX_BYTES.
    "MEDIA_DOWNLOADS_PER_FETCH": 100,
    "MEDIA_MAX_BYTES": 50 * 1024**2,
    # Largest size (bytes, uncompressed) of one member of an archive ZIP: above it the archive is
    # refused as a possible zip bomb. A 100,000-tweet tweets.js is about 300 MB.
    "ARCHIVE_MAX_MEMBER_SIZE": 2 * 1024**3,
    # Largest compression ratio of a member larger than 1 MB (text JSON compresses ~10×).
    "ARCHIVE_MAX_COMPRESSION_RATIO": 100,
    # Largest JSON (bytes) of one entry of a member (a tweet, a long post, the account), which
    # bounds its longest string: a tweet is a few KB, a long post of 25,000 characters under
    # 200 KB. Parsing one string takes time growing with the square of its length (a 200 MB
    # string: minutes), so a larger entry is refused as soon as this much of it is read.
    "ARCHIVE_MAX_ENTRY_SIZE": 1024**2,
    # Seconds without a heartbeat (written every second by the task of a running admin import)
    # after which that import is shown as failed: its worker stopped (killed, restarted).
    "IMPORT_HEARTBEAT_TIMEOUT": 60,
    # The host's blog, read through an adapter (see sochef_wagtail/blog.py):
    # {"adapter": "dotted.path.Class", "post_model": "app.Model", "category": "SOchef", ...}.
    # Empty: no blog feed and no blog posts on the landing page.
    "BLOG": {},
    # The guest pipeline (pipeline/): days before a guest's week that the reminder goes out,
    # minutes between two runs of its schedules, and the hour (in TIME_ZONE) before which they
    # send nothing on a day, so that no guest gets a reminder at midnight.
    "REMINDER_DAYS_BEFORE": 7,
    "PIPELINE_INTERVAL_MINUTES": 60,
    "PIPELINE_SEND_FROM_HOUR": 8,
    # Items in the blog feed.
    "FEED_ITEMS": 20,
    # Also list guest weeks that have begun as items of the blog feed.
    "FEED_INCLUDE_WEEKS": False,
    # The SOchef content of the week pages and the guest index (caching/pages.py) and the
    # rendered tweets of weeks that are over (caching/tweets.py) are kept this many seconds in
    # the cache named CACHE_ALIAS; 0 turns both caches off. None: 7 days in a shared cache,
    # a minute in a per-process one (LocMemCache), see caching/__init__.py.
    "CACHE_TIMEOUT": None,
    "CACHE_ALIAS": "default",
    # Seconds the response cache (caching/responses.py, when its middleware is installed) keeps
    # whole responses of SOchef's pages, the host's base template included; None: as long as
    # CACHE_TIMEOUT says, 0: off.
    "RESPONSE_CACHE_TIMEOUT": None,
    # The picture of a SOchef page shared on a social network when it has none of its own (a
    # week page shows its guest's photo): a static file's path, 1200×630 pixels; empty: none.
    "SHARE_IMAGE": "sochef_wagtail/img/share.png",
}

# Secrets that may come from the environment instead of the settings file.
FROM_ENVIRONMENT = {"X_BEARER_TOKEN"}


class AppSettings:
    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(name)
        value = getattr(settings, f"SOCHEF_{name}", DEFAULTS[name])
        if not value and name in FROM_ENVIRONMENT:
            return os.environ.get(f"SOCHEF_{name}", DEFAULTS[name])
        return value


app_settings = AppSettings()
