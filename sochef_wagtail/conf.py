"""The app's own settings, read in one place with their defaults.

Read them as ``from sochef_wagtail.conf import app_settings; app_settings.BASE_TEMPLATE``.
Values are looked up on each access, so ``override_settings`` in tests works.
"""

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
    # (seconds), counted in Django's cache.
    "FORM_RATE_LIMIT": 5,
    "FORM_RATE_PERIOD": 3600,
    # Time trap: a form sent sooner than this many seconds after it was shown is refused;
    # one older than FORM_MAX_AGE seconds must be sent again.
    "FORM_MIN_SECONDS": 3,
    "FORM_MAX_AGE": 24 * 3600,
    # Days that handled nominations and survey answers are kept before purging.
    "RETENTION_DAYS": 365,
    # The rendered tweets of weeks that are over are kept this many seconds in the cache
    # named CACHE_ALIAS (see archive/cache.py); 0 turns that cache off.
    "CACHE_TIMEOUT": 7 * 24 * 3600,
    "CACHE_ALIAS": "default",
}


class AppSettings:
    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, f"SOCHEF_{name}", DEFAULTS[name])


app_settings = AppSettings()
