"""Bar charts drawn as SVG on the server, each with a data table for screen readers."""

import itertools
from dataclasses import dataclass, field

_ids = itertools.count(1)


@dataclass
class Bar:
    label: str
    value: float
    x: float = 0
    y: float = 0
    height: float = 0
    center: float = 0


@dataclass
class BarChart:
    """A vertical bar chart; render it with ``{% include "sochef_wagtail/includes/bar_chart.html"
    with chart=chart %}``. Labels and values are escaped by the template."""

    title: str
    label_heading: str
    value_heading: str
    bars: list[Bar]
    width: int = 480
    height: int = 240
    id: str = field(default_factory=lambda: f"sochef-chart-{next(_ids)}")

    # Room for the value above each bar and the label below it.
    top = 24
    bottom = 28

    def __post_init__(self):
        slot = self.width / max(len(self.bars), 1)
        self.bar_width = slot * 0.6
        plot_height = self.height - self.top - self.bottom
        highest = max((bar.value for bar in self.bars), default=0) or 1
        for n, bar in enumerate(self.bars):
            bar.height = plot_height * bar.value / highest
            bar.x = n * slot + (slot - self.bar_width) / 2
            bar.y = self.top + plot_height - bar.height
            bar.center = bar.x + self.bar_width / 2

    @property
    def baseline(self):
        return self.height - self.bottom

    @classmethod
    def from_pairs(cls, title, label_heading, value_heading, pairs, **kwargs):
        bars = [Bar(str(label), value) for label, value in pairs]
        return cls(title, label_heading, value_heading, bars, **kwargs)
