"""Bluesky's live fetch: a relay account's new posts from Bluesky's public AppView, with
atproto; each post's record read by ``bluesky_records``, which the archive import shares.

The AppView serves any account's public posts without a login. Its author feed comes newest
first, a page at a time (a cursor); pages are read until one holds a post stored already, then
stored in one transaction as the X fetch does (``fetch.py``): a fetch that stops half-way
stores nothing and the next one reads the same pages again.
"""

import logging

from atproto import Client
from atproto_client import exceptions as at_errors
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import Request
from django.utils.translation import gettext as _

from ..accounts import RelayAccount
from ..conf import app_settings
from .bluesky_records import did_of, normalize_post, post_time, post_uri
from .fetch import (
    FetchError,
    FetchResult,
    FetchStopped,
    Retry,
    reset_time,
    retrying,
    store_fetched,
)
from .models import Tweet
from .normalize import InvalidTweet, _obj, _str, credited

logger = logging.getLogger(__name__)

APPVIEW = "https://public.api.bsky.app"
PAGE_SIZE = 100


def normalize_feed_item(item, account):
    """The ``TweetRow`` of one item of an author feed (``app.bsky.feed.defs#feedViewPost``): a
    post of the account, or a post it reposted, marked as a repost under the repost's own id."""
    post = _obj(item.get("post"))
    uri = post_uri(post.get("uri"))
    if not uri:
        raise InvalidTweet("a feed item has no post")
    parent = _obj(_obj(item.get("reply")).get("parent"))
    row = normalize_post(
        uri,
        post.get("record"),
        view=post,
        reply_handle=_str(_obj(parent.get("author")).get("handle")),
    )
    reason = _obj(item.get("reason"))
    if _str(reason.get("$type")) == "app.bsky.feed.defs#reasonRepost":
        author = _str(_obj(post.get("author")).get("handle"))
        row.tweet_id = _str(reason.get("uri")) or f"{uri}#repost:{account.platform_id}"
        row.is_retweet = True
        row.created_at = post_time({}, {"indexedAt": reason.get("indexedAt")}, uri)
        row.text, row.entities = credited(author, {"did": did_of(uri)}, row.text, row.entities)
        row.in_reply_to_tweet_id = row.in_reply_to_handle = row.in_reply_to_user_id = ""
    return row


# Fetching ------------------------------------------------------------------------------------


def make_client():
    request = Request(timeout=app_settings.FETCH_TIMEOUT_SECONDS)
    return Client(base_url=APPVIEW, request=request)


def fetch_bluesky_account(account, client=None):
    """Fetch and store the posts of the Bluesky ``account`` newer than those stored."""
    client = client or make_client()
    api = _AppView(account)
    if not account.platform_id:
        profile = api.call(client.app.bsky.actor.get_profile, {"actor": account.handle})
        account.platform_id = profile.did
        RelayAccount.objects.filter(pk=account.pk).update(platform_id=account.platform_id)
    rows, pages, skipped, cursor, renamed = [], 0, 0, None, ""
    while True:
        params = {"actor": account.platform_id, "limit": PAGE_SIZE, "cursor": cursor}
        answer = api.call(client.app.bsky.feed.get_author_feed, params)
        pages += 1
        items = [get_model_as_dict(item) for item in answer.feed]
        page = [row for row in map(_usable_row, items, [account] * len(items)) if row]
        skipped += len(items) - len(page)
        renamed = renamed or _new_handle(items, account)
        rows += page
        cursor = answer.cursor
        if not cursor or not items or _stored_any(page):
            break
    stored = store_fetched(account, rows)
    result = FetchResult(account.handle, stored.created, stored.present, pages, skipped)
    if renamed:
        result.notice = _(
            "@%(old)s is @%(new)s on Bluesky now: change the relay account's handle."
        ) % {"old": account.handle, "new": renamed}
    return result


def _usable_row(item, account):
    """The row of a feed item, or None for a record no post can be made of: any program may
    write records, and one unusable post must not stop the account's fetch for good."""
    try:
        return normalize_feed_item(item, account)
    except InvalidTweet as error:
        logger.warning("Bluesky post of @%s skipped: %s", account.handle, error)
        return None


def _new_handle(items, account):
    """The account's handle as its own posts name it, when that is not the stored one."""
    for item in items:
        author = _obj(_obj(item.get("post")).get("author"))
        if author.get("did") == account.platform_id:
            handle = _str(author.get("handle"))
            return handle if handle and handle.lower() != account.handle.lower() else ""
    return ""


def _stored_any(rows):
    return Tweet.objects.filter(tweet_id__in=[row.tweet_id for row in rows]).exists()


class _AppView:
    """Calls to the AppView, tried again on 5xx answers, network errors and time-outs."""

    def __init__(self, account):
        self.account = account

    def call(self, method, params):
        attempt = lambda: self._attempt(method, params)  # noqa: E731
        return retrying(attempt, _("Bluesky's AppView"), self.account.handle)

    def _attempt(self, method, params):
        try:
            return method(params)
        except at_errors.ModelError as error:
            raise FetchStopped(
                _("Bluesky sent an answer for @%(handle)s that is not the lexicon's (%(error)s).")
                % {"handle": self.account.handle, "error": str(error).splitlines()[0][:200]}
            ) from None
        except at_errors.RateLimitExceededError as error:
            raise self._rate_limited(error) from None
        except at_errors.BadRequestError as error:
            # The AppView answers 400 for an account it does not serve: unknown, taken down,
            # deactivated, or blocking readers who are not logged in.
            raise FetchError(
                _("Bluesky cannot show @%(handle)s's posts: %(reason)s.")
                % {"handle": self.account.handle, "reason": _reason(error)}
            ) from None
        except at_errors.NetworkError as error:  # also time-outs, 502
            raise Retry(_reason(error) or type(error).__name__) from None
        except at_errors.RequestErrorBase as error:
            status = error.response.status_code if error.response else 0
            if status >= 500:
                raise Retry(str(status)) from None
            raise FetchError(
                _("Bluesky's AppView answered %(status)s for @%(handle)s: %(reason)s")
                % {"status": status, "handle": self.account.handle, "reason": _reason(error)}
            ) from None

    def _rate_limited(self, error):
        retry_at = error.reset_at
        message = _(
            "Bluesky's rate limit is reached (429) while fetching @%(handle)s: nothing was "
            "stored; it resets at %(reset)s."
        ) % {
            "handle": self.account.handle,
            "reset": reset_time(retry_at),
        }
        return FetchStopped(message, retry_at=retry_at)


def _reason(error):
    """What an XRPC error answer says, on one line."""
    content = error.response.content if error.response else None
    message = getattr(content, "message", None) or getattr(content, "error", None)
    return " ".join(str(message or "").split())[:200]
