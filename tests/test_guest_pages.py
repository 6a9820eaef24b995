"""A page per guest below the guest index: who they are and every week they tweeted."""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import rich_text

from sochef_wagtail.choices import Platform
from sochef_wagtail.guests import Guest
from tests.factories import (
    make_account,
    make_accounts,
    make_guest,
    make_image,
    make_index,
    make_landing,
    make_tweet,
    make_tweets,
    make_week,
    monday,
    stockholm,
)
from tests.processes import needs_postgresql

pytestmark = pytest.mark.django_db


def guest_url(index, guest):
    return f"{index.url}gaster/{guest.slug}/"


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_guest_gets_a_slug_from_the_name_once():
    guest = make_guest("Åsa Öberg-Lind")
    assert guest.slug == "asa-oberg-lind"
    guest.name = "Åsa Lind"
    guest.save()
    guest.refresh_from_db()
    assert guest.slug == "asa-oberg-lind"


def test_guests_of_the_same_name_get_numbered_slugs():
    slugs = [make_guest("Anna Lindqvist").slug for _ in range(3)]
    assert slugs == ["anna-lindqvist", "anna-lindqvist-2", "anna-lindqvist-3"]


def test_a_name_without_letters_still_gets_a_slug():
    assert make_guest("😀 <script>").slug == "script"
    assert make_guest("😀").slug == "guest"


def test_a_long_name_gets_a_slug_that_fits():
    guest = make_guest("A" * 120)
    assert len(guest.slug) <= Guest._meta.get_field("slug").max_length


def test_guest_page_shows_the_guest_and_their_week_with_its_tweets(client, index_page, accounts):
    employer, worker = accounts
    anna = make_guest(
        "Anna Lindqvist", organisation="Kommunen", bio="<p>Chef i tjugo år.</p>", handle="annal"
    )
    week = make_week(index_page, datetime.date(2012, 9, 3), [(employer, anna)], title="Premiär")
    make_tweet(employer, "Anna twittrar", created_at=stockholm(2012, 9, 4, 10, 0))
    make_tweet(worker, "Någon annan", created_at=stockholm(2012, 9, 4, 11, 0))
    make_tweet(employer, "Veckan efter", created_at=stockholm(2012, 9, 11, 11, 0))

    html = client.get(guest_url(index_page, anna)).content.decode()
    assert "<h1>Anna Lindqvist</h1>" in html
    assert "Kommunen" in html and "Chef i tjugo år." in html and "@annal" in html
    assert f'href="{week.url}"' in html
    assert "Anna twittrar" in html
    assert "Någon annan" not in html and "Veckan efter" not in html


def test_a_guest_tweeting_twice_shows_both_weeks(client, index_page, accounts):
    employer, worker = accounts
    anna = make_guest("Anna Lindqvist")
    make_week(index_page, datetime.date(2012, 9, 3), [(employer, anna)], title="Första")
    make_week(index_page, datetime.date(2013, 3, 4), [(worker, anna)], title="Andra")
    make_tweet(employer, "Första veckan", created_at=stockholm(2012, 9, 4, 10, 0))
    make_tweet(worker, "Andra veckan", created_at=stockholm(2013, 3, 5, 10, 0))

    html = client.get(guest_url(index_page, anna)).content.decode()
    assert html.index("Första") < html.index("Första veckan") < html.index("Andra veckan")
    assert "@ArbetsmiljoChef" in html and "@Skyddsombud" in html


def test_unknown_guests_and_guests_without_a_live_week_are_not_found(client, index_page, accounts):
    draft_only = make_guest("Bo Eriksson")
    make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], draft_only)], live=False)
    assert client.get(guest_url(index_page, draft_only)).status_code == 404
    assert client.get(f"{index_page.url}gaster/finns-inte/").status_code == 404
    assert client.get(f"{index_page.url}gaster/%3Cscript%3E/").status_code == 404


def test_a_guest_of_another_index_is_not_found_here(client, index_page, accounts):
    other = make_index("Andra", slug="andra")
    anna = make_guest("Anna Lindqvist")
    make_week(other, datetime.date(2012, 9, 3), [(accounts[0], anna)])
    assert client.get(guest_url(index_page, anna)).status_code == 404
    assert client.get(guest_url(other, anna)).status_code == 200


def test_only_live_weeks_are_listed(client, index_page, accounts):
    anna = make_guest("Anna Lindqvist")
    make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], anna)], title="Publicerad")
    make_week(
        index_page, datetime.date(2013, 3, 4), [(accounts[0], anna)], title="Utkast", live=False
    )
    html = client.get(guest_url(index_page, anna)).content.decode()
    assert "Publicerad" in html and "Utkast" not in html


def test_an_upcoming_week_is_listed_as_upcoming_without_tweets(client, index_page, accounts):
    rut = make_guest("Rut Mattsson")
    make_week(index_page, monday(2), [(accounts[0], rut)], title="Snart")
    html = client.get(guest_url(index_page, rut)).content.decode()
    assert "Snart" in html and "Kommande" in html
    assert "sochef-tweets" not in html


def test_guest_text_is_escaped(client, index_page, accounts):
    guest = make_guest("<script>alert(1)</script>", organisation="<b>Org</b>")
    make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], guest)])
    html = client.get(guest_url(index_page, guest)).content.decode()
    assert "<script>alert(1)</script>" not in html and "<b>Org</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@override_settings(SOCHEF_CACHE_TIMEOUT=0)
def test_guest_page_runs_a_constant_number_of_queries(client, index_page, accounts):
    employer, worker = accounts
    once = make_guest("En gång", photo=make_image())
    make_week(index_page, datetime.date(2012, 9, 3), [(employer, once)])
    make_tweets(employer, 2, stockholm(2012, 9, 4, 9, 0))
    often = make_guest("Många gånger", photo=make_image())
    for n in range(6):
        week_start = datetime.date(2013, 1, 7) + datetime.timedelta(weeks=n)
        account = employer if n % 2 else worker
        make_week(index_page, week_start, [(account, often)])
        make_tweets(account, 30, stockholm(2013, 1, 8, 9, 0) + datetime.timedelta(weeks=n))
    assert count_queries(client, guest_url(index_page, once)) == count_queries(
        client, guest_url(index_page, often)
    )
    html = client.get(guest_url(index_page, often)).content.decode()
    assert html.count('class="sochef-guestpage__week"') == 6
    assert html.count('class="sochef-tweet ') == 180


def test_guest_page_is_served_from_the_cache_once_rendered(client, index_page, accounts):
    anna = make_guest("Anna Lindqvist")
    make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], anna)])
    make_tweets(accounts[0], 20, stockholm(2012, 9, 4, 9, 0))
    cold = count_queries(client, guest_url(index_page, anna))
    warm = count_queries(client, guest_url(index_page, anna))
    assert warm < cold


def test_a_rename_shows_at_once(client, index_page, accounts):
    anna = make_guest("Anna Lindqvist")
    make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], anna)])
    client.get(guest_url(index_page, anna))
    anna.name = "Anna Berg"
    anna.save()
    assert "Anna Berg" in client.get(guest_url(index_page, anna)).content.decode()


def test_week_pages_the_index_and_search_link_to_the_guest_pages(client, index_page, accounts):
    employer, worker = accounts
    anna, bo, rut = make_guest("Anna Lindqvist"), make_guest("Bo Eriksson"), make_guest("Rut")
    week = make_week(index_page, datetime.date(2012, 9, 3), [(employer, anna), (worker, bo)])
    make_week(index_page, monday(1), [(employer, rut)])
    week_html = client.get(week.url).content.decode()
    index_html = client.get(index_page.url).content.decode()
    search_html = client.get(f"{index_page.url}sok/?q=Anna").content.decode()
    for html in (week_html, index_html, search_html):
        assert f'href="{guest_url(index_page, anna)}"' in html
    assert f'href="{guest_url(index_page, rut)}"' in index_html


def test_the_landing_page_links_this_weeks_guest(client, index_page, accounts):
    rut = make_guest("Rut Mattsson")
    make_week(index_page, monday(0), [(accounts[0], rut)])
    landing = make_landing(guest_index=index_page)
    html = client.get(landing.url).content.decode()
    assert f'href="{guest_url(index_page, rut)}"' in html


class GuestRouteTest(WagtailPageTestCase):
    def test_the_guest_route_is_routable_and_renderable(self):
        index = make_index()
        anna = make_guest("Anna Lindqvist")
        make_week(index, datetime.date(2012, 9, 3), [(make_account(), anna)])
        self.assertPageIsRoutable(index, f"gaster/{anna.slug}/")
        self.assertPageIsRenderable(index, f"gaster/{anna.slug}/")


def test_guest_urls_lists_every_guest_with_a_live_week(index_page, accounts):
    anna, bo = make_guest("Anna Lindqvist"), make_guest("Bo Eriksson")
    make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], anna)])
    make_week(index_page, datetime.date(2013, 3, 4), [(accounts[0], anna)])
    make_week(index_page, datetime.date(2013, 3, 11), [(accounts[1], bo)], live=False)
    assert index_page.guest_urls() == [(anna, guest_url(index_page, anna))]


def guest_form(name, slug=""):
    return {
        "name": name,
        "role": "manager",
        "role_other": "",
        "organisation": "",
        "sector": "public",
        "bio": rich_text(""),
        "photo": "",
        "handle": "",
        "slug": slug,
    }


def test_an_editor_leaving_the_slug_empty_gets_one_from_the_name(admin_client):
    url = reverse("wagtailsnippets_sochef_wagtail_guest:add")
    response = admin_client.post(url, guest_form("Örjan Åberg"))
    assert response.status_code == 302
    assert Guest.objects.get().slug == "orjan-aberg"


def test_an_editor_choosing_a_taken_slug_is_told_and_nothing_is_saved(admin_client):
    make_guest("Anna Lindqvist")
    url = reverse("wagtailsnippets_sochef_wagtail_guest:add")
    response = admin_client.post(url, guest_form("Anna Berg", slug="anna-lindqvist"))
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert Guest.objects.count() == 1


def test_an_editor_cannot_give_a_slug_that_is_no_slug(admin_client):
    url = reverse("wagtailsnippets_sochef_wagtail_guest:add")
    response = admin_client.post(url, guest_form("Anna", slug="<script>/x"))
    assert response.status_code == 200 and "slug" in response.context["form"].errors
    assert not Guest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_guests_of_one_name_saved_at_the_same_moment_get_distinct_slugs():
    needs_postgresql("SQLite writes one transaction at a time")
    count = 8
    barrier, errors = threading.Barrier(count), []

    def create():
        try:
            barrier.wait()
            make_guest("Anna Lindqvist")
        except Exception as error:  # reported below, with the others
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    slugs = set(Guest.objects.values_list("slug", flat=True))
    assert slugs == {"anna-lindqvist"} | {f"anna-lindqvist-{n}" for n in range(2, count + 1)}


@pytest.mark.django_db
def test_a_week_on_two_platforms_of_a_side_is_one_section_of_the_guest_page(client, index_page):
    """The guest posted from the worker side's Bluesky and Mastodon accounts: one section of
    that week, naming both, their posts side by side, in the queries of any guest page."""
    _, on_bluesky = make_accounts(Platform.BLUESKY)
    _, on_mastodon = make_accounts(Platform.MASTODON)
    karin = make_guest("Karin Berg")
    make_week(index_page, datetime.date(2012, 9, 3), [(on_bluesky, karin), (on_mastodon, karin)])
    make_tweet(on_bluesky, "Från Bluesky")
    make_tweet(on_mastodon, "Från Mastodon")
    html = client.get(guest_url(index_page, karin)).content.decode()
    assert html.count('class="sochef-guestpage__week"') == 1
    assert "Från Bluesky" in html and "Från Mastodon" in html
    assert html.count("sochef-tweets__column ") == 2
    assert f"@{on_bluesky.handle}</a> och <a" in html
