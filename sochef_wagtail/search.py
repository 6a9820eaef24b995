"""Finding tweets and guests by words, with Wagtail search (its database backend by default)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.search.backends import get_search_backend

from .archive.models import latest_versions
from .archive.timeline import tweets_to_show
from .search_backend import MAX_QUERY_LENGTH, query_for_backend


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


def search_tweets(query):
    """Archived tweets whose text matches ``query``, most relevant first.

    The query is cleaned here too, so the app's own search holds whatever backend the host
    configured (check sochef_wagtail.W004 tells when the admin's searches do not).
    """
    tweets = tweets_to_show().filter(latest_versions())
    return get_search_backend().search(query_for_backend(query), tweets)


def search_guests(query, guests):
    """The guests in the queryset ``guests`` whose name, organisation or bio match ``query``."""
    return get_search_backend().search(query_for_backend(query), guests)
