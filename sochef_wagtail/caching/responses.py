"""Whole responses of SOchef's public pages, kept in Django's cache: the response cache.

The page cache (``pages.py``) keeps the SOchef part of a page, but Wagtail's routing and the
host's base template still run on every request. ``ResponseCacheMiddleware``, last in
``MIDDLEWARE``, answers a repeated anonymous GET of a SOchef page before any of that runs.

- Stored: only what a SOchef view allowed with :func:`allow` (the week pages, the guest index's
  own queries, the guest pages, the landing page; never the search, the forms, previews or a
  page with a view restriction here or above), answered 200 to an anonymous GET without
  cookies set, a CSRF token or a CSP nonce used, ``Cache-Control: private``/``no-store`` or a
  ``Vary`` on more than the language.
- Served: to a GET without a session or messages cookie, from an anonymous user.
- Key: the absolute URL, the language, today's date in ``SOCHEF_TIME_ZONE`` and the page
  cache's content version, read before the view runs: whatever replaces that version (the
  signals of ``pages.py``) makes every stored response unreachable, also one rendered while it
  was replaced.
- Kept ``SOCHEF_RESPONSE_CACHE_TIMEOUT`` seconds (None: as long as the page cache keeps its
  entries, ``cache_timeout()``; 0: off), in ``SOCHEF_CACHE_ALIAS``.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils import timezone
from django.utils.translation import get_language

from ..conf import app_settings
from ..dates import local_date
from . import cache_timeout, current_tokens, get_cache
from .pages import VERSION_KEY

logger = logging.getLogger(__name__)

#: Headers a stored response may vary on: the language is in the key, and compression is
#: done outside. (The session middleware's ``Vary: Cookie`` comes after the response cache has
#: seen the response; a view's own says it read a cookie, so that response is not stored.)
HARMLESS_VARY = frozenset({"accept-language", "accept-encoding"})


def response_cache_timeout():
    if app_settings.RESPONSE_CACHE_TIMEOUT is not None:
        return app_settings.RESPONSE_CACHE_TIMEOUT
    return cache_timeout()


def allow(request, when=None):
    """Let the response cache keep the response to ``request``, if ``when()`` (asked after
    rendering, when the middleware is installed) is true. Only allowed responses are kept.
    Without ``when``, only a request without a query string: a view that reads none would
    otherwise keep a copy for every query a visitor makes up."""
    if when is None:

        def when():
            return not request.META.get("QUERY_STRING")

    request.sochef_response_cacheable = when


def response_key(request):
    (version,) = current_tokens([VERSION_KEY])
    url = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False).hexdigest()
    return f"sochef:response:{version}:{local_date(timezone.now())}:{get_language()}:{url}"


def may_be_served(request):
    """Whether ``request`` is one anyone anonymous would make: it gets the stored response."""
    state_cookies = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    user = getattr(request, "user", None)
    return (
        request.method == "GET"
        and not any(name in request.COOKIES for name in state_cookies)
        and not (user is not None and user.is_authenticated)
    )


def may_be_stored(request, response):
    allowed = getattr(request, "sochef_response_cacheable", None)
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    cache_control = response.get("Cache-Control", "")
    return (
        allowed is not None
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and vary <= HARMLESS_VARY
        # The page holds a CSRF token or a CSP nonce, both the visitor's own. The nonce of
        # django-csp and of Django 6's own middleware: set, or true, once a template used it.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "_csp_nonce", None)
        and not getattr(request, "is_preview", False)
        and allowed()
    )


class ResponseCacheMiddleware:
    """Serves and stores SOchef's allowed responses (see the module). Put it last in
    ``MIDDLEWARE``, after the session, locale, authentication and messages middleware, which
    still process a stored response on its way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = response_cache_timeout()
        if not timeout or not may_be_served(request):
            return self.get_response(request)
        try:
            cache = get_cache()
            key = response_key(request)
            response = cache.get(key)
        except Exception:
            logger.exception("The response cache could not be read; serving without it")
            return self.get_response(request)
        if response is not None:
            return response
        response = self.get_response(request)
        if may_be_stored(request, response):
            try:
                cache.set(key, response, timeout=timeout)
            except Exception:
                logger.exception("The response cache could not be written")
        return response
