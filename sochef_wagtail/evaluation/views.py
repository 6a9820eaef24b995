"""Evaluation answers in the admin: listing, CSV export and a summary with a chart."""

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import policy_registry

from ..charts import BarChart, Series
from ..public_forms.views import SafeExportMixin
from .models import EvaluationResponse, Respondent, RespondentSide, Usefulness

FIELDS = ["created_at", "respondent", "side", "usefulness", "what_worked", "what_to_change"]


def summarise(responses):
    """Counts and average usefulness, overall, per respondent and per side (three queries)."""
    totals = responses.aggregate(
        count=Count("pk"),
        average=Avg("usefulness"),
        **{f"score_{score}": Count("pk", filter=Q(usefulness=score)) for score in Usefulness},
    )

    def groups(field, choices):
        rows = {
            row[field]: row
            for row in responses.order_by()
            .values(field)
            .annotate(count=Count("pk"), average=Avg("usefulness"))
        }
        return [
            {
                "label": label,
                "count": rows.get(value, {}).get("count", 0),
                "average": rows.get(value, {}).get("average"),
            }
            for value, label in choices
        ]

    return {
        "count": totals["count"],
        "average": totals["average"],
        "scores": [(score.value, totals[f"score_{score.value}"]) for score in Usefulness],
        "by_respondent": groups("respondent", Respondent.choices),
        "by_side": groups("side", RespondentSide.choices),
    }


class EvaluationIndexView(SafeExportMixin, IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page")

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Summary"), url=reverse("sochef_evaluation:summary"), icon_name="list-ul"
            ),
        ]


class EvaluationSummaryView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "sochef_wagtail/admin/evaluation_summary.html"
    page_title = _("Evaluation summary")
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(EvaluationResponse)
        if not policy.user_has_any_permission(request.user, ["view", "change"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("sochef_evaluation:index"), "label": _("Evaluation answers")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        summary = summarise(EvaluationResponse.objects.all())
        chart = BarChart(
            "usefulness",
            _("Answers per usefulness score (1 = not useful at all, 5 = very useful)"),
            [score for score, _count in summary["scores"]],
            [Series(_("Answers"), [count for _score, count in summary["scores"]])],
            category_label=_("Usefulness"),
        )
        return super().get_context_data(summary=summary, chart=chart, **kwargs)


class EvaluationViewSet(ModelViewSet):
    model = EvaluationResponse
    icon = "list-ul"
    menu_label = _("Evaluation")
    name = "sochef_evaluation"
    url_prefix = "sochef/evaluation"
    index_view_class = EvaluationIndexView
    form_fields = FIELDS[1:]
    list_display = ["__str__", "respondent", "side", "usefulness", "page"]
    list_filter = ["respondent", "side", "usefulness"]
    search_fields = ["what_worked", "what_to_change"]
    list_export = FIELDS
    export_filename = "sochef-evaluation"
    inspect_view_enabled = True
    inspect_view_fields = [*FIELDS, "page"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("summary/", EvaluationSummaryView.as_view(), name="summary"),
        ]
