from django.contrib.auth.models import Permission
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .accounts import RelayAccount
from .archive.views import ArchiveImportViewSet, fetch_warning_panels
from .evaluation.views import EvaluationViewSet
from .guests import Guest
from .handover.views import HandoverView, handover_url, week_is_open_for_handover
from .nominations.views import NominationViewSet, SetNominationStatus
from .pipeline.views import (
    SendNoticeView,
    WeekPipelineView,
    pipeline_problem_panels,
    pipeline_url,
)
from .press import PressMention
from .statistics.views import StatisticsViewSet
from .weeks.models import booking_message, live_slots
from .weeks.pages import REFUSED_GO_LIVE, GuestWeekPage


class RelayAccountViewSet(SnippetViewSet):
    model = RelayAccount
    icon = "user"
    menu_label = _("Relay accounts")
    list_display = ["handle", "platform", "display_name", "side", "active", "last_fetch"]
    list_filter = ["platform", "side", "active"]


class GuestViewSet(SnippetViewSet):
    model = Guest
    icon = "group"
    menu_label = _("Guests")
    list_display = ["name", "role", "organisation", "sector"]
    list_filter = ["role", "sector"]


class PressMentionViewSet(SnippetViewSet):
    model = PressMention
    icon = "doc-full"
    menu_label = _("Press mentions")
    list_display = ["title", "outlet", "date"]
    list_filter = ["outlet"]
    ordering = ["-date"]


class SochefViewSetGroup(SnippetViewSetGroup):
    items = (
        RelayAccountViewSet,
        GuestViewSet,
        NominationViewSet,
        EvaluationViewSet,
        StatisticsViewSet,
        ArchiveImportViewSet,
        PressMentionViewSet,
    )
    menu_icon = "site"
    menu_label = _("SOchef")
    menu_name = "sochef"


register_snippet(SochefViewSetGroup)

hooks.register("register_bulk_action", SetNominationStatus)
hooks.register("construct_homepage_panels", fetch_warning_panels)
hooks.register("construct_homepage_panels", pipeline_problem_panels)


@hooks.register("register_admin_urls")
def register_handover_url():
    return [
        path("sochef/handover/<int:week_id>/", HandoverView.as_view(), name="sochef_handover"),
        path("sochef/pipeline/<int:week_id>/", WeekPipelineView.as_view(), name="sochef_pipeline"),
        path(
            "sochef/pipeline/<int:week_id>/<str:kind>/<int:guest_id>/",
            SendNoticeView.as_view(),
            name="sochef_pipeline_send",
        ),
    ]


@hooks.register("register_page_header_buttons")
def handover_button(page, user, view_name, next_url=None):
    if page.specific_class is not GuestWeekPage:
        return
    week = page.specific_deferred
    if not page.permissions_for_user(user).can_edit():
        return
    if week_is_open_for_handover(week):
        yield Button(
            _("Send handover e-mails"), url=handover_url(week), icon_name="mail", priority=80
        )
    yield Button(
        _("Reminder and announcement"), url=pipeline_url(week), icon_name="mail", priority=81
    )


@hooks.register("register_permissions")
def register_archive_import_permission():
    return Permission.objects.filter(
        content_type__app_label="sochef_wagtail", codename="import_archive"
    )


@hooks.register("register_log_actions")
def register_refused_go_live(actions):
    @actions.register_action(REFUSED_GO_LIVE)
    class RefusedGoLive(LogFormatter):
        label = _("Refuse scheduled publishing")

        def format_message(self, log_entry):
            return _("Scheduled publishing refused: %(reason)s") % {
                "reason": log_entry.data.get("reason", "")
            }


@hooks.register("before_copy_page")
def refuse_live_copies_of_live_weeks(request, page):
    """A published copy of a published week would book its accounts twice, its source being
    the other week: refused with the booking rule's message before anything is copied."""
    if request.method != "POST" or not request.POST.get("publish_copies"):
        return None
    if request.POST.get("alias"):
        return None  # An alias is the same week again.
    copied = Page.objects.filter(pk=page.pk)
    if request.POST.get("copy_subpages"):
        copied = page.get_descendants(inclusive=True)
    refusals = [booking_message(slot) for slot in live_slots().filter(page__in=copied)]
    if not refusals:
        return None
    for message in refusals:
        messages.error(request, message)
    return redirect(request.get_full_path())
