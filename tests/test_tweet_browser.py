"""A week page with tweets in a real browser: rendered by us, nothing fetched from elsewhere."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from sochef_wagtail.choices import Platform
from tests.factories import (
    make_accounts,
    make_guest,
    make_media,
    make_reply,
    make_tweet,
    make_week,
    stockholm,
)

pytestmark = pytest.mark.browser

LOOPBACK = {"127.0.0.1", "localhost"}
OTHER_DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"


def test_week_page_with_tweets_makes_no_request_beyond_this_machine(
    live_server, page, index_page, accounts
):
    employer, worker = accounts
    week = make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [(employer, make_guest("Anna Lindqvist")), (worker, make_guest("Bo Eriksson"))],
        title="Premiär",
    )
    make_tweet(
        worker,
        "Läs https://t.co/a om #arbetsmiljö 😀",
        entities={
            "urls": [
                {
                    "start": 4,
                    "end": 18,
                    "url": "https://t.co/a",
                    "expanded_url": "https://www.av.se/",
                    "display_url": "av.se",
                }
            ],
            "hashtags": [{"start": 22, "end": 34, "tag": "arbetsmiljö"}],
        },
    )
    question = make_tweet(employer, "Hur gör ni?", created_at=stockholm(2012, 9, 4, 9))
    make_reply(question, worker, "Så här!")
    make_media(make_tweet(employer, "Bild"), alt_text="Ett personlarm")

    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + week.url)

    expect(page.get_by_role("heading", name="Veckans tweets")).to_be_visible()
    expect(page.get_by_role("link", name="av.se")).to_have_attribute("href", "https://www.av.se/")
    expect(page.get_by_role("link", name="#arbetsmiljö")).to_be_visible()
    expect(page.get_by_role("img", name="Ett personlarm")).to_be_attached()
    dialogue = page.locator(".sochef-dialogue li")
    expect(dialogue).to_have_count(2)
    expect(dialogue.nth(0)).to_contain_text("Arbetsgivarsidan")
    expect(dialogue.nth(1)).to_contain_text("Arbetstagarsidan")
    # The pair's columns sit side by side; in the dialogue the worker's turn is set to the right.
    columns = page.locator(".sochef-tweets__column")
    left, right = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert abs(left["y"] - right["y"]) < 1 and left["x"] < right["x"]
    assert dialogue.nth(1).bounding_box()["x"] > dialogue.nth(0).bounding_box()["x"]

    page.wait_for_load_state("networkidle")
    server = urlsplit(live_server.url)
    assert requests, "the page itself was requested"
    for url in requests:
        parts = urlsplit(url)
        assert parts.hostname in LOOPBACK and parts.port == server.port, url
    assert not any("x.com" in url or "twitter" in url or "twimg" in url for url in requests)


def test_possibly_sensitive_tweet_opens_only_when_the_reader_asks(
    live_server, page, index_page, accounts
):
    employer, worker = accounts
    week = make_week(index_page, datetime.date(2012, 9, 3), [(worker, make_guest("Bo Eriksson"))])
    tweet = make_tweet(worker, "Bilder från olyckan", possibly_sensitive=True)
    make_media(tweet, alt_text="Olycksplatsen")
    make_tweet(worker, "En vanlig tweet", created_at=stockholm(2012, 9, 4, 9))
    page.goto(live_server.url + week.url)

    expect(page.get_by_text("En vanlig tweet")).to_be_visible()
    expect(page.get_by_text("Bilder från olyckan")).to_be_hidden()
    expect(page.get_by_role("img", name="Olycksplatsen")).to_be_hidden()
    page.locator(".sochef-tweet__sensitive summary").click()
    expect(page.get_by_text("Bilder från olyckan")).to_be_visible()
    expect(page.get_by_role("img", name="Olycksplatsen")).to_be_visible()


def test_a_week_on_bluesky_and_mastodon_shows_each_post_with_its_platform(
    live_server, page, index_page
):
    employer, _ = make_accounts(Platform.BLUESKY)
    _, worker = make_accounts(Platform.MASTODON)
    week = make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [(employer, make_guest("Anna Lindqvist")), (worker, make_guest("Bo Eriksson"))],
    )
    text = "Hej @anna.bsky.social 😀 om #skyddsrond"
    make_tweet(
        employer,
        text,
        entities={
            "mentions": [{"start": 4, "end": 21, "handle": "anna.bsky.social", "did": OTHER_DID}],
            "hashtags": [{"start": 27, "end": 38, "tag": "skyddsrond"}],
        },
    )
    warned = make_tweet(
        worker,
        "Bilder från olyckan",
        created_at=stockholm(2012, 9, 4, 9),
        possibly_sensitive=True,
        content_warning="Olycka på lagret",
    )
    make_media(warned, alt_text="Olycksplatsen")

    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + week.url)

    expect(page.get_by_role("heading", name="Veckans inlägg")).to_be_visible()
    labels = page.locator(".sochef-tweet__platform")
    expect(labels).to_have_text(["Bluesky", "Mastodon"])
    expect(page.get_by_role("link", name="@anna.bsky.social")).to_have_attribute(
        "href", f"https://bsky.app/profile/{OTHER_DID}"
    )
    expect(page.get_by_role("link", name="#skyddsrond")).to_have_attribute(
        "href", "https://bsky.app/hashtag/skyddsrond"
    )
    permalinks = page.locator(".sochef-tweet__permalink")
    expect(permalinks.nth(0)).to_have_attribute(
        "href", re.compile(r"^https://bsky\.app/profile/did:plc:\d+/post/")
    )
    expect(permalinks.nth(1)).to_have_attribute(
        "href", re.compile(r"^https://mastodon\.social/users/skyddsombud/statuses/\d+$")
    )
    # The content warning is what the reader opens the post by.
    expect(page.get_by_text("Bilder från olyckan")).to_be_hidden()
    page.get_by_text("Olycka på lagret").click()
    expect(page.get_by_text("Bilder från olyckan")).to_be_visible()
    expect(page.get_by_role("img", name="Olycksplatsen")).to_be_visible()

    page.wait_for_load_state("networkidle")
    server = urlsplit(live_server.url)
    for url in requests:
        parts = urlsplit(url)
        assert parts.hostname in LOOPBACK and parts.port == server.port, url
