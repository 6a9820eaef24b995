"""Guest weeks: who took over which relay account, which week, and the index of them all."""

import datetime
import logging
from urllib.parse import urlencode

from django.db import models, transaction
from django.db.models import Count, F, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.log_actions import log
from wagtail.models import Page, Revision
from wagtail.search import index

from ..accounts import RelayAccount, relay_on_x_only
from ..archive.html import TWEET_TEMPLATE, templates_overridden
from ..blocks import BodyBlock
from ..caching import responses
from ..choices import Side
from ..conf import app_settings
from ..dates import current_week_start, local_date, week_start_of
from ..guests import Guest
from ..ical import calendar_response
from ..pages import SochefPageMixin, public
from ..pipeline.panels import WeekPipelinePanel
from ..search import SearchForm, SearchPaginator, search_guests, search_tweets
from .forms import GuestWeekPageForm
from .models import AccountBooked, GuestSlot, announced_weeks, booked_slots, lock_accounts
from .views import GuestContent, WeekContent, WeekListing, guest_url

# The log action of Wagtail's publish_scheduled, and ours for a go-live it may not do.
SCHEDULED_GO_LIVE = "wagtail.publish.scheduled"
REFUSED_GO_LIVE = "sochef_wagtail.publish.refused"
# Writing one of these of a live week decides which accounts it holds on which days.
BOOKING_FIELDS = {"live", "week_start", "slots", "alias_of", "alias_of_id"}
SEARCH_TEMPLATE = "sochef_wagtail/pages/guest_week_search.html"
# What a link to a week shows (its title, its URL from url_path) and what finds it.
WEEK_LINK_FIELDS = ("title", "url_path", "week_start")

# Named for the package, as the docs say: where the week pages log refused go-lives.
logger = logging.getLogger(__package__)


def attach_week_pages(tweets, weeks):
    """Set ``week_page`` on each tweet: the week of ``weeks`` of its account and day, or None,
    read with only what a link to it needs (WEEK_LINK_FIELDS). One query."""
    mondays = {tweet.pk: week_start_of(local_date(tweet.created_at)) for tweet in tweets}
    # The weeks themselves, one row per slot of the accounts: not their slots with the weeks
    # as a subquery, which cost a third more to build and compile.
    found = (
        weeks.filter(
            week_start__in=set(mondays.values()),
            slots__account_id__in={tweet.account_id for tweet in tweets},
        )
        .annotate(slot_account_id=F("slots__account_id"))
        .only(*WEEK_LINK_FIELDS)
        .order_by()
    )
    pages = {(page.slot_account_id, page.week_start): page for page in found}
    for tweet in tweets:
        tweet.week_page = pages.get((tweet.account_id, mondays[tweet.pk]))


class GuestWeekIndexPage(RoutablePageMixin, SochefPageMixin, Page):
    intro = RichTextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    subpage_types = ["sochef_wagtail.GuestWeekPage"]
    template = "sochef_wagtail/pages/guest_week_index_page.html"

    class Meta:
        verbose_name = _("guest week index")
        verbose_name_plural = _("guest week indexes")

    def route(self, request, path_components):
        # A week, this page's only kind of child, read with its own fields in one query:
        # Page.route reads the child as a Page and then again as its specific class. The
        # routes below (calendar, guests, search) come first, as RoutablePageMixin has them.
        if path_components and not (self.live and self.is_subpage_route(path_components)):
            week = GuestWeekPage.objects.child_of(self).filter(slug=path_components[0]).first()
            if week is not None:
                week._cached_parent_obj = self
                return week.route(request, path_components[1:])
        return super().route(request, path_components)

    def is_subpage_route(self, path_components):
        try:
            self.resolve_subpage("/" + "/".join(path_components) + "/")
        except Http404:
            return False
        return True

    def weeks(self):
        """The live, public weeks below this index; override to change what is listed."""
        return public(GuestWeekPage.objects.child_of(self).live())

    def announced_weeks(self, request):
        """:meth:`weeks` without those still to come while the project is paused or closed."""
        return announced_weeks(self.weeks(), self.project_settings(request))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing = WeekListing(self, request.GET, context["sochef_settings"])
        context["listing"] = listing
        # Only the queries the index links to, spelled as it spells them: one copy of each.
        responses.allow(
            request,
            lambda: request.META.get("QUERY_STRING", "") == listing.cache_key and listing.cacheable,
        )
        return context

    def get_sitemap_routes(self, request=None):
        """The calendar and the guests' pages after the index (not the search: its results are
        no pages to find); while paused or closed, not guests only of weeks to come."""
        guests = Guest.objects.filter(slots__page__in=self.announced_weeks(request))
        return [
            *super().get_sitemap_routes(request),
            {"location": self.reverse_subpage("calendar")},
            *({"location": self.guest_path(guest)} for guest in guests.distinct().order_by("name")),
        ]

    @path("calendar/", name="calendar")
    def calendar(self, request):
        """The weeks as an iCal feed that calendar apps subscribe to."""
        return calendar_response(request, self)

    @path("gaster/<slug:slug>/", name="guest")
    def guest_view(self, request, slug):
        """A guest's page: who they are and each week of this index they tweeted in."""
        content = GuestContent(self, request, slug)
        context = super().get_context(request)
        responses.allow(request)
        context.update(guest=content.guest, guest_content=content)
        context["sochef_meta"] = self.lazy_meta(
            request,
            title=f"{content.guest.name} – {self.title}",
            description=content.guest.bio,
            image=content.guest.photo,
        )
        return TemplateResponse(request, "sochef_wagtail/pages/guest_page.html", context)

    @classmethod
    def guest_path(cls, guest):
        """The path of ``guest``'s page below an index's URL, e.g. ``gaster/anna-lindqvist/``."""
        return cls.get_resolver().reverse("guest", slug=guest.slug)

    def guest_urls(self, request=None):
        """(guest, URL) of every guest with a live, public week below this index, by name (for
        a sitemap, say). Two queries."""
        guests = Guest.objects.filter(slots__page__in=self.weeks()).distinct().order_by("name")
        index_url = self.get_url(request)
        return [(guest, guest_url(index_url, guest)) for guest in guests]

    @path("sok/", name="search")
    def search_view(self, request):
        """Tweets and guests found by words; tweets paginated, the guests on the first page."""
        context = super().get_context(request)
        # The page says "tweets" while every relay account is on X, else "posts".
        on_x_only = relay_on_x_only()
        form = SearchForm(request.GET or None, on_x_only=on_x_only)
        description = (
            _("Search the tweets and guests of %(title)s.")
            if on_x_only
            else _("Search the posts and guests of %(title)s.")
        )
        # One description for every query, and none of them in search engines' indexes.
        context["sochef_meta"] = self.lazy_meta(
            request,
            title=f"{form.fields['q'].label} – {self.title}",
            description=description % {"title": self.title},
            noindex=True,
        )
        query = form.query
        tweets, guests = None, []
        if query:
            # Tweets, not rows, for a host's templates, which may read any field.
            rows = not templates_overridden(SEARCH_TEMPLATE, TWEET_TEMPLATE)
            paginator = SearchPaginator(search_tweets(query), app_settings.INDEX_PAGE_SIZE, rows)
            tweets = paginator.get_page(request.GET.get("page"))
            # Once: Wagtail's public() reads the view restrictions when the queryset is made.
            weeks = self.weeks()
            self.attach_week_pages(list(tweets), weeks)
            if tweets.number == 1:
                guests = self.search_guests(query, weeks, request)
        context.update(
            on_x_only=on_x_only,
            search_form=form,
            query=query,
            tweets=tweets,
            guests=guests,
            search_query=urlencode({"q": query}),
        )
        return TemplateResponse(request, SEARCH_TEMPLATE, context)

    def search_guests(self, query, weeks, request=None):
        """Guests of ``weeks`` (this index's published weeks) matching ``query``, with those
        weeks, without those to come while the project is paused or closed
        (:func:`announced_weeks`: the request's project settings, read only when a guest
        matches)."""
        guests = list(search_guests(query, Guest.objects.all()))
        if not guests:
            return []
        announced = announced_weeks(weeks, self.project_settings(request))
        slots = (
            GuestSlot.objects.filter(page__in=announced)
            .select_related("page", "account")
            .order_by("page__week_start")
        )
        prefetch_related_objects(guests, Prefetch("slots", queryset=slots, to_attr="public_slots"))
        # Guests are few: those without a published week here are left out after the search,
        # since the search backend filters only on declared FilterFields.
        return [guest for guest in guests if guest.public_slots]

    def attach_week_pages(self, tweets, weeks=None):
        """Set ``week_page`` on each tweet: this index's week of its account and day, or None
        (the weeks: ``weeks``, by default ``self.weeks()``)."""
        attach_week_pages(tweets, self.weeks() if weeks is None else weeks)

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
            help_text=_("One guest per relay account; a pair posts from both accounts."),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
        WeekPipelinePanel(heading=_("Reminder and announcement")),
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
        context["week_content"] = self.week_content(request)
        responses.allow(request)
        return context

    def week_content(self, request):
        """The request's WeekContent, made once: the template and the meta tags share it."""
        content = getattr(self, "_week_content", None)
        if content is None or content.request is not request:
            content = self._week_content = WeekContent(self, request)
        return content

    def get_meta_description(self, request):
        """The intro, else who tweets from which account."""
        return super().get_meta_description(request) or ", ".join(
            f"{slot.guest.name} ({slot.guest.role_label}) @{slot.account.handle}"
            for slot in self.meta_slots(request)
        )

    def get_meta_image(self, request):
        """The photo of the first guest who has one."""
        return next((s.guest.photo for s in self.meta_slots(request) if s.guest.photo), None)

    def meta_slots(self, request):
        """The week's slots, employer side first, read once for the meta tags."""
        return self.week_content(request).slots

    def in_sitemap(self, request=None):
        """Not a week to come while the project is paused or closed."""
        return not self.is_upcoming or self.project_settings(request).lists_upcoming

    def has_tweet_block(self):
        return any(block["type"] == "tweet_archive" for block in self.body.raw_data)

    def tweet_archive_defaults(self):
        """The week's accounts and days: what a tweet block on this page shows by default."""
        account_ids = [slot.account_id for slot in self.slots.all()]
        accounts = list(RelayAccount.objects.filter(pk__in=account_ids))
        return accounts, self.week_start, self.week_end
