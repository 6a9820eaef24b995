"""RSS 2.0 and Atom feeds: the host's blog category, optionally with the guest weeks too, and
the relay's posts (the tweets of one relay account or of all).

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
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from .accounts import RelayAccount
from .archive.models import Tweet
from .archive.rendering import tweet_text_html
from .archive.timeline import tweet_filter
from .blog import FeedItem, get_blog_adapter
from .caching import conditional_response
from .choices import Platform
from .conf import app_settings
from .dates import current_week_start, start_of_day
from .pages import public
from .platforms import on_x_only
from .text import clean_values, plain_text
from .weeks.models import with_slots
from .weeks.pages import GuestWeekPage, attach_week_pages

FEED_LINKS = [
    ("sochef_wagtail:blog_rss", "application/rss+xml", "RSS"),
    ("sochef_wagtail:blog_atom", "application/atom+xml", "Atom"),
]
RELAY_FEED_LINKS = [
    ("sochef_wagtail:relay_rss", "application/rss+xml", "RSS"),
    ("sochef_wagtail:relay_atom", "application/atom+xml", "Atom"),
]
#: How much of a tweet's text an item's title shows.
TITLE_LENGTH = 80


def links_to(views, title, request=None, kwargs=None):
    """{"url", "type", "title", "format"} of each of ``views``; none when the app's URLs are
    not included. No queries."""
    links = []
    for name, mime_type, format_name in views:
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return []
        links.append(
            {
                "url": request.build_absolute_uri(url) if request else url,
                "type": mime_type,
                "title": f"{title} ({format_name})",
                "format": format_name,
            }
        )
    return links


def blog_feed_links(request=None):
    """The blog feeds; none when no blog is configured. No queries."""
    adapter = get_blog_adapter()
    if adapter is None:
        return []
    return links_to(FEED_LINKS, adapter.category, request)


def relay_feed_links(request=None, account=None):
    """The feeds of ``account``'s posts, or of both accounts' when None. No queries."""
    if account is None:
        return links_to(RELAY_FEED_LINKS, _("The relay accounts' posts"), request)
    title = (
        _("Tweets of @%(handle)s") if account.platform == Platform.X else _("Posts of @%(handle)s")
    )
    return links_to(
        [(f"{name}_account", mime_type, label) for name, mime_type, label in RELAY_FEED_LINKS],
        title % {"handle": account.handle},
        request,
        kwargs={"handle": account.handle},
    )


def feed_links(request=None):
    """Every feed a page announces: the blog's (when configured) and the relay's posts.
    No queries."""
    return blog_feed_links(request) + relay_feed_links(request)


def started_weeks(site):
    """Live, public guest weeks of the site that have begun, newest first."""
    return (
        public(GuestWeekPage.objects.live())
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


class SochefFeed(Feed):
    """What the app's feeds share: text any XML writer can hold."""

    feed_type = Rss201rev2Feed

    def get_feed(self, obj, request):
        # Titles and texts come from editors, the host's blog and X: what XML 1.0 cannot hold
        # would make the writer fail for every reader.
        feed = super().get_feed(obj, request)
        feed.feed = clean_values(feed.feed)
        feed.items = [clean_values(item) for item in feed.items]
        return feed


class BlogCategoryFeed(SochefFeed):
    """RSS 2.0 feed of the blog category. Override the methods to change titles and texts."""

    def get_object(self, request, source=None):
        return source or BlogFeedSource(request)

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


class RelayFeedSource:
    """The posts of one relay account (``handle``) or of all (None) for one request's feed:
    the latest versions of their own tweets and replies, retweets left out, as on the week
    pages. 404 for an unknown account."""

    def __init__(self, request, handle=None):
        self.request = request
        self.site = Site.find_for_request(request)
        if self.site is None:
            raise Http404("No site.")
        self.account = None
        if handle is not None:
            self.account = RelayAccount.objects.filter(handle__iexact=handle).first()
            if self.account is None:
                raise Http404("No such relay account.")
        self.limit = app_settings.FEED_ITEMS

    @cached_property
    def tweets(self):
        accounts = None if self.account is None else [self.account]
        return Tweet.objects.filter(tweet_filter(accounts))

    @cached_property
    def weeks(self):
        """The site's live, public weeks: a tweet in one of them links to it."""
        return public(GuestWeekPage.objects.live()).in_site(self.site)

    @cached_property
    def state(self):
        """What the feed shows changes with these: its tweets and the weeks they link to."""
        tweets = self.tweets.aggregate(count=Count("pk"), last=Max("pk"), latest=Max("imported_at"))
        weeks = self.weeks.aggregate(count=Count("pk"), latest=Max("last_published_at"))
        return {"tweets": tweets, "weeks": weeks}

    @property
    def last_modified(self):
        latest = (self.state["tweets"]["latest"], self.state["weeks"]["latest"])
        return max(filter(None, latest), default=None)

    def etag(self, kind):
        fingerprint = "|".join(
            str(part)
            for part in (
                kind,
                get_language(),
                self.site.pk,
                self.account.pk if self.account else "",
                sorted(self.state["tweets"].items()),
                sorted(self.state["weeks"].items()),
                self.limit,
            )
        )
        return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]

    def items(self):
        """The newest tweets, each with ``link``: the absolute URL of its week on this site,
        else its permalink on X."""
        tweets = self.tweets.select_related("account").order_by("-created_at", "-pk")
        tweets = list(tweets[: self.limit])
        attach_week_pages(tweets, self.weeks)
        for tweet in tweets:
            page = tweet.week_page
            tweet.link = page.get_full_url(self.request) if page else tweet.permalink
        return tweets

    def label(self):
        return f" {_('and')} ".join(f"@{account.handle}" for account in self.accounts)

    @cached_property
    def accounts(self):
        """The account of the feed, or every relay account."""
        if self.account is not None:
            return [self.account]
        return list(RelayAccount.objects.order_by("side", "handle").only("handle", "platform"))

    @property
    def on_x_only(self):
        return on_x_only(self.accounts)


class RelayPostsFeed(SochefFeed):
    """RSS 2.0 feed of the relay's posts: one relay account's tweets or all of theirs.
    Override the methods to change titles and texts."""

    def get_object(self, request, source=None):
        return source or RelayFeedSource(request)

    def title(self, source):
        title = (
            _("Tweets of %(accounts)s – %(site)s")
            if source.on_x_only
            else _("Posts of %(accounts)s – %(site)s")
        )
        return title % {
            "accounts": source.label(),
            "site": source.site.site_name or source.site.hostname,
        }

    def link(self, source):
        # Absolute from the Site, as the items' links are.
        return source.site.root_url + "/"

    def feed_url(self, source):
        return source.site.root_url + source.request.path

    def description(self, source):
        if source.on_x_only:
            return _("What the guests of the relay tweeted, newest first.")
        return _("What the guests of the relay posted, newest first.")

    def items(self, source):
        return source.items()

    def item_title(self, tweet):
        text = " ".join(tweet.text.split())
        return f"@{tweet.account.handle}: {Truncator(text).chars(TITLE_LENGTH)}"

    def item_description(self, tweet):
        # The tweet as the site shows it: its text escaped once, its entities as links.
        return tweet_text_html(tweet.text, tweet.entities, tweet.links)

    def item_link(self, tweet):
        return tweet.link

    def item_guid(self, tweet):
        return tweet.permalink

    def item_guid_is_permalink(self, tweet):
        return True

    def item_pubdate(self, tweet):
        return tweet.created_at

    def item_author_name(self, tweet):
        return f"@{tweet.account.handle}"

    def item_categories(self, tweet):
        return (f"@{tweet.account.handle}",)


class RelayPostsAtomFeed(RelayPostsFeed):
    """The same feed as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, source):
        return self.description(source)


def conditional_feed(feed_class, source_class=None):
    """A view serving the feed with ETag and Last-Modified, and 304 when nothing changed.
    ``source_class(request, **kwargs)`` reads what the feed is made of (BlogFeedSource)."""
    kind = feed_class.feed_type.__name__
    source_class = source_class or BlogFeedSource

    def view(request, **kwargs):
        source = source_class(request, **kwargs)

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
relay_rss = conditional_feed(RelayPostsFeed, RelayFeedSource)
relay_atom = conditional_feed(RelayPostsAtomFeed, RelayFeedSource)
