"""The public evaluation form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..public_forms.forms import ProtectedFormMixin
from .models import EvaluationResponse


class EvaluationForm(ProtectedFormMixin, forms.ModelForm):
    class Meta:
        model = EvaluationResponse
        fields = ["respondent", "side", "usefulness", "what_worked", "what_to_change"]
        labels = {
            "respondent": _("Who are you?"),
            "side": _("Which side are you on?"),
            "usefulness": _("How useful was SOchef to you?"),
            "what_worked": _("What worked well? (optional)"),
            "what_to_change": _("What should we change? (optional)"),
        }
        help_texts = {
            "what_worked": _(
                "At most 2,000 characters. Please leave out names and contact details."
            ),
            "what_to_change": _(
                "At most 2,000 characters. Please leave out names and contact details."
            ),
        }
        widgets = {
            "respondent": forms.RadioSelect,
            "side": forms.RadioSelect,
            "usefulness": forms.RadioSelect,
            "what_worked": forms.Textarea(attrs={"rows": 5}),
            "what_to_change": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("respondent", "side", "usefulness"):
            # No "---------" choice among radio buttons.
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]
