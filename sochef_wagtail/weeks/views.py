"""What a guest index and a guest week page show, read from the database only when their
templates ask: a page served from the cache reads nothing."""

from functools import cached_property

from django.db.models import Count, Prefetch, Q, Window
from django.db.models.functions import TruncWeek
from django.http import Http404, QueryDict
from django.template.loader import render_to_string
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction

from ..accounts import relay_on_x_only
from ..archive.models import Tweet
from ..archive.timeline import TweetArchive, threads_of, tweet_filter, tweets_to_show
from ..caching.tweets import ARCHIVE_TEMPLATE, cached_tweets_html, tweet_archive_html
from ..conf import app_settings
from ..dates import app_time_zone, current_week_start, local_date
from ..guests import Guest
from ..pages import WindowCountPaginator
from ..platforms import on_x_only
from ..search import SearchForm
from .forms import WeekFilterForm
from .html import for_summaries, guest_cards, slots_of, with_listed_slots
from .models import GuestSlot, week_slots

GUEST_PAGE_PHOTO_SPEC = "fill-192x192"


def tweet_counts(weeks):
    """Tweets each week page shows by default, per week (slots prefetched), in one query:
    the tweets of the weeks' accounts counted per account and week in SOCHEF_TIME_ZONE."""
    accounts = {week.pk: {slot.account_id for slot in slots_of(week)} for week in weeks}
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
        return self.index.weeks()

    @cached_property
    def on_x_only(self):
        """Whether the index says "tweets" (every relay account is on X) or "posts"."""
        return relay_on_x_only()

    @cached_property
    def search_form(self):
        return SearchForm(on_x_only=self.on_x_only)

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
        weeks = for_summaries(self.past_weeks).annotate(found=Window(Count("pk")))
        paginator = WindowCountPaginator(weeks, app_settings.INDEX_PAGE_SIZE)
        page_of_weeks = paginator.get_page(self.query.get("page"))
        listed = with_listed_slots(list(page_of_weeks))
        link_guests(listed, index=self.index)
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
        weeks = with_listed_slots(list(for_summaries(weeks.order_by("week_start"))))
        return link_guests(weeks, index=self.index)


class WeekContent:
    """A week page's guests and tweets, read from the database only when the template asks: a
    page served from the cache reads nothing."""

    def __init__(self, page, request):
        self.page = page
        self.request = request

    @cached_property
    def index(self):
        return self.page.get_parent()

    @cached_property
    def slots(self):
        # A preview shows the unsaved slots held in memory by the page.
        if getattr(self.request, "is_preview", False):
            return list(self.page.slots.all())
        slots = week_slots(self.page.pk)
        index_url = self.index.get_url(self.request)
        for slot in slots:
            slot.guest_url = guest_url(index_url, slot.guest)
        return slots

    @cached_property
    def guest_cards(self):
        return guest_cards(self.slots)

    @property
    def on_x_only(self):
        """Whether the week's accounts are all X's (its heading then says "tweets")."""
        return on_x_only(slot.account for slot in self.slots)

    @cached_property
    def neighbours(self):
        """(the week before, the week after): the index's live, public weeks next to this
        one, or None."""
        previous = following = None
        for week in neighbour_weeks(self.page):
            if (week.week_start, week.pk) < (self.page.week_start, self.page.pk):
                previous = week
            else:
                following = week
        return previous, following

    @property
    def previous_week(self):
        return self.neighbours[0]

    @property
    def next_week(self):
        return self.neighbours[1]

    @cached_property
    def tweets(self):
        """The week's tweets as HTML (tweet_archive.html), or None before the week or when an
        editor placed a tweet block in the body to decide where they go."""
        page = self.page
        if page.is_upcoming or page.has_tweet_block():
            return None
        accounts = [slot.account for slot in self.slots]
        return tweet_archive_html(self.request, accounts, page.week_start, page.week_end)


# The week's neighbours in one statement written out: built and compiled by the ORM (two ordered
# subqueries, view restrictions, multi-table inheritance) the same query cost 6.4 CPU-ms per
# request, a sixth of the whole page; written out, 0.9 ms. Two halves, each the nearest week on
# its side in (week_start, id) order; public: no view restriction on the week or above it.
NEIGHBOURS_SQL = """
SELECT * FROM (
  SELECT {columns} FROM {page} p JOIN {week} w ON w.page_ptr_id = p.id
  WHERE {siblings}
    AND (w.week_start < %s OR (w.week_start = %s AND p.id < %s))
  ORDER BY w.week_start DESC, p.id DESC LIMIT 1
) before_week
UNION ALL
SELECT * FROM (
  SELECT {columns} FROM {page} p JOIN {week} w ON w.page_ptr_id = p.id
  WHERE {siblings}
    AND (w.week_start > %s OR (w.week_start = %s AND p.id > %s))
  ORDER BY w.week_start, p.id LIMIT 1
) after_week
"""
NEIGHBOURS_SIBLINGS = """p.path LIKE %s AND p.depth = %s AND p.live AND p.id <> %s
    AND NOT EXISTS (
      SELECT 1 FROM {restriction} r JOIN {page} rp ON rp.id = r.page_id
      WHERE p.path LIKE rp.path || '%%'
    )"""


def neighbour_weeks(page):
    """The live, public siblings of the week ``page`` right before and after it, reading only
    what their links show (title, URL path, locale, week_start): what
    ``public(sibling_of(page).live())`` ordered by (week_start, pk) gives. Treebeard's paths
    are digits and capitals: no LIKE wildcard in them, the same match whatever the database's
    case rules."""
    week_model = type(page)
    tables = {
        "page": Page._meta.db_table,
        "week": week_model._meta.db_table,
        "restriction": PageViewRestriction._meta.db_table,
    }
    siblings = NEIGHBOURS_SIBLINGS.format(**tables)
    columns = "p.id AS page_ptr_id, p.title, p.url_path, p.locale_id, w.week_start"
    sql = NEIGHBOURS_SQL.format(columns=columns, siblings=siblings, **tables)
    side = [page.path[: -Page.steplen] + "%", page.depth, page.pk]
    side += [page.week_start, page.week_start, page.pk]
    return list(week_model.objects.raw(sql, side + side))


def guest_url(index_url, guest):
    """The URL of ``guest``'s page below the guest index at ``index_url``."""
    from .pages import GuestWeekIndexPage  # pages.py imports this module

    if not index_url or not guest.slug:
        return None
    return index_url.rstrip("/") + "/" + GuestWeekIndexPage.guest_path(guest)


def link_guests(weeks, request=None, index=None):
    """Give each slot of ``weeks`` (slots prefetched) its ``guest_url``: the guest's page below
    the week's index, ``index`` or else each week's parent (one query for them all)."""
    if index is not None:
        index_url = index.get_url(request)
        urls = dict.fromkeys((week.pk for week in weeks), index_url)
    else:
        parent_paths = {week.pk: week.path[: -Page.steplen] for week in weeks}
        parents = Page.objects.filter(path__in=set(parent_paths.values()))
        index_urls = {parent.path: parent.get_url(request) for parent in parents}
        urls = {pk: index_urls.get(path) for pk, path in parent_paths.items()}
    for week in weeks:
        for slot in slots_of(week):
            slot.guest_url = guest_url(urls[week.pk], slot.guest)
    return weeks


def guest_queryset():
    """Guests with their photo and its guest-page rendition."""
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec=GUEST_PAGE_PHOTO_SPEC)
    )
    return Guest.objects.select_related("photo").prefetch_related(
        Prefetch("photo__renditions", queryset=renditions, to_attr="prefetched_renditions")
    )


class GuestContent:
    """A guest's page below a guest index: the guest and each live week of that index they
    were a guest in, with what they tweeted. Raises Http404 for an unknown slug or a guest
    with no live, public week there. Constant queries, whatever the number of weeks."""

    def __init__(self, index, request, slug):
        self.index = index
        self.request = request
        self.guest = guest_queryset().filter(slug=slug).first()
        if self.guest is None:
            raise Http404("No such guest.")
        slots = (
            GuestSlot.objects.filter(guest=self.guest, page__in=index.weeks())
            .select_related("page", "account")
            .order_by("page__week_start", "page_id", "account__side", "sort_order", "pk")
        )
        # A week the guest posted from two accounts of a side (two platforms) is shown once.
        self.slots = guest_cards(slots)
        if not self.slots:
            raise Http404("The guest has no published week here.")
        for slot in self.slots:
            slot.tweets = GuestWeekTweets(self, slot)

    @cached_property
    def accounts(self):
        """The relay accounts the guest tweeted from, employer side first, each once."""
        accounts = {slot.account.pk: slot.account for slot in self.slots}.values()
        return sorted(accounts, key=lambda account: (account.side, account.handle.lower()))

    @property
    def on_x_only(self):
        return on_x_only(self.accounts)

    @cached_property
    def archives(self):
        """Per slot of a week that has begun: its accounts' tweets that week, as a TweetArchive.
        One query for every week (and one for the media), whatever their number."""
        begun = [slot for slot in self.slots if not slot.page.is_upcoming]
        condition = Q(pk__in=[])
        for slot in begun:
            accounts = [account.pk for account in slot.accounts]
            condition |= tweet_filter(accounts, slot.page.week_start, slot.page.week_end)
        tweets = list(tweets_to_show().filter(condition)) if begun else []
        archives = {}
        for slot in begun:
            week, accounts = slot.page, {account.pk for account in slot.accounts}
            shown = [
                tweet
                for tweet in tweets
                if tweet.account_id in accounts
                and week.week_start <= local_date(tweet.created_at) <= week.week_end
            ]
            archives[slot.pk] = TweetArchive(threads=threads_of(shown), accounts=slot.accounts)
        return archives


class GuestWeekTweets:
    """One week's tweets on a guest page as HTML: the same ``tweet_archive.html`` rendering as
    the week page's, from the same tweet cache once the week is over. ``str()`` renders."""

    heading_level = 3

    def __init__(self, content, slot):
        self.content = content
        self.slot = slot

    def __str__(self):
        week = self.slot.page
        if week.is_upcoming:
            return ""

        def render():
            context = {
                "archive": self.content.archives[self.slot.pk],
                "heading_level": self.heading_level,
            }
            return render_to_string(ARCHIVE_TEMPLATE, context)

        # The same key as tweet_archive_html's for these accounts: the rendering is the same.
        parts = (ARCHIVE_TEMPLATE, self.heading_level)
        accounts = self.slot.accounts
        return cached_tweets_html(
            self.content.request, accounts, week.week_start, week.week_end, parts, render
        )

    def __html__(self):
        return str(self)
