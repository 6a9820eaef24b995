"""Blogs of three shapes read through their adapters: the example site's (categories as a
many-to-many field), a puput-style one (categories through an inline model) and a tag-based one."""

import calendar
import dataclasses
import datetime
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from example_site.blog.models import BlogIndexPage
from sochef_wagtail.blog import get_blog_adapter
from sochef_wagtail.dates import local_date
from tests.factories import (
    make_blog_category,
    make_blog_index,
    make_blog_post,
    make_entry,
    make_entry_category,
    make_image,
    make_tagged_post,
    site_root,
)
from tests.testapp.models import EntryPage

STOCKHOLM = ZoneInfo("Europe/Stockholm")
RSS = "/feeds/sochef/blog/rss/"


# Each builder makes posts "Post {first}"… one day apart from `start`, in the categories SOchef
# and Arbetsmiljö, and (the first time) a post "Annat" in Arbetsmiljö only; it returns the
# SOCHEF_BLOG setting for its blog.


def example_blog(count, start, first):
    """The example site's blog."""
    index = BlogIndexPage.objects.first() or make_blog_index()
    sochef, other = make_blog_category(), make_blog_category("Arbetsmiljö", "arbetsmiljo")
    for n in range(first, first + count):
        make_blog_post(
            index,
            f"Post {n}",
            start + datetime.timedelta(days=n),
            [sochef, other],
            author="Nils Östergren",
            summary=f"Om <b>vecka</b> {n}",
            image=make_image(),
        )
    if not first:
        make_blog_post(index, "Annat", start, [other])
    return {"post_model": "blog.BlogPage", "category": "SOchef"}


def puput_blog(count, start, first):
    """A puput-shaped blog: the author is the page's owner, the summary a rich-text excerpt,
    the date a date-time."""
    owner, _ = get_user_model().objects.get_or_create(
        username="nils", defaults={"first_name": "Nils", "last_name": "Östergren"}
    )
    sochef, other = make_entry_category(), make_entry_category("Arbetsmiljö", "arbetsmiljo")
    start = datetime.datetime.combine(start, datetime.time(9), STOCKHOLM)
    for n in range(first, first + count):
        make_entry(
            site_root(),
            f"Post {n}",
            start + datetime.timedelta(days=n - first),
            [sochef, other],
            owner=owner,
            excerpt=f"<p>Om <b>vecka</b> {n}</p>",
            header_image=make_image(),
        )
    if not first:
        make_entry(site_root(), "Annat", start, [other], owner=owner)
    return {
        "adapter": "sochef_wagtail.blog.PuputBlogAdapter",
        "post_model": "testapp.EntryPage",
        "category": "SOchef",
    }


def tagged_blog(count, start, first):
    """A blog whose categories are taggit tags; no images."""
    for n in range(first, first + count):
        make_tagged_post(
            site_root(),
            f"Post {n}",
            start + datetime.timedelta(days=n - first),
            ["SOchef", "Arbetsmiljö"],
            author="Nils Östergren",
            summary=f"Om vecka {n}",
        )
    if not first:
        make_tagged_post(site_root(), "Annat", start, ["Arbetsmiljö"])
    return {
        "adapter": "sochef_wagtail.blog.TagBlogAdapter",
        "post_model": "testapp.TaggedPost",
        "category": "sochef",
        "image_field": None,
    }


BLOGS = [example_blog, puput_blog, tagged_blog]


@pytest.fixture(params=BLOGS, ids=lambda blog: blog.__name__)
def make_blog(request, db, settings):
    """Builds the blog and points SOCHEF_BLOG at it."""

    def make(count=2, start=datetime.date(2013, 4, 15), first=0):
        settings.SOCHEF_BLOG = request.param(count, start, first)
        return request.param.__name__

    return make


def fetch(client):
    feed = feedparser.parse(client.get(RSS).content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_feed_lists_the_category_newest_first(client, make_blog):
    make_blog()
    assert [entry.title for entry in fetch(client).entries] == ["Post 1", "Post 0"]


def test_items_carry_author_summary_date_and_categories(client, make_blog):
    make_blog()
    item = fetch(client).entries[0]
    assert item.author == "Nils Östergren"
    assert item.summary == "Om vecka 1"
    published = datetime.datetime.fromtimestamp(calendar.timegm(item.published_parsed), STOCKHOLM)
    assert published.date() == datetime.date(2013, 4, 16)
    assert {tag.term for tag in item.tags} == {"SOchef", "Arbetsmiljö"}


def test_post_images_are_enclosures_where_the_blog_has_them(client, make_blog):
    blog = make_blog()
    enclosures = fetch(client).entries[0].enclosures
    if blog == "tagged_blog":
        assert enclosures == []
    else:
        assert [e.type for e in enclosures] == ["image/png"]


def test_feed_runs_a_constant_number_of_queries(client, make_blog):
    make_blog(2)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            fetch(client)
        return len(captured)

    fetch(client)  # fills Wagtail's cache of the site's root paths
    small = queries()
    make_blog(12, start=datetime.date(2014, 1, 6), first=2)
    assert queries() == small


def test_listed_items_are_the_feed_items_without_categories_and_image(rf, make_blog):
    make_blog(3)
    adapter = get_blog_adapter()
    request, site = rf.get("/"), Site.objects.get(is_default_site=True)
    category = adapter.get_category()
    items = adapter.items(request, site, category, 2)
    with CaptureQueriesContext(connection) as captured:
        listed = adapter.listed_items(request, site, category, 2)
    assert listed == [
        dataclasses.replace(item, categories=(), image=None, enclosure=None) for item in items
    ]
    # The posts with their authors, view restrictions in the same query: no categories, no images.
    assert len(captured) == 1
    # Nor the page's locale and content type, which select_related() without names would join.
    sql = captured[0]["sql"]
    assert "wagtailcore_locale" not in sql and "django_content_type" not in sql


def test_posts_of_another_site_are_left_out(client, make_blog, other_site):
    make_blog()
    assert fetch(client).entries
    assert fetch(client.__class__(HTTP_HOST="andra.example")).entries == []


@pytest.mark.django_db
def test_puput_adapter_lists_a_post_once_whatever_its_category_links(client, settings):
    settings.SOCHEF_BLOG = puput_blog(2, datetime.date(2013, 4, 15), 0)
    post = EntryPage.objects.get(title="Post 0")
    post.entry_categories.add(post.entry_categories.model(category=make_entry_category()))
    post.save_revision().publish()
    assert [entry.title for entry in fetch(client).entries] == ["Post 1", "Post 0"]


def test_unknown_post_model_is_a_configuration_error(settings):
    settings.SOCHEF_BLOG = {"post_model": "blog.NoSuchPage"}
    with pytest.raises(ImproperlyConfigured, match="post_model"):
        get_blog_adapter()


def test_unknown_field_is_a_configuration_error(settings):
    settings.SOCHEF_BLOG = {"post_model": "blog.BlogPage", "summary_field": "lead"}
    with pytest.raises(ImproperlyConfigured, match="blog.BlogPage has no field 'lead'"):
        get_blog_adapter()


def test_unknown_adapter_is_a_configuration_error(settings):
    settings.SOCHEF_BLOG = {"adapter": "sochef_wagtail.blog.Nope", "post_model": "blog.BlogPage"}
    with pytest.raises(ImproperlyConfigured, match="adapter"):
        get_blog_adapter()


def test_no_blog_configured_means_no_adapter(settings):
    settings.SOCHEF_BLOG = {}
    assert get_blog_adapter() is None


def test_a_draft_post_goes_into_the_category_beside_the_other_posts(client, make_blog):
    make_blog()
    adapter = get_blog_adapter()
    category = adapter.get_category()
    site = Site.objects.get(is_default_site=True)
    newest = adapter.posts(site, category).first()
    post = adapter.create_draft(
        site,
        category,
        title="Vecka 12: <Anna> & Bo",
        date=datetime.date(2013, 3, 18),
        summary="<p>Anna &amp; Bo tar över</p>",
        body="<p>Text</p>",
    )
    post = type(post).objects.get(pk=post.pk)
    assert not post.live and post.latest_revision is not None
    assert post.get_parent().pk == newest.get_parent().pk
    assert post.title == "Vecka 12: <Anna> & Bo"
    assert adapter.post_categories(post) == [adapter.category_label(category)]
    assert local_date(adapter.post_date(post)) == datetime.date(2013, 3, 18)
    assert adapter.post_summary(post) == "Anna & Bo tar över"
    assert [entry.title for entry in fetch(client).entries] == ["Post 1", "Post 0"]  # a draft


def test_a_draft_post_of_a_blog_without_posts_goes_below_its_index(db, settings):
    settings.SOCHEF_BLOG = {"post_model": "blog.BlogPage", "category": "SOchef"}
    index, category = make_blog_index(), make_blog_category()
    adapter = get_blog_adapter()
    site = Site.objects.get(is_default_site=True)
    post = adapter.create_draft(site, category, title="🎉", date=datetime.date(2013, 3, 18))
    assert post.get_parent().pk == index.pk and post.slug == "sochef"
    assert list(post.categories.all()) == [category]
