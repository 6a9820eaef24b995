"""The app's URLs outside the page tree: include them in the host's urls.py, e.g.
``path("feeds/sochef/", include("sochef_wagtail.urls"))``, inside ``i18n_patterns`` if the
site has them (the feed's texts then follow the language)."""

from django.urls import path

from . import feeds

app_name = "sochef_wagtail"

urlpatterns = [
    path("blog/rss/", feeds.blog_rss, name="blog_rss"),
    path("blog/atom/", feeds.blog_atom, name="blog_atom"),
    path("relay/rss/", feeds.relay_rss, name="relay_rss"),
    path("relay/atom/", feeds.relay_atom, name="relay_atom"),
    path("relay/<str:handle>/rss/", feeds.relay_rss, name="relay_rss_account"),
    path("relay/<str:handle>/atom/", feeds.relay_atom, name="relay_atom_account"),
]
