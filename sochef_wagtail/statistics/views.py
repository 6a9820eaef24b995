"""The statistics page in the admin."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from .figures import statistics_charts

PERMISSION = "sochef_wagtail.view_statistics"


class StatisticsView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_required = PERMISSION
    page_title = gettext_lazy("SOchef statistics")
    header_icon = "table"
    template_name = "sochef_wagtail/admin/statistics.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(charts=statistics_charts(), **kwargs)


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


class StatisticsViewSet(ViewSet):
    """The statistics page in the admin, with a menu item for users allowed to see it."""

    name = "sochef_statistics"
    icon = "table"
    menu_label = gettext_lazy("Statistics")
    menu_item_class = StatisticsMenuItem

    def get_urlpatterns(self):
        return [path("", StatisticsView.as_view(), name="index")]
