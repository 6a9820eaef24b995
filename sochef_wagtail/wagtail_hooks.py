from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .accounts import RelayAccount
from .archive.views import ArchiveImportViewSet
from .guests import Guest


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


class SochefViewSetGroup(SnippetViewSetGroup):
    items = (RelayAccountViewSet, GuestViewSet)
    menu_icon = "site"
    menu_label = _("SOchef")
    menu_name = "sochef"
    # Other SOchef admin views (e.g. "Import archive") add their menu items with this hook.
    submenu_hook = "register_sochef_menu_item"


register_snippet(SochefViewSetGroup)


@hooks.register("register_admin_viewset")
def register_archive_import():
    return ArchiveImportViewSet()


@hooks.register("register_permissions")
def register_archive_import_permission():
    return Permission.objects.filter(
        content_type__app_label="sochef_wagtail", codename="import_archive"
    )
