"""Fetching relay accounts' new posts: from the X API v2 with tweepy here, from Bluesky and
Mastodon in ``bluesky.py`` and ``mastodon.py``, which use this module's errors, retries and storing.

All pages of one account are read before anything is stored, then stored in one transaction
through the same normaliser and storing function as the archive import: a fetch that stops
half-way (rate limit, X unavailable) stores nothing, and the next one starts again from the
same newest stored tweet, so nothing is skipped and nothing is stored twice.
"""

import datetime
import logging
import time
from dataclasses import dataclass

import requests
import tweepy
from django.db import InterfaceError, OperationalError, connections, router
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from ..accounts import RelayAccount, relay_account_handles, relay_account_named
from ..choices import Platform
from ..conf import app_settings
from .media_download import download_media
from .models import Tweet
from .normalize import InvalidTweet, TweetFormat, normalize_tweet
from .store import store_tweets

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
# v2 no longer says which app posted a tweet (v1.1's "source"): fetched tweets have no client.
TWEET_FIELDS = [
    "attachments",
    "author_id",
    "conversation_id",
    "created_at",
    "edit_history_tweet_ids",
    "entities",
    "geo",
    "in_reply_to_user_id",
    "lang",
    "note_tweet",
    "possibly_sensitive",
    "public_metrics",
    "referenced_tweets",
]
EXPANSIONS = [
    "attachments.media_keys",
    "in_reply_to_user_id",
    "referenced_tweets.id",
    "geo.place_id",
]
MEDIA_FIELDS = ["alt_text", "height", "media_key", "preview_image_url", "type", "url", "width"]
PLACE_FIELDS = ["full_name", "id"]
USER_FIELDS = ["username"]


class FetchError(Exception):
    """Fetching cannot work until someone changes something (token, access level, handle)."""


class FetchStopped(Exception):
    """X cannot answer now (rate limit, errors, time-outs); nothing was stored. Try later."""

    def __init__(self, message, retry_at=None):
        super().__init__(message)
        self.retry_at = retry_at


@dataclass
class FetchResult:
    handle: str
    new: int
    present: int
    pages: int
    #: Posts read but not stored: not public, or unusable.
    skipped: int = 0
    #: What an editor should know of the account, e.g. that it was renamed.
    notice: str = ""

    @property
    def summary(self):
        values = {
            "handle": self.handle,
            "new": self.new,
            "present": self.present,
            "pages": self.pages,
            "skipped": self.skipped,
        }
        if self.skipped:
            summary = _(
                "@%(handle)s: %(new)s new posts, %(present)s already present, %(skipped)s "
                "skipped, %(pages)s pages."
            )
        else:
            summary = _(
                "@%(handle)s: %(new)s new posts, %(present)s already present, %(pages)s pages."
            )
        summary %= values
        return f"{summary} {self.notice}" if self.notice else summary


def active_accounts(handle=""):
    """The accounts to fetch: every active one, or the one named (whatever its state)."""
    if not handle:
        return list(RelayAccount.objects.filter(active=True).order_by("platform", "pk"))
    account = relay_account_named(handle)
    if account is None:
        raise FetchError(
            _("@%(handle)s is not a relay account of this site. Relay accounts: %(known)s.")
            % {"handle": handle.removeprefix("@"), "known": relay_account_handles()}
        )
    return [account]


def bearer_token():
    """The X API bearer token; FetchError, saying where to set it, when there is none."""
    token = app_settings.X_BEARER_TOKEN
    if not token:
        raise FetchError(
            _(
                "No X API bearer token: set SOCHEF_X_BEARER_TOKEN in the settings or in the "
                "environment."
            )
        )
    return token


def make_client():
    client = tweepy.Client(bearer_token=bearer_token(), wait_on_rate_limit=False)
    client.session = _TimeoutSession(app_settings.FETCH_TIMEOUT_SECONDS)
    return client


def fetch_tweets(handle="", on_result=None):
    """Fetch every active account (or the one named) from its platform, then the media files
    of stored posts that only have their address (``media_download``).

    An account that cannot be fetched does not keep the others from being fetched: what went
    wrong is recorded on it, for the editors, as is each summary. Then the first such error is
    raised: ``FetchStopped`` (the platform cannot answer now; a rate limit's first, for its
    reset time) before ``FetchError`` (configuration, an account gone). ``on_result(result)``
    after each account fetched. X's client is made only for an X account: a site on Bluesky
    and Mastodon needs no X token.
    """
    x_client = None
    results, failures = [], []
    for account in active_accounts(handle):
        try:
            if account.platform == Platform.X:
                x_client = x_client or make_client()
                result = fetch_account(account, x_client)
            else:
                result = _platform_fetch(account.platform)(account)
        except (FetchError, FetchStopped) as error:
            logger.warning("Fetch of @%s failed: %s", account.handle, error)
            _report(account, str(error), failed=True)
            failures.append(error)
            continue
        _report(account, result.summary, failed=False)
        results.append(result)
        if on_result:
            on_result(result)
    downloads = download_media()
    if downloads.tried:
        results.append(downloads)
        if on_result:
            on_result(downloads)
    if failures:
        raise min(failures, key=_urgency)
    return results


def _urgency(error):
    """Which failure is raised: a rate limit with its reset time first, then other stops."""
    if isinstance(error, FetchStopped):
        return 0 if error.retry_at else 1
    return 2


def _report(account, report, failed):
    RelayAccount.objects.filter(pk=account.pk).update(
        fetched_at=timezone.now(), fetch_report=report, fetch_failed=failed
    )


def _platform_fetch(platform):
    # Imported when needed: those modules build on this one's errors, retries and storing.
    from . import bluesky, mastodon

    return {
        Platform.BLUESKY: bluesky.fetch_bluesky_account,
        Platform.MASTODON: mastodon.fetch_mastodon_account,
    }[platform]


def fetch_account(account, client):
    """Fetch and store the tweets of ``account`` newer than its newest stored one."""
    api = _Api(client, account)
    if not account.platform_id:
        user = api.call(client.get_user, username=account.handle, user_fields=USER_FIELDS).data
        if user is None:
            raise FetchError(_("X knows no user @%(handle)s.") % {"handle": account.handle})
        account.platform_id = str(user.id)
        RelayAccount.objects.filter(pk=account.pk).update(platform_id=account.platform_id)
    # Ids grow with time; within one second, the longer and then the larger id is newer.
    since_id = (
        Tweet.objects.filter(account=account)
        .order_by("-created_at", Length("tweet_id").desc(), "-tweet_id")
        .values_list("tweet_id", flat=True)
        .first()
    )
    rows, pages, token = [], 0, None
    while True:
        response = api.call(
            client.get_users_tweets,
            account.platform_id,
            since_id=since_id,
            pagination_token=token,
            max_results=PAGE_SIZE,
            tweet_fields=TWEET_FIELDS,
            expansions=EXPANSIONS,
            media_fields=MEDIA_FIELDS,
            place_fields=PLACE_FIELDS,
            user_fields=USER_FIELDS,
        )
        pages += 1
        rows += _rows(response, account)
        token = (response.meta or {}).get("next_token")
        if not token:
            break
    stored = store_fetched(account, rows)
    return FetchResult(account.handle, stored.created, stored.present, pages)


def store_fetched(account, rows):
    """Store the fetched ``rows``, on a new database connection when the one in use is lost.

    django-q2 does not run a task again that raised, and X's pages would cost another request
    each: the rows read are kept and stored again. A commit whose answer was lost is no
    duplicate, as ``store_tweets`` skips tweets stored already.
    """
    database = connections[router.db_for_write(Tweet)]
    tries = max(app_settings.FETCH_MAX_TRIES, 1)
    for attempt in range(1, tries + 1):
        try:
            return store_tweets(account, rows)
        except (OperationalError, InterfaceError) as error:
            if attempt == tries or database.in_atomic_block:
                raise
            logger.warning(
                "Lost the database connection while storing @%s's tweets (%s); try %s",
                account,
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
                attempt + 1,
            )
            database.close()


def _rows(response, account):
    includes = response.includes or {}
    expansions = {
        "media": {media.media_key: media.data for media in includes.get("media", [])},
        "users": {str(user.id): user.username for user in includes.get("users", [])},
        "places": {place.id: place.full_name for place in includes.get("places", [])},
    }
    rows = []
    for tweet in response.data or []:
        try:
            rows.append(normalize_tweet(tweet.data, TweetFormat.API, includes=expansions))
        except InvalidTweet as error:
            raise FetchStopped(
                _("X sent an unusable tweet for @%(handle)s (%(error)s); nothing was stored.")
                % {"handle": account.handle, "error": error}
            ) from None
    return rows


def reset_time(retry_at):
    """When a rate limit resets, as the messages of every platform's fetch say it."""
    return retry_at.strftime("%Y-%m-%d %H:%M UTC") if retry_at else _("an unknown time")


class Retry(Exception):  # noqa: N818 (not an error: a request worth sending again)
    """Raised by an attempt of :func:`retrying` whose failure may pass: 5xx, time-out."""

    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


def retrying(attempt, service, handle):
    """``attempt()``, tried again after a growing pause while it raises :class:`Retry`, at most
    ``SOCHEF_FETCH_MAX_TRIES`` times; then ``FetchStopped``. ``service`` names who failed."""
    tries = max(app_settings.FETCH_MAX_TRIES, 1)
    for number in range(1, tries + 1):
        try:
            return attempt()
        except Retry as retry:
            problem = retry.problem
        if number < tries:
            delay = app_settings.FETCH_BACKOFF_SECONDS * 2 ** (number - 1)
            logger.info(
                "%s: %s for @%s; try %s in %s s", service, problem, handle, number + 1, delay
            )
            time.sleep(delay)
    message = _(
        "%(service)s failed %(tries)s times (%(problem)s) for @%(handle)s: nothing was stored; "
        "the next fetch tries again."
    ) % {"service": service, "tries": tries, "problem": problem, "handle": handle}
    logger.warning(message)
    raise FetchStopped(message)


class _Api:
    """Calls to X with limited retries on 5xx answers, invalid JSON and time-outs."""

    def __init__(self, client, account):
        self.client, self.account = client, account

    def call(self, method, *args, **kwargs):
        return retrying(
            lambda: self._attempt(method, args, kwargs), _("X's API"), self.account.handle
        )

    def _attempt(self, method, args, kwargs):
        try:
            return method(*args, **kwargs)
        except tweepy.TooManyRequests as error:
            raise self._rate_limited(error) from None
        except tweepy.Unauthorized:
            raise FetchError(
                _("X refused the bearer token (401): check SOCHEF_X_BEARER_TOKEN.")
            ) from None
        except tweepy.Forbidden as error:
            raise self._forbidden(error) from None
        except tweepy.NotFound:
            raise FetchError(
                _("X knows no user @%(handle)s (404).") % {"handle": self.account.handle}
            ) from None
        except (tweepy.TwitterServerError, requests.RequestException) as error:
            raise Retry(_describe(error)) from None
        except tweepy.HTTPException as error:
            raise FetchError(
                _("X answered %(status)s for @%(handle)s: %(error)s")
                % {
                    "status": error.response.status_code,
                    "handle": self.account.handle,
                    "error": str(error).splitlines()[0],
                }
            ) from None

    def _rate_limited(self, error):
        reset = error.response.headers.get("x-rate-limit-reset", "")
        retry_at = (
            datetime.datetime.fromtimestamp(int(reset), datetime.UTC) if reset.isdigit() else None
        )
        message = _(
            "X's rate limit is reached (429) while fetching @%(handle)s: nothing was stored; "
            "it resets at %(reset)s."
        ) % {
            "handle": self.account.handle,
            "reset": reset_time(retry_at),
        }
        logger.warning(message)
        return FetchStopped(message, retry_at=retry_at)

    def _forbidden(self, error):
        """403, often with error 453: the app's access level cannot read timelines."""
        return FetchError(
            _(
                "X refused to read @%(handle)s's tweets (403%(code)s): the access level of the "
                "app behind SOCHEF_X_BEARER_TOKEN does not include reading timelines (X's free "
                "tier cannot). Use a token of a paid tier, or import the account's archive ZIP "
                "with sochef_import_archive."
            )
            % {
                "handle": self.account.handle,
                "code": ", error 453" if 453 in error.api_codes else "",
            }
        )


def _describe(error):
    if isinstance(error, tweepy.TwitterServerError):
        return str(error.response.status_code)
    if isinstance(error, requests.Timeout):
        return _("time-out")
    if isinstance(error, requests.JSONDecodeError):
        return _("invalid JSON")
    return type(error).__name__


class _TimeoutSession(requests.Session):
    """tweepy passes no time-out to requests: give every request one."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)
