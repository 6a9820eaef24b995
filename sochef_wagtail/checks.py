"""System checks of what the app needs from the host's settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks

from .conf import app_settings

#: Each process has its own: a limit counted there is multiplied by the number of processes.
PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)
#: They keep nothing, or do not add atomically: posts sent at once would all pass.
UNFIT_CACHES = (
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


@checks.register(checks.Tags.security, deploy=True)
def check_rate_limit_cache(app_configs, **kwargs):
    """The public forms' rate limit and single-use time trap need a shared cache of their own."""
    alias = app_settings.RATE_LIMIT_CACHE_ALIAS
    messages = []
    if alias not in settings.CACHES:
        messages.append(
            checks.Warning(
                f"CACHES has no {alias!r} entry: the public forms' rate-limit counters share the "
                "default cache, where other entries can push them out.",
                hint=(
                    f"Add a CACHES[{alias!r}] entry (see docs/operators/scaling.md, 'The cache "
                    "must be shared')."
                ),
                id="sochef_wagtail.W001",
            )
        )
        alias = "default"
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        messages.append(
            checks.Warning(
                f"The rate-limit cache {alias!r} is {backend}: each server process counts on its "
                "own, so the limit is multiplied by the number of processes and a time-trap "
                "token can be used once in each.",
                hint="Use Redis, Memcached or the database cache when running several processes.",
                id="sochef_wagtail.W002",
            )
        )
    elif backend in UNFIT_CACHES:
        messages.append(
            checks.Warning(
                f"The rate-limit cache {alias!r} is {backend}, which cannot count submissions "
                "atomically: the public forms' rate limit does not hold.",
                hint="Use Redis, Memcached, the database cache or LocMemCache.",
                id="sochef_wagtail.W003",
            )
        )
    return messages


@checks.register(checks.Tags.compatibility)
def check_retention_days(app_configs, **kwargs):
    """SOCHEF_RETENTION_DAYS is a number of days, or None for "never purged"."""
    days = app_settings.RETENTION_DAYS
    if days is None or (isinstance(days, int) and not isinstance(days, bool) and days >= 1):
        return []
    return [
        checks.Error(
            f"SOCHEF_RETENTION_DAYS is {days!r}: it must be a whole number of days, 1 or more, "
            "or None for never purging what visitors sent.",
            hint="Set it to e.g. 365 (the default), or remove it.",
            id="sochef_wagtail.E001",
        )
    ]


#: Wagtail's database backend as configured: its searches on SQLite answer 500 for a lone ``"``.
DATABASE_SEARCH_BACKENDS = ("wagtail.search.backends.database", "modelsearch.backends.database")


@checks.register(checks.Tags.compatibility)
def check_search_backend(app_configs, **kwargs):
    """The admin's searches go through the host's backend; the app's own public search cleans
    its queries whatever the backend."""
    # Wagtail's default when the setting is absent is its database backend.
    backends = getattr(
        settings, "WAGTAILSEARCH_BACKENDS", {"default": {"BACKEND": DATABASE_SEARCH_BACKENDS[0]}}
    )
    return [
        checks.Warning(
            f"WAGTAILSEARCH_BACKENDS[{alias!r}] is Wagtail's database backend, which passes "
            'query strings on uncleaned: one " makes an admin search on SQLite answer 500, and a '
            "NUL fails it on PostgreSQL.",
            hint='Use "sochef_wagtail.search_backend" instead (see docs/site/search.md).',
            id="sochef_wagtail.W004",
        )
        for alias, params in backends.items()
        if params.get("BACKEND") in DATABASE_SEARCH_BACKENDS
    ]


RESPONSE_CACHE_MIDDLEWARE = "sochef_wagtail.caching.responses.ResponseCacheMiddleware"
#: What the response cache must come after: they tell it who asks, in which language, and
#: handle a stored response on its way out as they would a rendered one.
BEFORE_RESPONSE_CACHE = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
)


@checks.register(checks.Tags.caches)
def check_response_cache_position(app_configs, **kwargs):
    """The response cache serves only anonymous visitors, which it can tell only after them."""
    middleware = list(settings.MIDDLEWARE)
    if RESPONSE_CACHE_MIDDLEWARE not in middleware:
        return []
    position = middleware.index(RESPONSE_CACHE_MIDDLEWARE)
    after = [name for name in BEFORE_RESPONSE_CACHE if name in middleware[position:]]
    if not after:
        return []
    return [
        checks.Error(
            f"{RESPONSE_CACHE_MIDDLEWARE} comes before {', '.join(after)} in MIDDLEWARE: it "
            "could serve a visitor's stored page to a logged-in user or in the wrong language.",
            hint="Put it last in MIDDLEWARE (see docs/operators/caching.md, 'Whole responses').",
            id="sochef_wagtail.E002",
        )
    ]
