"""X handles: one rule for every place that stores one."""

import re

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

HANDLE_MAX_LENGTH = 15
#: X's rule, compiled now: the validator's own regex is lazy, and each match through it costs
#: more than the match (it runs for every mention of every tweet shown).
HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}\Z")

validate_handle = RegexValidator(
    HANDLE,
    _("Enter an X handle of 1–15 letters A–Z, digits or underscores, without spaces."),
    code="invalid_handle",
)


def normalize_handle(value):
    """Strip spaces and a leading @, so "@Skyddsombud" is stored as "Skyddsombud"."""
    return (value or "").strip().removeprefix("@")


class HandleField(models.CharField):
    """An X handle, stored without @ and validated to X's rule."""

    default_validators = [validate_handle]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", HANDLE_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return normalize_handle(super().to_python(value))

    def formfield(self, **kwargs):
        # Room for the "@" that people type; it is stripped before validation.
        return super().formfield(**{"max_length": HANDLE_MAX_LENGTH + 1, **kwargs})
