from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .accounts import RelayAccount
from .guests import Guest
from .press import PressMention


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
    items = (RelayAccountViewSet, GuestViewSet, PressMentionViewSet)
    menu_icon = "site"
    menu_label = _("SOchef")
    menu_name = "sochef"


register_snippet(SochefViewSetGroup)
