"""``lang`` attributes for text in another language than the page: ``{% load sochef_lang %}``.

``<p{% lang_attr tweet.language %}>`` for a language code, ``<h1{% content_lang page %}>`` for
what an editor wrote in a page, snippet or setting; ``{% sochef_language_switcher %}`` links
to the same page in the site's other languages.
"""

from django import template

from ..languages import content_language, lang_attribute, language_links

register = template.Library()


@register.simple_tag
def lang_attr(language):
    return lang_attribute(language)


@register.simple_tag
def content_lang(obj=None):
    return lang_attribute(content_language(obj))


@register.inclusion_tag("sochef_wagtail/includes/language_switcher.html", takes_context=True)
def sochef_language_switcher(context):
    """Links to this address (or the page's translation) in the host's other languages;
    nothing when it has one."""
    return {"languages": language_links(context.get("request"), context.get("page"))}
