"""StreamField blocks for SOchef pages, usable in a host site's own StreamFields too."""

from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtail.models import Site

from .archive.blocks import TweetArchiveBlock
from .pages import public
from .project import ProjectSettings


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "sochef_wagtail/blocks/quote_block.html"


class UpcomingWeeksBlock(blocks.StructBlock):
    """The next guest weeks of the current site with their guests; nothing at all while the
    project is paused or closed."""

    heading = blocks.CharBlock(
        label=_("Heading"), required=False, help_text=_("Leave empty for “Upcoming guests”.")
    )
    count = blocks.IntegerBlock(label=_("Number of weeks"), min_value=1, max_value=12, default=3)

    class Meta:
        icon = "date"
        label = _("Upcoming guest weeks")
        template = "sochef_wagtail/blocks/upcoming_weeks_block.html"

    def get_context(self, value, parent_context=None):
        # weeks.py imports this module for GuestWeekPage's body.
        from .dates import current_week_start
        from .weeks.models import with_slots
        from .weeks.pages import GuestWeekPage
        from .weeks.views import link_guests

        context = super().get_context(value, parent_context)
        weeks = public(GuestWeekPage.objects.live()).filter(week_start__gt=current_week_start())
        request = context.get("request")
        site = Site.find_for_request(request) if request else None
        if site:
            weeks = weeks.in_site(site)
        # Without a request (a page rendered by code), the default site's settings.
        site = site or Site.objects.filter(is_default_site=True).first()
        if site:
            project = ProjectSettings.for_request(request) if request else None
            context["closed"] = not (project or ProjectSettings.for_site(site)).lists_upcoming
        weeks = with_slots(weeks.order_by("week_start", "pk"))[: value["count"]]
        context["weeks"] = link_guests(list(weeks), request)
        return context


class CurrentWeekBlock(blocks.StructBlock):
    """The guests on the relay this week; when nobody is on, those of the next week announced;
    nothing while the project is paused or closed. Weeks of the current site."""

    heading = blocks.CharBlock(
        label=_("Heading"),
        required=False,
        help_text=_("Leave empty for “This week on the relay” (or “Next on the relay”)."),
    )

    class Meta:
        icon = "user"
        label = _("This week on the relay")
        template = "sochef_wagtail/blocks/current_week_block.html"

    def get_context(self, value, parent_context=None):
        # weeks.py imports this module for GuestWeekPage's body.
        from .dates import current_week_start
        from .weeks.models import with_slots
        from .weeks.pages import GuestWeekPage
        from .weeks.views import link_guests

        context = super().get_context(value, parent_context)
        request = context.get("request")
        site = Site.find_for_request(request) if request else None
        site = site or Site.objects.filter(is_default_site=True).first()
        context.update(weeks=[], this_week=current_week_start())
        if site is None or not ProjectSettings.for_site(site).lists_upcoming:
            return context
        weeks = public(GuestWeekPage.objects.live()).in_site(site)
        weeks = weeks.filter(week_start__gte=context["this_week"])
        # The first Monday from this week on that has a week, and every week on it (one per
        # account, or several indexes).
        first = weeks.order_by("week_start").values("week_start")[:1]
        shown = with_slots(weeks.filter(week_start=Subquery(first)).order_by("path"))
        context["weeks"] = link_guests(list(shown), request)
        return context


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )
    image = ImageBlock(label=_("Image"))
    quote = QuoteBlock()
    embed = EmbedBlock(label=_("Embed"), help_text=_("A link to a video or other media."))
    upcoming_weeks = UpcomingWeeksBlock()
    current_week = CurrentWeekBlock()
    tweet_archive = TweetArchiveBlock()
