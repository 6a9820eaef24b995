"""The pipeline in the admin: the week's state (a panel of its editor and a page of its own),
"Send now" with a confirmation, and the dashboard's list of what could not go out."""

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies.pages import PagePermissionPolicy

from ..conf import app_settings
from ..dates import local_date
from ..weeks.pages import GuestWeekPage
from .models import NoticeKind, WeekNotice
from .sending import SENT, outcome_message, perform, week_items

logger = logging.getLogger(__name__)

#: Most rows the dashboard lists.
DASHBOARD_ROWS = 20


def week_is_open(week):
    """Editors send by hand until the week is over."""
    return week.week_end >= local_date(timezone.now())


def item_key(item):
    return item.guest.pk if item.guest else 0


def pipeline_url(week):
    return reverse("sochef_pipeline", args=[week.pk])


def send_url(week, item):
    return reverse("sochef_pipeline_send", args=[week.pk, item.kind, item_key(item)])


def rows(week):
    """The week's items, each with the URL of its "Send now"."""
    items = week_items(week)
    for item in items:
        item.send_url = send_url(week, item)
    return items


class WeekPipelineMixin(WagtailAdminTemplateMixin):
    header_icon = "mail"

    def dispatch(self, request, week_id, *args, **kwargs):
        self.week = get_object_or_404(GuestWeekPage, pk=week_id)
        if not self.week.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, week_id, *args, **kwargs)

    def get_page_subtitle(self):
        return self.week.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.week.pk]),
                "label": self.week.title,
            },
            {"url": pipeline_url(self.week), "label": _("Reminder and announcement")},
        ]


class WeekPipelineView(WeekPipelineMixin, TemplateView):
    """What the pipeline did and will do for a week."""

    template_name = "sochef_wagtail/admin/week_pipeline.html"
    page_title = gettext_lazy("Reminder and announcement")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            week=self.week,
            items=rows(self.week),
            is_open=week_is_open(self.week),
            reminder_days=app_settings.REMINDER_DAYS_BEFORE,
            **kwargs,
        )


class SendNoticeView(WeekPipelineMixin, TemplateView):
    """Send (or create) one item now, or again, after a confirmation."""

    template_name = "sochef_wagtail/admin/week_pipeline_send.html"
    page_title = gettext_lazy("Send now")

    def dispatch(self, request, week_id, kind, guest_id):
        if kind not in NoticeKind.values:
            raise Http404
        self.kind, self.guest_id = kind, guest_id
        return super().dispatch(request, week_id, kind, guest_id)

    def get_item(self):
        for item in week_items(self.week, (self.kind,)):
            if item_key(item) == self.guest_id:
                return item
        raise Http404

    def get_context_data(self, **kwargs):
        item = self.get_item()
        return super().get_context_data(
            week=self.week, item=item, is_open=week_is_open(self.week), **kwargs
        )

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        back = redirect(pipeline_url(self.week))
        if not week_is_open(self.week):
            messages.error(request, _("This week is over: nothing is sent for it any more."))
            return back
        try:
            seen_times = int(request.POST.get("times_sent", ""))
        except ValueError:
            messages.error(request, _("The form was incomplete; nothing was sent."))
            return back
        try:
            outcome = perform(item, request.user, seen_times=seen_times)
        except Exception as error:
            logger.exception("“%s” of week %s could not be sent", item.label, self.week.pk)
            messages.error(
                request,
                _("Sending failed (%(error)s); it is not recorded as sent. Try again later.")
                % {"error": type(error).__name__},
            )
            return back
        message = outcome_message(item, outcome)
        (messages.success if outcome == SENT else messages.warning)(request, message)
        return back


class PipelineProblemsPanel(Component):
    """On the admin's dashboard: reminders and announcements of weeks not over yet that could
    not go out, and why."""

    name = "sochef_pipeline_problems"
    order = 20
    template_name = "sochef_wagtail/admin/pipeline_problems_panel.html"

    def __init__(self, notices):
        self.notices = notices

    def get_context_data(self, parent_context):
        for notice in self.notices:
            notice.pipeline_url = pipeline_url(notice.week)
        return {"notices": self.notices}


def unsent_notices():
    """Notices of weeks not over that did not go out, with the reason (one query)."""
    today = local_date(timezone.now())
    return list(
        WeekNotice.objects.filter(sent_at__isnull=True, week__live=True)
        .exclude(problem="")
        .filter(week__week_start__gt=today - datetime.timedelta(days=7))
        .select_related("week", "guest")
        .order_by("week__week_start", "kind", "pk")[:DASHBOARD_ROWS]
    )


def pipeline_problem_panels(request, panels):
    """For the hook construct_homepage_panels: to editors of pages, what could not go out."""
    if not PagePermissionPolicy().user_has_permission(request.user, "change"):
        return
    if notices := unsent_notices():
        panels.append(PipelineProblemsPanel(notices))
