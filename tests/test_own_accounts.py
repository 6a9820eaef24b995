"""A person's own account (a guest's, a nominee's, the organiser's) on X, Bluesky or Mastodon:
one field, the platform told by the handle's form, the profile linked on that platform."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from sochef_wagtail.guests import Guest
from sochef_wagtail.handles import platform_of_handle
from sochef_wagtail.models import Nomination
from sochef_wagtail.platforms import own_account_url
from sochef_wagtail.project import ProjectSettings
from tests.factories import (
    make_accounts,
    make_guest,
    make_index,
    make_nomination_page,
    make_week,
    nomination_post,
    set_project,
)

ACCOUNTS = [
    # written by the editor or the nominator, stored, its profile
    ("@annal", "annal", "https://x.com/annal"),
    ("https://x.com/annal", "annal", "https://x.com/annal"),
    ("anna.bsky.social", "anna.bsky.social", "https://bsky.app/profile/anna.bsky.social"),
    (
        "https://bsky.app/profile/anna.bsky.social",
        "anna.bsky.social",
        "https://bsky.app/profile/anna.bsky.social",
    ),
    ("@anna@mastodon.social", "anna@mastodon.social", "https://mastodon.social/@anna"),
    ("https://mastodon.social/@anna", "anna@mastodon.social", "https://mastodon.social/@anna"),
]
REFUSED = ["a b", "åsa", "x" * 16, "anna@", "https://example.com/anna", "<b>a</b>"]


@pytest.mark.django_db
@pytest.mark.parametrize("written, stored, profile", ACCOUNTS)
def test_a_guests_own_account_on_any_platform_is_stored_as_its_handle(written, stored, profile):
    guest = Guest(name="Anna", role="manager", sector="public", handle=written)
    guest.full_clean()
    guest.save()
    guest.refresh_from_db()
    assert guest.handle == stored
    assert guest.own_account_url == profile


@pytest.mark.django_db
@pytest.mark.parametrize("written", REFUSED)
def test_a_handle_of_no_platform_is_refused_with_the_three_forms(written):
    guest = Guest(name="Anna", role="manager", sector="public", handle=written)
    with pytest.raises(ValidationError) as error:
        guest.full_clean()
    [message] = error.value.message_dict["handle"]
    assert "X (Skyddsombud)" in message
    assert "skyddsombud.bsky.social" in message and "skyddsombud@mastodon.social" in message


def test_the_platform_is_told_by_the_handles_form_alone():
    assert [platform_of_handle(h) for h in ("annal", "a.bsky.social", "a@m.social", "a b")] == [
        "x",
        "bluesky",
        "mastodon",
        None,
    ]
    assert own_account_url("") == own_account_url(None) == own_account_url("a b") == ""


@pytest.mark.django_db
@pytest.mark.parametrize("written, stored, profile", ACCOUNTS[::2])
def test_the_guest_page_and_the_week_page_link_the_own_account_on_its_platform(
    client, written, stored, profile
):
    employer, _worker = make_accounts()
    index = make_index()
    anna = make_guest("Anna Lindqvist", handle=stored)
    week = make_week(index, datetime.date(2012, 9, 3), [(employer, anna)])
    link = f'<a href="{profile}" rel="noopener">@{stored}</a>'
    for url in (week.url, f"{index.url}gaster/{anna.slug}/"):
        assert link in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("written, stored, profile", ACCOUNTS)
def test_a_nomination_names_the_nominees_own_account_on_any_platform(
    client, django_capture_on_commit_callbacks, written, stored, profile
):
    set_project(notify_emails="redaktion@example.com")
    page = make_nomination_page()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, nomination_post(nominee_handle=written))
    assert response.status_code == 302
    assert Nomination.objects.get().nominee_handle == stored
    [message] = mail.outbox
    assert f"Eget konto: @{stored}" in message.body
    assert f"Eget konto: @{stored}" in message.alternatives[0][0]


@pytest.mark.django_db
def test_a_nomination_with_a_handle_of_no_platform_is_refused_and_nothing_is_stored(client):
    page = make_nomination_page()
    response = client.post(page.url, nomination_post(nominee_handle="https://example.com/anna"))
    html = response.content.decode()
    assert response.status_code == 200 and not Nomination.objects.exists()
    assert "Bluesky (skyddsombud.bsky.social)" in html
    assert 'value="https://example.com/anna"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("written, stored, profile", ACCOUNTS[::2])
def test_the_organisers_own_account_links_to_its_platform(written, stored, profile):
    set_project(organiser_name="Nils", organiser_handle=stored)
    assert ProjectSettings.objects.get().organiser_url == profile
