"""fetch_mastodon_account and normalize_status: Mastodon.py's own code runs against a mocked
instance whose answers follow Mastodon's API documentation (the Account, Status and
MediaAttachment entities, Link headers for pages, X-RateLimit-* headers)."""

import datetime

import pytest
import requests
import responses
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.utils import translation
from responses import matchers

from sochef_wagtail.archive.fetch import FetchError, FetchStopped
from sochef_wagtail.archive.html import tweet_html
from sochef_wagtail.archive.mastodon import fetch_mastodon_account, normalize_status
from sochef_wagtail.archive.models import MediaKind, Tweet, TweetMedia, TweetSource
from sochef_wagtail.archive.store import store_tweets
from sochef_wagtail.choices import Platform
from tests.factories import make_accounts
from tests.xss_corpus import ALL, injected_markup

pytestmark = pytest.mark.django_db

INSTANCE = "mastodon.social"
API = f"https://{INSTANCE}/api/v1"
STATUSES_URL = f"{API}/accounts/2/statuses"
LOOKUP_URL = f"{API}/accounts/lookup"
ACCOUNT_URL = f"{API}/accounts/2"
#: Mastodon's ids are snowflakes: the time of their making in their high bits.
FIRST_ID = 113_520_000_000_000_000
START = datetime.datetime(2024, 11, 18, 8, 0, tzinfo=datetime.UTC)


def account_json(username, account_id, domain=INSTANCE, **fields):
    """An Account entity as the instance ``mastodon.social`` shows it."""
    return {
        "id": account_id,
        "username": username,
        "acct": username if domain == INSTANCE else f"{username}@{domain}",
        "display_name": username.title(),
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": "2022-11-07T00:00:00.000Z",
        "note": "<p>Arbetsmiljö varje vecka</p>",
        "url": f"https://{domain}/@{username}",
        "uri": f"https://{domain}/users/{username}",
        "avatar": f"https://files.{domain}/accounts/avatars/{account_id}/original/a.png",
        "avatar_static": f"https://files.{domain}/accounts/avatars/{account_id}/original/a.png",
        "header": f"https://{domain}/headers/original/missing.png",
        "header_static": f"https://{domain}/headers/original/missing.png",
        "followers_count": 812,
        "following_count": 95,
        "statuses_count": 1204,
        "last_status_at": "2024-11-18",
        "emojis": [],
        "fields": [],
        **fields,
    }


WORKER = account_json("skyddsombud", "2")
EMPLOYER = account_json("arbetsmiljochef", "1")
REMOTE = account_json("bo", "109000000000000042", domain="fedi.example")


def status_id(number):
    return str(FIRST_ID + number)


def status_json(number, content="<p>Hej från veckans gäst!</p>", account=WORKER, **fields):
    """A Status entity, its id ``number`` after FIRST_ID, ``number`` minutes after START."""
    local_id = status_id(number)
    return {
        "id": local_id,
        "created_at": (START + datetime.timedelta(minutes=number)).isoformat(),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "sv",
        "uri": f"{account['uri']}/statuses/{local_id}",
        "url": f"{account['url']}/{local_id}",
        "replies_count": 0,
        "reblogs_count": 2,
        "favourites_count": 5,
        "edited_at": None,
        "content": content,
        "reblog": None,
        "application": {"name": "Web", "website": None},
        "account": account,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
        **fields,
    }


def boost_json(number, boosted):
    """The worker's boost of ``boosted``: a status of its own around it, without content."""
    local_id = status_id(number)
    activity = f"{WORKER['uri']}/statuses/{local_id}/activity"
    return status_json(
        number,
        content="",
        uri=activity,
        url=activity,
        reblog=boosted,
        reblogs_count=0,
        favourites_count=0,
        language=None,
        application=None,
    )


def reply_json(number, to, content="<p>Svar!</p>", account=WORKER, **fields):
    return status_json(
        number,
        content,
        account=account,
        in_reply_to_id=to["id"],
        in_reply_to_account_id=to["account"]["id"],
        **fields,
    )


def mention_html(account):
    return (
        f'<span class="h-card" translate="no"><a href="{account["url"]}" class="u-url mention">'
        f"@<span>{account['username']}</span></a></span>"
    )


def mention_json(account):
    return {key: account[key] for key in ("id", "username", "url", "acct")}


def hashtag_html(tag, href_tag=None):
    return (
        f'<a href="https://{INSTANCE}/tags/{href_tag or tag}" class="mention hashtag" '
        f'rel="tag">#<span>{tag}</span></a>'
    )


LONG_LINK = "https://www.av.se/arbetsmiljoarbete-och-inspektioner/skyddsombud/"
LONG_LINK_HTML = (
    f'<a href="{LONG_LINK}" target="_blank" rel="nofollow noopener" translate="no">'
    '<span class="invisible">https://www.</span>'
    '<span class="ellipsis">av.se/arbetsmiljoarbete-och-in</span>'
    '<span class="invisible">spektioner/skyddsombud/</span></a>'
)


def image_json(number, description="Ett skyddsombud vid en byggnadsställning"):
    path = f"media_attachments/files/113/520/000/{number:03d}"
    return {
        "id": str(FIRST_ID + 9000 + number),
        "type": "image",
        "url": f"https://files.{INSTANCE}/{path}/original/bild.jpg",
        "preview_url": f"https://files.{INSTANCE}/{path}/small/bild.jpg",
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {
            "original": {"width": 1600, "height": 1200, "size": "1600x1200", "aspect": 1.3333},
            "small": {"width": 554, "height": 416, "size": "554x416", "aspect": 1.3317},
        },
        "description": description,
        "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IU%NxuWBRj",
    }


# The mocked instance -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fetch_settings(settings):
    settings.SOCHEF_FETCH_BACKOFF_SECONDS = 0
    with translation.override("en"):
        yield settings


@pytest.fixture
def api():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def accounts(db):
    return make_accounts(Platform.MASTODON)


@pytest.fixture
def worker(accounts):
    """@skyddsombud@mastodon.social, account id 2."""
    return accounts[1]


def add_page(api, statuses, **params):
    """One page of the worker's statuses, answering a request with ``params``; a page that
    holds statuses links the next and the previous one, as Mastodon does."""
    headers = {}
    if statuses:
        headers["Link"] = (
            f'<{STATUSES_URL}?max_id={statuses[-1]["id"]}>; rel="next", '
            f'<{STATUSES_URL}?min_id={statuses[0]["id"]}>; rel="prev"'
        )
    params = {"limit": "40", **params}
    api.get(
        STATUSES_URL,
        json=statuses,
        headers=headers,
        match=[matchers.query_param_matcher(params, strict_match=False)],
    )


def add_account(api, account=None, **answer):
    """The worker's account, which a fetch asks first when it knows the account's id."""
    api.get(ACCOUNT_URL, **(answer or {"json": account or WORKER}))


def add_statuses(api, statuses, **params):
    """The worker's account, its ``statuses`` on one page, then the empty page after it."""
    add_account(api)
    add_page(api, statuses, **params)
    if statuses:
        add_page(api, [], max_id=statuses[-1]["id"])


def add_lookup(api, account=WORKER, **answer):
    api.get(
        LOOKUP_URL,
        match=[matchers.query_param_matcher({"acct": "skyddsombud"})],
        **(answer or {"json": account}),
    )


def fetched(api, worker, statuses):
    """The worker's ``statuses`` fetched and stored, in order."""
    add_statuses(api, statuses)
    fetch_mastodon_account(worker)
    return list(Tweet.objects.order_by("created_at"))


def written(tweet, kind):
    """The pieces of the text that the entities of ``kind`` cover."""
    return [tweet.text[e["start"] : e["end"]] for e in tweet.entities.get(kind, [])]


def rendered(tweet):
    """The stored ``tweet``'s markup, the same by archive/html.py and by tweet.html."""
    [tweet] = Tweet.objects.filter(pk=tweet.pk).select_related("account").prefetch_related("media")
    made = tweet_html(tweet)
    assert parse_html(made) == parse_html(
        render_to_string("sochef_wagtail/includes/tweet.html", {"tweet": tweet})
    )
    return made


# Normalisation ------------------------------------------------------------------------------


def test_mentions_hashtags_and_links_become_entities_after_emoji_and_swedish_letters(api, worker):
    content = (
        f"<p>Skyddsrond i dag 🦺😀 åäö med {mention_html(EMPLOYER)} och "
        f"{mention_html(REMOTE)}!</p>"
        f"<p>{hashtag_html('arbetsmiljö', 'arbetsmilj%C3%B6')} Läs mer: {LONG_LINK_HTML}</p>"
    )
    status = status_json(
        1, content, mentions=[mention_json(EMPLOYER), mention_json(REMOTE)], language="sv"
    )
    [tweet] = fetched(api, worker, [status])
    assert tweet.text == (
        "Skyddsrond i dag 🦺😀 åäö med @arbetsmiljochef och @bo!\n\n"
        f"#arbetsmiljö Läs mer: {LONG_LINK}"
    )
    assert written(tweet, "mentions") == ["@arbetsmiljochef", "@bo"]
    assert [(m["handle"], m["url"]) for m in tweet.entities["mentions"]] == [
        ("arbetsmiljochef@mastodon.social", "https://mastodon.social/@arbetsmiljochef"),
        ("bo@fedi.example", "https://fedi.example/@bo"),
    ]
    assert written(tweet, "hashtags") == ["#arbetsmiljö"]
    assert tweet.entities["hashtags"][0]["tag"] == "arbetsmiljö"
    [link] = tweet.entities["urls"]
    assert written(tweet, "urls") == [LONG_LINK]
    assert (link["url"], link["expanded_url"]) == (LONG_LINK, LONG_LINK)
    assert link["display_url"] == "av.se/arbetsmiljoarbete-och-in…"
    assert (tweet.tweet_id, tweet.source) == (status["uri"], TweetSource.API)
    assert tweet.created_at == START + datetime.timedelta(minutes=1)
    assert (tweet.lang, tweet.like_count, tweet.retweet_count, tweet.client) == ("sv", 5, 2, "Web")


def test_the_text_is_linked_where_mastodon_links_it(api, worker):
    content = f"<p>Hej {mention_html(REMOTE)} {hashtag_html('skyddsombud')} {LONG_LINK_HTML}</p>"
    [tweet] = fetched(api, worker, [status_json(1, content, mentions=[mention_json(REMOTE)])])
    markup = rendered(tweet)
    assert '<a href="https://fedi.example/@bo" rel="noopener">@bo</a>' in markup
    assert '<a href="https://mastodon.social/tags/skyddsombud" rel="noopener">' in markup
    assert f'<a href="{LONG_LINK}" rel="nofollow noopener">av.se/arbetsmiljoarbete' in markup


def test_paragraphs_are_apart_by_a_blank_line_and_breaks_are_line_breaks(api, worker):
    content = "<p>Första stycket<br>andra raden</p><p>Andra stycket</p>\n<p></p><p>Tredje</p>"
    [tweet] = fetched(api, worker, [status_json(1, content)])
    assert tweet.text == "Första stycket\nandra raden\n\nAndra stycket\n\nTredje"


def test_a_mention_of_an_account_the_status_does_not_list_is_a_link(api, worker):
    stranger = account_json("okand", "77", domain="elsewhere.example")
    [tweet] = fetched(api, worker, [status_json(1, f"<p>Till {mention_html(stranger)}</p>")])
    assert "mentions" not in tweet.entities
    assert tweet.entities["urls"][0]["expanded_url"] == "https://elsewhere.example/@okand"


def test_an_image_becomes_media_with_its_description(api, worker):
    video = {
        **image_json(2, ""),
        "type": "gifv",
        "url": "https://files.mastodon.social/media_attachments/files/1/original/film.mp4",
    }
    status = status_json(1, media_attachments=[image_json(1), video])
    fetched(api, worker, [status])
    image, gif = TweetMedia.objects.order_by("position")
    assert (image.media_key, image.kind, image.position) == (str(FIRST_ID + 9001), "photo", 0)
    assert image.alt_text == "Ett skyddsombud vid en byggnadsställning"
    assert (image.width, image.height) == (1600, 1200)
    assert image.original_url == image_json(1)["url"]
    assert (gif.kind, gif.position, gif.alt_text) == (MediaKind.GIF, 1, "")


def test_a_content_warning_is_the_summary_the_reader_opens(api, worker):
    status = status_json(
        1,
        "<p>Bilder från olyckan</p>",
        spoiler_text="Arbetsplatsolycka <skador>",
        sensitive=True,
        media_attachments=[image_json(1)],
    )
    [tweet] = fetched(api, worker, [status])
    assert tweet.possibly_sensitive is True
    assert tweet.content_warning == "Arbetsplatsolycka <skador>"
    markup = rendered(tweet)
    assert "<summary>Arbetsplatsolycka &lt;skador&gt;</summary>" in markup
    assert "may contain sensitive content" not in markup


def test_sensitive_media_without_a_warning_have_the_general_summary(api, worker):
    [tweet] = fetched(api, worker, [status_json(1, sensitive=True)])
    assert (tweet.possibly_sensitive, tweet.content_warning) == (True, "")
    assert "<summary>This post may contain sensitive content: show it</summary>" in rendered(tweet)


def test_a_boost_is_the_boosted_status_credited_to_its_author(api, worker):
    boosted = status_json(
        50,
        f"<p>Nytt om {hashtag_html('arbetsmiljö')}</p>",
        account=REMOTE,
        uri="https://fedi.example/users/bo/statuses/9001",
        spoiler_text="Politik",
        media_attachments=[image_json(1)],
        favourites_count=40,
    )
    status = boost_json(51, boosted)
    [tweet] = fetched(api, worker, [status])
    assert (tweet.tweet_id, tweet.is_retweet) == (status["uri"], True)
    assert tweet.text == "@bo@fedi.example: Nytt om #arbetsmiljö"
    assert written(tweet, "mentions") == ["@bo@fedi.example"]
    assert tweet.entities["mentions"][0]["url"] == "https://fedi.example/@bo"
    assert written(tweet, "hashtags") == ["#arbetsmiljö"]
    assert (tweet.content_warning, tweet.like_count) == ("Politik", 40)
    assert tweet.media.get().alt_text == image_json(1)["description"]
    assert tweet.created_at == START + datetime.timedelta(minutes=51)


def test_a_self_reply_thread_names_its_parents_without_asking_the_instance(api, worker):
    first = status_json(1, "<p>En tråd 🧵</p>")
    second = reply_json(2, first, "<p>Del två</p>")
    third = reply_json(3, second, "<p>Del tre</p>")
    thread = fetched(api, worker, [third, second, first])
    assert [t.in_reply_to_tweet_id for t in thread] == ["", first["uri"], second["uri"]]
    assert [t.in_reply_to_handle for t in thread] == ["", *["skyddsombud@mastodon.social"] * 2]
    assert thread[1].in_reply_to_user_id == "2"
    assert len(api.calls) == 3  # the account, then the two pages


def test_a_reply_to_a_local_account_is_named_by_its_instance_id(api, worker):
    parent_id = status_id(40)
    status = status_json(
        1,
        f"<p>{mention_html(EMPLOYER)} Håller med</p>",
        in_reply_to_id=parent_id,
        in_reply_to_account_id="1",
        mentions=[mention_json(EMPLOYER)],
    )
    [tweet] = fetched(api, worker, [status])
    assert tweet.in_reply_to_tweet_id == (
        f"https://mastodon.social/users/arbetsmiljochef/statuses/{parent_id}"
    )
    assert tweet.in_reply_to_handle == "arbetsmiljochef@mastodon.social"


def test_the_parent_of_a_reply_to_a_remote_account_is_asked_for_once(api, worker):
    parent = status_json(40, account=REMOTE, uri="https://fedi.example/users/bo/statuses/777")
    api.get(f"{API}/statuses/{parent['id']}", json=parent)
    replies = [
        reply_json(
            1, parent, f"<p>{mention_html(REMOTE)} Svar</p>", mentions=[mention_json(REMOTE)]
        ),
        reply_json(
            2, parent, f"<p>{mention_html(REMOTE)} Igen</p>", mentions=[mention_json(REMOTE)]
        ),
    ]
    stored = fetched(api, worker, replies[::-1])
    assert [t.in_reply_to_tweet_id for t in stored] == [parent["uri"]] * 2
    assert [t.in_reply_to_handle for t in stored] == ["bo@fedi.example"] * 2
    assert [t.in_reply_to_user_id for t in stored] == [REMOTE["id"]] * 2
    asked = [c for c in api.calls if c.request.url.startswith(f"{API}/statuses/")]
    assert len(asked) == 1


def test_a_parent_the_instance_does_not_show_leaves_the_reply_without_its_id(api, worker):
    parent = status_json(40, account=REMOTE)
    api.get(f"{API}/statuses/{parent['id']}", status=404, json={"error": "Record not found"})
    reply = reply_json(1, parent, mentions=[mention_json(REMOTE)])
    [tweet] = fetched(api, worker, [reply])
    assert (tweet.in_reply_to_tweet_id, tweet.in_reply_to_handle) == ("", "bo@fedi.example")


def test_a_quote_names_the_quoted_status(api, worker):
    quoted = status_json(40, account=REMOTE, uri="https://fedi.example/users/bo/statuses/555")
    status = status_json(1, "<p>Viktigt!</p>", quote={"state": "accepted", "quoted_status": quoted})
    [tweet] = fetched(api, worker, [status])
    assert (tweet.is_quote, tweet.quoted_tweet_id) == (True, quoted["uri"])


RE_LINE = (
    '<p class="quote-inline">RE: <a href="https://fedi.example/@bo/555">'
    "https://fedi.example/@bo/555</a></p>"
)


def test_a_quotes_re_line_is_left_out_when_the_quote_is_shown(api, worker):
    """Mastodon 4.4 names the quoted post in the text for apps that show no quotes."""
    quoted = status_json(40, account=REMOTE, uri="https://fedi.example/users/bo/statuses/555")
    content = f"<p>Viktigt!</p>{RE_LINE}<p>Läs hela.</p>"
    status = status_json(1, content, quote={"state": "accepted", "quoted_status": quoted})
    [tweet] = fetched(api, worker, [status])
    assert tweet.text == "Viktigt!\n\nLäs hela."
    assert "urls" not in tweet.entities


def test_a_quotes_re_line_stays_when_the_quoted_post_is_not_shown(api, worker):
    status = status_json(1, f"<p>Viktigt!</p>{RE_LINE}", quote={"state": "pending"})
    [tweet] = fetched(api, worker, [status])
    assert (tweet.is_quote, tweet.text) == (False, "Viktigt!\n\nRE: https://fedi.example/@bo/555")
    assert tweet.entities["urls"][0]["expanded_url"] == "https://fedi.example/@bo/555"


def test_private_and_direct_statuses_are_skipped_and_counted(api, worker):
    statuses = [
        status_json(4, visibility="direct"),
        status_json(3, visibility="private"),
        status_json(2, visibility="unlisted"),
        status_json(1),
    ]
    add_statuses(api, statuses)
    result = fetch_mastodon_account(worker)
    assert sorted(Tweet.objects.values_list("tweet_id", flat=True)) == [
        statuses[3]["uri"],
        statuses[2]["uri"],
    ]
    assert (result.new, result.skipped) == (2, 2)
    assert "2 skipped" in result.summary


def test_a_status_without_an_https_id_is_skipped(api, worker):
    add_statuses(api, [status_json(2, uri="javascript:alert(1)"), status_json(1)])
    result = fetch_mastodon_account(worker)
    assert (result.new, result.skipped) == (1, 1)


def test_control_characters_become_replacement_characters_and_offsets_stay(api, worker):
    content = f"<p>Ett\x01två\x7f 😀 {hashtag_html('tag')}</p>"
    status = status_json(1, content, spoiler_text="Varning\x00\x1b!", application={"name": "A\x07"})
    [tweet] = fetched(api, worker, [status])
    assert tweet.text == "Ett\ufffdtvå\ufffd 😀 #tag"
    assert written(tweet, "hashtags") == ["#tag"]
    assert (tweet.content_warning, tweet.client) == ("Varning!", "A")


def test_unbalanced_tags_come_out_as_text_and_a_link(api, worker):
    content = '<p>Öppen <a href="https://example.com/x">länk <span class="invisible">dold<p>Mer'
    [tweet] = fetched(api, worker, [status_json(1, content)])
    assert tweet.text.startswith("Öppen länk dold")
    assert "<" not in tweet.text
    assert written(tweet, "urls")[0].startswith("länk")


def test_hostile_html_is_text_and_rendered_safely(api, worker):
    content = (
        '<p>Hej<script>alert("x")</script> <a href="javascript:alert(1)" onclick="alert(2)">'
        'klicka</a> <span onclick="alert(3)" style="color:red">röd</span>'
        '<img src=x onerror="alert(4)"><iframe src="https://evil.example"></iframe></p>'
    )
    [tweet] = fetched(api, worker, [status_json(1, content, spoiler_text="<script>cw</script>")])
    assert tweet.text == "Hej klicka röd"
    assert tweet.entities == {}
    markup = rendered(tweet)
    assert "<script" not in markup and "javascript:" not in markup
    assert "onclick" not in markup and "onerror" not in markup and "<iframe" not in markup
    assert "&lt;script&gt;cw&lt;/script&gt;" in markup


@pytest.mark.parametrize("payload", ALL)
def test_no_hostile_string_becomes_markup(worker, payload):
    status = status_json(
        1,
        f"<p>{payload} {payload}</p>",
        spoiler_text=payload,
        media_attachments=[image_json(1, description=payload)],
        application={"name": payload},
    )
    store_tweets(worker, [normalize_status(status, worker)])
    assert not injected_markup(rendered(Tweet.objects.get()))


# Fetching -----------------------------------------------------------------------------------


def test_the_first_fetch_looks_up_the_account_and_reads_every_page(api, worker):
    worker.platform_id = ""
    worker.save()
    add_lookup(api)
    first, second = [status_json(4), status_json(3)], [status_json(2), status_json(1)]
    add_page(api, first)
    add_page(api, second, max_id=first[-1]["id"])
    add_page(api, [], max_id=second[-1]["id"])
    result = fetch_mastodon_account(worker)
    worker.refresh_from_db()
    assert worker.platform_id == "2"
    assert Tweet.objects.count() == 4
    assert (result.new, result.present, result.pages) == (4, 0, 3)
    assert result.summary == (
        "@skyddsombud@mastodon.social: 4 new posts, 0 already present, 3 pages."
    )


def test_the_next_fetch_asks_only_for_posts_after_the_newest_stored(api, worker):
    add_statuses(api, [status_json(2), status_json(1)])
    fetch_mastodon_account(worker)
    newest = status_id(2)
    newer = [status_json(4), status_json(3)]
    add_page(api, newer, since_id=newest)
    # However the instance answers, a post stored already is not stored again.
    add_page(api, [status_json(2)], since_id=newest, max_id=newer[-1]["id"])
    add_page(api, [], since_id=newest, max_id=newest)
    result = fetch_mastodon_account(worker)
    assert Tweet.objects.count() == 4
    assert (result.new, result.present) == (2, 1)
    assert f"since_id={newest}" in api.calls[-1].request.url


def test_the_newest_stored_boost_is_read_by_its_own_id(api, worker):
    add_statuses(api, [boost_json(2, status_json(1, account=REMOTE))])
    fetch_mastodon_account(worker)
    add_statuses(api, [], since_id=status_id(2))
    assert fetch_mastodon_account(worker).new == 0


def test_a_rate_limit_stops_the_fetch_until_it_resets_and_stores_nothing(api, worker):
    reset = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=5)).replace(
        microsecond=0
    )
    first = [status_json(2)]
    add_account(api)
    add_page(api, first)
    api.get(
        STATUSES_URL,
        status=429,
        json={"error": "Too many requests"},
        headers={
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset.isoformat().replace("+00:00", ".000Z"),
        },
    )
    with pytest.raises(FetchStopped) as stopped:
        fetch_mastodon_account(worker)
    assert stopped.value.retry_at == reset
    assert "rate limit" in str(stopped.value) and "skyddsombud@mastodon.social" in str(
        stopped.value
    )
    assert not Tweet.objects.exists()


def test_server_errors_are_tried_again(api, worker):
    api.get(STATUSES_URL, status=503, body="<html>Service unavailable</html>")
    api.get(STATUSES_URL, status=502, json={"error": "Bad gateway"})
    add_statuses(api, [status_json(1)])
    assert fetch_mastodon_account(worker).new == 1


def test_time_outs_are_tried_again_then_stop_the_fetch(api, worker):
    add_account(api)
    for _try in range(3):
        api.get(STATUSES_URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    with pytest.raises(FetchStopped) as stopped:
        fetch_mastodon_account(worker)
    message = str(stopped.value)
    assert "3 times (time-out)" in message and "skyddsombud@mastodon.social" in message
    assert len(api.calls) == 1 + 3
    assert stopped.value.retry_at is None


def test_a_time_out_half_way_stores_nothing(api, worker):
    first = [status_json(2)]
    add_account(api)
    add_page(api, first)
    for _try in range(3):
        api.get(STATUSES_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(FetchStopped):
        fetch_mastodon_account(worker)
    assert not Tweet.objects.exists()


@pytest.mark.parametrize("status", [404, 410])
def test_an_unknown_account_is_an_error_naming_it(api, worker, status):
    worker.platform_id = ""
    worker.save()
    add_lookup(api, status=status, json={"error": "Record not found"})
    with pytest.raises(FetchError) as error:
        fetch_mastodon_account(worker)
    assert str(error.value) == (
        f"mastodon.social knows no account @skyddsombud@mastodon.social ({status}): check the "
        "relay account's handle."
    )


def test_a_moved_account_is_an_error_naming_where_it_went(api, worker):
    worker.platform_id = ""
    worker.save()
    add_lookup(api, {**WORKER, "moved": account_json("skyddsombud", "5", domain="fedi.example")})
    with pytest.raises(FetchError) as error:
        fetch_mastodon_account(worker)
    assert "@skyddsombud@mastodon.social has moved to @skyddsombud@fedi.example" in str(error.value)
    worker.refresh_from_db()
    assert worker.platform_id == ""


def test_an_account_moved_since_the_last_fetch_is_an_error_and_nothing_is_fetched(api, worker):
    add_account(api, {**WORKER, "moved": account_json("skyddsombud", "5", domain="fedi.example")})
    with pytest.raises(FetchError) as error:
        fetch_mastodon_account(worker)
    assert "@skyddsombud@mastodon.social has moved to @skyddsombud@fedi.example" in str(error.value)
    assert len(api.calls) == 1 and not Tweet.objects.exists()


def test_an_account_gone_since_the_last_fetch_is_an_error(api, worker):
    add_account(api, status=410, json={"error": "This account is suspended"})
    with pytest.raises(FetchError, match=r"knows no account @skyddsombud@mastodon\.social \(410\)"):
        fetch_mastodon_account(worker)


def test_another_refusal_is_an_error_with_its_status(api, worker):
    add_account(api)
    api.get(STATUSES_URL, status=403, json={"error": "This action is not allowed"})
    with pytest.raises(FetchError) as error:
        fetch_mastodon_account(worker)
    assert str(error.value) == (
        "mastodon.social answered 403 for @skyddsombud@mastodon.social: Forbidden"
    )
