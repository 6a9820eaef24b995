"""Whole responses of SOchef's pages are answered from the cache to anonymous visitors, until
anything they show changes; nobody else gets or leaves a stored response."""

import datetime

import pytest
from django.core import checks
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.models import PageViewRestriction

from sochef_wagtail.caching import get_cache
from sochef_wagtail.caching.responses import allow, may_be_stored
from sochef_wagtail.checks import RESPONSE_CACHE_MIDDLEWARE, check_response_cache_position
from sochef_wagtail.guests import Guest
from tests.factories import make_guest, make_landing, make_user, make_week, make_weeks, monday


def get(client, url, **headers):
    """The response and the number of SQL queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def stored_responses():
    return [key for key in get_cache()._cache if ":sochef:response:" in key]


def rename_without_signals(old, new):
    """A change the caches are not told about: what still shows it old was served stored."""
    Guest.objects.filter(name=old).update(name=new)


@pytest.fixture
def guest_url(index_page, week):
    guest = Guest.objects.get(name="Anna")
    return index_page.url + index_page.guest_path(guest)


@pytest.mark.django_db
def test_a_repeated_visit_runs_no_query_and_gets_the_same_page(client, index_page, week, guest_url):
    landing = make_landing()
    for url in (week.url, index_page.url, guest_url, landing.url):
        first, queries = get(client, url)
        assert first.status_code == 200 and queries > 0
        again, queries = get(client, url)
        assert queries == 0, url
        assert again.content == first.content
        assert b"<html" in again.content  # the host's base template is in it
    assert len(stored_responses()) == 4


@pytest.mark.django_db
def test_a_stored_page_still_gets_the_headers_of_the_middleware_before_it(client, week):
    first, _ = get(client, week.url)
    again, _ = get(client, week.url)
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language"):
        assert again[header] == first[header]


@pytest.mark.django_db
def test_a_change_shows_at_once(client, index_page, week):
    get(client, week.url)
    guest = Guest.objects.get(name="Anna")
    guest.name = "Anna Ny"
    guest.save()
    assert b"Anna Ny" in client.get(week.url).content
    make_week(index_page, monday(1), [(week.slots.first().account, make_guest("Snart"))])
    assert b"Snart" in client.get(index_page.url).content


@pytest.mark.django_db
def test_a_stored_week_becomes_last_weeks_on_monday(client, index_page, accounts, monkeypatch):
    make_week(index_page, monday(1), [(accounts[0], make_guest("Snart"))], "Nästa vecka")
    upcoming = client.get(index_page.url).content.decode().split('id="sochef-past-heading"')[0]
    assert "Nästa vecka" in upcoming
    later = timezone.now() + datetime.timedelta(weeks=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    upcoming, past = client.get(index_page.url).content.decode().split('id="sochef-past-heading"')
    assert "Nästa vecka" not in upcoming and "Nästa vecka" in past


@pytest.mark.django_db
def test_logged_in_users_neither_get_nor_leave_stored_pages(client, week):
    get(client, week.url)
    rename_without_signals("Anna", "Anna Ny")
    client.force_login(make_user(superuser=True))
    response, queries = get(client, week.url)
    assert queries > 0  # rendered for them (the page cache may still hold the old content)
    client.logout()
    get_cache().clear()
    client.force_login(make_user("annan", superuser=True))
    get(client, week.url)
    assert stored_responses() == []


@pytest.mark.django_db
def test_a_visitor_with_a_session_is_not_served_stored_pages(client, week):
    get(client, week.url)
    client.cookies["sessionid"] = "whatever"
    _, queries = get(client, week.url)
    assert queries > 0


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["utm_source=x", "side=employer&side=employer", "page=1&side="])
def test_queries_a_page_does_not_link_to_are_not_stored(client, index_page, week, query):
    get(client, f"{week.url}?{query}")
    get(client, f"{index_page.url}?{query}")
    assert stored_responses() == []


@pytest.mark.django_db
def test_the_index_stores_its_own_filter_links(client, index_page, accounts):
    make_weeks(index_page, accounts, 2)
    get(client, f"{index_page.url}?side=employer")
    _, queries = get(client, f"{index_page.url}?side=employer")
    assert queries == 0


@pytest.mark.django_db
def test_search_results_and_forms_are_never_stored(client, index_page, week):
    get(client, f"{index_page.url}sok/?q=Anna")
    get(client, f"{index_page.url}calendar/")
    assert stored_responses() == []


@pytest.mark.django_db
def test_a_page_made_private_is_private_at_once(client, index_page, week):
    get(client, week.url)
    PageViewRestriction.objects.create(
        page=index_page, restriction_type=PageViewRestriction.PASSWORD, password="hemligt"
    )
    response = client.get(week.url)
    assert b"Anna" not in response.content
    assert b'name="password"' in response.content


@pytest.mark.django_db
def test_a_cache_that_is_down_still_serves_the_pages(client, week, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "broken": {"BACKEND": "tests.test_tweet_cache.BrokenCache"},
    }
    settings.SOCHEF_CACHE_ALIAS = "broken"
    assert b"Anna" in client.get(week.url).content
    assert "The response cache could not be read" in caplog.text


@pytest.mark.django_db
def test_a_timeout_of_0_turns_it_off(client, week, settings):
    settings.SOCHEF_RESPONSE_CACHE_TIMEOUT = 0
    get(client, week.url)
    assert stored_responses() == []


def test_the_middleware_must_come_after_the_ones_that_say_who_asks(settings):
    assert check_response_cache_position(None) == []
    settings.MIDDLEWARE = [RESPONSE_CACHE_MIDDLEWARE, *settings.MIDDLEWARE[:-1]]
    (error,) = check_response_cache_position(None)
    assert error.id == "sochef_wagtail.E002" and isinstance(error, checks.Error)
    assert "AuthenticationMiddleware" in error.msg


@pytest.mark.parametrize(
    "mark",
    [
        lambda request, response: get_token(request),
        lambda request, response: setattr(request, "_csp_nonce", "n0nce"),
        lambda request, response: response.set_cookie("seen", "1"),
        lambda request, response: patch_vary_headers(response, ["User-Agent"]),
        lambda request, response: patch_vary_headers(response, ["Cookie"]),
        lambda request, response: patch_cache_control(response, private=True),
        lambda request, response: setattr(request, "is_preview", True),
    ],
    ids=["csrf token", "csp nonce", "cookie", "vary", "vary on cookies", "private", "preview"],
)
def test_what_is_the_visitors_own_is_not_stored(rf, mark):
    request, response = rf.get("/sochef/"), HttpResponse("<p>sida</p>")
    allow(request)
    assert may_be_stored(request, response)
    mark(request, response)
    assert not may_be_stored(request, response)
