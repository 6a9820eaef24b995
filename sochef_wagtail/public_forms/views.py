"""What the admin's views of public submissions share: exports that are safe to open."""

from ..text import clean_values

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value):
    """A text cell that a spreadsheet would run as a formula, prefixed with ' so it is text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeExportMixin:
    """For a Wagtail IndexView with ``list_export``: no cell holds a character XLSX (XML) cannot,
    and no CSV cell can start a formula."""

    def preprocess_field_value(self, field, value, export_format):
        value = clean_values(super().preprocess_field_value(field, value, export_format))
        return neutralise_csv_cell(value) if export_format == self.FORMAT_CSV else value
