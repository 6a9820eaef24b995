"""Finding tweets and guests by words, with Wagtail search (its database backend by default)."""

from django import forms
from django.db.models import Count, Q, QuerySet, Window
from django.utils.translation import gettext_lazy as _
from wagtail.search.backends import get_search_backend

from .archive.models import Tweet, latest_versions
from .archive.timeline import TweetRow, tweet_rows, tweets_to_show
from .pages import WindowCountPaginator
from .search_backend import MAX_QUERY_LENGTH, query_for_backend

#: The most tweets a search counts, ranks and pages through; the page says when more match.
MAX_RESULTS = 1000


class SearchForm(forms.Form):
    """The public search box; a query too long or holding a NUL is refused with a message."""

    q = forms.CharField(
        label=_("Search tweets and guests"),
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, on_x_only=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not on_x_only:
            self.fields["q"].label = _("Search posts and guests")

    def full_clean(self):
        super().full_clean()
        if "q" in self.errors:
            self.fields["q"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{self['q'].auto_id}_error"}
            )

    @property
    def query(self):
        """The words searched for, or "" when the form is empty or invalid."""
        return self.cleaned_data["q"].strip() if self.is_valid() else ""


class RankedTweets(QuerySet):
    """Tweets of which a search ranks only ``max_ranked`` matches: on PostgreSQL the first the
    index finds (sochef_wagtail.search_postgres); Wagtail's backends rank them all."""

    @property
    def max_ranked(self):
        return MAX_RESULTS + 1  # one more than shown: the count then tells that more match


def search_tweets(query):
    """Archived tweets whose text matches ``query``, most relevant first: only their primary key
    and ``found``, the number of tweets found, on PostgreSQL at most ``MAX_RESULTS + 1``
    (SearchPaginator loads a page's tweets whole).

    The query is cleaned here too, so the app's own search holds whatever backend the host
    configured (check sochef_wagtail.W004 tells when the admin's searches do not).
    """
    # A window count: the query that ranks the tweets counts them, reading them once. Only the
    # primary key, lest the database hold every tweet found whole until it has counted them.
    tweets = RankedTweets(Tweet).filter(latest_versions()).only("pk")
    tweets = tweets.annotate(found=Window(Count("pk")))
    return get_search_backend().search(query_for_backend(query), tweets)


class FoundTweet(TweetRow):
    """A tweet found, as the app's rendering reads it, and the week page it links to."""

    __slots__ = ("week_page",)


class SearchPaginator(WindowCountPaginator):
    """Pages of :func:`search_tweets`, at most ``MAX_RESULTS`` tweets: counted by the query that
    ranks them, then loaded; ``more`` tells that more tweets match than are paged through.

    Counting and ranking both read every tweet found, at a million tweets thousands of rows
    from all over the table: one query instead of two reads them once, and on PostgreSQL only
    the first ``MAX_RESULTS + 1`` are read. The page's tweets are then loaded with what their
    rendering needs (two more queries): as :class:`FoundTweet` rows with ``rows``, else as
    Tweets, which a host's templates may read anything of.
    """

    def __init__(self, object_list, per_page, rows=False):
        super().__init__(object_list, per_page)
        self.rows = rows

    def counted(self, found):
        self.more = found > MAX_RESULTS
        return min(found, MAX_RESULTS)

    def get_page(self, number):
        page = super().get_page(number)
        pks = [tweet.pk for tweet in page.object_list]
        loaded = self.load(pks)
        page.object_list = [loaded[pk] for pk in pks if pk in loaded]
        return page

    def load(self, pks):
        """The tweets of primary keys ``pks``, by primary key, with what their rendering needs."""
        if self.rows:
            return {row.pk: row for row in tweet_rows(Q(pk__in=pks), row_class=FoundTweet)}
        return tweets_to_show().in_bulk(pks)


def search_guests(query, guests):
    """The guests in the queryset ``guests`` whose name, organisation or bio match ``query``."""
    return get_search_backend().search(query_for_backend(query), guests)
