"""Which archived tweets to show, and how they hang together: threads, dialogues, columns.

``tweet_archive()`` is the one entry point: the tweet block, the guest week page and the
search results all show tweets through it and the ``sochef_wagtail/includes/tweet*.html``
templates. It runs the same two queries (tweets with their accounts, then their media)
however many tweets there are; with ``rows=True``, for the app's own rendering in Python
(``archive/html.py``) and not the templates, the tweets are :class:`TweetRow` objects instead
of models, with their media in the same query (and the accounts, when not given, in a second
one; those of given accounts and days with their stored HTML and not their text, when it is
current, see ``account_tweet_rows``).
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.db import connections, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..accounts import RelayAccount
from ..dates import start_of_day
from ..platforms import on_x_only
from ..sql import quoted, written_out_rows
from .html import html_key
from .models import Tweet, TweetMedia, latest_versions


class Order(models.TextChoices):
    OLDEST_FIRST = "oldest", _("Oldest first")
    NEWEST_FIRST = "newest", _("Newest first")


class Layout(models.TextChoices):
    COLUMNS = "columns", _("One column per account, side by side")
    TIMELINE = "timeline", _("One timeline")


def day_bounds(first_day=None, last_day=None):
    """From the start of ``first_day`` to the end of ``last_day`` in SOCHEF_TIME_ZONE.

    Returns aware datetimes (start inclusive, end exclusive); a missing day leaves that end open.
    """
    start = start_of_day(first_day) if first_day else None
    end = start_of_day(last_day + datetime.timedelta(days=1)) if last_day else None
    return start, end


def replies_to_others():
    """Tweets answering another account; a thread of an account's own tweets is no reply."""
    answers = ~Q(in_reply_to_tweet_id="") | ~Q(in_reply_to_handle="")
    return answers & ~Q(in_reply_to_handle__iexact=F("account__handle"))


def tweet_filter(
    accounts=None, first_day=None, last_day=None, include_replies=True, include_retweets=False
):
    """The condition for tweets of ``accounts`` (None: all) between two days in our time zone.

    A tweet edited on X is there once, as its latest version.
    """
    condition = latest_versions()
    if accounts is not None:
        condition &= Q(account__in=accounts)
    start, end = day_bounds(first_day, last_day)
    if start:
        condition &= Q(created_at__gte=start)
    if end:
        condition &= Q(created_at__lt=end)
    if not include_replies:
        condition &= ~replies_to_others()
    if not include_retweets:
        condition &= Q(is_retweet=False)
    return condition


def tweets_to_show():
    """Tweets with what their rendering needs: account joined, media prefetched."""
    return Tweet.objects.select_related("account").prefetch_related("media")


class MediaList(list):
    """A tweet row's media, read as the templates and ``archive/html.py`` read a Tweet's
    (``tweet.media.all``)."""

    def all(self):
        return self


class TweetRow:
    """A tweet as the Python rendering (``archive/html.py``) and the app's tweet includes read
    it: the columns they show, its account and its media (TweetMedia), from one
    ``values_list`` row instead of a model instance with a prefetch per tweet, which cost more
    than writing the tweet's HTML. A host's own templates may read any field: they get Tweets.
    """

    FIELDS = (
        "pk",
        "tweet_id",
        "account_id",
        "created_at",
        "text",
        "entities",
        "in_reply_to_tweet_id",
        "in_reply_to_handle",
        "is_retweet",
        "is_quote",
        "quoted_tweet_id",
        "lang",
        "client",
        "possibly_sensitive",
        "content_warning",
        "place_name",
        "edited",
        "html",
        "html_key",
    )
    __slots__ = (*FIELDS, "account", "media")

    network = Tweet.network
    permalink = Tweet.permalink
    reply_url = Tweet.reply_url
    quoted_url = Tweet.quoted_url
    links = Tweet.links
    language = Tweet.language

    def __init__(self, values):
        for name, value in zip(self.FIELDS, values, strict=True):
            setattr(self, name, value)
        self.media = MediaList()


class StoredTweetRow(TweetRow):
    """A tweet with what a thread and its stored HTML need: no text, entities and the rest,
    which a current ``html`` holds (``account_tweet_rows``)."""

    FIELDS = (
        "pk",
        "tweet_id",
        "account_id",
        "created_at",
        "in_reply_to_tweet_id",
        "html",
        "html_key",
    )
    __slots__ = ()


#: The TweetMedia columns read with the tweets, joined to them.
MEDIA_FIELDS = ("id", "media_key", "kind", "file", "alt_text", "width", "height", "position")


def tweet_rows(condition, accounts=None, row_class=TweetRow):
    """The tweets matching ``condition`` as :class:`TweetRow` objects (or of its subclass
    ``row_class``), each with its account (of ``accounts``, else read in a second query) and
    its media, joined: one query."""
    count = len(TweetRow.FIELDS)
    media_columns = [f"media__{name}" for name in MEDIA_FIELDS]
    found = (
        Tweet.objects.filter(condition)
        .values_list(*TweetRow.FIELDS, *media_columns)
        .order_by("media__position", "media__id")
    )
    return rows_of(((values[:count], values[count:]) for values in found), accounts, row_class)


# What tweet_rows(tweet_filter(accounts, first_day, last_day)) reads, written out: built and
# compiled by the ORM, the statement cost a cold week page more CPU than running it.
ACCOUNT_TWEETS_SQL = """
SELECT {columns}
FROM {tweet} t
LEFT JOIN {media} m ON m.{media_tweet} = t.id
WHERE t.{latest_version} = '' AND t.{account} IN ({accounts}){conditions}
ORDER BY t.id, m.{position}, m.id
"""


def account_tweet_rows(accounts, first_day=None, last_day=None, include_retweets=False):
    """``tweet_rows(tweet_filter(accounts, first_day, last_day, True, include_retweets),
    accounts)``, the tweets (replies included) of ``accounts`` between two days, in one query
    when their stored HTML is current: with only what that HTML leaves out. Those whose HTML
    is not (stored in bulk a moment ago, an account renamed) are read whole in a second one."""
    if not accounts:
        return []
    connection = connections[Tweet.objects.db]
    conditions, params = [], [account.pk for account in accounts]
    start, end = day_bounds(first_day, last_day)
    created_at = quoted(Tweet, "created_at")
    for bound, operator in ((start, ">="), (end, "<")):
        if bound:
            conditions.append(f" AND t.{created_at} {operator} %s")
            params.append(connection.ops.adapt_datetimefield_value(bound))
    if not include_retweets:
        conditions.append(f" AND NOT t.{quoted(Tweet, 'is_retweet')}")
    found = written_out_rows(
        Tweet,
        [("t", Tweet, StoredTweetRow.FIELDS), ("m", TweetMedia, MEDIA_FIELDS)],
        ACCOUNT_TWEETS_SQL,
        params,
        tweet=quoted(Tweet),
        media=quoted(TweetMedia),
        media_tweet=quoted(TweetMedia, "tweet"),
        latest_version=quoted(Tweet, "latest_version_id"),
        account=quoted(Tweet, "account"),
        accounts=", ".join(["%s"] * len(accounts)),
        conditions="".join(conditions),
        position=quoted(TweetMedia, "position"),
    )
    rows = rows_of(((v["t"], v["m"]) for v in found), accounts, StoredTweetRow)
    keys = {account.pk: html_key(account) for account in accounts}
    stale = {row.pk for row in rows if not row.html or row.html_key != keys[row.account_id]}
    if not stale:
        return rows
    whole = tweet_rows(Q(pk__in=stale), accounts)
    return [row for row in rows if row.pk not in stale] + whole


def rows_of(found, accounts=None, row_class=TweetRow):
    """TweetRows of ``found``, (tweet values, media values) pairs, a tweet's once per medium."""
    rows = {}
    for values, media_values in found:
        row = rows.get(values[0])
        if row is None:
            row = rows[values[0]] = row_class(values)
        if media_values[0] is not None:
            media = dict(zip(MEDIA_FIELDS, media_values, strict=True))
            row.media.append(TweetMedia(tweet_id=row.pk, **media))
    rows = list(rows.values())
    if accounts is None:
        accounts = RelayAccount.objects.filter(pk__in={row.account_id for row in rows})
    by_pk = {account.pk: account for account in accounts} if rows else {}
    for row in rows:
        row.account = by_pk[row.account_id]
    return rows


class Thread:
    """A tweet and the shown tweets that answer it, directly or down a chain, oldest first."""

    def __init__(self, tweets):
        self.tweets = tweets

    @property
    def root(self):
        return self.tweets[0]

    @cached_property
    def is_dialogue(self):
        """Two relay accounts answer each other in this thread."""
        return len({tweet.account_id for tweet in self.tweets}) > 1


def threads_of(tweets, newest_first=False):
    """Group ``tweets`` into threads by what they answer; threads ordered by their first tweet."""
    tweets = sorted(tweets, key=lambda tweet: (tweet.created_at, tweet.tweet_id))
    by_id = {tweet.tweet_id: tweet for tweet in tweets}

    def root_of(tweet):
        seen = set()
        while tweet.in_reply_to_tweet_id in by_id and tweet.tweet_id not in seen:
            seen.add(tweet.tweet_id)
            tweet = by_id[tweet.in_reply_to_tweet_id]
        return tweet

    groups = {}
    for tweet in tweets:
        groups.setdefault(root_of(tweet).tweet_id, []).append(tweet)
    threads = [Thread(group) for group in groups.values()]
    threads.sort(key=lambda thread: (thread.root.created_at, thread.root.tweet_id))
    if newest_first:
        threads.reverse()
    return threads


@dataclass
class Column:
    account: object
    threads: list


@dataclass
class TweetArchive:
    """Tweets ready for the templates: threads, and for side-by-side layouts one column each."""

    threads: list
    accounts: list
    layout: str = Layout.COLUMNS

    @property
    def side_by_side(self):
        return self.layout == Layout.COLUMNS and len(self.accounts) > 1

    @property
    def on_x_only(self):
        """Whether every account shown (or, for chosen posts, every post's) is X's."""
        return on_x_only(self.accounts or [tweet.account for tweet in self._tweets()])

    def _tweets(self):
        return [tweet for thread in self.threads for tweet in thread.tweets]

    @cached_property
    def columns(self):
        """Per account, employer side first: its threads, dialogues apart."""
        return [
            Column(
                account,
                [
                    thread
                    for thread in self.threads
                    if not thread.is_dialogue and thread.root.account_id == account.pk
                ],
            )
            for account in self.accounts
        ]

    @cached_property
    def dialogues(self):
        return [thread for thread in self.threads if thread.is_dialogue]

    @cached_property
    def count(self):
        return sum(len(thread.tweets) for thread in self.threads)


def tweet_archive(
    accounts=None,
    first_day=None,
    last_day=None,
    tweet_ids=None,
    include_replies=True,
    include_retweets=False,
    order=Order.OLDEST_FIRST,
    layout=Layout.COLUMNS,
    rows=False,
):
    """The tweets to show, as a :class:`TweetArchive`.

    With ``tweet_ids``, exactly those archived tweets; otherwise the tweets of ``accounts``
    (None: every account) from ``first_day`` to ``last_day`` (dates in SOCHEF_TIME_ZONE,
    both included, either may be None) with or without replies and retweets. ``rows``: as
    :class:`TweetRow` objects, for the app's own rendering; by default as Tweets.
    """
    if rows and tweet_ids is None and accounts is not None and include_replies:
        tweets = account_tweet_rows(accounts, first_day, last_day, include_retweets)
    elif tweet_ids is not None:
        condition = Q(tweet_id__in=list(tweet_ids))
        tweets = tweet_rows(condition) if rows else list(tweets_to_show().filter(condition))
    else:
        condition = tweet_filter(accounts, first_day, last_day, include_replies, include_retweets)
        if rows:
            tweets = tweet_rows(condition, accounts)
        elif accounts is None:
            tweets = list(tweets_to_show().filter(condition))
        else:
            tweets = list(Tweet.objects.prefetch_related("media").filter(condition))
            # The accounts given, rather than one joined per tweet: each is a model to build.
            by_pk = {account.pk: account for account in accounts}
            for tweet in tweets:
                tweet.account = by_pk[tweet.account_id]
    if accounts is None or tweet_ids is not None:
        accounts = {tweet.account_id: tweet.account for tweet in tweets}.values()
    accounts = sorted(accounts, key=lambda account: (account.side, account.handle.lower()))
    threads = threads_of(tweets, newest_first=order == Order.NEWEST_FIRST)
    return TweetArchive(threads=threads, accounts=accounts, layout=layout)
