"""The SOchef content of the guest index and the week pages, kept in Django's cache.

Their templates wrap the ``sochef_content`` block in ``{% sochef_page_cache %}``: Wagtail's
``{% wagtailpagecache %}`` (never in a preview; the key varies on ``page.cache_key`` and the
site) in ``SOCHEF_CACHE_ALIAS`` for ``caching.cache_timeout()`` seconds (0: off). The key also
varies on the language, today's date in ``SOCHEF_TIME_ZONE`` (weeks become current, then past)
and one version token for all SOchef content, kept in the cache. The host's base template
around the block is rendered on every request. ``store_if=<expression>``, resolved after the
block is rendered, keeps it out of the cache when false: the guest index stores only the
queries it links to itself, so that made-up parameters cannot fill the cache.

Whatever a cached page shows replaces the token (``signal_handlers.py``): Wagtail's
page_published, page_unpublished and post_page_move, the deletion of any page, and saving or
deleting a guest, relay account, guest slot, the project settings and their guide links, a
press mention, an image or a site; stored tweets through ``tweets.invalidate_week_cache``
(which writes without signals must call). :func:`invalidate` does it by hand.

A cache that cannot be reached is logged and the page rendered without it.
"""

from django.core.cache.utils import make_template_fragment_key
from django.templatetags.cache import CacheNode
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.templatetags.wagtail_cache import WagtailPageCacheNode

from ..dates import local_date
from . import current_tokens, get_or_render, replace_tokens

VERSION_KEY = "sochef:pages:version"


def invalidate():
    """Forget every cached SOchef page (their entries expire unread)."""
    replace_tokens([VERSION_KEY])


class SochefCacheNode(CacheNode):
    """Django's ``{% cache %}`` in SOchef's cache, keyed also on the content version, the
    language and the day; it renders without the cache when that is off or cannot be reached."""

    store_if = None

    def render(self, context):
        def make_key():
            vary_on = [var.resolve(context) for var in self.vary_on]
            today = local_date(timezone.now())
            (version,) = current_tokens([VERSION_KEY])
            return make_template_fragment_key(
                f"sochef:{self.fragment_name}", [version, get_language(), today, *vary_on]
            )

        store_if = None if self.store_if is None else (lambda: self.store_if.resolve(context))
        return get_or_render(
            "page cache", make_key, lambda: self.nodelist.render(context), store_if=store_if
        )


class PageCacheNode(WagtailPageCacheNode, SochefCacheNode):
    """Wagtail's ``{% wagtailpagecache %}`` (no cache in previews, varying on the page and the
    site), caching as SochefCacheNode does: it comes after Wagtail's classes in the MRO."""
