"""One fetch of relay accounts on several platforms: each from its own API, one account's
failure recorded on it without stopping the others, and what each fetch said shown to editors."""

import io

import httpx
import pytest
import responses
import respx
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.archive.models import Tweet
from sochef_wagtail.choices import Platform
from tests.factories import make_accounts, make_user

pytestmark = pytest.mark.django_db

FEED_URL = "https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed"
ACCOUNT_URL = "https://mastodon.social/api/v1/accounts/2"
STATUSES_URL = f"{ACCOUNT_URL}/statuses"
MASTODON_ACCOUNT = {"id": "2", "username": "skyddsombud", "acct": "skyddsombud"}


@pytest.fixture(autouse=True)
def fetch_settings(settings):
    settings.SOCHEF_FETCH_BACKOFF_SECONDS = 0
    settings.SOCHEF_X_BEARER_TOKEN = ""
    with translation.override("en"):
        yield settings


@pytest.fixture
def workers():
    """The worker side's Bluesky and Mastodon accounts, the only active ones."""
    accounts = []
    for platform in (Platform.BLUESKY, Platform.MASTODON):
        employer, worker = make_accounts(platform)
        employer.active = False
        employer.save()
        accounts.append(worker)
    return accounts


def mastodon_status(text):
    return {
        "id": "113520000000000001",
        "uri": "https://mastodon.social/users/skyddsombud/statuses/113520000000000001",
        "created_at": "2024-11-18T08:00:00.000Z",
        "visibility": "public",
        "content": f"<p>{text}</p>",
        "account": MASTODON_ACCOUNT,
        "mentions": [],
        "media_attachments": [],
        "reblog": None,
    }


def fetch():
    out = io.StringIO()
    call_command("sochef_fetch_tweets", stdout=out)
    return out.getvalue()


def test_an_account_that_fails_is_recorded_and_the_others_are_fetched(workers):
    bluesky, mastodon = workers
    with respx.mock, responses.RequestsMock() as instance:
        respx.get(FEED_URL).mock(
            return_value=httpx.Response(
                400, json={"error": "InvalidRequest", "message": "Profile not found"}
            )
        )
        instance.get(ACCOUNT_URL, json=MASTODON_ACCOUNT)
        instance.get(STATUSES_URL, json=[mastodon_status("Hej från Mastodon")])
        with pytest.raises(CommandError) as raised:
            fetch()
    assert str(raised.value) == (
        "Bluesky cannot show @skyddsombud.bsky.social's posts: Profile not found."
    )
    assert Tweet.objects.get().text == "Hej från Mastodon"
    bluesky.refresh_from_db()
    mastodon.refresh_from_db()
    assert (bluesky.fetch_failed, bluesky.fetch_report) == (True, str(raised.value))
    assert not mastodon.fetch_failed
    assert mastodon.fetch_report.startswith("@skyddsombud@mastodon.social: 1 new posts")
    assert bluesky.fetched_at and mastodon.fetched_at


def test_a_rate_limit_is_raised_before_an_error_for_its_reset_time(workers):
    with respx.mock, responses.RequestsMock() as instance:
        respx.get(FEED_URL).mock(
            return_value=httpx.Response(400, json={"error": "X", "message": "Gone"})
        )
        instance.get(ACCOUNT_URL, json=MASTODON_ACCOUNT)
        instance.get(
            STATUSES_URL, status=429, headers={"X-RateLimit-Reset": "2030-01-02T03:04:00.000Z"}
        )
        with pytest.raises(CommandError) as raised:
            fetch()
    assert "rate limit" in str(raised.value) and "2030-01-02 03:04 UTC" in str(raised.value)


def test_an_x_account_without_a_token_is_recorded_and_the_others_fetched(workers):
    employer, worker = make_accounts(Platform.X)
    employer.active = False
    employer.save()
    with respx.mock, responses.RequestsMock() as instance:
        respx.get(FEED_URL).mock(return_value=httpx.Response(200, json={"feed": []}))
        instance.get(ACCOUNT_URL, json=MASTODON_ACCOUNT)
        instance.get(STATUSES_URL, json=[])
        with pytest.raises(CommandError) as raised:
            fetch()
    assert "SOCHEF_X_BEARER_TOKEN" in str(raised.value)
    worker.refresh_from_db()
    assert worker.fetch_failed and "SOCHEF_X_BEARER_TOKEN" in worker.fetch_report
    assert RelayAccount.objects.filter(fetch_failed=False, fetched_at__isnull=False).count() == 2


def test_editors_see_each_accounts_last_fetch_and_cannot_change_it(client, workers):
    bluesky, _mastodon = workers
    RelayAccount.objects.filter(pk=bluesky.pk).update(
        fetched_at="2024-11-18T08:00:00Z",
        fetch_report="Bluesky cannot show <b>@x</b>'s posts: Profile not found.",
        fetch_failed=True,
    )
    client.force_login(make_user("editor", superuser=True))
    listing = client.get(reverse("wagtailsnippets_sochef_wagtail_relayaccount:list"))
    html = listing.content.decode()
    assert "Bluesky cannot show &lt;b&gt;@x&lt;/b&gt;" in html and "<b>@x</b>" not in html
    with translation.override("sv"):  # the admin's language here
        assert gettext("not fetched yet") in html  # the employer accounts
    edit_url = reverse("wagtailsnippets_sochef_wagtail_relayaccount:edit", args=[bluesky.pk])
    edit = client.get(edit_url).content.decode()
    assert "Profile not found" in edit
    bluesky.refresh_from_db()
    data = {
        "platform": bluesky.platform,
        "handle": bluesky.handle,
        "display_name": "Nytt namn",
        "side": bluesky.side,
        "platform_id": bluesky.platform_id,
        "active": "on",
        "fetch_report": "forged",
        "fetch_failed": "",
        "follower_snapshots-TOTAL_FORMS": "0",
        "follower_snapshots-INITIAL_FORMS": "0",
        "follower_snapshots-MIN_NUM_FORMS": "0",
        "follower_snapshots-MAX_NUM_FORMS": "1000",
    }
    assert client.post(edit_url, data).status_code == 302
    bluesky.refresh_from_db()
    assert bluesky.display_name == "Nytt namn"
    assert bluesky.fetch_failed and "Profile not found" in bluesky.fetch_report
