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
    # The host's blog, read through an adapter (see sochef_wagtail/blog.py):
    # {"adapter": "dotted.path.Class", "post_model": "app.Model", "category": "SOchef", ...}.
    # Empty: no blog feed and no blog posts on the landing page.
    "BLOG": {},
    # Items in the blog feed.
    "FEED_ITEMS": 20,
    # Also list guest weeks that have begun as items of the blog feed.
    "FEED_INCLUDE_WEEKS": False,
}


class AppSettings:
    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, f"SOCHEF_{name}", DEFAULTS[name])


app_settings = AppSettings()
