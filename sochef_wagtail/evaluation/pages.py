"""The public evaluation survey page."""

from django.utils.translation import gettext_lazy as _

from ..public_forms.pages import PublicFormPage
from .forms import EvaluationForm


class EvaluationPage(PublicFormPage):
    form_class = EvaluationForm
    template = "sochef_wagtail/pages/evaluation_page.html"

    class Meta:
        verbose_name = _("evaluation survey page")
        verbose_name_plural = _("evaluation survey pages")

    def save_submission(self, form, request):
        form.instance.page = self
        return form.save()
