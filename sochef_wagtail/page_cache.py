"""The SOchef content of the guest index and the week pages, kept in Django's cache.

Their templates wrap the ``sochef_content`` block in ``{% sochef_page_cache %}``: Wagtail's
``{% wagtailpagecache %}`` (never in a preview; the key varies on ``page.cache_key`` and the
site) in ``SOCHEF_CACHE_ALIAS`` for ``caching.cache_timeout()`` seconds (0: off). The key also
varies on the language, today's date in ``SOCHEF_TIME_ZONE`` (weeks become current, then past)
and one version token for all SOchef content, kept in the cache. The host's base template
around the block is rendered on every request. ``store_if=<expression>``, resolved after the
block is rendered, keeps it out of the cache when false: the guest index stores only the
queries it links to itself, so that made-up parameters cannot fill the cache.

Whatever a cached page shows replaces the token (signals connected in ``apps.py``): Wagtail's
page_published, page_unpublished and post_page_move, the deletion of any page, and saving or
deleting a guest, relay account, guest slot, the project settings and their guide links, a
press mention, an image or a site; tweets through ``invalidate_week_cache`` (which writes
without signals must call). :func:`invalidate` does it by hand.

A cache that cannot be reached is logged and the page rendered without it.
"""

import logging
from zoneinfo import ZoneInfo

from django.core.cache.utils import make_template_fragment_key
from django.template import TemplateSyntaxError
from django.templatetags.cache import CacheNode
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.templatetags.wagtail_cache import WagtailPageCacheNode

from .caching import cache_enabled, cache_timeout, current_tokens, get_cache, replace_tokens
from .conf import app_settings

logger = logging.getLogger(__name__)

VERSION_KEY = "sochef:pages:version"


def invalidate():
    """Forget every cached SOchef page (their entries expire unread)."""
    replace_tokens([VERSION_KEY])


def content_changed(sender, **kwargs):
    """Signal receiver: something a cached page may show has changed."""
    invalidate()


def settings_saved(sender, created=False, **kwargs):
    """Signal receiver for the project settings: a change, not their creation, which Wagtail
    does with the defaults when a page first reads them (so no cached page read other ones)."""
    if not created:
        invalidate()


# Wagtail saves these on an image the first time it needs them, e.g. while rendering a page.
IMAGE_BOOKKEEPING = frozenset({"file_size", "file_hash"})


def image_changed(sender, update_fields=None, **kwargs):
    """Signal receiver for images: any change but Wagtail's own bookkeeping."""
    if update_fields is None or not IMAGE_BOOKKEEPING.issuperset(update_fields):
        invalidate()


class SochefCacheNode(CacheNode):
    """Django's ``{% cache %}`` in SOchef's cache, keyed also on the content version, the
    language and the day; it renders without the cache when that is off or cannot be reached."""

    store_if = None

    def render(self, context):
        if not cache_enabled():
            return self.nodelist.render(context)
        vary_on = [var.resolve(context) for var in self.vary_on]
        try:
            today = timezone.localdate(timezone=ZoneInfo(app_settings.TIME_ZONE))
            (version,) = current_tokens([VERSION_KEY])
            key = make_template_fragment_key(
                f"sochef:{self.fragment_name}", [version, get_language(), today, *vary_on]
            )
            html = get_cache().get(key)
        except Exception:
            logger.exception("The page cache could not be read; rendering without it")
            return self.nodelist.render(context)
        if html is None:
            html = self.nodelist.render(context)
            if self.store_if is not None and not self.store_if.resolve(context):
                return html
            try:
                get_cache().set(key, html, timeout=cache_timeout())
            except Exception:
                logger.exception("The page cache could not be written")
        return html


class PageCacheNode(WagtailPageCacheNode, SochefCacheNode):
    """Wagtail's ``{% wagtailpagecache %}`` (no cache in previews, varying on the page and the
    site), caching as SochefCacheNode does: it comes after Wagtail's classes in the MRO."""


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
