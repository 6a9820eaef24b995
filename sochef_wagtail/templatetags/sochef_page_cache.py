"""``{% load sochef_page_cache %}{% sochef_page_cache name vary_on… %}…{% endsochef_page_cache %}``:
Wagtail's page fragment cache in SOchef's cache, invalidated when SOchef content changes (see
sochef_wagtail/page_cache.py)."""

from django import template

from ..page_cache import do_page_cache

register = template.Library()
register.tag("sochef_page_cache", do_page_cache)
