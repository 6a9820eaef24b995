"""``lang`` attributes for text in another language than the page: ``{% load sochef_lang %}``.

``<p{% lang_attr tweet.language %}>`` for a language code, ``<h1{% content_lang page %}>`` for
what an editor wrote in a page, snippet or setting.
"""

from django import template

from ..languages import content_language, lang_attribute

register = template.Library()


@register.simple_tag
def lang_attr(language):
    return lang_attribute(language)


@register.simple_tag
def content_lang(obj=None):
    return lang_attribute(content_language(obj))
