"""The public page on which readers nominate guests."""

from django.utils.translation import gettext_lazy as _

from ..public_forms.pages import PublicFormPage
from .forms import NominationForm
from .models import record_nomination


class NominationPage(PublicFormPage):
    form_class = NominationForm
    template = "sochef_wagtail/pages/nomination_page.html"

    class Meta:
        verbose_name = _("nomination page")
        verbose_name_plural = _("nomination pages")

    def save_submission(self, form, request):
        return record_nomination(form.submission_data(), page=self)
