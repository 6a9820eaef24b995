"""The "This week on the relay" block: this week's guests, else the next week's, else nothing."""

import json

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from sochef_wagtail.blocks import CurrentWeekBlock
from sochef_wagtail.project import ProjectStatus
from tests.factories import make_guest, make_index, make_week, monday, set_project

pytestmark = pytest.mark.django_db


def render_block(value=None, host="localhost"):
    block = CurrentWeekBlock()
    request = RequestFactory().get("/", HTTP_HOST=host)
    return block.render(block.to_python(value or {"heading": ""}), context={"request": request})


def test_shows_this_weeks_guests_with_links_to_their_pages(index_page, accounts):
    employer, worker = accounts
    anna, bo = make_guest("Anna Lindqvist"), make_guest("Bo Eriksson")
    make_week(index_page, monday(0), [(employer, anna), (worker, bo)], title="Denna vecka")
    make_week(index_page, monday(1), [(employer, make_guest("Rut"))], title="Nästa vecka")
    make_week(index_page, monday(-1), [(employer, make_guest("Olle"))], title="Förra veckan")
    html = render_block()
    assert "Veckans gäster på stafetten" in html
    assert "Denna vecka" in html and "Anna Lindqvist" in html and "Bo Eriksson" in html
    assert f'href="{index_page.url}gaster/{anna.slug}/"' in html
    assert "Nästa vecka" not in html and "Förra veckan" not in html


def test_every_week_of_this_monday_is_shown(index_page, accounts):
    employer, worker = accounts
    make_week(index_page, monday(0), [(employer, make_guest("Anna"))], title="Chefen")
    other = make_index("Andra", slug="andra")
    make_week(other, monday(0), [(worker, make_guest("Bo"))], title="Skyddsombudet")
    html = render_block()
    assert "Chefen" in html and "Skyddsombudet" in html


def test_shows_the_next_week_when_nobody_is_on(index_page, accounts):
    make_week(index_page, monday(3), [(accounts[0], make_guest("Senare"))], title="Om tre")
    make_week(index_page, monday(2), [(accounts[0], make_guest("Rut"))], title="Om två")
    make_week(index_page, monday(0), [(accounts[1], make_guest("Utkast"))], live=False)
    html = render_block()
    assert "Nästa gäster på stafetten" in html
    assert "Om två" in html and "Rut" in html
    assert "Om tre" not in html and "Utkast" not in html


def test_editors_heading_is_used(index_page, accounts):
    make_week(index_page, monday(0), [(accounts[0], make_guest("Anna"))])
    assert "<h2>Just nu</h2>" in render_block({"heading": "Just nu"})


@pytest.mark.parametrize("status", [ProjectStatus.PAUSED, ProjectStatus.CLOSED])
def test_shows_nothing_while_the_project_is_paused_or_closed(index_page, accounts, status):
    make_week(index_page, monday(0), [(accounts[0], make_guest("Anna"))])
    set_project(status=status)
    assert render_block().strip() == ""


def test_shows_nothing_without_a_week_to_come(index_page, accounts):
    make_week(index_page, monday(-1), [(accounts[0], make_guest("Anna"))])
    assert render_block().strip() == ""


def test_weeks_of_another_site_are_not_shown(index_page, accounts, other_site):
    make_week(index_page, monday(0), [(accounts[0], make_guest("Anna"))], title="Här")
    assert "Här" in render_block()
    assert render_block(host="andra.example").strip() == ""


def test_guest_text_is_escaped(index_page, accounts):
    make_week(index_page, monday(0), [(accounts[0], make_guest("<script>x</script>"))])
    html = render_block({"heading": "<b>rubrik</b>"})
    assert "<script>" not in html and "<b>" not in html


def test_runs_a_constant_number_of_queries(index_page, accounts):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            render_block()
        return len(captured)

    make_week(index_page, monday(0), [(accounts[0], make_guest("Anna"))])
    queries()  # Wagtail's site caches
    few = queries()
    make_week(index_page, monday(0), [(accounts[1], make_guest("Bo"))], slug="andra-kontot")
    for n in range(3):
        make_index(f"Index {n}", slug=f"index-{n}")
    assert queries() == few


def test_the_block_in_a_week_page_body(client, index_page, accounts):
    make_week(index_page, monday(0), [(accounts[0], make_guest("Anna"))], title="Nu")
    week = make_week(index_page, monday(-5), [(accounts[0], make_guest("Gammal"))])
    week.body = json.dumps([{"type": "current_week", "value": {"heading": ""}}])
    week.save_revision().publish()
    html = client.get(week.url).content.decode()
    assert "sochef-current-week" in html and "Anna" in html
