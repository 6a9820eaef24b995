"""RSS 2.0 and Atom feeds of the host's blog category, optionally with the guest weeks too.

The views answer a conditional GET with 304 Not Modified: the ETag says how many items there
are and when one was last published, so polling an unchanged feed reads no items.
"""

import hashlib
from dataclasses import replace
from functools import cached_property
from urllib.parse import urljoin

from django.contrib.syndication.views import Feed
from django.db.models import Count, Max
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import escape_uri_path
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from .blog import FeedItem, get_blog_adapter
from .caching import conditional_response
from .conf import app_settings
from .dates import current_week_start, start_of_day
from .text import clean_values, plain_text
from .weeks.models import with_slots
from .weeks.pages import GuestWeekPage

FEED_LINKS = [
    ("sochef_wagtail:blog_rss", "application/rss+xml", "RSS"),
    ("sochef_wagtail:blog_atom", "application/atom+xml", "Atom"),
]


def feed_links(request=None):
    """The blog feeds as {"url", "type", "title"}; none when no blog is configured or the
    app's URLs are not included. No queries."""
    adapter = get_blog_adapter()
    if adapter is None:
        return []
    links = []
    for name, mime_type, format_name in FEED_LINKS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            return []
        links.append(
            {
                "url": request.build_absolute_uri(url) if request else url,
                "type": mime_type,
                "title": f"{adapter.category} ({format_name})",
                "format": format_name,
            }
        )
    return links


def started_weeks(site):
    """Live, public guest weeks of the site that have begun, newest first."""
    return (
        GuestWeekPage.objects.live()
        .public()
        .in_site(site)
        .filter(week_start__lte=current_week_start())
        .order_by("-week_start")
    )


def week_item(week, request):
    """A guest week as a feed item: its guests and their accounts as the summary."""
    slots = week.slots.all()
    return FeedItem(
        title=week.title,
        url=week.get_url(request),
        pubdate=start_of_day(week.week_start),
        updateddate=week.last_published_at,
        summary=plain_text(week.intro)
        or ", ".join(f"{slot.guest.name} (@{slot.account.handle})" for slot in slots),
        author=", ".join(slot.guest.name for slot in slots),
        categories=tuple(f"@{slot.account.handle}" for slot in slots),
    )


class BlogFeedSource:
    """What one request's feed is made of; 404 when no blog or no such category exists."""

    def __init__(self, request):
        self.request = request
        self.adapter = get_blog_adapter()
        if self.adapter is None:
            raise Http404("SOCHEF_BLOG is not configured.")
        self.category = self.adapter.get_category()
        if self.category is None:
            raise Http404(f"No blog category {self.adapter.category!r}.")
        self.site = Site.find_for_request(request)
        self.include_weeks = app_settings.FEED_INCLUDE_WEEKS
        self.limit = app_settings.FEED_ITEMS

    @property
    def label(self):
        return self.adapter.category_label(self.category)

    @cached_property
    def state(self):
        """Item count and last publication of the posts (and weeks): one query each."""
        posts = self.adapter.state(self.site, self.category)
        weeks = (
            started_weeks(self.site).aggregate(count=Count("pk"), latest=Max("last_published_at"))
            if self.include_weeks
            else {"count": 0, "latest": None}
        )
        return {
            "count": posts["count"] + weeks["count"],
            "latest": max(filter(None, (posts["latest"], weeks["latest"])), default=None),
        }

    @property
    def last_modified(self):
        return self.state["latest"]

    def etag(self, kind):
        """Changes when an item is published, unpublished or deleted, or the language changes."""
        latest = self.last_modified.isoformat() if self.last_modified else ""
        fingerprint = "|".join(
            str(part)
            for part in (
                kind,
                get_language(),
                self.site.pk,
                self.category.pk,
                self.state["count"],
                latest,
                self.include_weeks,
                self.limit,
            )
        )
        return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]

    def items(self):
        """The latest items, their links absolute from the Site's root URL."""
        items = self.adapter.items(self.request, self.site, self.category, self.limit)
        if self.include_weeks:
            weeks = with_slots(started_weeks(self.site))[: self.limit]
            items += [week_item(week, self.request) for week in weeks]
            items.sort(key=lambda item: item.pubdate, reverse=True)
        return [replace(item, url=self.absolute(item.url)) for item in items[: self.limit]]

    def absolute(self, path):
        """``path`` below the Site's root URL (its hostname and port), not the request's host:
        the links stay right behind a proxy and in every reader."""
        return urljoin(self.site.root_url, path)


class BlogCategoryFeed(Feed):
    """RSS 2.0 feed of the blog category. Override the methods to change titles and texts."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, source=None):
        return source or BlogFeedSource(request)

    def get_feed(self, obj, request):
        # Titles and texts come from editors and the host's blog: what XML 1.0 cannot hold
        # would make the writer fail for every reader.
        feed = super().get_feed(obj, request)
        feed.feed = clean_values(feed.feed)
        feed.items = [clean_values(item) for item in feed.items]
        return feed

    def title(self, source):
        return f"{source.label} – {source.site.site_name or source.site.hostname}"

    def link(self, source):
        return source.absolute("/")

    def feed_url(self, source):
        return source.absolute(escape_uri_path(source.request.path))

    def description(self, source):
        return _("Posts in the category %(category)s.") % {"category": source.label}

    def items(self, source):
        return source.items()

    def item_title(self, item):
        # Titles are plain text in RSS and Atom alike: XML-escaped once, by the writer.
        return item.title

    def item_description(self, item):
        # Readers take a description as HTML: escape the plain summary so it shows as written.
        return escape(item.summary)

    def item_link(self, item):
        return item.url

    def item_guid_is_permalink(self, item):
        return True

    def item_pubdate(self, item):
        return item.pubdate

    def item_updateddate(self, item):
        return item.updateddate

    def item_author_name(self, item):
        return item.author or None

    def item_categories(self, item):
        return item.categories

    def item_enclosures(self, item):
        return [item.enclosure] if item.enclosure else []


class BlogCategoryAtomFeed(BlogCategoryFeed):
    """The same feed as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, source):
        return self.description(source)


def conditional_feed(feed_class):
    """A view serving the feed with ETag and Last-Modified, and 304 when nothing changed."""
    kind = feed_class.feed_type.__name__

    def view(request):
        source = BlogFeedSource(request)

        def respond(request):
            response = feed_class()(request, source=source)
            # The Feed sets Last-Modified from the items shown; the validator must be the
            # one the 304 is decided on.
            if source.last_modified:
                response.headers["Last-Modified"] = http_date(source.last_modified.timestamp())
            return response

        return conditional_response(request, respond, source.etag(kind), source.last_modified)

    return view


blog_rss = conditional_feed(BlogCategoryFeed)
blog_atom = conditional_feed(BlogCategoryAtomFeed)
