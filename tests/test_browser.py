"""Public pages in a real browser: Debian's chromium driven by Playwright."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.factories import make_guest, make_week, monday

pytestmark = pytest.mark.browser


@pytest.fixture
def relay(index_page, accounts):
    employer, worker = accounts
    make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [
            (employer, make_guest("Anna Lindqvist")),
            (worker, make_guest("Bo Eriksson", "safety_rep")),
        ],
        title="Premiär",
    )
    make_week(
        index_page,
        datetime.date(2013, 5, 13),
        [(worker, make_guest("Karin Olsson"))],
        title="Stress",
    )
    make_week(index_page, monday(1), [(employer, make_guest("Rut Mattsson", "hr"))], title="Nästa")
    return index_page


def test_reader_filters_the_index_and_opens_a_week(live_server, page, relay):
    page.goto(live_server.url + relay.url)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", name="Kommande gäster")).to_be_visible()
    page.get_by_label("Sida").select_option("employer")
    page.get_by_role("button", name="Filtrera").click()
    expect(page).to_have_url(f"{live_server.url}{relay.url}?side=employer&role=&year=")
    expect(page.get_by_role("link", name="Stress")).to_have_count(0)
    page.get_by_role("link", name="Premiär").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Premiär")
    guests = page.locator(".sochef-guest")
    expect(guests).to_have_count(2)
    expect(guests.nth(0)).to_contain_text("Anna Lindqvist")
    expect(guests.nth(1)).to_contain_text("Bo Eriksson")
    # The pair sits side by side on a desktop-wide window.
    first, second = guests.nth(0).bounding_box(), guests.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1 and first["x"] < second["x"]


def test_english_version_is_served_under_en(live_server, page, relay):
    page.goto(f"{live_server.url}/en{relay.url}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Upcoming guests")).to_be_visible()
