"""Mastodon posts: a status of Mastodon's REST API becomes a ``TweetRow``, and a relay
account's new public posts are fetched from its own instance with Mastodon.py.

An instance shows an account's public posts without a token. Every page is read before
anything is stored, then stored in one transaction as the X fetch does (``fetch.py``): a fetch
that stops half-way stores nothing and the next one starts from the same newest stored post.

A status's content is HTML written by its author's server, any server of the fediverse:
``mastodon_text`` sanitises it to an allowlist and reads it into plain text and entities.
"""

import datetime
import logging
import re

import requests
from django.db.models.functions import Length
from django.utils.translation import gettext as _
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonServerError,
)

from ..accounts import RelayAccount
from ..conf import app_settings
from ..text import clean_text, safe_url
from .fetch import (
    FetchError,
    FetchResult,
    FetchStopped,
    Retry,
    reset_time,
    retrying,
    store_fetched,
)
from .mastodon_text import cleaned, content_text, full_handle, mention_entity, status_uri
from .models import MediaKind, Tweet, TweetSource
from .normalize import (
    MAX_MEDIA,
    InvalidTweet,
    MediaRow,
    TweetRow,
    _count,
    _key,
    _obj,
    _objs,
    _optional_int,
    _str,
    credited,
    is_id,
    parse_created_at,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 40  # the most Mastodon gives a page of statuses
#: Who may read a status: the others (followers only, direct) are never stored.
STORED_VISIBILITY = {"public", "unlisted"}
MEDIA_KINDS = {
    "image": MediaKind.PHOTO,
    "gifv": MediaKind.GIF,
    "video": MediaKind.VIDEO,
    "audio": MediaKind.VIDEO,  # a <video> element plays sound too
}
#: A status id of the account's instance, the last part of its ActivityPub id (a boost's ends
#: in /activity).
_LOCAL_STATUS = re.compile(r"/statuses/(\d{1,25})(?:/activity)?\Z")


# Statuses ------------------------------------------------------------------------------------


def normalize_status(status, account, *, parent=None):
    """The ``TweetRow`` of ``status`` (a dict as Mastodon's API writes it, or Mastodon.py's
    entity of it) of the Mastodon relay ``account``. ``parent(status_id)`` returns a status of
    the account's instance, or None: it is asked for the parent of a reply to an account of
    another instance, whose ActivityPub id the reply does not give. Raises ``InvalidTweet``
    for a status no post can be made of."""
    if not isinstance(status, dict):
        raise InvalidTweet("a status is not a JSON object")
    instance = account.handle.partition("@")[2]
    uri = status_uri(status.get("uri"))
    if not uri:
        raise InvalidTweet(f"status {_key(status.get('id'))[:30]!r} has no https:// uri")
    boosted = _obj(status.get("reblog"))
    shown = boosted or status
    quoted = "" if boosted else _quoted_uri(status)
    text, entities = content_text(
        shown.get("content"), shown.get("mentions"), instance, quoted=bool(quoted)
    )
    if boosted:
        text, entities = _credited(_obj(boosted.get("account")), instance, text, entities)
    warning = cleaned(shown.get("spoiler_text")).strip()
    reply_to, reply_handle, reply_user = _reply(status, account, instance, parent)
    return TweetRow(
        tweet_id=uri,
        created_at=_created_at(status.get("created_at"), uri),
        text=text,
        entities=entities,
        source=TweetSource.API,
        in_reply_to_tweet_id=reply_to,
        in_reply_to_handle=reply_handle,
        in_reply_to_user_id=reply_user,
        is_retweet=bool(boosted),
        is_quote=bool(quoted),
        quoted_tweet_id=quoted,
        lang=_str(shown.get("language"))[:12],
        like_count=_count(shown.get("favourites_count"), uri),
        retweet_count=_count(shown.get("reblogs_count"), uri),
        client=cleaned(_obj(status.get("application")).get("name"))[:100],
        possibly_sensitive=bool(warning) or shown.get("sensitive") is True,
        content_warning=warning,
        media=_media(shown.get("media_attachments")),
    )


def _created_at(value, uri):
    # Mastodon.py reads the time into a datetime; the API's JSON has it as ISO 8601 text.
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC)
    return parse_created_at(value, uri)


def _credited(author, instance, text, entities):
    """A boost's text credited to the boosted author (``normalize.credited``)."""
    mention = mention_entity(author, instance)
    if mention is None:
        return text, entities
    return credited(mention.pop("handle"), mention, text, entities)


def _quoted_uri(status):
    """The quoted status's id (Mastodon 4.4's quotes), when its instance shows it."""
    quoted = _obj(_obj(status.get("quote")).get("quoted_status"))
    return status_uri(quoted.get("uri"))


def _reply(status, account, instance, parent):
    """``(parent's id, its author's handle, its author's account id)`` of a reply; all "" for
    a status that answers none."""
    parent_id = _key(status.get("in_reply_to_id"))
    if not is_id(parent_id):
        return "", "", ""
    user_id = _key(status.get("in_reply_to_account_id"))
    acct = _acct_of(user_id, status, account)
    if acct and "@" not in acct:
        # An account of this instance: its statuses' ids are the instance's, known here.
        handle = full_handle(acct, instance)
        uri = f"https://{instance}/users/{acct}/statuses/{parent_id}" if handle else ""
        return uri, handle, user_id if is_id(user_id) else ""
    answered = _obj(parent(parent_id)) if parent else {}
    acct = acct or _obj(answered.get("account")).get("acct")
    user_id = user_id if is_id(user_id) else ""
    return status_uri(answered.get("uri")), full_handle(acct, instance), user_id


def _acct_of(user_id, status, account):
    """The acct of the account ``user_id`` as the status knows it: its author's, or that of
    a mentioned account; "" when unknown."""
    if not user_id:
        return ""
    if user_id in (account.platform_id, _key(_obj(status.get("account")).get("id"))):
        return account.handle.partition("@")[0]
    for mention in _objs(status.get("mentions")):
        if _key(mention.get("id")) == user_id:
            return cleaned(mention.get("acct"))
    return ""


def _media(attachments):
    rows = []
    for attachment in _objs(attachments)[:MAX_MEDIA]:
        kind = MEDIA_KINDS.get(_str(attachment.get("type")))
        media_key = _key(attachment.get("id"))
        if kind is None or not is_id(media_key):
            continue  # "unknown": a file the instance could not process
        original = _obj(_obj(attachment.get("meta")).get("original"))
        url = safe_url(_str(attachment.get("url"))) or ""
        rows.append(
            MediaRow(
                media_key=media_key,
                kind=kind,
                position=len(rows),
                alt_text=cleaned(attachment.get("description")),
                width=_optional_int(original.get("width")),
                height=_optional_int(original.get("height")),
                original_url=url if len(url) <= 500 else "",
            )
        )
    return rows


# Fetching ------------------------------------------------------------------------------------


def make_client(instance):
    """A client of the ``instance``'s public API: no token, no version check (one request)."""
    return Mastodon(
        api_base_url=f"https://{instance}",
        request_timeout=app_settings.FETCH_TIMEOUT_SECONDS,
        ratelimit_method="throw",
        version_check_mode="none",
    )


def fetch_mastodon_account(account, client=None):
    """Fetch and store the public posts of the Mastodon ``account`` newer than its newest
    stored one. Posts only its followers or those it mentions may read are skipped, and so is
    a status no post can be made of: both are counted in ``FetchResult.skipped``."""
    api = _Instance(account, client)
    if not account.platform_id:
        account.platform_id = api.account_id()
        RelayAccount.objects.filter(pk=account.pk).update(platform_id=account.platform_id)
    else:
        # A moved account's statuses still answer, with nothing new: asked on every fetch.
        api.check_not_moved(account.platform_id)
    statuses, pages = api.statuses(account.platform_id, since_id=newest_local_id(account))
    rows = [row for row in (_usable_row(s, account, api) for s in statuses) if row]
    stored = store_fetched(account, rows)
    skipped = len(statuses) - len(rows)
    return FetchResult(account.handle, stored.created, stored.present, pages, skipped=skipped)


def newest_local_id(account):
    """The instance's id of the newest stored post of ``account``, or None (when it is not
    one of the account's instance, e.g. imported from the one it moved from)."""
    instance = account.handle.partition("@")[2]
    newest = (
        Tweet.objects.filter(account=account)
        .order_by("-created_at", Length("tweet_id").desc(), "-tweet_id")
        .values_list("tweet_id", flat=True)
        .first()
    )
    if not newest or not newest.startswith(f"https://{instance}/"):
        return None
    match = _LOCAL_STATUS.search(newest)
    return match[1] if match else None


def _usable_row(status, account, api):
    """The row of a status to store, or None: a status not public, or no post can be made of
    (any server writes the statuses boosted; one of them must not stop the fetch for good)."""
    if _obj(status).get("visibility") not in STORED_VISIBILITY:
        return None
    try:
        return normalize_status(status, account, parent=api.status)
    except InvalidTweet as error:
        logger.warning("Mastodon status of @%s skipped: %s", account.handle, error)
        return None


class _Instance:
    """Calls to the account's instance, tried again on 5xx answers, network errors and
    time-outs."""

    def __init__(self, account, client=None):
        self.account = account
        self.instance = account.handle.partition("@")[2]
        self.client = client or make_client(self.instance)
        self.parents = {}

    def account_id(self):
        """The account's id on its instance; FetchError when it has none or moved away."""
        user = self.account.handle.partition("@")[0]
        try:
            found = self.call(self.client.account_lookup, user)
        except MastodonAPIError as error:
            raise self._refused(error) from None
        self._refuse_moved(found)
        account_id = _key(found.get("id"))
        if not is_id(account_id):
            raise FetchError(
                _("%(instance)s gave @%(handle)s an id that is not a Mastodon account id.")
                % {"instance": self.instance, "handle": self.account.handle}
            )
        return account_id

    def check_not_moved(self, account_id):
        """FetchError when the account ``account_id`` is gone or has moved away."""
        try:
            self._refuse_moved(self.call(self.client.account, account_id))
        except MastodonAPIError as error:
            raise self._refused(error) from None

    def _refuse_moved(self, found):
        moved = _obj(_obj(found).get("moved"))
        if moved:
            raise FetchError(
                _(
                    "@%(handle)s has moved to @%(new)s: change the relay account's handle, "
                    "or make it inactive."
                )
                % {
                    "handle": self.account.handle,
                    "new": full_handle(moved.get("acct"), self.instance),
                }
            )

    def statuses(self, account_id, since_id):
        """Every status of the account newer than ``since_id`` (all without it), and how many
        pages they came in."""
        try:
            page = self.call(
                self.client.account_statuses, account_id, since_id=since_id, limit=PAGE_SIZE
            )
            statuses, pages = [], 0
            while isinstance(page, list):
                statuses += page
                pages += 1
                if not page:
                    break
                # Mastodon.py drops since_id from the next page's parameters: the pages would
                # go on past the newest stored post, back to the account's first.
                following = getattr(page, "_pagination_next", None)
                if since_id and following:
                    following["since_id"] = since_id
                page = self.call(self.client.fetch_next, page)
        except MastodonAPIError as error:
            raise self._refused(error) from None
        return statuses, pages

    def status(self, status_id):
        """The status ``status_id`` of the instance, asked once a fetch; None when the
        instance does not show it (deleted, not public)."""
        if status_id not in self.parents:
            try:
                self.parents[status_id] = self.call(self.client.status, status_id)
            except MastodonAPIError:
                self.parents[status_id] = None
        return self.parents[status_id]

    def call(self, method, *args, **kwargs):
        """``method``'s answer. A 4xx answer raises ``MastodonAPIError`` for the caller to say
        what it means; a rate limit, or the last failed try, ``FetchStopped``."""
        attempt = lambda: self._attempt(method, args, kwargs)  # noqa: E731
        return retrying(attempt, self.instance, self.account.handle)

    def _attempt(self, method, args, kwargs):
        try:
            return method(*args, **kwargs)
        except MastodonRatelimitError:
            raise self._rate_limited() from None
        except MastodonServerError as error:
            raise Retry(str(_status_code(error))) from None
        except MastodonNetworkError as error:
            raise Retry(_describe(error)) from None
        except MastodonAPIError as error:
            if _status_code(error) is None:  # an answer that is not JSON
                raise Retry(_("invalid JSON")) from None
            raise

    def _refused(self, error):
        status = _status_code(error)
        if status in (404, 410):
            return FetchError(
                _(
                    "%(instance)s knows no account @%(handle)s (%(status)s): check the relay "
                    "account's handle."
                )
                % {"instance": self.instance, "handle": self.account.handle, "status": status}
            )
        return FetchError(
            _("%(instance)s answered %(status)s for @%(handle)s: %(error)s")
            % {
                "instance": self.instance,
                "status": status,
                "handle": self.account.handle,
                "error": _reason(error),
            }
        )

    def _rate_limited(self):
        # Mastodon.py has read the answer's X-RateLimit-Reset, on this machine's clock.
        reset = self.client.ratelimit_reset
        retry_at = datetime.datetime.fromtimestamp(reset, datetime.UTC) if reset else None
        message = _(
            "%(instance)s's rate limit is reached (429) while fetching @%(handle)s: nothing "
            "was stored; it resets at %(reset)s."
        ) % {
            "instance": self.instance,
            "handle": self.account.handle,
            "reset": reset_time(retry_at),
        }
        logger.warning(message)
        return FetchStopped(message, retry_at=retry_at)


def _status_code(error):
    """The HTTP status of Mastodon.py's error of an answer, or None."""
    status = error.args[1] if len(error.args) > 1 else None
    return status if isinstance(status, int) else None


def _reason(error):
    """What the instance said, on one line: its error message, else the status's reason."""
    said = [arg for arg in error.args[2:] if isinstance(arg, str) and arg]
    return clean_text(said[-1]).splitlines()[0][:200] if said else ""


def _describe(error):
    # Mastodon.py wraps what requests raised; the time-out is the one worth naming.
    if isinstance(error.__context__, requests.Timeout):
        return _("time-out")
    return type(error.__context__ or error).__name__
