"""What the admin's views of public submissions share: exports that editors can read and that
are safe to open."""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import app_settings
from ..dates import app_time_zone
from ..text import clean_values

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value):
    """A text cell that a spreadsheet would run as a formula, prefixed with ' so it is text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def local_time(moment):
    """An aware datetime as the wall-clock time of the app's zone, to the second and naive: a
    spreadsheet cell has no zone (the column heading names it)."""
    return timezone.localtime(moment, app_time_zone()).replace(microsecond=0, tzinfo=None)


class SafeExportMixin:
    """For a Wagtail IndexView with ``list_export``: cells as editors see the values (choice
    labels, yes and no, times in SOCHEF_TIME_ZONE); no cell holds a character XLSX (XML)
    cannot, and no CSV cell can start a formula."""

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for name, value in row.items():
            row[name] = self.export_value(item, name, value)
        return row

    def export_value(self, item, name, value):
        """What editors read for ``value`` of field ``name``; you can override this method."""
        field = self.model_field(name)
        if field is not None and field.choices:
            return str(getattr(item, f"get_{name}_display")())
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return local_time(value)
        return value

    def model_field(self, name):
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def get_heading(self, queryset, field):
        heading = super().get_heading(queryset, field)
        if isinstance(self.model_field(field), models.DateTimeField):
            return f"{heading} ({app_settings.TIME_ZONE})"
        return heading

    def preprocess_field_value(self, field, value, export_format):
        value = clean_values(super().preprocess_field_value(field, value, export_format))
        return neutralise_csv_cell(value) if export_format == self.FORMAT_CSV else value
