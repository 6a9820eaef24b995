"""The SOchef landing page: the experiment, its two accounts, this week's guests, how to take
part, the latest from the blog, the press, guides and who runs it, on one page."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from .accounts import FollowerSnapshot, RelayAccount
from .blocks import BodyBlock
from .blog import get_blog_adapter
from .caching import responses
from .dates import current_week_start
from .feeds import blog_feed_links
from .pages import SochefPageMixin
from .platforms import on_x_only
from .press import PressMention
from .weeks.html import for_summaries, with_listed_slots
from .weeks.pages import GuestWeekIndexPage
from .weeks.views import link_guests


class SochefLandingPage(SochefPageMixin, Page):
    intro = RichTextField(_("intro"), blank=True, help_text=_("What the experiment is."))
    body = StreamField(
        BodyBlock(),
        verbose_name=_("body"),
        blank=True,
        help_text=_("More about the experiment, shown after the accounts and this week's guests."),
    )
    guest_index = models.ForeignKey(
        GuestWeekIndexPage,
        verbose_name=_("guest index"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The list of all weeks; this week's guests are taken from it."),
    )
    nominate_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("nomination page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Where readers suggest guests; the link is hidden while the project is closed."
        ),
    )
    evaluation_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("evaluation page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where readers help to evaluate the experiment."),
    )
    blog_post_count = models.PositiveSmallIntegerField(
        _("blog posts shown"),
        default=5,
        validators=[MaxValueValidator(20)],
        help_text=_("The latest posts of the blog category (SOCHEF_BLOG); 0 hides them."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("guest_index"),
                FieldPanel("nominate_page"),
                FieldPanel("evaluation_page"),
            ],
            heading=_("Links"),
        ),
        FieldPanel("blog_post_count"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    template = "sochef_wagtail/pages/landing_page.html"

    class Meta:
        verbose_name = _("SOchef landing page")
        verbose_name_plural = _("SOchef landing pages")

    @staticmethod
    def relay_accounts():
        """Active relay accounts with their latest follower count, employer side first."""
        latest = FollowerSnapshot.objects.filter(account=OuterRef("pk")).order_by("-date")
        return RelayAccount.objects.filter(active=True).annotate(
            followers=Subquery(latest.values("followers")[:1])
        )

    def current_or_next_week(self):
        """The week on now, else the next one announced; None without a guest index."""
        if self.guest_index is None:
            return None
        weeks = self.guest_index.weeks().filter(week_start__gte=current_week_start())
        week = for_summaries(weeks.order_by("week_start")).first()
        if week is not None:
            link_guests(with_listed_slots([week]), index=self.guest_index)
        return week

    def blog_items(self, request):
        """(category name, latest posts) from the host's blog; (None, []) when there is none."""
        adapter = get_blog_adapter() if self.blog_post_count else None
        category = adapter.get_category() if adapter else None
        if category is None:
            return None, []
        site = Site.find_for_request(request)
        return (
            adapter.category_label(category),
            adapter.listed_items(request, site, category, self.blog_post_count),
        )

    @staticmethod
    def live_or_none(page):
        return page if page is not None and page.live else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        settings = context["sochef_settings"]
        blog_category, blog_items = self.blog_items(request)
        accounts = self.relay_accounts()
        context.update(
            accounts=accounts,
            # Its guests "tweet" while the relay is on X alone, else they "post".
            on_x_only=on_x_only(accounts),
            # While paused or closed no guest is announced: the closing text stands there.
            week=self.current_or_next_week() if settings.lists_upcoming else None,
            this_week=current_week_start(),
            nominate_page=None if settings.is_closed else self.live_or_none(self.nominate_page),
            evaluation_page=self.live_or_none(self.evaluation_page),
            blog_category=blog_category,
            blog_items=blog_items,
            blog_feeds=blog_feed_links(request) if blog_items else [],
            press_mentions=PressMention.objects.all(),
            guide_links=settings.guide_links.all(),
        )
        responses.allow(request)
        return context
