"""The app's pages and routes in the host's sitemap (wagtail.contrib.sitemaps), robots.txt,
and the example site's Site named and addressed by its settings."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import Site

from example_site.home.apps import configure_site
from tests.factories import make_guest, make_landing, make_nomination_page, make_week, make_weeks

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).iterfind("s:url/s:loc", NS)]


@pytest.mark.django_db
def test_pages_weeks_and_the_calendar_are_listed_the_search_and_thanks_not(
    client, index_page, week
):
    landing = make_landing(guest_index=index_page)
    nominate = make_nomination_page()
    urls = sitemap_urls(client)
    for page in (landing, index_page, week, nominate):
        assert page.get_full_url() in urls
    assert index_page.get_full_url() + "calendar/" in urls
    assert not any(url.endswith(("/sok/", "/tack/")) for url in urls)


@pytest.mark.django_db
def test_upcoming_weeks_are_listed_while_active(client, index_page, accounts):
    soon = make_week(index_page, datetime.date.today() + datetime.timedelta(days=21), [])
    assert soon.get_full_url() in sitemap_urls(client)


@pytest.mark.django_db
def test_the_sitemap_runs_a_constant_number_of_queries(client, index_page, accounts):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            sitemap_urls(client)
        return len(captured)

    make_weeks(index_page, accounts, 2)
    queries()  # the project settings and Wagtail's site root paths are made on the first
    few = queries()
    make_weeks(index_page, accounts, 8, start=datetime.date(2013, 1, 7))
    assert queries() == few


@pytest.mark.django_db
def test_a_route_of_another_module_plugs_in(client, index_page, monkeypatch):
    """How guest pages (or any route) join: extend get_sitemap_routes."""
    from sochef_wagtail.weeks.pages import GuestWeekIndexPage

    original = GuestWeekIndexPage.get_sitemap_routes
    monkeypatch.setattr(
        GuestWeekIndexPage,
        "get_sitemap_routes",
        lambda self, request=None: [*original(self, request), {"location": "gaster/anna/"}],
    )
    assert index_page.get_full_url() + "gaster/anna/" in sitemap_urls(client)


@pytest.mark.django_db
def test_robots_txt_points_at_the_sitemap_of_the_site(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /admin/" in text


@pytest.mark.django_db
@override_settings(SITE_NAME="NyArbetsmiljö", SITE_HOSTNAME="sochef.example", SITE_PORT=443)
def test_migrate_gives_the_default_site_its_name_and_address(client, index_page, week):
    configure_site()
    site = Site.objects.get(is_default_site=True)
    assert (site.site_name, site.hostname, site.port) == ("NyArbetsmiljö", "sochef.example", 443)
    assert site.root_url == "https://sochef.example"
    calendar = client.get(index_page.url + "calendar/").content.decode()
    assert f"URL:https://sochef.example/sochef/{week.slug}/" in calendar
    assert (
        "Sitemap: https://sochef.example/sitemap.xml" in client.get("/robots.txt").content.decode()
    )
    Site.clear_site_root_paths_cache()


@pytest.mark.django_db
@override_settings(SITE_NAME="X", SITE_HOSTNAME="andra.example", SITE_PORT=80)
def test_migrate_leaves_the_site_when_another_has_that_address(other_site):
    configure_site()
    assert Site.objects.get(is_default_site=True).hostname == "localhost"


def test_the_example_site_defaults_to_where_run_demo_serves_it(monkeypatch):
    import importlib

    import example_site.settings as example

    for name in ("SOCHEF_SITE_NAME", "SOCHEF_SITE_HOSTNAME", "SOCHEF_SITE_PORT", "DJANGO_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    reloaded = importlib.reload(example)
    assert (reloaded.SITE_NAME, reloaded.SITE_HOSTNAME, reloaded.SITE_PORT) == (
        "NyArbetsmiljö",
        "127.0.0.1",
        8000,
    )
    assert reloaded.SITE_ROOT_URL == "http://127.0.0.1:8000"


@pytest.mark.django_db
def test_guest_pages_are_listed_once_each(client, index_page, accounts):
    employer, worker = accounts
    anna = make_guest("Anna Lindqvist")
    make_week(index_page, datetime.date(2012, 9, 3), [(employer, anna)])
    make_week(index_page, datetime.date(2012, 9, 10), [(worker, anna)])
    urls = sitemap_urls(client)
    assert urls.count(index_page.get_full_url() + "gaster/anna-lindqvist/") == 1
    assert client.get(index_page.url + "gaster/anna-lindqvist/").status_code == 200
