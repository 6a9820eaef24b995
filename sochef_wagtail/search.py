"""Finding tweets and guests by words, with Wagtail search (its database backend by default)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.search.backends import get_search_backend

from .archive.models import latest_versions
from .archive.timeline import tweets_to_show


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search tweets and guests"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    @property
    def query(self):
        """The words searched for, or "" when the form is empty or invalid."""
        return self.cleaned_data["q"].strip() if self.is_valid() else ""


def search_tweets(query):
    """Archived tweets whose text matches ``query``, most relevant first."""
    return get_search_backend().search(query, tweets_to_show().filter(latest_versions()))


def search_guests(query, guests):
    """The guests in the queryset ``guests`` whose name, organisation or bio match ``query``."""
    return get_search_backend().search(query, guests)
