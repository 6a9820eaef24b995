"""Feeds of the relay's posts: one relay account's tweets, or both accounts', RSS and Atom."""

import datetime

import feedparser
import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import Site

from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.choices import Side
from tests.factories import (
    make_guest,
    make_landing,
    make_reply,
    make_tweet,
    make_tweets,
    make_week,
    stockholm,
)

pytestmark = pytest.mark.django_db

BOTH_RSS = "/feeds/sochef/relay/rss/"
BOTH_ATOM = "/feeds/sochef/relay/atom/"


def account_feed(account, kind="rss"):
    return f"/feeds/sochef/relay/{account.handle}/{kind}/"


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def relay(index_page, accounts):
    """A week on both accounts with a tweet each and a dialogue; a tweet outside any week."""
    employer, worker = accounts
    week = make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [(employer, make_guest("Anna")), (worker, make_guest("Bo"))],
        title="Premiär",
    )
    question = make_tweet(employer, "Hur mår ni?", created_at=stockholm(2012, 9, 3, 9, 0))
    make_reply(question, worker, "Bra, tack!")
    make_tweet(worker, "RT @x: något", created_at=stockholm(2012, 9, 4, 9, 0), is_retweet=True)
    make_tweet(worker, "Utanför veckorna", created_at=stockholm(2012, 12, 24, 9, 0))
    return week


@pytest.mark.parametrize("url", [BOTH_RSS, BOTH_ATOM])
def test_the_feed_of_both_accounts_lists_their_tweets_newest_first(client, relay, url):
    feed = fetch(client, url)
    assert [entry.title for entry in feed.entries] == [
        "@Skyddsombud: Utanför veckorna",
        "@Skyddsombud: Bra, tack!",
        "@ArbetsmiljoChef: Hur mår ni?",
    ]
    assert "@ArbetsmiljoChef" in feed.feed.title and "@Skyddsombud" in feed.feed.title


def test_a_tweet_links_to_its_week_on_the_site_else_to_x(client, relay):
    site = Site.objects.get(is_default_site=True)
    feed = fetch(client, BOTH_RSS)
    outside, reply, question = feed.entries
    assert question.link == f"{site.root_url}{relay.url}"
    assert question.link.startswith("http://localhost")
    assert outside.link.startswith("https://x.com/Skyddsombud/status/")
    assert question.id.startswith("https://x.com/ArbetsmiljoChef/status/")
    assert feed.feed.link == f"{site.root_url}/"


def test_the_feed_of_one_account_lists_only_its_tweets(client, relay, accounts):
    employer, worker = accounts
    feed = fetch(client, account_feed(worker, "atom"))
    assert [entry.title for entry in feed.entries] == [
        "@Skyddsombud: Utanför veckorna",
        "@Skyddsombud: Bra, tack!",
    ]
    assert feed.version == "atom10"
    assert fetch(client, account_feed(employer)).feed.title.startswith("Tweets från @Arbetsmilj")


def test_a_handle_is_found_whatever_its_case(client, relay):
    assert len(fetch(client, "/feeds/sochef/relay/skyddsombud/rss/").entries) == 2


@pytest.mark.parametrize(
    "platform, handle", [("bluesky", "sochef.bsky.social"), ("mastodon", "sochef@mastodon.social")]
)
def test_an_account_of_another_platform_has_its_feed_at_its_handle(client, platform, handle):
    account = RelayAccount.objects.create(
        platform=platform, handle=handle, display_name="SOchef", side=Side.WORKER
    )
    make_tweet(account, "Hej från " + platform, stockholm(2013, 4, 1, 9))
    feed = fetch(client, account_feed(account, "atom"))
    assert [entry.title for entry in feed.entries] == [f"@{handle}: Hej från {platform}"]
    assert feed.feed.title.startswith(f"Inlägg från @{handle} – ")
    assert feed.feed.subtitle == "Vad stafettens gäster har postat, det senaste först."


def test_an_unknown_account_is_not_found(client, relay):
    assert client.get("/feeds/sochef/relay/finnsinte/rss/").status_code == 404
    assert client.get("/feeds/sochef/relay/%3Cscript%3E/atom/").status_code == 404


def test_tweet_text_is_escaped_and_control_characters_removed(client, accounts):
    nasty = "<script>alert(1)</script> & \x01\x0b ‮ RTL 😀 " + "x" * 10_000
    make_tweet(accounts[0], nasty)
    for url in (BOTH_RSS, BOTH_ATOM):
        response = client.get(url)
        body = response.content.decode()
        assert "<script>" not in body and "\x01" not in body
        feed = fetch(client, url)
        (entry,) = feed.entries
        assert "&lt;script&gt;" in entry.summary
        assert len(entry.title) < 120


def test_tweet_links_are_links_in_the_description(client, accounts):
    make_tweet(
        accounts[0],
        "Läs https://t.co/a",
        entities={
            "urls": [
                {
                    "start": 5,
                    "end": 18,
                    "url": "https://t.co/a",
                    "expanded_url": "https://example.com/a",
                    "display_url": "example.com/a",
                }
            ]
        },
    )
    (entry,) = fetch(client, BOTH_RSS).entries
    assert 'href="https://example.com/a"' in entry.summary


def test_feeds_are_in_english_under_en(client, relay):
    assert fetch(client, "/en" + BOTH_RSS).feed.title.startswith("Tweets of")


@pytest.mark.parametrize("url", [BOTH_RSS, BOTH_ATOM])
def test_an_unchanged_feed_answers_304(client, relay, url, accounts):
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    make_tweet(accounts[0], "Nytt", created_at=stockholm(2013, 1, 1, 9, 0))
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_published_week_changes_the_etag(client, relay, accounts):
    etag = client.get(BOTH_RSS)["ETag"]
    make_week(index_page_of(relay), datetime.date(2012, 12, 24), [(accounts[1], make_guest("C"))])
    assert client.get(BOTH_RSS, HTTP_IF_NONE_MATCH=etag).status_code == 200


def index_page_of(week):
    return week.get_parent().specific


@override_settings(SOCHEF_FEED_ITEMS=50)
def test_the_feed_runs_a_constant_number_of_queries(client, relay, accounts):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    queries(BOTH_RSS)  # Wagtail's site caches
    few = queries(BOTH_RSS), queries(account_feed(accounts[0]))
    make_tweets(accounts[0], 40, stockholm(2012, 9, 5, 9, 0))
    make_week(index_page_of(relay), datetime.date(2012, 9, 10), [(accounts[0], make_guest("D"))])
    make_tweets(accounts[0], 40, stockholm(2012, 9, 11, 9, 0))
    assert (queries(BOTH_RSS), queries(account_feed(accounts[0]))) == few


def test_pages_announce_the_relay_feeds(client, relay, settings):
    settings.SOCHEF_BLOG = {}
    html = client.get(relay.url).content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Stafettkontonas inlägg (RSS)" '
        'href="http://testserver/feeds/sochef/relay/rss/">'
    ) in html
    assert 'href="http://testserver/feeds/sochef/relay/atom/"' in html


def test_the_landing_page_announces_each_accounts_feed(client, accounts):
    landing = make_landing()
    html = client.get(landing.url).content.decode()
    for account in accounts:
        assert f'href="http://testserver{account_feed(account, "atom")}"' in html
        title = f"Tweets från @{account.handle} (RSS)"
        assert f'<link rel="alternate" type="application/rss+xml" title="{title}"' in html


def test_feed_link_tags_cost_no_queries(django_assert_num_queries, accounts):
    template = Template(
        "{% load sochef_feeds %}{% sochef_account_feed_links accounts %}"
        "{% sochef_relay_feeds accounts %}"
    )
    context = Context({"accounts": list(accounts), "request": RequestFactory().get("/")})
    with django_assert_num_queries(0):
        html = template.render(context)
    assert "/feeds/sochef/relay/ArbetsmiljoChef/rss/" in html
