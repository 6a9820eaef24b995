"""The blog category's RSS and Atom feeds: valid for feed readers, complete, cheap to poll."""

import datetime

import feedparser
import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation
from wagtail.models import Site

from tests.factories import (
    make_accounts,
    make_blog_category,
    make_blog_index,
    make_blog_post,
    make_blog_posts,
    make_guest,
    make_image,
    make_index,
    make_week,
    make_weeks,
    monday,
)

RSS = "/feeds/sochef/blog/rss/"
ATOM = "/feeds/sochef/blog/atom/"

# The example site's blog, configured as in example_site/settings.py.
EXAMPLE_BLOG = {"post_model": "blog.BlogPage", "category": "SOchef"}

# A URLconf without the app's URLs, for the autodiscovery tag.
urlpatterns = []


@pytest.fixture
def blog(db):
    """Two SOchef posts (one also in another category, one with an image), a post of
    another category and an unpublished SOchef post."""
    index = make_blog_index()
    sochef = make_blog_category("SOchef", "sochef")
    other = make_blog_category("Arbetsmiljö", "arbetsmiljo")
    make_blog_post(
        index,
        "Twitterstafetten startar",
        datetime.date(2012, 8, 28),
        [sochef],
        summary="Chefer & skyddsombud <b>gästtwittrar</b>.",
        image=make_image(),
    )
    make_blog_post(index, "Halvtidsrapport", datetime.date(2013, 4, 15), [sochef, other])
    make_blog_post(index, "Buller i förskolan", datetime.date(2013, 10, 21), [other])
    make_blog_post(index, "Utkast", datetime.date(2013, 11, 1), [sochef], live=False)
    return index


def fetch(client, url, **headers):
    """The feed as a feed reader sees it; fails on anything a reader would complain about."""
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def titles(feed):
    return [entry.title for entry in feed.entries]


def entry(feed, title):
    return next(e for e in feed.entries if e.title == title)


@pytest.mark.django_db
def test_rss_feed_lists_the_category_posts_newest_first(client, blog):
    feed = fetch(client, RSS)
    assert feed.version == "rss20"
    assert titles(feed) == ["Halvtidsrapport", "Twitterstafetten startar"]
    assert feed.feed.title.startswith("SOchef")
    assert feed.feed.language == "sv"


@pytest.mark.django_db
def test_atom_feed_lists_the_same_posts(client, blog):
    feed = fetch(client, ATOM)
    assert feed.version == "atom10"
    assert titles(feed) == ["Halvtidsrapport", "Twitterstafetten startar"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [RSS, ATOM])
def test_items_carry_link_date_summary_author_and_categories(client, blog, url):
    item = entry(fetch(client, url), "Halvtidsrapport")
    assert item.link == "http://localhost/blogg/halvtidsrapport/"
    assert item.id == item.link
    assert item.published_parsed[:3] == (2013, 4, 14)  # midnight in Stockholm, in UTC
    assert item.author == "Nils Östergren"
    assert {tag.term for tag in item.tags} == {"SOchef", "Arbetsmiljö"}
    first = entry(fetch(client, url), "Twitterstafetten startar")
    assert first.summary == "Chefer &amp; skyddsombud gästtwittrar."


@pytest.mark.django_db
@pytest.mark.parametrize("url", [RSS, ATOM])
def test_post_image_is_an_enclosure_with_its_size_and_type(client, blog, url):
    feed = fetch(client, url)
    (enclosure,) = entry(feed, "Twitterstafetten startar").enclosures
    image = blog.get_children().get(slug="twitterstafetten-startar").specific.image
    assert enclosure.type == "image/png"
    assert enclosure.length == str(image.file_size)
    assert enclosure.href == f"http://localhost{image.file.url}"
    assert entry(feed, "Halvtidsrapport").enclosures == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", [RSS, ATOM])
def test_text_reaches_the_reader_as_written(client, blog, url):
    make_blog_post(
        blog,
        "Chefer & skyddsombud <3",
        datetime.date(2014, 1, 6),
        [make_blog_category()],
        summary="1 < 2 & <em>mer</em> text",
    )
    item = fetch(client, url).entries[0]
    assert item.title == "Chefer & skyddsombud <3"
    # The summary is HTML to the reader: escaped text, no markup of ours or the post's.
    assert item.summary == "1 &lt; 2 &amp; mer text"


@pytest.mark.django_db
def test_image_of_unknown_size_is_no_enclosure(client, blog):
    post = blog.get_children().get(slug="twitterstafetten-startar").specific
    post.image.file_size = None
    post.image.save()
    assert entry(fetch(client, RSS), "Twitterstafetten startar").enclosures == []


@pytest.mark.django_db
def test_category_is_configurable_by_name_or_slug(client, blog, settings):
    settings.SOCHEF_BLOG = {**EXAMPLE_BLOG, "category": "ARBETSMILJO"}
    assert titles(fetch(client, RSS)) == ["Buller i förskolan", "Halvtidsrapport"]
    settings.SOCHEF_BLOG = {**EXAMPLE_BLOG, "category": "arbetsmiljö"}
    assert titles(fetch(client, RSS)) == ["Buller i förskolan", "Halvtidsrapport"]


@pytest.mark.django_db
def test_feed_is_not_found_without_a_blog_or_its_category(client, blog, settings):
    settings.SOCHEF_BLOG = {}
    assert client.get(RSS).status_code == 404
    settings.SOCHEF_BLOG = {**EXAMPLE_BLOG, "category": "Finns inte"}
    assert client.get(ATOM).status_code == 404


@pytest.mark.django_db
def test_feed_holds_the_configured_number_of_items(client, blog, settings):
    settings.SOCHEF_FEED_ITEMS = 1
    assert titles(fetch(client, RSS)) == ["Halvtidsrapport"]


@pytest.mark.django_db
def test_guest_weeks_that_have_begun_are_items_when_configured(client, blog, settings):
    employer, worker = make_accounts()
    index = make_index()
    make_week(
        index,
        datetime.date(2013, 3, 4),
        [(employer, make_guest("Ingrid Svensson")), (worker, make_guest("Johan Karlsson"))],
        title="Lagret",
    )
    make_week(index, monday(1), [(worker, make_guest("Per Lund"))], title="Nästa vecka")
    assert "Lagret" not in titles(fetch(client, RSS))
    settings.SOCHEF_FEED_INCLUDE_WEEKS = True
    feed = fetch(client, RSS)
    assert titles(feed) == ["Halvtidsrapport", "Lagret", "Twitterstafetten startar"]
    week = entry(feed, "Lagret")
    assert week.link == "http://localhost/sochef/vecka-2013-03-04/"
    assert "Ingrid Svensson (@ArbetsmiljoChef)" in week.summary
    assert {tag.term for tag in week.tags} == {"@ArbetsmiljoChef", "@Skyddsombud"}


@pytest.mark.django_db
def test_english_feed_is_served_under_en(client, blog):
    feed = fetch(client, "/en" + RSS)
    assert feed.feed.language == "en"
    assert feed.feed.description == "Posts in the category SOchef."
    assert fetch(client, RSS).feed.description == "Inlägg i kategorin SOchef."


# Conditional GET


@pytest.mark.django_db
@pytest.mark.parametrize("url", [RSS, ATOM])
def test_unchanged_feed_answers_304_to_its_etag(client, blog, url):
    response = client.get(url)
    assert response["ETag"] and response["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.django_db
def test_unchanged_feed_answers_304_to_if_modified_since(client, blog):
    response = client.get(RSS)
    again = client.get(RSS, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


@pytest.mark.django_db
def test_rss_and_atom_have_different_etags(client, blog):
    assert client.get(RSS)["ETag"] != client.get(ATOM)["ETag"]
    assert client.get(RSS)["ETag"] != client.get("/en" + RSS)["ETag"]


@pytest.mark.django_db
def test_publishing_a_post_changes_the_feed(client, blog):
    etag = client.get(RSS)["ETag"]
    make_blog_post(blog, "Ny post", datetime.date(2013, 12, 2), [make_blog_category()])
    response = client.get(RSS, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Ny post" in titles(feedparser.parse(response.content))


@pytest.mark.django_db
def test_unpublishing_a_post_changes_the_feed(client, blog):
    etag = client.get(RSS)["ETag"]
    blog.get_children().get(slug="halvtidsrapport").specific.unpublish()
    response = client.get(RSS, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert titles(feedparser.parse(response.content)) == ["Twitterstafetten startar"]


@pytest.mark.django_db
def test_a_304_reads_no_items(client, blog):
    etag = client.get(RSS)["ETag"]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(RSS, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(captured) == 3, [q["sql"] for q in captured]


# Constant queries


@pytest.mark.django_db
@pytest.mark.parametrize("url", [RSS, ATOM])
def test_feed_runs_a_constant_number_of_queries(client, settings, url):
    settings.SOCHEF_FEED_INCLUDE_WEEKS = True
    index = make_blog_index()
    categories = [make_blog_category(), make_blog_category("Arbetsmiljö", "arbetsmiljo")]
    weeks = make_index()
    accounts = make_accounts()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            fetch(client, url)
        return len(captured)

    make_blog_posts(index, categories, 2, image=make_image())
    make_weeks(weeks, accounts, 2)
    fetch(client, url)  # fills Wagtail's cache of the site's root paths
    small = queries()
    make_blog_posts(index, categories, 12, start=datetime.date(2013, 1, 7), image=make_image())
    make_weeks(weeks, accounts, 12, start=datetime.date(2013, 1, 7))
    assert queries() == small


# Autodiscovery


def feed_link_tags(html):
    return [
        line.strip()
        for line in html.splitlines()
        if 'rel="alternate"' in line and "text/calendar" not in line
    ]


@pytest.mark.django_db
def test_sochef_pages_announce_the_feeds_once(client, blog):
    html = client.get(make_index().url).content.decode()
    assert feed_link_tags(html) == [
        '<link rel="alternate" type="application/rss+xml" title="SOchef (RSS)" '
        'href="http://testserver/feeds/sochef/blog/rss/">',
        '<link rel="alternate" type="application/atom+xml" title="SOchef (Atom)" '
        'href="http://testserver/feeds/sochef/blog/atom/">',
        # The relay's posts (tests/test_relay_feeds.py).
        '<link rel="alternate" type="application/rss+xml" title="Stafettkontonas inlägg (RSS)" '
        'href="http://testserver/feeds/sochef/relay/rss/">',
        '<link rel="alternate" type="application/atom+xml" title="Stafettkontonas inlägg (Atom)" '
        'href="http://testserver/feeds/sochef/relay/atom/">',
    ]


@pytest.mark.django_db
def test_host_pages_announce_the_feeds_through_the_tag(client, blog):
    html = client.get(blog.url).content.decode()
    assert len(feed_link_tags(html)) == 4  # the blog's and the relay's
    assert 'href="http://testserver/feeds/sochef/blog/atom/"' in html


@pytest.mark.django_db
def test_english_pages_announce_the_english_feeds(client, blog):
    html = client.get("/en" + make_index().url).content.decode()
    assert 'href="http://testserver/en/feeds/sochef/blog/rss/"' in html


def test_no_blog_feed_links_without_a_blog(settings):
    settings.SOCHEF_BLOG = {}
    template = Template("{% load sochef_feeds %}{% sochef_feed_links %}")
    html = template.render(Context())
    assert "/blog/" not in html and "/relay/rss/" in html


@override_settings(ROOT_URLCONF=__name__)
def test_no_feed_links_when_the_feed_urls_are_not_included():
    template = Template("{% load sochef_feeds %}{% sochef_feed_links %}")
    assert template.render(Context()).strip() == ""


@pytest.mark.django_db
def test_feed_links_cost_no_queries(django_assert_num_queries):
    template = Template("{% load sochef_feeds %}{% sochef_feed_links %}")
    with django_assert_num_queries(0), translation.override("sv"):
        assert 'href="/feeds/sochef/blog/rss/"' in template.render(Context())


@pytest.mark.django_db
def test_links_come_from_the_sites_root_url_not_the_request_host(client, blog):
    """Behind a proxy or under another name, the feed still links to the Site's address."""
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port, site.site_name = "sochef.example", 443, "NyArbetsmiljö"
    site.save()
    feed = fetch(client, ATOM)
    assert feed.feed.title == "SOchef – NyArbetsmiljö"
    assert feed.feed.link == "https://sochef.example/"
    assert feed.entries[0].link.startswith("https://sochef.example/blogg/")
    Site.clear_site_root_paths_cache()
