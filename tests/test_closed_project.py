"""Closed means closed: while the project is paused or closed no page, block or feed lists
guests still to come, whatever page cache is warm, and the landing page shows the editors'
closing text."""

import datetime

import pytest
from django.test import RequestFactory
from wagtail.blocks import StreamValue
from wagtail.models import Site

from sochef_wagtail.blocks import BodyBlock
from tests.factories import (
    make_guest,
    make_landing,
    make_nomination_page,
    make_week,
    monday,
    project_settings,
)

CLOSING = "<p>EDIT okt 2014: Sorry, projektet nedlagt.</p>"


@pytest.fixture
def relay(index_page, accounts):
    """A week that is over (Anna) and one to come (Zelda) below the index."""
    employer, _ = accounts
    make_week(index_page, datetime.date(2012, 9, 3), [(employer, make_guest("Anna"))])
    upcoming = make_week(index_page, monday(3), [(employer, make_guest("Zelda Framtid"))])
    return index_page, upcoming


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["paused", "closed"])
def test_the_guest_index_lists_no_upcoming_guests_even_when_cached(client, relay, status):
    index, _ = relay
    assert "Zelda Framtid" in html(client, index.url)  # now in the page cache
    project_settings(status=status)
    page = html(client, index.url)
    assert "Zelda Framtid" not in page and "Kommande gäster" not in page
    assert "Anna" in page


@pytest.mark.django_db
def test_the_status_changed_in_the_admin_reaches_cached_pages(admin_client, client, relay):
    index, _ = relay
    assert "Zelda Framtid" in html(client, index.url)
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/sochef_wagtail/projectsettings/{site.pk}/"
    form = {
        "status": "closed",
        "status_message": "Sorry, projektet nedlagt.",
        "closing_text": '{"blocks": [], "entityMap": {}}',
        "notify_emails": "",
        "guide_links-TOTAL_FORMS": "0",
        "guide_links-INITIAL_FORMS": "0",
        "guide_links-MIN_NUM_FORMS": "0",
        "guide_links-MAX_NUM_FORMS": "1000",
    }
    assert admin_client.post(url, form).status_code == 302
    assert "Zelda Framtid" not in html(client, index.url)


@pytest.mark.django_db
def test_the_landing_page_shows_the_closing_text_instead_of_the_next_guests(client, relay):
    index, _ = relay
    landing = make_landing(guest_index=index)
    assert "Nästa gäster" in html(client, landing.url)
    project_settings(status="closed", closing_text=CLOSING)
    page = html(client, landing.url)
    assert "EDIT okt 2014: Sorry, projektet nedlagt." in page
    assert "Nästa gäster" not in page and "Zelda Framtid" not in page
    assert f'href="{index.url}"' in page  # the archive stays a click away


@pytest.mark.django_db
def test_the_closing_text_is_not_shown_while_active(client, relay):
    landing = make_landing(guest_index=relay[0])
    project_settings(closing_text=CLOSING)
    assert "projektet nedlagt" not in html(client, landing.url)


@pytest.mark.django_db
def test_the_upcoming_weeks_block_shows_nothing_at_all(client, relay):
    index, _ = relay
    block = BodyBlock().child_blocks["upcoming_weeks"]
    request = RequestFactory().get("/")
    value = block.to_python({"heading": "", "count": 3})
    assert "Zelda Framtid" in block.render(value, context={"request": request})
    project_settings(status="paused")
    request = RequestFactory().get("/")  # settings are read once per request
    assert block.render(value, context={"request": request}).strip() == ""
    assert block.render(value).strip() == ""  # without a request: the default site's


@pytest.mark.django_db
def test_a_cached_week_page_with_the_block_drops_it(client, relay, accounts):
    index, _ = relay
    week = make_week(index, datetime.date(2012, 9, 10), [(accounts[1], make_guest("Bo"))])
    week.body = StreamValue(BodyBlock(), [("upcoming_weeks", {"heading": "", "count": 3})])
    week.save_revision().publish()
    assert "Zelda Framtid" in html(client, week.url)
    project_settings(status="closed")
    assert "Zelda Framtid" not in html(client, week.url)


@pytest.mark.django_db
def test_the_calendar_and_the_search_leave_out_the_weeks_to_come(client, relay):
    index, _ = relay
    assert "Zelda Framtid" in html(client, index.url + "calendar/")
    assert "Zelda Framtid" in html(client, index.url + "sok/?q=Zelda")
    project_settings(status="closed")
    assert "Zelda Framtid" not in html(client, index.url + "calendar/")
    assert "Anna" in html(client, index.url + "calendar/")
    assert "Zelda Framtid" not in html(client, index.url + "sok/?q=Zelda")


@pytest.mark.django_db
def test_the_sitemap_leaves_out_the_weeks_to_come(client, relay):
    _, upcoming = relay
    assert upcoming.slug in html(client, "/sitemap.xml")
    project_settings(status="paused")
    assert upcoming.slug not in html(client, "/sitemap.xml")


@pytest.mark.django_db
def test_the_nomination_form_stays_away_while_closed(client, relay):
    page = make_nomination_page()
    assert "<form" in html(client, page.url)
    project_settings(status="closed")
    assert "<form" not in html(client, page.url)
