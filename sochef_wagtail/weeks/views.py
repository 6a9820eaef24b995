"""What a guest index and a guest week page show, read from the database only when their
templates ask: a page served from the cache reads nothing."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.http import QueryDict

from ..archive.models import Tweet
from ..archive.timeline import tweet_filter
from ..caching.tweets import tweet_archive_html
from ..conf import app_settings
from ..dates import app_time_zone, current_week_start, local_date
from .forms import WeekFilterForm
from .models import slots_queryset, with_slots


def tweet_counts(weeks):
    """Tweets each week page shows by default, per week (slots prefetched), in one query:
    the tweets of the weeks' accounts counted per account and week in SOCHEF_TIME_ZONE."""
    accounts = {week.pk: {slot.account_id for slot in week.slots.all()} for week in weeks}
    account_ids = set().union(*accounts.values())
    per_week = {}
    if account_ids:
        first, last = min(w.week_start for w in weeks), max(w.week_end for w in weeks)
        rows = (
            Tweet.objects.filter(tweet_filter(account_ids, first, last))
            .annotate(monday=TruncWeek("created_at", tzinfo=app_time_zone()))
            .values_list("account_id", "monday")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for account_id, monday, count in rows:
            per_week[account_id, local_date(monday)] = count
    return {
        week.pk: sum(per_week.get((account, week.week_start), 0) for account in accounts[week.pk])
        for week in weeks
    }


#: The GET parameters the guest index reads; any other (utm_source, ...) is ignored.
INDEX_PARAMETERS = ("side", "role", "year", "page")


class WeekListing:
    """What the guest index lists for the query ``query`` (filters, page number), read from the
    database only when the template asks: a page served from the cache reads nothing."""

    def __init__(self, index, query, project):
        self.index = index
        self.project = project
        self.query = QueryDict(mutable=True)
        for name in INDEX_PARAMETERS:
            if query.get(name):
                self.query[name] = query[name]
        self.this_week = current_week_start()

    @property
    def cache_key(self):
        """The parameters the listing is rendered from, as the page cache's key."""
        return self.query.urlencode()

    @property
    def cacheable(self):
        """Whether the query is one the page links to: known filter values and the number of a
        page that exists. Asked after rendering; only these are cached, so a visitor cannot add
        entries by making up values."""
        asked = self.query.get("page")
        return not self.filter_form.errors and asked in (None, str(self.weeks.number))

    @cached_property
    def all_weeks(self):
        # Once: Wagtail's public() reads the view restrictions when the queryset is made.
        return self.index.weeks()

    @cached_property
    def begun_weeks(self):
        return self.all_weeks.filter(week_start__lte=self.this_week)

    @cached_property
    def filter_form(self):
        years = self.begun_weeks.dates("week_start", "year")
        return WeekFilterForm(
            self.query or None, years=sorted({d.year for d in years}, reverse=True)
        )

    @cached_property
    def past_weeks(self):
        """The weeks that have begun, filtered, newest first."""
        return self.filter_form.filter(self.begun_weeks).order_by("-week_start")

    @cached_property
    def weeks(self):
        """The asked-for page of past weeks, each with its ``tweet_count``."""
        paginator = Paginator(with_slots(self.past_weeks), app_settings.INDEX_PAGE_SIZE)
        page_of_weeks = paginator.get_page(self.query.get("page"))
        listed = list(page_of_weeks)
        counts = tweet_counts(listed)
        for week in listed:
            week.tweet_count = counts[week.pk]
        return page_of_weeks

    @cached_property
    def filter_query(self):
        """The query without the page number, for the pagination links."""
        query = self.query.copy()
        query.pop("page", None)
        return query.urlencode()

    @cached_property
    def counts(self):
        return self.index.counts(self.past_weeks)

    @cached_property
    def upcoming_weeks(self):
        """The weeks to come; none while the project is paused or closed."""
        if not self.project.lists_upcoming:
            return []
        weeks = self.all_weeks.filter(week_start__gt=self.this_week)
        return list(with_slots(weeks.order_by("week_start")))


class WeekContent:
    """A week page's guests and tweets, read from the database only when the template asks: a
    page served from the cache reads nothing."""

    def __init__(self, page, request):
        self.page = page
        self.request = request

    @cached_property
    def slots(self):
        # A preview shows the unsaved slots held in memory by the page.
        if getattr(self.request, "is_preview", False):
            return list(self.page.slots.all())
        return list(slots_queryset().filter(page=self.page))

    @cached_property
    def tweets(self):
        """The week's tweets as HTML (tweet_archive.html), or None before the week or when an
        editor placed a tweet block in the body to decide where they go."""
        page = self.page
        if page.is_upcoming or page.has_tweet_block():
            return None
        accounts = [slot.account for slot in self.slots]
        return tweet_archive_html(self.request, accounts, page.week_start, page.week_end)
