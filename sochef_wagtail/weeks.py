"""Guest weeks: who took over which relay account, which week, and the index of them all."""

import datetime
import logging
from functools import cached_property
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Count, Prefetch, Q
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Orderable, Page, Revision
from wagtail.search import index

from .accounts import RelayAccount
from .archive.models import Tweet
from .archive.timeline import current_week_start, tweet_filter
from .blocks import BodyBlock
from .caching.tweets import tweet_archive_html
from .choices import Role, Side
from .conf import app_settings
from .guests import Guest
from .ical import calendar_response
from .project import ProjectSettings
from .search import SearchForm, search_guests, search_tweets

GUEST_PHOTO_SPEC = "fill-96x96"
WEEK = datetime.timedelta(weeks=1)
# The log action of Wagtail's publish_scheduled, and ours for a go-live it may not do.
SCHEDULED_GO_LIVE = "wagtail.publish.scheduled"
REFUSED_GO_LIVE = "sochef_wagtail.publish.refused"
# Writing one of these of a live week decides which accounts it holds on which days.
BOOKING_FIELDS = {"live", "week_start", "slots", "alias_of", "alias_of_id"}

logger = logging.getLogger(__name__)


def slots_queryset():
    """Guest slots with account, guest, photo and its renditions, employer side first."""
    # What ImageQuerySet.prefetch_renditions() does, with the photo joined instead of
    # prefetched: one query fewer.
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec=GUEST_PHOTO_SPEC)
    )
    return (
        GuestSlot.objects.select_related("account", "guest__photo")
        .prefetch_related(
            Prefetch(
                "guest__photo__renditions", queryset=renditions, to_attr="prefetched_renditions"
            )
        )
        .order_by("account__side", "sort_order")
    )


def with_slots(weeks):
    """Weeks with their slots prefetched: a constant number of queries however many weeks."""
    return weeks.prefetch_related(Prefetch("slots", queryset=slots_queryset()))


class SochefPageMixin:
    """Lets our templates extend the host's base template named in SOCHEF_BASE_TEMPLATE, and
    gives them the site's project settings as ``sochef_settings`` (whatever the host's
    context processors)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sochef_base_template"] = app_settings.BASE_TEMPLATE
        # Lazy: a page served from the cache (caching/pages.py) does not read them.
        context["sochef_settings"] = SimpleLazyObject(lambda: ProjectSettings.for_request(request))
        return context


class WeekFilterForm(forms.Form):
    """The guest index's filters; GET parameters so that a filtered list can be shared."""

    side = forms.ChoiceField(
        label=_("Side"), required=False, choices=[("", _("Both sides")), *Side.choices]
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]

    def filter(self, weeks):
        """Weeks matching the valid filters; side and role must hold for the same guest slot."""
        data = self.cleaned_data if self.is_valid() else {}
        slot_filter = Q()
        if data.get("side"):
            slot_filter &= Q(account__side=data["side"])
        if data.get("role"):
            slot_filter &= Q(guest__role=data["role"])
        if slot_filter:
            weeks = weeks.filter(pk__in=GuestSlot.objects.filter(slot_filter).values("page_id"))
        if data.get("year"):
            weeks = weeks.filter(week_start__year=data["year"])
        return weeks


def tweet_counts(weeks):
    """Tweets each week page shows by default, per week (slots prefetched), in one query."""
    counts = {}
    for week in weeks:
        accounts = [slot.account_id for slot in week.slots.all()]
        if accounts:
            counts[f"week_{week.pk}"] = Count(
                "pk", filter=tweet_filter(accounts, week.week_start, week.week_end)
            )
    totals = {}
    if counts:
        first, last = min(w.week_start for w in weeks), max(w.week_end for w in weeks)
        totals = Tweet.objects.filter(tweet_filter(None, first, last)).aggregate(**counts)
    return {week.pk: totals.get(f"week_{week.pk}", 0) for week in weeks}


#: The GET parameters the guest index reads; any other (utm_source, ...) is ignored.
INDEX_PARAMETERS = ("side", "role", "year", "page")


class WeekListing:
    """What the guest index lists for the query ``query`` (filters, page number), read from the
    database only when the template asks: a page served from the cache reads nothing."""

    def __init__(self, index, query):
        self.index = index
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
        weeks = self.all_weeks.filter(week_start__gt=self.this_week)
        return list(with_slots(weeks.order_by("week_start")))


class GuestWeekIndexPage(RoutablePageMixin, SochefPageMixin, Page):
    intro = RichTextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    subpage_types = ["sochef_wagtail.GuestWeekPage"]
    template = "sochef_wagtail/pages/guest_week_index_page.html"

    class Meta:
        verbose_name = _("guest week index")
        verbose_name_plural = _("guest week indexes")

    def weeks(self):
        """The live, public weeks below this index; override to change what is listed."""
        return GuestWeekPage.objects.child_of(self).live().public()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(listing=WeekListing(self, request.GET), search_form=SearchForm())
        return context

    @path("calendar/", name="calendar")
    def calendar(self, request):
        """The weeks as an iCal feed that calendar apps subscribe to."""
        return calendar_response(request, self)

    @path("sok/", name="search")
    def search_view(self, request):
        """Tweets and guests found by words; tweets paginated, the guests on the first page."""
        context = super().get_context(request)
        form = SearchForm(request.GET or None)
        query = form.query
        tweets, guests = None, []
        if query:
            paginator = Paginator(search_tweets(query), app_settings.INDEX_PAGE_SIZE)
            tweets = paginator.get_page(request.GET.get("page"))
            self.attach_week_pages(list(tweets))
            if tweets.number == 1:
                guests = self.search_guests(query)
        context.update(
            search_form=form,
            query=query,
            tweets=tweets,
            guests=guests,
            search_query=urlencode({"q": query}),
        )
        return TemplateResponse(request, "sochef_wagtail/pages/guest_week_search.html", context)

    def search_guests(self, query):
        """Guests of this index's published weeks matching ``query``, with those weeks."""
        slots = (
            GuestSlot.objects.filter(page__in=self.weeks())
            .select_related("page", "account")
            .order_by("page__week_start")
        )
        guests = Guest.objects.prefetch_related(
            Prefetch("slots", queryset=slots, to_attr="public_slots")
        )
        # Guests are few: those without a published week here are left out after the search,
        # since the search backend filters only on declared FilterFields.
        return [guest for guest in search_guests(query, guests) if guest.public_slots]

    def attach_week_pages(self, tweets):
        """Set ``week_page`` on each tweet: this index's week of its account and day, or None."""
        zone = ZoneInfo(app_settings.TIME_ZONE)
        mondays = {}
        for tweet in tweets:
            day = timezone.localtime(tweet.created_at, zone).date()
            mondays[tweet.pk] = day - datetime.timedelta(days=day.weekday())
        slots = GuestSlot.objects.filter(
            page__in=self.weeks(),
            account_id__in={tweet.account_id for tweet in tweets},
            page__week_start__in=set(mondays.values()),
        ).select_related("page")
        pages = {(slot.account_id, slot.page.week_start): slot.page for slot in slots}
        for tweet in tweets:
            tweet.week_page = pages.get((tweet.account_id, mondays[tweet.pk]))

    @staticmethod
    def counts(weeks):
        """Weeks, distinct guests and distinct guests per side in the given weeks (one query)."""
        slots = GuestSlot.objects.filter(page__in=weeks.values("pk"))
        return slots.aggregate(
            weeks=Count("page", distinct=True),
            guests=Count("guest", distinct=True),
            employer=Count("guest", distinct=True, filter=Q(account__side=Side.EMPLOYER)),
            worker=Count("guest", distinct=True, filter=Q(account__side=Side.WORKER)),
        )


class GuestWeekPageForm(WagtailAdminPageForm):
    """Checks the week as a whole: a Monday, one slot per account, no double-booked account."""

    def clean(self):
        cleaned_data = super().clean()
        week_start = cleaned_data.get("week_start")
        if week_start and week_start.weekday() != 0:
            self.add_error(
                "week_start",
                _("A guest week starts on a Monday; %(date)s is a %(weekday)s.")
                % {"date": week_start.isoformat(), "weekday": date_format(week_start, "l")},
            )
            week_start = None
        slots = self.formsets["slots"]
        slot_forms = {}
        for form in slots.forms:
            # Each slot form is cleaned here, before the formset's own duplicate check
            # would remove the account from a duplicated slot's cleaned_data.
            form.is_valid()
            # An extra form left empty is no slot; a slot left as it was still books its account.
            if slots._should_delete_form(form) or (form.empty_permitted and not form.has_changed()):
                continue
            account = form.cleaned_data.get("account")
            if account is None:
                continue
            if account.pk in slot_forms:
                form.add_error(
                    "account",
                    _("%(account)s already has a guest this week.") % {"account": account},
                )
                continue
            slot_forms[account.pk] = form
        if week_start and slot_forms:
            for slot in booked_slots(week_start, slot_forms, week=self.instance):
                slot_forms[slot.account_id].add_error("account", booking_message(slot))
        return cleaned_data


class AccountBooked(ValidationError):
    """A week may not go live: another live week has one of its relay accounts on those days."""

    def __init__(self, week, booked):
        self.week = week
        super().__init__([booking_message(slot) for slot in booked])


def booking_message(slot):
    """Why a week is refused: ``slot``'s account, its week and its guest hold those days."""
    return _(
        "%(account)s already has a published week from %(date)s: “%(title)s” with "
        "%(guest)s. Choose another account or another week."
    ) % {
        "account": slot.account,
        "date": slot.page.week_start.isoformat(),
        "title": slot.page.title,
        "guest": slot.guest,
    }


def live_slots():
    """The slots of live weeks, with week, guest and account. An alias shows its original's
    week again, so it books nothing of its own."""
    return GuestSlot.objects.filter(page__live=True, page__alias_of__isnull=True).select_related(
        "page", "guest", "account"
    )


def booked_slots(week_start, account_ids, week=None):
    """Per account of ``account_ids``, the first live slot of another week that overlaps the
    week from ``week_start``. ``week`` itself and its translations (the same week in another
    locale) are not another week. The rule is global: weeks of every index and site count, as
    the relay accounts are the same everywhere."""
    slots = live_slots().filter(
        account_id__in=account_ids,
        page__week_start__gt=week_start - WEEK,
        page__week_start__lt=week_start + WEEK,
    )
    if week is not None:
        slots = slots.exclude(page__translation_key=week.translation_key)
    first = {}
    for slot in slots.order_by("page__week_start", "page_id"):
        first.setdefault(slot.account_id, slot)
    return list(first.values())


def lock_accounts(account_ids):
    """Hold the accounts' rows until the transaction ends. Of two weeks published at the same
    moment on one account, the second waits here until the first is committed, then sees it
    (PostgreSQL; SQLite writes one transaction at a time anyway)."""
    rows = RelayAccount.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")
    list(rows.values_list("pk", flat=True))


def first_free_week(account, start):
    """The first Monday from ``start`` on which ``account`` has no live week, and the live
    slots of the weeks skipped on the way."""
    monday, skipped = start, []
    slots = live_slots().filter(account=account, page__week_start__gt=start - WEEK)
    for slot in slots.order_by("page__week_start"):
        begins = slot.page.week_start
        if begins >= monday + WEEK:
            break
        if begins > monday - WEEK:
            skipped.append(slot)
            while begins > monday - WEEK:
                monday += WEEK
    return monday, skipped


class GuestWeekPage(SochefPageMixin, Page):
    week_start = models.DateField(
        _("week starts"),
        help_text=_("The Monday on which the guests take over the accounts."),
    )
    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("week_start"),
        InlinePanel(
            "slots",
            min_num=1,
            max_num=2,
            heading=_("Guests"),
            label=_("Guest on an account"),
            help_text=_("One guest per relay account; a pair tweets from both accounts."),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("week_start"),
    ]

    base_form_class = GuestWeekPageForm
    parent_page_types = ["sochef_wagtail.GuestWeekIndexPage"]
    subpage_types = []
    template = "sochef_wagtail/pages/guest_week_page.html"

    class Meta:
        verbose_name = _("guest week")
        verbose_name_plural = _("guest weeks")

    @property
    def week_end(self):
        return self.week_start + datetime.timedelta(days=6)

    @transaction.atomic
    def save(self, *args, **kwargs):
        """Refuse to write a live week onto relay accounts that another live week holds on
        those days, however it got here: an editor, a revision published by code or by a
        workflow, a scheduled go-live, a revert, a copy, an alias made a page of its own."""
        update_fields = kwargs.get("update_fields")
        if (
            self.live
            and not self.alias_of_id
            and (update_fields is None or BOOKING_FIELDS.intersection(update_fields))
        ):
            self.refuse_booked_accounts()
        return super().save(*args, **kwargs)

    def refuse_booked_accounts(self):
        """Raise AccountBooked if another live week holds one of this week's accounts."""
        account_ids = {slot.account_id for slot in self.slots.all()} - {None}
        if not account_ids:
            return
        lock_accounts(account_ids)
        booked = booked_slots(self.week_start, account_ids, week=self)
        if booked:
            raise AccountBooked(self, booked)

    def publish(
        self,
        revision,
        user=None,
        changed=True,
        log_action=True,
        previous_revision=None,
        skip_permission_checks=False,
    ):
        """Publish ``revision`` whole or not at all. A scheduled go-live that the booking rule
        refuses is unscheduled and reported, so that publish_scheduled goes on with the others."""
        try:
            with transaction.atomic():
                return super().publish(
                    revision,
                    user=user,
                    changed=changed,
                    log_action=log_action,
                    previous_revision=previous_revision,
                    skip_permission_checks=skip_permission_checks,
                )
        except AccountBooked as refusal:
            if log_action != SCHEDULED_GO_LIVE:
                raise
            self.refuse_go_live(revision, refusal)

    def refuse_go_live(self, revision, refusal):
        """Leave ``revision`` an unscheduled draft; say why in the page's history and the log."""
        Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
        reason = " ".join(refusal.messages)
        log(instance=self, action=REFUSED_GO_LIVE, revision=revision, data={"reason": reason})
        logger.error(
            "Scheduled publishing of “%s” (page %s) refused: %s",
            refusal.week.title,
            self.pk,
            reason,
        )

    @property
    def week_number(self):
        return self.week_start.isocalendar().week

    @property
    def is_upcoming(self):
        return self.week_start > current_week_start()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["week_content"] = WeekContent(self, request)
        return context

    def has_tweet_block(self):
        return any(block["type"] == "tweet_archive" for block in self.body.raw_data)

    def tweet_archive_defaults(self):
        """The week's accounts and days: what a tweet block on this page shows by default."""
        account_ids = [slot.account_id for slot in self.slots.all()]
        accounts = list(RelayAccount.objects.filter(pk__in=account_ids))
        return accounts, self.week_start, self.week_end


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


class GuestSlot(Orderable):
    """One guest on one relay account in one week."""

    page = ParentalKey(GuestWeekPage, on_delete=models.CASCADE, related_name="slots")
    account = models.ForeignKey(
        RelayAccount,
        verbose_name=_("relay account"),
        on_delete=models.PROTECT,
        related_name="slots",
    )
    guest = models.ForeignKey(
        Guest, verbose_name=_("guest"), on_delete=models.PROTECT, related_name="slots"
    )

    panels = [FieldPanel("account"), FieldPanel("guest")]

    class Meta(Orderable.Meta):
        verbose_name = _("guest slot")
        verbose_name_plural = _("guest slots")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "account"], name="sochef_guestslot_one_guest_per_account"
            ),
        ]

    def __str__(self):
        return f"{self.guest} @{self.account.handle}"
