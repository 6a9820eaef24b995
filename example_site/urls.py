from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # What crawlers may read, and where the sitemap is (robots.txt names it absolutely).
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Swedish at /, English at /en/; SOchef's feeds and the sitemap (every live page, SOchef's
# routes among them: docs/site/sharing.md) before Wagtail's catch-all page route.
urlpatterns += i18n_patterns(
    path("feeds/sochef/", include("sochef_wagtail.urls")),
    path("sitemap.xml", sitemap),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
