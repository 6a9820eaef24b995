"""Editors create guest weeks in the Wagtail admin; bad weeks get clear messages."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sochef_wagtail.weeks.pages import GuestWeekPage
from tests.factories import make_guest, make_week, week_form


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


def add_week_url(index):
    return reverse("wagtailadmin_pages:add", args=("sochef_wagtail", "guestweekpage", index.pk))


@pytest.mark.django_db
def test_editor_creates_and_publishes_a_pair_week(admin_client, index_page, accounts):
    employer, worker = accounts
    anna, bo = make_guest("Anna"), make_guest("Bo")
    response = admin_client.post(
        add_week_url(index_page),
        week_form("Premiär", "2012-09-03", [(employer, anna), (worker, bo)], "action-publish"),
    )
    assert response.status_code == 302, response.context["form"].errors
    week = GuestWeekPage.objects.get(title="Premiär")
    assert week.live
    assert {(s.account, s.guest) for s in week.slots.all()} == {(employer, anna), (worker, bo)}
    assert admin_client.get(week.url).status_code == 200


@pytest.mark.django_db
def test_week_must_start_on_a_monday(admin_client, index_page, accounts):
    response = admin_client.post(
        add_week_url(index_page),
        week_form("Tisdag", "2012-09-04", [(accounts[0], make_guest("Anna"))], "action-publish"),
    )
    assert response.status_code == 200
    assert "måndag" in str(response.context["form"].errors["week_start"])
    assert not GuestWeekPage.objects.exists()


@pytest.mark.django_db
def test_one_slot_per_account_in_a_week(admin_client, index_page, accounts):
    employer = accounts[0]
    data = week_form(
        "Dubbel", "2012-09-03", [(employer, make_guest("Anna")), (employer, make_guest("Cecilia"))]
    )
    response = admin_client.post(add_week_url(index_page), data)
    assert response.status_code == 200
    slot_errors = response.context["form"].formsets["slots"].errors
    assert "redan en gäst" in str(slot_errors)
    assert not GuestWeekPage.objects.exists()


@pytest.mark.django_db
def test_account_with_a_live_week_on_these_dates_is_refused(admin_client, index_page, accounts):
    employer, worker = accounts
    make_week(index_page, datetime.date(2012, 9, 3), [(worker, make_guest("Bo"))], title="Bo")
    response = admin_client.post(
        add_week_url(index_page),
        week_form("Krock", "2012-09-03", [(worker, make_guest("Karin"))], "action-publish"),
    )
    assert response.status_code == 200
    message = str(response.context["form"].formsets["slots"].errors)
    assert "@Skyddsombud" in message and "Bo" in message
    assert GuestWeekPage.objects.count() == 1


@pytest.mark.django_db
def test_other_account_in_the_same_week_is_fine(admin_client, index_page, accounts):
    employer, worker = accounts
    make_week(index_page, datetime.date(2012, 9, 3), [(worker, make_guest("Bo"))], title="Bo")
    response = admin_client.post(
        add_week_url(index_page),
        week_form("Anna", "2012-09-03", [(employer, make_guest("Anna"))], "action-publish"),
    )
    assert response.status_code == 302
    assert GuestWeekPage.objects.live().count() == 2


@pytest.mark.django_db
def test_snippet_listings_filter_and_search(admin_client, accounts):
    make_guest("Anna Lindqvist")
    make_guest("Bo Eriksson", role="safety_rep")
    guests_url = reverse("wagtailsnippets_sochef_wagtail_guest:list")
    assert "Bo Eriksson" not in admin_client.get(guests_url, {"role": "manager"}).content.decode()
    found = admin_client.get(guests_url, {"q": "Lindqvist"}).content.decode()
    assert "Anna Lindqvist" in found and "Bo Eriksson" not in found
    accounts_url = reverse("wagtailsnippets_sochef_wagtail_relayaccount:list")
    listed = admin_client.get(accounts_url, {"side": "employer"}).content.decode()
    assert "ArbetsmiljoChef" in listed and "@Skyddsombud" not in listed
