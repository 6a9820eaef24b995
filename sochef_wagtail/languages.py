"""The language of what editors, guests and tweets say, and ``lang`` attributes for it.

A page served in English (``/en/``) still shows what was written in Swedish: page titles and
intros, guest bios, tweets. Each such part is marked with its own ``lang`` so that screen
readers pronounce it right (WCAG 3.1.2); text in the page's own language gets no attribute.
"""

import functools

from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info
from wagtail.coreutils import get_supported_content_language_variant


def default_content_language():
    """The language the site's content is written in (Wagtail's default content language)."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


@functools.cache
def locale_languages():
    """{Wagtail locale id: its language code}, read once (cleared when a locale changes)."""
    from wagtail.models import Locale

    return dict(Locale.objects.values_list("pk", "language_code"))


def forget_locale_languages(**kwargs):
    locale_languages.cache_clear()


def content_language(obj=None):
    """The language ``obj`` (a page, a snippet, a site setting, or None) is written in.

    With Wagtail's internationalisation on, a page is written in its locale's language;
    otherwise everything is written in the default content language.
    """
    locale_id = getattr(obj, "locale_id", None)
    if locale_id is not None and getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return locale_languages().get(locale_id) or default_content_language()
    return default_content_language()


def primary_subtag(language):
    return language.split("-")[0].lower()


def lang_attribute(language):
    """`` lang="…"`` for text in ``language`` if that is not the page's language, else ""."""
    if not language or primary_subtag(language) == primary_subtag(get_language() or ""):
        return ""
    return format_html(' lang="{}"', language)


def language_links(request, page=None):
    """The languages a reader can switch to, as {"code", "name", "url", "current"}: the same
    address in each of the host's LANGUAGES, through its ``i18n_patterns``; with Wagtail's
    localisation on, ``page``'s translation in that language instead (see
    :func:`translated_urls`). Empty when the host has one language, or serves them all at the
    same address (no ``i18n_patterns``). No queries without localisation, one with it."""
    languages = settings.LANGUAGES if settings.USE_I18N else ()
    if request is None or len(languages) < 2:
        return []
    current = primary_subtag(get_language() or settings.LANGUAGE_CODE)
    translated = translated_urls(request, page)
    # The path alone: the query is the reader's own (utm_… parameters, say), not the page's.
    links = [
        {
            "code": code,
            "name": capfirst(get_language_info(code)["name_local"]),
            "url": translated.get(primary_subtag(code)) or translate_url(request.path, code),
            "current": primary_subtag(code) == current,
            "lang": lang_attribute(code),
        }
        for code, _name in languages
    ]
    if len({link["url"] for link in links}) < 2:
        return []
    return links


def translated_urls(request, page):
    """{language: address} of ``page`` in the other languages of Wagtail's localisation: its
    live translation (with the route the reader is on below it, e.g. a guest's page), else its
    nearest translated ancestor's (that language's tree lacks the page: the same path there
    would be a 404). A language without a tree of its own (the site root untranslated) is left
    out: the same path under its prefix serves this page, in that language's interface. One
    query."""
    from wagtail.models import Page

    # ``page`` in a template's context may also be a paginator's page.
    if not isinstance(page, Page) or not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return {}

    parts = page.get_url_parts(request)
    own_path = parts[2] if parts else ""
    route = request.path[len(own_path) :] if own_path and request.path.startswith(own_path) else ""
    steps = Page.steplen
    # The page and its ancestors, found from its tree path without a query.
    ancestors = [page.path[:end] for end in range(steps, len(page.path) + 1, steps)]
    translations = (
        Page.objects.live()
        .filter(
            translation_key__in=Page.objects.filter(path__in=ancestors).values("translation_key")
        )
        .exclude(locale_id=page.locale_id)
        .order_by("-depth")
    )
    languages = locale_languages()
    urls = {}
    for translation in translations:
        language = primary_subtag(languages.get(translation.locale_id, ""))
        url = translation.get_url(request)
        if language in urls or url is None:
            continue
        if translation.translation_key == page.translation_key:
            url += route
        urls[language] = url
    return urls
