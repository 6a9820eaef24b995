"""``{% load sochef_page_cache %}{% sochef_page_cache name vary_on… %}…{% endsochef_page_cache %}``:
Wagtail's page fragment cache in SOchef's cache, invalidated when SOchef content changes (see
sochef_wagtail/caching/pages.py)."""

from django import template
from django.template import TemplateSyntaxError

from ..caching.pages import PageCacheNode

register = template.Library()


@register.tag("sochef_page_cache")
def do_page_cache(parser, token):
    """``{% sochef_page_cache name [vary_on ...] [store_if=expr] %}…{% endsochef_page_cache %}``"""
    tag_name, *arguments = token.split_contents()
    if not arguments:
        raise TemplateSyntaxError(f"'{tag_name}' needs a fragment name.")
    store_if = None
    if arguments[-1].startswith("store_if="):
        store_if = parser.compile_filter(arguments.pop().removeprefix("store_if="))
    nodelist = parser.parse((f"end{tag_name}",))
    parser.delete_first_token()
    fragment_name, *vary_on = arguments
    node = PageCacheNode(
        nodelist,
        None,  # timeout and cache come from the app's settings when rendering
        fragment_name,
        [parser.compile_filter(value) for value in vary_on],
        None,
    )
    node.store_if = store_if
    return node
