"""Moderating nominations in the Wagtail admin: listing, bulk status change, export, accept."""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.admin.widgets.button import MenuItem
from wagtail.permissions import policy_registry

from ..accounts import RelayAccount
from ..public_forms.views import SafeExportMixin
from ..weeks.pages import GuestWeekIndexPage
from .forms import AcceptForm, NominationForm, SetStatusForm
from .models import Nomination, accept_nomination

# What a nominator sent, between the admin's own fields.
EXPORT_FIELDS = [
    "created_at",
    "status",
    *NominationForm.Meta.fields,
    "submission_count",
    "notes",
]


def nomination_permission(user, action):
    return policy_registry.get_by_type(Nomination).user_has_permission(user, action)


def can_see_nominations(user):
    """What opens the listing and inspect views: any of the model's permissions."""
    return policy_registry.get_by_type(Nomination).user_has_any_permission(
        user, ["add", "change", "delete", "view"]
    )


def can_accept(user, nomination=None):
    """Accepting needs the right to change nominations and to add guests."""
    if nomination is not None and nomination.guest_id:
        return False
    return nomination_permission(user, "change") and user.has_perm("sochef_wagtail.add_guest")


def accept_url(nomination):
    return reverse("sochef_nominations:accept", args=[quote(nomination.pk)])


class NominationIndexView(SafeExportMixin, IndexView):
    template_name = "sochef_wagtail/admin/nomination_index.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page")

    @cached_property
    def columns(self):
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="nomination"), *super().columns]

    def _get_title_column(self, *args, **kwargs):
        return super()._get_title_column(
            *args, **kwargs, get_title_id=lambda instance: f"nomination_{quote(instance.pk)}_title"
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if can_accept(self.request.user, instance):
            buttons.append(
                MenuItem(
                    _("Accept as guest"), url=accept_url(instance), icon_name="user", priority=5
                )
            )
        return buttons


class NominationEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if can_accept(self.request.user, self.object):
            buttons.append(
                Button(_("Accept as guest"), url=accept_url(self.object), icon_name="user")
            )
        return buttons


class AcceptNominationView(WagtailAdminTemplateMixin, FormView):
    """Make a nomination a Guest and a draft GuestWeekPage, then open the page editor."""

    template_name = "sochef_wagtail/admin/accept_nomination.html"
    form_class = AcceptForm
    page_title = _("Accept nomination")
    header_icon = "user"

    def dispatch(self, request, pk):
        self.nomination = get_object_or_404(Nomination, pk=pk)
        if not can_accept(request.user):
            raise PermissionDenied
        if self.nomination.guest_id:
            messages.warning(
                request,
                _("“%(name)s” was accepted already.") % {"name": self.nomination.nominee_name},
            )
            return redirect("sochef_nominations:edit", self.nomination.pk)
        self.all_indexes = list(GuestWeekIndexPage.objects.order_by("path"))
        self.indexes = [
            index
            for index in self.all_indexes
            if index.permissions_for_user(request.user).can_add_subpage()
        ]
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return self.nomination.nominee_name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("sochef_nominations:index"), "label": _("Nominations")},
            {
                "url": reverse("sochef_nominations:edit", args=[self.nomination.pk]),
                "label": self.nomination.nominee_name,
            },
            {"url": "", "label": self.page_title},
        ]

    def get_form(self, form_class=None):
        if not self.indexes:
            return None
        return super().get_form(form_class)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "indexes": self.indexes, "nomination": self.nomination}

    def post(self, request, *args, **kwargs):
        if not self.indexes:
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nomination=self.nomination,
            no_index=not self.all_indexes,
            has_accounts=RelayAccount.objects.exists(),
            **kwargs,
        )

    def form_valid(self, form):
        guest, week = accept_nomination(
            self.nomination,
            user=self.request.user,
            **{
                name: form.cleaned_data[name]
                for name in ("index", "account", "week_start", "sector")
            },
        )
        messages.success(
            self.request,
            _("“%(name)s” is now a guest, with a draft guest week to complete and publish.")
            % {"name": guest.name},
        )
        return redirect("wagtailadmin_pages:edit", week.pk)


class NominationViewSet(ModelViewSet):
    model = Nomination
    icon = "mail"
    menu_label = _("Nominations")
    name = "sochef_nominations"
    url_prefix = "sochef/nominations"
    index_view_class = NominationIndexView
    edit_view_class = NominationEditView
    list_display = ["nominee_name", "side", "role", "status", "created_at", "page"]
    list_filter = ["status", "side"]
    search_fields = [
        "nominee_name",
        "nominee_handle",
        "organisation",
        "why",
        "nominator_name",
        "nominator_email",
        "notes",
    ]
    list_export = EXPORT_FIELDS
    export_filename = "sochef-nominations"
    inspect_view_enabled = True
    inspect_view_fields = [
        "created_at",
        "submission_count",
        *EXPORT_FIELDS[1:],
        "page",
        "guest",
        "week_page",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<str:pk>/accept/", AcceptNominationView.as_view(), name="accept"),
        ]


class SetNominationStatus(BulkAction):
    display_name = _("Change status")
    action_type = "set_status"
    aria_label = _("Change the status of the selected nominations")
    template_name = "sochef_wagtail/admin/bulk_set_status.html"
    form_class = SetStatusForm
    action_priority = 10
    models = [Nomination]

    def dispatch(self, request, *args, **kwargs):
        if not nomination_permission(request.user, "change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_execution_context(self):
        return {"status": self.cleaned_form.cleaned_data["status"]}

    @classmethod
    def execute_action(cls, objects, status=None, **kwargs):
        count = Nomination.objects.filter(pk__in=[n.pk for n in objects]).update(status=status)
        return count, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "Status changed for %(count)d nomination.",
            "Status changed for %(count)d nominations.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
