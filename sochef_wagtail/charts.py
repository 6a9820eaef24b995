"""Small charts rendered on the server as SVG, each with a data table for screen readers.

No JavaScript and nothing from a CDN: a chart is an SVG picture for sighted readers (hidden
from assistive technology) and a table with the same numbers and a caption. Labels come from
outside (names, handles), so everything goes through Django's template escaping.

Put a chart in a template as ``{{ chart }}`` and load ``sochef_wagtail/css/charts.css``::

    BarChart("roles", _("Guests per role"), ["Chef", "HR"], [Series(_("Guests"), [4, 2])],
             category_label=_("Role"))
    LineChart("followers", _("Followers"), [Series("@Skyddsombud", [(date, 520), ...])],
              category_label=_("Date"))
"""

import datetime
import math
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import date_format

WIDTH = 640
FONT_SIZE = 12
# A rough average glyph width at FONT_SIZE, to leave room for labels without measuring text.
CHAR_WIDTH = 7
# Contrast of at least 4.5:1 on white; the first two are the employer and worker sides' colours.
PALETTE = ("#1f4e79", "#8a3b12", "#2e6b30", "#6b2c91", "#00636b", "#a3224a")
# Lines differ by dash pattern too, not by colour alone.
DASHES = ("", "6 3", "2 3", "8 3 2 3")
LEGEND_HEIGHT = 24


@dataclass
class Series:
    """A named row of values: one per category (bar charts) or (date, value) pairs (lines)."""

    label: str
    values: list


def nice_step(maximum, ticks=5):
    """A round step (1, 2 or 5 × 10ⁿ, at least 1) so that `ticks` steps cover `maximum`."""
    raw = max(maximum, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)
    return max(1, int(step))


def label_width(labels, minimum=40, maximum=240):
    longest = max((len(str(label)) for label in labels), default=0)
    return min(maximum, max(minimum, 8 + CHAR_WIDTH * longest))


def coordinate(value):
    """SVG coordinates with one decimal, whatever the active locale's decimal separator."""
    return f"{value:.1f}"


class Chart:
    template_name = None

    def __init__(self, name, caption, series, *, category_label):
        self.name = name
        self.caption = caption
        self.series = list(series)
        self.category_label = category_label
        self.width = WIDTH

    @property
    def dom_id(self):
        return f"sochef-chart-{self.name}"

    @property
    def is_empty(self):
        return not any(self.values())

    def values(self):
        raise NotImplementedError

    def legend(self):
        """Swatches above the plot, only when there is more than one series."""
        if len(self.series) < 2:
            return []
        items, x = [], 0
        for n, series in enumerate(self.series):
            items.append({"label": series.label, "x": x, "color": PALETTE[n % len(PALETTE)]})
            x += 24 + CHAR_WIDTH * len(str(series.label))
        return items

    def render(self):
        return render_to_string(self.template_name, {"chart": self})

    def __html__(self):
        return self.render()

    __str__ = __html__


class BarChart(Chart):
    """Horizontal bars: one row per category, one bar per series in each row."""

    template_name = "sochef_wagtail/includes/bar_chart.html"
    bar_height = 18
    row_gap = 10
    value_space = 48

    def __init__(self, name, caption, categories, series, *, category_label):
        super().__init__(name, caption, series, category_label=category_label)
        self.categories = list(categories)

    def values(self):
        return [value for series in self.series for value in series.values]

    def layout(self):
        """Geometry for the template: rows of bars with their labels, the legend and height."""
        left = label_width(self.categories)
        plot_width = self.width - left - self.value_space
        top = LEGEND_HEIGHT if len(self.series) > 1 else 0
        maximum = max(self.values(), default=0) or 1
        row_height = self.bar_height * len(self.series) + self.row_gap
        rows = []
        for i, label in enumerate(self.categories):
            y = top + i * row_height
            bars = []
            for n, series in enumerate(self.series):
                value = series.values[i]
                width = plot_width * value / maximum
                bar_y = y + n * self.bar_height
                bars.append(
                    {
                        "series": series.label,
                        "value": value,
                        "color": PALETTE[n % len(PALETTE)],
                        "x": coordinate(left),
                        "y": coordinate(bar_y),
                        "width": coordinate(width),
                        "height": coordinate(self.bar_height - 2),
                        "value_x": coordinate(left + width + 4),
                        "text_y": coordinate(bar_y + self.bar_height / 2),
                    }
                )
            label_y = y + self.bar_height * len(self.series) / 2
            rows.append({"label": label, "label_y": coordinate(label_y), "bars": bars})
        return {
            "rows": rows,
            "legend": self.legend(),
            "axis_x": coordinate(left - 0.5),
            "label_x": coordinate(left - 6),
            "plot_top": top,
            "height": top + len(self.categories) * row_height,
        }

    def table_rows(self):
        return [
            {"label": label, "values": [series.values[i] for series in self.series]}
            for i, label in enumerate(self.categories)
        ]


class LineChart(Chart):
    """Lines over time: each series a list of (date, value) pairs in date order."""

    template_name = "sochef_wagtail/includes/line_chart.html"
    height = 260
    margin_top = 10
    margin_right = 16
    margin_bottom = 28
    max_markers = 60

    def __init__(self, name, caption, series, *, category_label, date_label=None):
        super().__init__(name, caption, series, category_label=category_label)
        # How a date is named in the table, e.g. "Week 36, 2012" for weekly data.
        self.date_label = date_label or date_format

    def values(self):
        return [value for series in self.series for _, value in series.values]

    def dates(self):
        return sorted({date for series in self.series for date, _ in series.values})

    def layout(self):
        dates = self.dates()
        step = nice_step(max(self.values(), default=0))
        top_value = step * max(1, math.ceil(max(self.values(), default=0) / step))
        y_ticks = range(0, top_value + 1, step)
        left = label_width([str(top_value)], minimum=32)
        plot_top = self.margin_top + (LEGEND_HEIGHT if len(self.series) > 1 else 0)
        plot_bottom = self.height - self.margin_bottom
        plot_right = self.width - self.margin_right
        first, last = dates[0].toordinal(), dates[-1].toordinal()
        span = (last - first) or 1

        def x_of(date):
            if first == last:
                return (left + plot_right) / 2
            return left + (plot_right - left) * (date.toordinal() - first) / span

        def y_of(value):
            return plot_bottom - (plot_bottom - plot_top) * value / top_value

        lines = []
        for n, series in enumerate(self.series):
            points = [
                {
                    "x": coordinate(x_of(date)),
                    "y": coordinate(y_of(value)),
                    "date": self.date_label(date),
                    "value": value,
                }
                for date, value in series.values
            ]
            lines.append(
                {
                    "label": series.label,
                    "color": PALETTE[n % len(PALETTE)],
                    "dash": DASHES[n % len(DASHES)],
                    "path": " ".join(
                        f"{'L' if i else 'M'}{p['x']},{p['y']}" for i, p in enumerate(points)
                    ),
                    "points": points if len(points) <= self.max_markers else [],
                }
            )
        return {
            "lines": lines,
            "legend": self.legend(),
            "left": coordinate(left),
            "right": coordinate(plot_right),
            "plot_top": coordinate(plot_top),
            "plot_bottom": coordinate(plot_bottom),
            "label_x": coordinate(left - 6),
            "y_ticks": [{"y": coordinate(y_of(v)), "label": v} for v in y_ticks],
            "x_ticks": [
                {"x": coordinate(x_of(date)), "label": label}
                for date, label in date_ticks(dates[0], dates[-1])
            ],
            "tick_bottom": coordinate(plot_bottom + 4),
            "tick_label_y": coordinate(plot_bottom + 18),
            "height": self.height,
        }

    def table_rows(self):
        by_series = [dict(series.values) for series in self.series]
        return [
            {"label": self.date_label(date), "values": [values.get(date) for values in by_series]}
            for date in self.dates()
        ]


def date_ticks(first, last, max_ticks=8):
    """(date, label) pairs for the x axis: years for long spans, else months."""
    months = (last.year - first.year) * 12 + last.month - first.month
    if months >= 24:
        step = math.ceil((last.year - first.year + 1) / max_ticks)
        start = first.year if (first.month, first.day) == (1, 1) else first.year + 1
        years = range(start, last.year + 1, step)
        return [(datetime.date(year, 1, 1), str(year)) for year in years]
    step = next((s for s in (1, 2, 3, 6, 12) if months / s <= max_ticks), 12)
    ticks = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        tick = datetime.date(year, month, 1)
        if tick >= first:
            ticks.append((tick, date_format(tick, "M Y")))
        year, month = divmod(year * 12 + month - 1 + step, 12)
        month += 1
    return ticks or [(first, date_format(first, "j M Y"))]
