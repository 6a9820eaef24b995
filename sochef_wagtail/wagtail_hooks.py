from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .accounts import RelayAccount
from .archive.views import ArchiveImportViewSet, fetch_warning_panels
from .evaluation.admin import EvaluationViewSet
from .guests import Guest
from .handover import HandoverView, handover_url, week_is_open_for_handover
from .nominations.admin import NominationViewSet, SetNominationStatus
from .press import PressMention
from .statistics import StatisticsViewSet
from .weeks import GuestWeekPage


class RelayAccountViewSet(SnippetViewSet):
    model = RelayAccount
    icon = "user"
    menu_label = _("Relay accounts")
    list_display = ["handle", "display_name", "side", "active"]
    list_filter = ["side", "active"]


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


@hooks.register("register_admin_urls")
def register_handover_url():
    return [path("sochef/handover/<int:week_id>/", HandoverView.as_view(), name="sochef_handover")]


@hooks.register("register_page_header_buttons")
def handover_button(page, user, view_name, next_url=None):
    if page.specific_class is not GuestWeekPage:
        return
    week = page.specific_deferred
    if week_is_open_for_handover(week) and page.permissions_for_user(user).can_edit():
        yield Button(
            _("Send handover e-mails"), url=handover_url(week), icon_name="mail", priority=80
        )


@hooks.register("register_permissions")
def register_archive_import_permission():
    return Permission.objects.filter(
        content_type__app_label="sochef_wagtail", codename="import_archive"
    )
