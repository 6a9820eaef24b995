"""The protection of a public form: a honeypot, a single-use time trap, no control characters
in what is sent, and errors announced to screen readers."""

import secrets
import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from ..conf import app_settings
from ..text import clean_text, clean_values
from .rate_limit import rate_limit_cache

# The salt's text is what signed tokens already handed out: it stays as it was.
TIME_TRAP_SALT = "sochef_wagtail.public_forms.started"
HONEYPOT_FIELD = "website"


def time_trap_token(started=None):
    """A signed record of when the form was shown, with a nonce that makes it single-use."""
    started = time.time() if started is None else started
    return signing.dumps([started, secrets.token_hex(16)], salt=TIME_TRAP_SALT)


def without_control_characters(data):
    """A copy of a form's data with :func:`~sochef_wagtail.text.clean_text` applied to each value.

    Removed rather than refused: the characters are invisible, so a person shown an error about
    them could not find them (they come with text pasted from documents). NUL too, which Django
    would otherwise refuse with a message about a character no one typed.
    """
    if not hasattr(data, "setlist"):  # a dict, as from code
        return clean_values(dict(data))
    data = data.copy()  # a QueryDict, as from a request
    for key, values in data.lists():
        data.setlist(key, [clean_text(value) for value in values])
    return data


class ProtectedFormMixin:
    """Adds a honeypot and a time trap to a form, removes control characters from what is sent
    (:func:`without_control_characters`) and ties each field to its error and help text.

    Use it before ``forms.Form`` or ``forms.ModelForm`` in the bases.
    """

    too_fast_message = _(
        "The form was sent very quickly after it was opened. Check your answers and send it again."
    )
    expired_message = _("The form has expired. Check your answers and send it again.")
    already_sent_message = _(
        "This form has already been sent. To send it once more, check your answers and send "
        "it again."
    )

    spends_time_trap = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = without_control_characters(self.data)
        # People never see the honeypot (hidden by CSS, out of the tab order, aria-hidden);
        # simple bots fill in every field they find.
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields["started"] = forms.CharField(required=False, widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial["started"] = time_trap_token()
        self.describe_fields()

    @property
    def honeypot_filled(self):
        return bool(self.data.get(HONEYPOT_FIELD, "").strip()) if self.is_bound else False

    def clean(self):
        cleaned_data = super().clean()
        try:
            started, nonce = signing.loads(
                self.data.get("started", ""),
                salt=TIME_TRAP_SALT,
                max_age=app_settings.FORM_MAX_AGE,
            )
            started = float(started)
        except (signing.BadSignature, TypeError, ValueError):
            # Shown again with a fresh token, so that sending it again works.
            self.renew_time_trap()
            self.add_error(None, self.expired_message)
            return cleaned_data
        if time.time() - started < app_settings.FORM_MIN_SECONDS:
            self.add_error(None, self.too_fast_message)
            return cleaned_data
        # One token, one post: a bot cannot send many posts with what one GET gave it. A post
        # the rate limit refused is validated only to be shown again: it spends no token.
        if self.spends_time_trap and not rate_limit_cache().add(
            f"sochef:started:{nonce}", 1, timeout=app_settings.FORM_MAX_AGE
        ):
            self.add_error(None, self.already_sent_message)
        # If the form is shown again, it can be sent once more, timed from when it was first shown.
        self.renew_time_trap(started)
        return cleaned_data

    def renew_time_trap(self, started=None):
        self.data = self.data.copy()
        self.data["started"] = time_trap_token(started)

    def full_clean(self):
        super().full_clean()
        self.describe_fields()

    def describe_fields(self):
        """Point each widget at its error and help text (aria-describedby, aria-invalid)."""
        errors = self.errors if self.is_bound and hasattr(self, "cleaned_data") else {}
        for name, field in self.fields.items():
            bound = self[name]
            described_by = []
            if name in errors:
                described_by.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if field.help_text:
                described_by.append(f"{bound.auto_id}_helptext")
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def visible_form_fields(self):
        """The fields people fill in (not the honeypot)."""
        return [field for field in self.visible_fields() if field.name != HONEYPOT_FIELD]

    def error_summary(self):
        """(anchor, label, message) for each error, in form order, for the summary at the top."""
        summary = [(None, None, message) for message in self.non_field_errors()]
        for field in self.visible_form_fields():
            for message in field.errors:
                summary.append((field.id_for_label or field.auto_id, field.label, message))
        return summary
