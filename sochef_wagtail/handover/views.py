"""The admin view that sends a week's handover e-mails."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..dates import current_week_start
from ..weeks.models import slots_queryset
from ..weeks.pages import GuestWeekPage
from .forms import HandoverForm
from .mail import send_handover
from .models import GuestHandover


def week_is_open_for_handover(week):
    """Handovers are for weeks that have not begun, or the week under way."""
    return week.week_start >= current_week_start()


class HandoverView(WagtailAdminTemplateMixin, FormView):
    template_name = "sochef_wagtail/admin/handover.html"
    form_class = HandoverForm
    page_title = _("Guest handover")
    header_icon = "mail"

    def dispatch(self, request, week_id):
        self.week = get_object_or_404(GuestWeekPage, pk=week_id)
        if not self.week.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        self.slots = list(slots_queryset().filter(page=self.week))
        self.is_open = week_is_open_for_handover(self.week)
        return super().dispatch(request, week_id)

    def get_page_subtitle(self):
        return self.week.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.week.pk]),
                "label": self.week.title,
            },
            {"url": "", "label": self.page_title},
        ]

    def get_form(self, form_class=None):
        if not (self.is_open and self.slots):
            return None
        handovers = {h.guest_id: h for h in GuestHandover.objects.filter(week=self.week)}
        return HandoverForm(
            **self.get_form_kwargs(), slots=self.slots, handovers=handovers, user=self.request.user
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form is None:
            return self.get(request, *args, **kwargs)
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(week=self.week, is_open=self.is_open, **kwargs)

    def form_valid(self, form):
        note = form.cleaned_data["note"]
        for slot, email, resend in form.to_send():
            if send_handover(self.week, slot, email, self.request.user, note, resend=resend):
                messages.success(
                    self.request,
                    _("Handover e-mail sent to %(guest)s.") % {"guest": slot.guest},
                )
            else:
                messages.warning(
                    self.request,
                    _("%(guest)s already has the handover e-mail; not sent again.")
                    % {"guest": slot.guest},
                )
        return redirect("sochef_handover", self.week.pk)


def handover_url(week):
    return reverse("sochef_handover", args=[week.pk])
