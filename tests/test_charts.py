"""Server-rendered SVG charts: a picture for the eye, a table for screen readers."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from sochef_wagtail.charts import BarChart, LineChart, Series, date_ticks, nice_step

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(html):
    """The chart's SVG, parsed as XML: it must be well-formed."""
    return ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))


def table_of(html):
    return ET.fromstring(re.search(r"<table.*?</table>", html, re.S).group(0))


def cells(table):
    return [["".join(cell.itertext()).strip() for cell in row] for row in table.iter("tr")]


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def roles_chart(**kwargs):
    return BarChart(
        "roles",
        "Gäster per roll",
        ["Chef", "Skyddsombud", "HR"],
        [Series("Gäster", [4, 2, 0])],
        category_label="Roll",
        **kwargs,
    )


def test_bar_chart_has_a_caption_an_svg_and_a_data_table():
    html = str(roles_chart())
    assert '<figcaption class="sochef-chart__caption">Gäster per roll</figcaption>' in html
    svg = svg_of(html)
    assert svg.get("aria-hidden") == "true"
    assert len(svg.findall(f"{SVG}rect")) == 3
    table = table_of(html)
    assert table.find("caption").text == "Gäster per roll"
    assert cells(table) == [
        ["Roll", "Gäster"],
        ["Chef", "4"],
        ["Skyddsombud", "2"],
        ["HR", "0"],
    ]
    assert [th.get("scope") for th in table.iter("th")] == ["col", "col", "row", "row", "row"]


def test_bar_lengths_are_proportional_to_the_values():
    widths = [float(rect.get("width")) for rect in svg_of(str(roles_chart())).iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.1)
    assert widths[2] == 0


def test_grouped_bars_have_a_legend_and_one_column_per_series():
    chart = BarChart(
        "sides",
        "Tweets",
        ["2012", "2013"],
        [Series("Arbetsgivarsidan", [3, 5]), Series("Arbetstagarsidan", [4, 1])],
        category_label="År",
    )
    html = str(chart)
    texts = ["".join(t.itertext()) for t in svg_of(html).iter(f"{SVG}text")]
    assert "Arbetsgivarsidan" in texts and "Arbetstagarsidan" in texts
    assert cells(table_of(html))[1:] == [["2012", "3", "4"], ["2013", "5", "1"]]


def test_labels_are_escaped_in_the_svg_and_the_table():
    chart = BarChart(
        "evil",
        "<b>Fet</b> rubrik",
        ['<script>alert("x")</script>', "Tom & Jerry"],
        [Series("<i>serie</i>", [1, 2])],
        category_label="A<B",
    )
    html = str(chart)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry" in html
    svg_texts = ["".join(t.itertext()) for t in svg_of(html).iter(f"{SVG}text")]
    assert '<script>alert("x")</script>' in svg_texts
    assert cells(table_of(html))[0] == ["A<B", "<i>serie</i>"]


def test_coordinates_use_a_decimal_point_in_swedish():
    html = str(roles_chart())
    widths = [rect.get("width") for rect in svg_of(html).iter(f"{SVG}rect")]
    assert all(re.fullmatch(r"\d+\.\d", width) for width in widths), widths


def test_line_chart_draws_a_line_per_series_over_time():
    chart = LineChart(
        "followers",
        "Följare",
        [
            Series(
                "@ArbetsmiljoChef",
                [(datetime.date(2012, 10, 1), 410), (datetime.date(2014, 12, 1), 1040)],
            ),
            Series("@Skyddsombud", [(datetime.date(2013, 4, 1), 1150)]),
        ],
        category_label="Datum",
    )
    html = str(chart)
    svg = svg_of(html)
    paths = svg.findall(f"{SVG}path")
    assert len(paths) == 2
    assert paths[1].get("stroke-dasharray")  # told apart by more than colour
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert {"2013", "2014"} <= set(texts)
    assert cells(table_of(html)) == [
        ["Datum", "@ArbetsmiljoChef", "@Skyddsombud"],
        ["1 oktober 2012", "410", "–"],
        ["1 april 2013", "–", "1150"],
        ["1 december 2014", "1040", "–"],
    ]


def test_line_chart_with_a_single_point_renders():
    chart = LineChart(
        "one",
        "En punkt",
        [Series("A", [(datetime.date(2013, 1, 7), 3)])],
        category_label="Datum",
    )
    assert svg_of(str(chart)).find(f"{SVG}circle") is not None


def test_chart_without_data_says_so_instead_of_drawing():
    chart = LineChart("empty", "Tomt", [Series("A", [])], category_label="Datum")
    html = str(chart)
    assert "Inga data ännu." in html
    assert "<svg" not in html and "<table" not in html


def test_round_steps_for_the_value_axis():
    assert [nice_step(n) for n in (0, 3, 10, 47, 1390)] == [1, 1, 2, 10, 500]


def test_date_ticks_are_years_for_long_spans_and_months_for_short():
    years = date_ticks(datetime.date(2012, 9, 3), datetime.date(2014, 12, 1))
    assert [label for _, label in years] == ["2013", "2014"]
    months = date_ticks(datetime.date(2012, 9, 3), datetime.date(2012, 12, 24))
    assert months == [
        (datetime.date(2012, 10, 1), "Okt 2012"),
        (datetime.date(2012, 11, 1), "Nov 2012"),
        (datetime.date(2012, 12, 1), "Dec 2012"),
    ]
