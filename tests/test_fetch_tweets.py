"""sochef_fetch_tweets and its schedule: tweepy's own code runs against a mocked X API."""

import datetime
import io

import httpx
import pytest
import requests
import responses
import respx
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation
from django_q.models import Schedule
from django_q.scheduler import scheduler
from responses import matchers

from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.archive.fetch import FetchError
from sochef_wagtail.archive.models import Tweet, TweetMedia, TweetSource
from sochef_wagtail.archive.tasks import FETCH_RETRY_SCHEDULE, FETCH_SCHEDULE, fetch_tweets_task
from sochef_wagtail.archive.timeline import tweet_archive
from sochef_wagtail.choices import Platform
from tests.archives import START, api_tweet
from tests.factories import make_user

pytestmark = pytest.mark.django_db

API = "https://api.twitter.com/2"
USER_URL = f"{API}/users/by/username/Skyddsombud"
TWEETS_URL = f"{API}/users/42/tweets"


@pytest.fixture(autouse=True)
def x_settings(settings):
    settings.SOCHEF_X_BEARER_TOKEN = "test-token"
    settings.SOCHEF_FETCH_BACKOFF_SECONDS = 0
    with translation.override("en"):
        yield settings


@pytest.fixture
def api():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def worker(accounts):
    """Only @Skyddsombud is active, so a fetch of "every account" asks for it alone."""
    employer, worker = accounts
    employer.active = False
    employer.save()
    return worker


def fetch(*args):
    out = io.StringIO()
    call_command("sochef_fetch_tweets", *args, stdout=out)
    return out.getvalue()


def fetch_error(*args):
    with pytest.raises(CommandError) as raised:
        fetch(*args)
    return str(raised.value)


def add_user(api):
    api.get(USER_URL, json={"data": {"id": "42", "name": "Skyddsombud", "username": "Skyddsombud"}})


def add_page(api, tweets, next_token=None, includes=None, **params):
    meta = {"result_count": len(tweets)}
    if next_token:
        meta["next_token"] = next_token
    body = {"data": tweets, "meta": meta}
    if includes:
        body["includes"] = includes
    api.get(
        TWEETS_URL,
        json=body,
        match=[matchers.query_param_matcher(params, strict_match=False)] if params else [],
    )


def test_first_fetch_resolves_and_stores_the_user_id(api, worker):
    add_user(api)
    add_page(api, [api_tweet(11)])
    out = fetch()
    worker.refresh_from_db()
    assert worker.platform_id == "42"
    assert Tweet.objects.get().tweet_id == "11"
    assert "@Skyddsombud: 1 new posts" in out


def test_known_user_id_is_not_asked_again(api, worker):
    worker.platform_id = "42"
    worker.save()
    add_page(api, [api_tweet(11)])
    fetch()
    assert [call.request.url.split("?")[0] for call in api.calls] == [TWEETS_URL]


def test_next_fetch_asks_only_for_tweets_after_the_newest_stored(api, worker):
    worker.platform_id = "42"
    worker.save()
    add_page(api, [api_tweet(12, created_at=START), api_tweet(11, created_at=START)])
    fetch()
    add_page(api, [api_tweet(13)], since_id="12")
    fetch()
    assert Tweet.objects.count() == 3
    assert "since_id=12" in api.calls[-1].request.url


def test_all_pages_are_fetched(api, worker):
    add_user(api)
    add_page(api, [api_tweet(14), api_tweet(13)], next_token="page2")
    add_page(api, [api_tweet(12), api_tweet(11)], pagination_token="page2")
    fetch()
    assert Tweet.objects.count() == 4
    assert "pagination_token=page2" in api.calls[-1].request.url


def test_request_asks_for_media_and_referenced_tweets(api, worker):
    add_user(api)
    add_page(api, [])
    fetch()
    url = requests.utils.unquote(api.calls[-1].request.url)
    assert "expansions=attachments.media_keys,in_reply_to_user_id,referenced_tweets.id" in url
    assert "alt_text" in url and "note_tweet" in url and "max_results=100" in url


def test_fetched_tweet_is_normalised_like_an_archived_one(api, worker):
    text = "@ArbetsmiljoChef Q&amp;A om #arbetsmiljo https://t.co/x"
    tweet = api_tweet(
        21,
        text,
        in_reply_to_user_id="7",
        referenced_tweets=[{"type": "replied_to", "id": "20"}],
        attachments={"media_keys": ["3_99"]},
        entities={
            "mentions": [{"start": 0, "end": 16, "username": "ArbetsmiljoChef", "id": "7"}],
            "hashtags": [{"start": 25, "end": 37, "tag": "arbetsmiljo"}],
            "urls": [
                {
                    "start": 38,
                    "end": 55,
                    "url": "https://t.co/x",
                    "expanded_url": "https://www.nyarbetsmiljo.se/",
                    "display_url": "nyarbetsmiljo.se",
                }
            ],
        },
    )
    includes = {
        "media": [
            {"media_key": "3_99", "type": "photo", "url": "https://pbs.twimg.com/media/x.jpg",
             "alt_text": "Ett skyddsombud", "width": 800, "height": 600},
        ],
        "users": [{"id": "7", "name": "Chef", "username": "ArbetsmiljoChef"}],
    }  # fmt: skip
    add_user(api)
    add_page(api, [tweet], includes=includes)
    fetch()
    stored = Tweet.objects.get()
    assert stored.text == "@ArbetsmiljoChef Q&A om #arbetsmiljo https://t.co/x"
    assert stored.source == TweetSource.API
    assert (stored.in_reply_to_tweet_id, stored.in_reply_to_handle) == ("20", "ArbetsmiljoChef")
    assert (stored.like_count, stored.retweet_count) == (5, 2)
    url = stored.entities["urls"][0]
    assert stored.text[url["start"] : url["end"]] == "https://t.co/x"
    tag = stored.entities["hashtags"][0]
    assert stored.text[tag["start"] : tag["end"]] == "#arbetsmiljo"
    media = TweetMedia.objects.get()
    assert (media.alt_text, media.width, media.original_url) == (
        "Ett skyddsombud",
        800,
        "https://pbs.twimg.com/media/x.jpg",
    )


def test_long_post_keeps_its_note_tweet_text(api, worker):
    full = "Ett långt inlägg. " * 30
    add_user(api)
    add_page(api, [api_tweet(31, full[:270] + "…", note_tweet={"text": full})])
    fetch()
    assert Tweet.objects.get().text == full


def test_retweets_and_quotes_are_flagged(api, worker):
    add_user(api)
    add_page(
        api,
        [
            api_tweet(41, "RT @x: hej", referenced_tweets=[{"type": "retweeted", "id": "1"}]),
            api_tweet(42, "Se här", referenced_tweets=[{"type": "quoted", "id": "2"}]),
        ],
    )
    fetch()
    retweet, quote = Tweet.objects.order_by("tweet_id")
    assert (retweet.is_retweet, retweet.is_quote) == (True, False)
    assert (quote.is_quote, quote.quoted_tweet_id) == (True, "2")


def test_tweets_fetched_again_are_not_stored_twice(api, worker):
    add_user(api)
    add_page(api, [api_tweet(11)])
    add_page(api, [api_tweet(11), api_tweet(11)])
    fetch()
    out = fetch()
    assert Tweet.objects.count() == 1
    assert "0 new posts, 1 already present" in out


def test_rate_limit_stops_with_the_reset_time_and_stores_nothing(api, worker):
    reset = int(datetime.datetime(2030, 1, 2, 3, 4, tzinfo=datetime.UTC).timestamp())
    add_user(api)
    add_page(api, [api_tweet(12)], next_token="page2")
    api.get(TWEETS_URL, status=429, json={"title": "Too Many Requests"},
            headers={"x-rate-limit-reset": str(reset)})  # fmt: skip
    message = fetch_error()
    assert "429" in message and "2030-01-02 03:04 UTC" in message
    assert not Tweet.objects.exists()
    assert len(api.calls) == 3  # no retry of a 429


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 503, "json": {"title": "Service Unavailable"}},
        {"body": requests.exceptions.ReadTimeout("read timed out")},
        {"status": 200, "body": "{not json"},
    ],
    ids=["503", "time-out", "invalid-json"],
)
def test_failures_are_retried_then_the_fetch_stops_cleanly(api, worker, failure, settings, caplog):
    settings.SOCHEF_FETCH_MAX_TRIES = 3
    add_user(api)
    for _ in range(3):
        api.get(TWEETS_URL, **failure)
    message = fetch_error()
    assert "failed 3 times" in message and "nothing was stored" in message
    assert len([c for c in api.calls if c.request.url.startswith(TWEETS_URL)]) == 3
    assert not Tweet.objects.exists()
    assert "failed 3 times" in caplog.text


def test_failure_then_success_stores_the_tweets(api, worker):
    add_user(api)
    api.get(TWEETS_URL, status=503, json={"title": "Service Unavailable"})
    add_page(api, [api_tweet(11)])
    fetch()
    assert Tweet.objects.count() == 1


def test_free_tier_403_453_explains_the_access_level(api, worker):
    add_user(api)
    api.get(
        TWEETS_URL,
        status=403,
        json={"errors": [{"code": 453, "message": "You currently have access to a subset"}]},
    )
    message = fetch_error()
    assert "403, error 453" in message and "access level" in message
    assert "\n" not in message


def test_no_token_is_a_clear_error(worker, settings, monkeypatch):
    settings.SOCHEF_X_BEARER_TOKEN = ""
    monkeypatch.delenv("SOCHEF_X_BEARER_TOKEN", raising=False)
    with pytest.raises(CommandError) as raised:
        fetch()
    assert "SOCHEF_X_BEARER_TOKEN" in str(raised.value)
    assert raised.value.returncode == 1


def test_token_is_read_from_the_environment(api, worker, settings, monkeypatch):
    settings.SOCHEF_X_BEARER_TOKEN = ""
    monkeypatch.setenv("SOCHEF_X_BEARER_TOKEN", "env-token")
    add_user(api)
    add_page(api, [])
    fetch()
    assert api.calls[0].request.headers["Authorization"] == "Bearer env-token"


def test_unknown_account_names_the_known_handles(worker):
    message = fetch_error("--account", "Okand")
    assert "@Okand" in message and "@ArbetsmiljoChef, @Skyddsombud" in message


def test_inactive_accounts_are_not_fetched(api, accounts):
    for account in accounts:
        account.active = False
        account.save()
    assert fetch() == ""


# Schedule -----------------------------------------------------------------------------------


def test_schedule_command_creates_one_schedule_however_often_it_runs(settings):
    settings.SOCHEF_FETCH_INTERVAL_MINUTES = 30
    call_command("sochef_schedule", stdout=io.StringIO())
    settings.SOCHEF_FETCH_INTERVAL_MINUTES = 15
    out = io.StringIO()
    call_command("sochef_schedule", stdout=out)
    schedule = Schedule.objects.get(name=FETCH_SCHEDULE)
    assert (schedule.minutes, schedule.schedule_type) == (15, Schedule.MINUTES)
    assert "Updated" in out.getvalue()


def test_scheduler_runs_the_fetch(api, worker):
    call_command("sochef_schedule", stdout=io.StringIO())
    Schedule.objects.filter(name=FETCH_SCHEDULE).update(
        next_run=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    add_user(api)
    add_page(api, [api_tweet(11)])
    scheduler()
    assert Tweet.objects.get().tweet_id == "11"


def test_rate_limited_scheduled_fetch_schedules_one_retry_at_the_reset(api, worker):
    reset = int(datetime.datetime(2030, 1, 2, 3, 4, tzinfo=datetime.UTC).timestamp())
    call_command("sochef_schedule", stdout=io.StringIO())
    Schedule.objects.filter(name=FETCH_SCHEDULE).update(
        next_run=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    add_user(api)
    api.get(TWEETS_URL, status=429, headers={"x-rate-limit-reset": str(reset)}, json={})
    scheduler()
    retry = Schedule.objects.get(name=FETCH_RETRY_SCHEDULE)
    assert retry.schedule_type == Schedule.ONCE
    assert reset < retry.next_run.timestamp() < reset + 60  # just after the reset, not before
    assert not Tweet.objects.exists()


def rate_limited(api, reset=None):
    headers = {"x-rate-limit-reset": str(int(reset.timestamp()))} if reset else {}
    api.get(TWEETS_URL, status=429, headers=headers, json={"title": "Too Many Requests"})


def test_retry_after_the_reset_fetches_what_the_rate_limit_stopped(api, worker):
    add_user(api)
    rate_limited(api, timezone.now() + datetime.timedelta(minutes=10))
    fetch_tweets_task()
    # Ten minutes later: the retry is due.
    Schedule.objects.filter(name=FETCH_RETRY_SCHEDULE).update(
        next_run=timezone.now() - datetime.timedelta(seconds=1)
    )
    add_page(api, [api_tweet(12), api_tweet(11)])
    scheduler()
    assert sorted(Tweet.objects.values_list("tweet_id", flat=True)) == ["11", "12"]
    assert Schedule.objects.get(name=FETCH_RETRY_SCHEDULE).repeats == 0  # spent


def test_second_rate_limit_moves_the_one_retry_schedule(api, worker):
    first = timezone.now() + datetime.timedelta(minutes=5)
    second = timezone.now() + datetime.timedelta(minutes=20)
    add_user(api)
    rate_limited(api, first)
    rate_limited(api, second)
    fetch_tweets_task()
    fetch_tweets_task()
    retry = Schedule.objects.get(name=FETCH_RETRY_SCHEDULE)
    assert (retry.repeats, retry.schedule_type) == (1, Schedule.ONCE)
    assert second < retry.next_run < second + datetime.timedelta(minutes=1)


def test_rate_limit_without_a_reset_time_leaves_the_fetch_to_the_next_interval(api, worker):
    add_user(api)
    rate_limited(api)
    assert "it resets at an unknown time" in fetch_tweets_task()
    assert not Schedule.objects.filter(name=FETCH_RETRY_SCHEDULE).exists()
    assert not Tweet.objects.exists()


@pytest.fixture
def no_token(settings, monkeypatch):
    settings.SOCHEF_X_BEARER_TOKEN = ""
    monkeypatch.delenv("SOCHEF_X_BEARER_TOKEN", raising=False)


def test_schedule_command_without_token_schedules_nothing(no_token, accounts):
    with pytest.raises(CommandError) as raised:
        call_command("sochef_schedule", stdout=io.StringIO())
    assert "SOCHEF_X_BEARER_TOKEN" in str(raised.value) and "not scheduled" in str(raised.value)
    assert raised.value.returncode == 1
    assert not Schedule.objects.filter(name=FETCH_SCHEDULE).exists()


def test_editors_are_told_on_the_dashboard_and_import_page_that_the_fetch_fails(
    client, settings, monkeypatch, accounts
):
    call_command("sochef_schedule", stdout=io.StringIO())  # scheduled while a token was set
    settings.SOCHEF_X_BEARER_TOKEN = ""
    monkeypatch.delenv("SOCHEF_X_BEARER_TOKEN", raising=False)
    client.force_login(make_user("importer", ["sochef_wagtail.import_archive"]))
    for url in (reverse("wagtailadmin_home"), reverse("sochef_archive_import:index")):
        html = client.get(url).content.decode()
        assert "SOCHEF_X_BEARER_TOKEN" in html and FETCH_SCHEDULE in html, url


def test_the_dashboard_says_nothing_with_a_token_or_without_a_schedule(client, settings):
    client.force_login(make_user("importer", ["sochef_wagtail.import_archive"]))
    call_command("sochef_schedule", stdout=io.StringIO())
    assert FETCH_SCHEDULE not in client.get(reverse("wagtailadmin_home")).content.decode()
    settings.SOCHEF_X_BEARER_TOKEN = ""
    Schedule.objects.all().delete()
    assert FETCH_SCHEDULE not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_warning_is_for_those_who_can_import_archives(client, settings):
    call_command("sochef_schedule", stdout=io.StringIO())
    settings.SOCHEF_X_BEARER_TOKEN = ""
    client.force_login(make_user("redaktor"))
    assert FETCH_SCHEDULE not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_scheduled_fetch_without_token_fails_with_a_log_line(worker, settings, monkeypatch, caplog):
    """The task fails (django-q lists it under failed tasks) with the message, logged."""
    settings.SOCHEF_X_BEARER_TOKEN = ""
    monkeypatch.delenv("SOCHEF_X_BEARER_TOKEN", raising=False)
    with pytest.raises(FetchError):
        fetch_tweets_task()
    assert "Scheduled fetch of tweets failed: No X API bearer token" in caplog.text


def test_request_asks_for_the_fields_kept(api, worker):
    add_user(api)
    add_page(api, [])
    fetch()
    query = requests.utils.unquote(api.calls[-1].request.url)
    fields = dict(part.split("=", 1) for part in query.split("?", 1)[1].split("&"))
    assert {"possibly_sensitive", "geo", "in_reply_to_user_id", "edit_history_tweet_ids"} <= set(
        fields["tweet.fields"].split(",")
    )
    assert "geo.place_id" in fields["expansions"].split(",")
    assert "full_name" in fields["place.fields"].split(",")


def test_fetched_tweet_keeps_sensitivity_place_reply_user_and_cashtags(api, worker):
    tweet = api_tweet(
        41,
        "@ArbetsmiljoChef $VOLV stiger",
        in_reply_to_user_id="7",
        referenced_tweets=[{"type": "replied_to", "id": "40"}],
        possibly_sensitive=True,
        geo={"place_id": "2c0a5b7d6b6c3f7d"},
        entities={"cashtags": [{"start": 17, "end": 22, "tag": "VOLV"}]},
    )
    includes = {
        "places": [{"id": "2c0a5b7d6b6c3f7d", "full_name": "Stockholm, Sverige"}],
        "users": [{"id": "7", "name": "Chef", "username": "ArbetsmiljoChef"}],
    }
    add_user(api)
    add_page(api, [tweet], includes=includes)
    fetch()
    stored = Tweet.objects.get()
    assert (stored.in_reply_to_user_id, stored.possibly_sensitive) == ("7", True)
    assert stored.place_name == "Stockholm, Sverige"
    assert stored.client == ""  # v2 does not say which app posted it
    (cashtag,) = stored.entities["cashtags"]
    assert stored.text[cashtag["start"] : cashtag["end"]] == "$VOLV"


def test_an_edit_fetched_later_hides_the_version_stored_before(api, worker):
    worker.platform_id = "42"
    worker.save()
    add_page(api, [api_tweet(51, "Skyddsrond på torsdag", edit_history_tweet_ids=["51"])])
    fetch()
    edit = api_tweet(
        52, "Skyddsrond på fredag", START + datetime.timedelta(minutes=5),
        edit_history_tweet_ids=["51", "52"],
    )  # fmt: skip
    add_page(api, [edit], since_id="51")
    fetch()
    assert dict(Tweet.objects.values_list("tweet_id", "latest_version_id")) == {
        "51": "52",
        "52": "",
    }
    assert list(Tweet.objects.filter(edited=True).values_list("tweet_id", flat=True)) == ["52"]
    day = START.date()
    shown = tweet_archive(accounts=[worker], first_day=day, last_day=day)
    assert [tweet.tweet_id for thread in shown.threads for tweet in thread.tweets] == ["52"]


def test_each_platforms_accounts_are_fetched_from_their_own_api(api, worker):
    bluesky = RelayAccount.objects.create(
        platform=Platform.BLUESKY,
        handle="skyddsombud.bsky.social",
        platform_id="did:plc:000000000000000000000002",
        display_name="Skyddsombud",
        side=worker.side,
    )
    add_user(api)
    add_page(api, [api_tweet(1)])
    feed = {
        "feed": [
            {
                "post": {
                    "uri": f"at://{bluesky.platform_id}/app.bsky.feed.post/3k1",
                    "cid": "bafyreia",
                    "author": {"did": bluesky.platform_id, "handle": bluesky.handle},
                    "record": {
                        "$type": "app.bsky.feed.post",
                        "text": "Hej från Bluesky",
                        "createdAt": "2024-03-04T08:00:00Z",
                    },
                    "indexedAt": "2024-03-04T08:00:00Z",
                }
            }
        ]
    }
    with respx.mock:
        appview = respx.get("https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed")
        appview.mock(return_value=httpx.Response(200, json=feed))
        out = fetch()
        assert appview.call_count == 1
    assert [call.request.url.split("?")[0] for call in api.calls] == [USER_URL, TWEETS_URL]
    assert "@skyddsombud.bsky.social: 1 new posts" in out
    assert Tweet.objects.get(account=bluesky).text == "Hej från Bluesky"


def test_a_site_without_x_accounts_fetches_and_schedules_without_an_x_token(settings, worker):
    settings.SOCHEF_X_BEARER_TOKEN = ""
    worker.active = False
    worker.save()
    assert fetch() == ""
    call_command("sochef_schedule", stdout=io.StringIO())
    assert Schedule.objects.filter(name=FETCH_SCHEDULE).exists()
