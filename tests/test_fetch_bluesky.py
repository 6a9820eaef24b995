"""Bluesky's author feed fetched through atproto's own client, against a mocked AppView (respx:
atproto talks httpx). The answers follow the lexicons app.bsky.feed.getAuthorFeed and
app.bsky.actor.getProfile as Bluesky documents them."""

import datetime

import httpx
import pytest
import respx
from django.utils import translation

from sochef_wagtail.archive.bluesky import fetch_bluesky_account
from sochef_wagtail.archive.bluesky_records import facets_as_entities
from sochef_wagtail.archive.fetch import FetchError, FetchStopped
from sochef_wagtail.archive.html import tweet_html
from sochef_wagtail.archive.models import Tweet
from sochef_wagtail.choices import Platform
from tests.factories import make_accounts

pytestmark = pytest.mark.django_db

XRPC = "https://public.api.bsky.app/xrpc"
FEED_URL = f"{XRPC}/app.bsky.feed.getAuthorFeed"
PROFILE_URL = f"{XRPC}/app.bsky.actor.getProfile"
DID = "did:plc:000000000000000000000002"
OTHER = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
IMAGE_CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"


@pytest.fixture(autouse=True)
def fetch_settings(settings):
    settings.SOCHEF_FETCH_BACKOFF_SECONDS = 0
    with translation.override("en"):
        yield settings


@pytest.fixture
def appview():
    with respx.mock(assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def worker():
    return make_accounts(Platform.BLUESKY)[1]


def byte_slice(text, part):
    """The facet index of the first ``part`` of ``text``, in UTF-8 bytes as Bluesky counts."""
    start = text.encode().index(part.encode())
    return {"byteStart": start, "byteEnd": start + len(part.encode())}


def post(key, text, *, did=DID, handle="skyddsombud.bsky.social", facets=(), **record):
    uri = f"at://{did}/app.bsky.feed.post/{key}"
    view = record.pop("view", {})
    body = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": record.pop("createdAt", "2024-03-04T08:00:00.000Z"),
        "langs": ["sv"],
        **record,
    }
    if facets:
        body["facets"] = list(facets)
    return {
        "uri": uri,
        "cid": f"bafyrei{key}",
        "author": {"did": did, "handle": handle, "displayName": "Skyddsombudet"},
        "record": body,
        "indexedAt": "2024-03-04T08:00:01.000Z",
        "likeCount": 5,
        "repostCount": 2,
        "replyCount": 0,
        "labels": [],
        **view,
    }


def texts():
    return list(Tweet.objects.order_by("created_at", "tweet_id").values_list("text", flat=True))


def test_facets_count_utf8_bytes_and_become_code_point_entities():
    text = "Hej 😀 @anna.bsky.social läs på arbetsmiljöverket.se #skyddsrond åäö"
    facets = [
        {
            "index": byte_slice(text, "@anna.bsky.social"),
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": OTHER}],
        },
        {
            "index": byte_slice(text, "arbetsmiljöverket.se"),
            "features": [
                {"$type": "app.bsky.richtext.facet#link", "uri": "https://www.av.se/a?b=1"}
            ],
        },
        {
            "index": byte_slice(text, "#skyddsrond"),
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "skyddsrond"}],
        },
    ]
    stored, entities = facets_as_entities(text, facets)
    assert stored == text
    (mention,) = entities["mentions"]
    (link,) = entities["urls"]
    (tag,) = entities["hashtags"]
    assert text[mention["start"] : mention["end"]] == "@anna.bsky.social"
    assert mention["did"] == OTHER and mention["handle"] == "anna.bsky.social"
    assert text[link["start"] : link["end"]] == "arbetsmiljöverket.se"
    assert link["expanded_url"] == "https://www.av.se/a?b=1"
    assert text[tag["start"] : tag["end"]] == "#skyddsrond" and tag["tag"] == "skyddsrond"


@pytest.mark.parametrize(
    "index",
    [
        {"byteStart": 5, "byteEnd": 6},  # inside the emoji's four bytes
        {"byteStart": 0, "byteEnd": 999},  # past the end
        {"byteStart": 8, "byteEnd": 4},  # backwards
        {"byteStart": "0", "byteEnd": 4},  # not a number
        {"byteStart": True, "byteEnd": 4},
        {},
    ],
)
def test_a_facet_of_impossible_bytes_is_left_out(index):
    facets = [{"index": index, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "x"}]}]
    assert facets_as_entities("Hej 😀 #x", facets) == ("Hej 😀 #x", {})


def test_overlapping_facets_keep_the_first_and_unknown_features_are_no_links():
    text = "#skyddsrond idag"
    facets = [
        {"index": byte_slice(text, "#skyddsrond"), "features": [{"$type": "x.y#z"}]},
        {
            "index": byte_slice(text, "#skyddsrond"),
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "skyddsrond"}],
        },
        {
            "index": byte_slice(text, "rond idag"),
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "rond"}],
        },
    ]
    assert facets_as_entities(text, facets)[1] == {
        "hashtags": [{"start": 0, "end": 11, "tag": "skyddsrond"}]
    }


def test_first_fetch_resolves_the_did_and_stores_every_page(appview):
    account = make_accounts(Platform.BLUESKY)[1]
    account.platform_id = ""
    account.save()
    appview.get(PROFILE_URL, params={"actor": "skyddsombud.bsky.social"}).mock(
        return_value=httpx.Response(200, json={"did": DID, "handle": "skyddsombud.bsky.social"})
    )
    feed_route(appview, [[post("3k2", "Andra")], [post("3k1", "Första")]])
    result = fetch_bluesky_account(account)
    account.refresh_from_db()
    assert account.platform_id == DID
    assert (result.new, result.present, result.pages) == (2, 0, 2)
    assert sorted(texts()) == ["Andra", "Första"]


def feed_route(appview, pages):
    """The author feed answering ``pages`` (lists of feed items) in turn, a cursor on each but
    the last."""
    answers = []
    for number, items in enumerate(pages):
        body = {"feed": [{"post": item} if "uri" in item else item for item in items]}
        if number < len(pages) - 1:
            body["cursor"] = f"c{number + 1}"
        answers.append(httpx.Response(200, json=body))
    return appview.get(FEED_URL).mock(side_effect=answers)


def test_a_later_fetch_stops_at_the_first_page_holding_a_stored_post(appview, worker):
    feed_route(appview, [[post("3k1", "Gammal")]])
    fetch_bluesky_account(worker)
    feed_route(
        appview, [[post("3k3", "Ny"), post("3k2", "Nyare än gammal")], [post("3k1", "Gammal")]]
    )
    result = fetch_bluesky_account(worker)
    assert (result.new, result.present, result.pages) == (2, 1, 2)
    route = feed_route(appview, [[post("3k3", "Ny")], [post("3k2", "x")], [post("3k1", "y")]])
    route.reset()
    result = fetch_bluesky_account(worker)
    assert (result.new, result.present, result.pages, route.call_count) == (0, 1, 1, 1)
    assert sorted(texts()) == ["Gammal", "Ny", "Nyare än gammal"]


def test_a_post_keeps_its_reply_quote_images_language_counts_and_labels(appview, worker):
    parent_uri = f"at://{OTHER}/app.bsky.feed.post/3jparent"
    quoted_uri = f"at://{OTHER}/app.bsky.feed.post/3jquoted"
    reply = post(
        "3k5",
        "Svar med bild",
        reply={
            "root": {"uri": parent_uri, "cid": "bafyreiroot"},
            "parent": {"uri": parent_uri, "cid": "bafyreiparent"},
        },
        embed={
            "$type": "app.bsky.embed.recordWithMedia",
            "record": {
                "$type": "app.bsky.embed.record",
                "record": {"uri": quoted_uri, "cid": "bafyreiq"},
            },
            "media": {
                "$type": "app.bsky.embed.images",
                "images": [
                    {
                        "alt": "Skyddsrond på lagret",
                        "image": {
                            "$type": "blob",
                            "ref": {"$link": IMAGE_CID},
                            "mimeType": "image/jpeg",
                            "size": 123456,
                        },
                        "aspectRatio": {"width": 1200, "height": 800},
                    }
                ],
            },
        },
        labels={"$type": "com.atproto.label.defs#selfLabels", "values": [{"val": "graphic-media"}]},
        view={
            "embed": {
                "$type": "app.bsky.embed.recordWithMedia#view",
                "media": {
                    "$type": "app.bsky.embed.images#view",
                    "images": [
                        {
                            "thumb": "https://cdn.bsky.app/img/feed_thumbnail/plain/x/y@jpeg",
                            "fullsize": "https://cdn.bsky.app/img/feed_fullsize/plain/x/y@jpeg",
                            "alt": "Skyddsrond på lagret",
                        }
                    ],
                },
                "record": {"$type": "app.bsky.embed.record#view", "record": {}},
            }
        },
    )
    feed_route(
        appview,
        [
            [
                {
                    "post": reply,
                    "reply": {
                        "root": post("3jparent", "Fråga", did=OTHER, handle="anna.bsky.social"),
                        "parent": post("3jparent", "Fråga", did=OTHER, handle="anna.bsky.social"),
                    },
                }
            ]
        ],
    )
    fetch_bluesky_account(worker)
    tweet = Tweet.objects.get()
    assert tweet.tweet_id == f"at://{DID}/app.bsky.feed.post/3k5"
    assert (tweet.in_reply_to_tweet_id, tweet.in_reply_to_handle, tweet.in_reply_to_user_id) == (
        parent_uri,
        "anna.bsky.social",
        OTHER,
    )
    assert (tweet.is_quote, tweet.quoted_tweet_id) == (True, quoted_uri)
    assert (tweet.lang, tweet.like_count, tweet.retweet_count) == ("sv", 5, 2)
    assert tweet.possibly_sensitive
    assert tweet.created_at == datetime.datetime(2024, 3, 4, 8, tzinfo=datetime.UTC)
    (media,) = tweet.media.all()
    assert (media.kind, media.alt_text, media.width, media.height) == (
        "photo",
        "Skyddsrond på lagret",
        1200,
        800,
    )
    assert media.original_url.startswith("https://cdn.bsky.app/img/feed_fullsize/")
    html = tweet_html(Tweet.objects.select_related("account").get(), show_context=True)
    assert f'href="https://bsky.app/profile/{DID}/post/3k5"' in html
    assert f'href="https://bsky.app/profile/{OTHER}/post/3jparent"' in html
    assert f'href="https://bsky.app/profile/{OTHER}/post/3jquoted"' in html
    assert "x.com" not in html


def test_a_repost_is_marked_credits_its_author_and_has_an_id_of_its_own(appview, worker):
    original = post("3jorig", "Bra tråd om buller", did=OTHER, handle="anna.bsky.social")
    feed_route(
        appview,
        [
            [
                {
                    "post": original,
                    "reason": {
                        "$type": "app.bsky.feed.defs#reasonRepost",
                        "by": {"did": DID, "handle": "skyddsombud.bsky.social"},
                        "uri": f"at://{DID}/app.bsky.feed.repost/3krepost",
                        "indexedAt": "2024-03-05T10:00:00.000Z",
                    },
                },
                post("3jown", "Eget inlägg"),
            ]
        ],
    )
    fetch_bluesky_account(worker)
    repost = Tweet.objects.get(is_retweet=True)
    assert repost.tweet_id == f"at://{DID}/app.bsky.feed.repost/3krepost"
    assert repost.text == "@anna.bsky.social: Bra tråd om buller"
    assert repost.entities["mentions"] == [
        {"start": 0, "end": 17, "handle": "anna.bsky.social", "did": OTHER}
    ]
    assert repost.created_at == datetime.datetime(2024, 3, 5, 10, tzinfo=datetime.UTC)
    with translation.override("sv"):
        html = tweet_html(Tweet.objects.select_related("account").get(pk=repost.pk))
    assert "Repost" in html and f'href="https://bsky.app/profile/{OTHER}"' in html


def test_a_link_card_not_in_the_text_is_linked_after_it(appview, worker):
    card = {
        "$type": "app.bsky.embed.external",
        "external": {"uri": "https://www.av.se/buller", "title": "Buller", "description": ""},
    }
    feed_route(appview, [[post("3k7", "Läs mer", embed=card)]])
    fetch_bluesky_account(worker)
    tweet = Tweet.objects.get()
    assert tweet.text == "Läs mer\nhttps://www.av.se/buller"
    assert tweet.entities["urls"][0]["start"] == len("Läs mer\n")


def test_an_unusable_post_is_skipped_and_counted_the_rest_stored(appview, worker):
    broken = post("3k8", "x")
    broken["record"]["text"] = 5
    undated = post("3k9", "Utan datum", createdAt="igår")
    undated["indexedAt"] = "inte heller"
    feed_route(appview, [[broken, undated, post("3k10", "Hel")]])
    result = fetch_bluesky_account(worker)
    assert (result.new, result.skipped) == (1, 2)
    assert "2 skipped" in result.summary
    assert texts() == ["Hel"]


def test_hostile_text_and_links_are_escaped_and_unsafe_links_dropped(appview, worker):
    text = '<script>alert(1)</script> klicka "här" & #<b>'
    facets = [
        {
            "index": byte_slice(text, "klicka"),
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "javascript:alert(1)"}],
        },
        {
            "index": byte_slice(text, '"här"'),
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": 'did:x"><img>'}],
        },
        {
            "index": byte_slice(text, "#<b>"),
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": '"><img src=x>'}],
        },
    ]
    feed_route(appview, [[post("3k11", text + "\x00\x1b", facets=facets)]])
    fetch_bluesky_account(worker)
    tweet = Tweet.objects.select_related("account").get()
    assert "\x00" not in tweet.text
    html = tweet_html(tweet)
    assert "<script" not in html and "javascript:" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="https://bsky.app/hashtag/%22%3E%3Cimg%20src%3Dx%3E"' in html


def test_a_renamed_account_is_fetched_by_its_did_and_the_editor_told(appview, worker):
    feed_route(appview, [[post("3k12", "Nytt namn", handle="skyddsombud.example.se")]])
    result = fetch_bluesky_account(worker)
    assert result.new == 1
    assert "is @skyddsombud.example.se on Bluesky now" in result.summary


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            "Profile not found",
            "Bluesky cannot show @skyddsombud.bsky.social's posts: Profile not found.",
        ),
        (
            "Account has been suspended",
            "Bluesky cannot show @skyddsombud.bsky.social's posts: Account has been suspended.",
        ),
    ],
)
def test_an_account_the_appview_does_not_serve_is_a_clear_error(appview, worker, error, message):
    appview.get(FEED_URL).mock(
        return_value=httpx.Response(400, json={"error": "InvalidRequest", "message": error})
    )
    with pytest.raises(FetchError) as raised:
        fetch_bluesky_account(worker)
    assert str(raised.value) == message
    assert not Tweet.objects.exists()


def test_a_rate_limit_stops_with_its_reset_time_and_stores_nothing(appview, worker):
    reset = int(datetime.datetime(2030, 1, 2, 3, 4, tzinfo=datetime.UTC).timestamp())
    appview.get(FEED_URL).mock(
        side_effect=[
            httpx.Response(
                200, json={"feed": [{"post": post("3k2", "Sparas inte")}], "cursor": "c1"}
            ),
            httpx.Response(429, headers={"ratelimit-reset": str(reset)}, json={"error": "X"}),
        ]
    )
    with pytest.raises(FetchStopped) as raised:
        fetch_bluesky_account(worker)
    assert raised.value.retry_at == datetime.datetime(2030, 1, 2, 3, 4, tzinfo=datetime.UTC)
    assert "2030-01-02 03:04 UTC" in str(raised.value)
    assert not Tweet.objects.exists()


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(503, json={"error": "Unavailable"}),
        httpx.Response(502),
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
    ],
    ids=["503", "502", "connect-timeout", "read-timeout", "connect-error"],
)
def test_failures_are_retried_then_the_fetch_goes_on(appview, worker, failure):
    ok = httpx.Response(200, json={"feed": [{"post": post("3k1", "Till slut")}]})
    route = appview.get(FEED_URL).mock(side_effect=[failure, ok])
    assert fetch_bluesky_account(worker).new == 1
    assert route.call_count == 2


def test_failures_every_time_stop_the_fetch_with_nothing_stored(appview, worker, settings):
    settings.SOCHEF_FETCH_MAX_TRIES = 3
    route = appview.get(FEED_URL).mock(return_value=httpx.Response(500))
    with pytest.raises(FetchStopped) as raised:
        fetch_bluesky_account(worker)
    assert route.call_count == 3
    assert "Bluesky's AppView failed 3 times (500)" in str(raised.value)


def test_an_answer_that_is_not_the_lexicons_stops_cleanly(appview, worker):
    appview.get(FEED_URL).mock(return_value=httpx.Response(200, json={"feed": "nothing"}))
    with pytest.raises(FetchStopped) as raised:
        fetch_bluesky_account(worker)
    assert "not the lexicon's" in str(raised.value)
