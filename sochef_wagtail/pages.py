"""What every page of the app shares."""

from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from wagtail.models import PageViewRestriction, Site

from .conf import app_settings
from .meta import (
    DESCRIPTION_LENGTH,
    TITLE_LENGTH,
    PageMeta,
    default_image_values,
    image_values,
    meta_text,
)
from .project import ProjectSettings


def public(pages):
    """``pages`` (a page queryset) without those in a private section: what Wagtail's
    ``PageQuerySet.public()`` keeps, in the same query instead of one more to read every view
    restriction first."""
    restricted_above = PageViewRestriction.objects.filter(
        StartsWith(OuterRef("path"), F("page__path"))
    )
    return pages.exclude(Exists(restricted_above))


class WindowCountPaginator(Paginator):
    """Pages of a queryset annotated with ``found``, a window count of its rows
    (``Window(Count("pk"))``): the query of a page counts them too, one query instead of
    Django's two. A page out of range is Django's first or last, counted and read then."""

    def counted(self, found):
        """The objects paged through of the ``found`` the query counts. You can override this
        method to page through fewer."""
        return found

    @cached_property
    def count(self):
        first = list(self.object_list[:1])
        return self.counted(first[0].found if first else 0)

    def get_page(self, number):
        try:
            number = int(number or 1)
        except (TypeError, ValueError):
            number = 1  # as Django's get_page
        bottom = (number - 1) * self.per_page
        found = list(self.object_list[bottom : bottom + self.per_page]) if number >= 1 else []
        if found:
            self.count = self.counted(found[0].found)
            found = found[: self.count - bottom]
        if found:
            return self._get_page(found, number, self)
        return super().get_page(number)


class SochefPageMixin:
    """Lets our templates extend the host's base template named in SOCHEF_BASE_TEMPLATE, and
    gives them the site's project settings as ``sochef_settings`` (whatever the host's
    context processors) and what the page says of itself when found or shared as
    ``sochef_meta``; lists the page and its routes in the host's sitemap."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sochef_base_template"] = app_settings.BASE_TEMPLATE
        # Lazy: a page served from the cache (caching/pages.py) does not read them.
        context["sochef_settings"] = SimpleLazyObject(lambda: ProjectSettings.for_request(request))
        context["sochef_meta"] = self.lazy_meta(request)
        return context

    # Found and shared: the meta description, OpenGraph and card tags ({% sochef_meta %})

    def lazy_meta(self, request, **overrides):
        """:meth:`get_meta`, computed only when a template writes the tags: a route sets
        ``context["sochef_meta"] = self.lazy_meta(request, title=…)`` to describe itself."""
        return SimpleLazyObject(lambda: self.get_meta(request, **overrides))

    def get_meta(self, request, **overrides):
        """The page's PageMeta. ``overrides`` (from a route) replace its ``title``,
        ``description`` (plain or rich text), ``image`` (a Wagtail image), ``url`` or
        ``noindex``. You can override this method, or the ``get_meta_…`` ones."""
        url = overrides.get("url") or self.get_meta_url(request)
        image = overrides.get("image") or self.get_meta_image(request)
        site = Site.find_for_request(request) if request else None
        return PageMeta(
            title=meta_text(overrides.get("title") or self.seo_title or self.title, TITLE_LENGTH),
            description=meta_text(
                overrides.get("description")
                or self.search_description
                or self.get_meta_description(request)
                or _(
                    "SOchef: managers and safety representatives take turns on two relay "
                    "accounts, a week at a time, writing about the work environment."
                ),
                DESCRIPTION_LENGTH,
                rich=True,
            ),
            url=url,
            site_name=meta_text(site.site_name, TITLE_LENGTH) if site else "",
            noindex=overrides.get("noindex", False),
            **(image_values(image, url) if image else default_image_values(url)),
        )

    def get_meta_url(self, request):
        """The absolute URL of the page, or of the route that serves this request, from the
        Site's root URL (its hostname and port)."""
        url = self.get_full_url(request) or ""
        match = getattr(request, "routable_resolver_match", None)
        if url and match is not None and hasattr(self, "reverse_subpage"):
            url += self.reverse_subpage(match.url_name, args=match.args, kwargs=match.kwargs)
        return url

    def get_meta_description(self, request):
        """The description when the editors wrote none (Promote: search description): the
        page's intro as plain text. You can override this method."""
        return getattr(self, "intro", "")

    def get_meta_image(self, request):
        """The Wagtail image shown when the page is shared, or None for SOCHEF_SHARE_IMAGE.
        You can override this method."""
        return None

    # The host's sitemap (wagtail.contrib.sitemaps)

    def get_sitemap_urls(self, request=None):
        """The page, then its routes of :meth:`get_sitemap_routes`; nothing when
        :meth:`in_sitemap` says no."""
        if not self.in_sitemap(request):
            return []
        urls = super().get_sitemap_urls(request)
        base = urls[0]["location"] if urls else None
        if base:
            urls += [
                {"lastmod": urls[0].get("lastmod"), **route, "location": base + route["location"]}
                for route in self.get_sitemap_routes(request)
            ]
        return urls

    def in_sitemap(self, request=None):
        """Whether the sitemap lists the page. You can override this method."""
        return True

    def get_sitemap_routes(self, request=None):
        """The routes to list after the page: dicts of Django's sitemap keys with ``location``
        relative to the page's URL (``self.reverse_subpage(name)``); ``lastmod`` defaults to
        the page's. You can override this method, and extend it with ``super()``."""
        return []

    def project_settings(self, request=None):
        """The project settings of the request's site, read once per request."""
        if request is not None:
            return ProjectSettings.for_request(request)
        return ProjectSettings.for_site(self.get_site())
