"""Finding tweets and guests by words, with Wagtail search (its database backend by default)."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.search.backends import get_search_backend

from .archive.models import Tweet, latest_versions
from .archive.timeline import tweets_to_show
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


class SearchPaginator(Paginator):
    """Pages of :func:`search_tweets`, at most ``MAX_RESULTS`` tweets: counted by the query that
    ranks them, then loaded; ``more`` tells that more tweets match than are paged through.

    Counting and ranking both read every tweet found, at a million tweets thousands of rows
    from all over the table: one query instead of two reads them once, and on PostgreSQL only
    the first ``MAX_RESULTS + 1`` are read. The page's tweets are then loaded with what their
    rendering needs (two more queries).
    """

    @cached_property
    def count(self):
        """The tweets paged through: the window count of the first (one query)."""
        first = list(self.object_list[:1])
        return self._counted(first[0].found if first else 0)

    def _counted(self, found):
        self.more = found > MAX_RESULTS
        return min(found, MAX_RESULTS)

    def get_page(self, number):
        try:
            number = int(number or 1)
        except (TypeError, ValueError):
            number = 1  # as Django's get_page
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, MAX_RESULTS)
        found = list(self.object_list[bottom:top]) if 1 <= number and bottom < top else []
        if found:
            self.count = self._counted(found[0].found)
            page = self._get_page(found, number, self)
        else:  # nothing found, or not a page: the count, and Django's first or last page
            page = super().get_page(number)
        loaded = tweets_to_show().in_bulk([tweet.pk for tweet in page.object_list])
        page.object_list = [loaded[tweet.pk] for tweet in page.object_list if tweet.pk in loaded]
        return page


def search_guests(query, guests):
    """The guests in the queryset ``guests`` whose name, organisation or bio match ``query``."""
    return get_search_backend().search(query_for_backend(query), guests)
