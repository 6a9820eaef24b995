"""A reader browsing the relay in a real browser: guest pages, the weeks before and after, this
week's guests, the feeds and the language switcher."""

import datetime
import json

import feedparser
import pytest
from playwright.sync_api import expect

from sochef_wagtail.guests import Guest
from tests.factories import make_guest, make_landing, make_tweet, make_week, monday, stockholm
from tests.test_accessibility import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def relay(index_page, accounts):
    """Anna tweets twice (2012 on the employer side, 2013 on the worker side), Bo beside her
    in 2012; Rut is on this week."""
    employer, worker = accounts
    anna = make_guest("Anna Lindqvist", organisation="Kommunen")
    make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [(employer, anna), (worker, make_guest("Bo Eriksson", "safety_rep"))],
        title="Premiär",
    )
    make_week(index_page, datetime.date(2013, 5, 13), [(worker, anna)], title="Anna igen")
    make_week(index_page, monday(0), [(employer, make_guest("Rut Mattsson", "hr"))], title="Nu")
    make_tweet(employer, "Första veckan <b>hej</b>", created_at=stockholm(2012, 9, 4, 9, 0))
    make_tweet(worker, "Andra gången", created_at=stockholm(2013, 5, 14, 9, 0))
    return index_page


def test_reader_goes_from_the_index_to_a_guest_and_through_the_weeks(live_server, page, relay):
    page.goto(live_server.url + relay.url)
    page.get_by_role("link", name="Anna Lindqvist").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Lindqvist")
    expect(page.get_by_role("heading", level=2)).to_have_text(["Premiär", "Anna igen"])
    expect(page.locator(".sochef-tweet__text")).to_have_text(
        ["Första veckan <b>hej</b>", "Andra gången"]
    )
    page.get_by_role("link", name="Premiär").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Premiär")
    nav = page.get_by_role("navigation", name="Andra veckor")
    expect(nav.get_by_role("link")).to_have_count(1)
    nav.get_by_role("link", name="Nästa vecka Anna igen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna igen")
    page.get_by_role("navigation", name="Andra veckor").get_by_role("link", name="Nu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nu")


def test_reader_switches_the_language_and_keeps_the_page(live_server, page, relay):
    page.goto(live_server.url + relay.url)
    switcher = page.get_by_role("navigation", name="Språk")
    expect(switcher.locator("[aria-current]")).to_have_text("Svenska")
    switcher.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{live_server.url}/en{relay.url}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Guests so far")).to_be_visible()
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Svenska").click()
    expect(page).to_have_url(f"{live_server.url}{relay.url}")
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_reader_finds_the_relay_feed_from_a_page(live_server, page, relay):
    page.goto(live_server.url + relay.url)
    link = page.locator('link[rel="alternate"][type="application/atom+xml"][href*="/relay/"]')
    response = page.request.get(link.get_attribute("href"))
    assert response.ok
    feed = feedparser.parse(response.body())
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == [
        "@Skyddsombud: Andra gången",
        "@ArbetsmiljoChef: Första veckan <b>hej</b>",
    ]


def test_reader_sees_this_weeks_guest_on_the_landing_page(live_server, page, relay):
    landing = make_landing(body=json.dumps([{"type": "current_week", "value": {"heading": ""}}]))
    page.goto(live_server.url + landing.url)
    block = page.locator(".sochef-current-week")
    expect(block.get_by_role("heading", level=2)).to_have_text("Veckans gäster på stafetten")
    block.get_by_role("link", name="Rut Mattsson").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rut Mattsson")
    expect(page.locator(".sochef-badge")).to_have_count(0)


@pytest.mark.parametrize("where", ["guest", "week", "english guest"])
def test_reader_pages_have_no_serious_accessibility_violation(live_server, page, relay, where):
    anna = Guest.objects.get(name="Anna Lindqvist")
    paths = {
        "guest": f"{relay.url}gaster/{anna.slug}/",
        "week": f"{relay.url}vecka-2012-09-03/",
        "english guest": f"/en{relay.url}gaster/{anna.slug}/",
    }
    page.goto(live_server.url + paths[where])
    assert axe_violations(page) == []
