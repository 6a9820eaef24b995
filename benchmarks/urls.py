"""The example site's URLs, plus static and media files served by Django even without DEBUG:
the page-weight measurement loads a page with everything it needs from this one server."""

from django.conf import settings
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import re_path
from django.views.static import serve as serve_media

from example_site.urls import urlpatterns as site_urlpatterns

media_prefix = settings.MEDIA_URL.lstrip("/")
static_prefix = settings.STATIC_URL.lstrip("/")

urlpatterns = [
    re_path(rf"^{static_prefix}(?P<path>.*)$", serve_static, {"insecure": True}),
    re_path(rf"^{media_prefix}(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
    *site_urlpatterns,
]
