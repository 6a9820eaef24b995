"""The schedule: an iCal feed of the guest weeks and an upcoming-weeks block."""

import datetime
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar
from wagtail.test.utils.form_data import nested_form_data, streamfield

from sochef_wagtail.blocks import UpcomingWeeksBlock
from sochef_wagtail.choices import Role
from sochef_wagtail.guests import Guest
from sochef_wagtail.weeks.pages import GuestWeekPage
from tests.factories import make_guest, make_week, make_weeks, monday, week_form


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in Swedish, whatever language a request to /en/ left active."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def calendar_url(index):
    return index.url + index.reverse_subpage("calendar")


def fetch_calendar(client, index, prefix=""):
    response = client.get(prefix + calendar_url(index))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return calendar.walk("VEVENT")


@pytest.fixture
def schedule(index_page, accounts):
    """A past pair, a past worker-only week, an upcoming pair and a draft."""
    employer, worker = accounts
    premiere = make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [
            (employer, make_guest("Anna Lindqvist", Role.MANAGER, organisation="Vårdcentralen")),
            (worker, make_guest("Bo Eriksson", Role.SAFETY_REP)),
        ],
        title="Premiär",
    )
    stress = make_week(
        index_page,
        datetime.date(2013, 5, 13),
        [(worker, make_guest("Karin Ek", Role.WORK_ENV_REP))],
        title="Stress",
    )
    upcoming = make_week(
        index_page,
        monday(2),
        [(employer, make_guest("Rut", Role.HR)), (worker, make_guest("Per", Role.SAFETY_REP))],
        title="Om två veckor",
    )
    make_week(
        index_page,
        datetime.date(2013, 9, 9),
        [(employer, make_guest("Utkast"))],
        title="Opublicerad",
        live=False,
    )
    return {"premiere": premiere, "stress": stress, "upcoming": upcoming}


@pytest.mark.django_db
def test_calendar_has_one_event_per_week_and_account_past_and_upcoming(
    client, index_page, schedule
):
    calendar = fetch_calendar(client, index_page)
    summaries = [str(event["SUMMARY"]) for event in events(calendar)]
    assert len(summaries) == 5
    assert [s.split(" (")[0] for s in summaries] == [
        "Anna Lindqvist",
        "Bo Eriksson",
        "Karin Ek",
        "Rut",
        "Per",
    ]
    assert "Utkast" not in " ".join(summaries)


@pytest.mark.django_db
def test_calendar_events_are_all_day_monday_to_sunday(client, index_page, schedule):
    stress = next(e for e in events(fetch_calendar(client, index_page)) if "Karin" in e["SUMMARY"])
    assert stress.decoded("DTSTART") == datetime.date(2013, 5, 13)
    # DTEND is exclusive: the event covers Monday to Sunday 19 May inclusive.
    assert stress.decoded("DTEND") == datetime.date(2013, 5, 20)
    assert not isinstance(stress.decoded("DTSTART"), datetime.datetime)
    assert stress["DTSTART"].params["VALUE"] == "DATE"


@pytest.mark.django_db
def test_calendar_event_names_guest_role_and_account_and_links_the_week(
    client, index_page, schedule
):
    anna = next(e for e in events(fetch_calendar(client, index_page)) if "Anna" in e["SUMMARY"])
    assert str(anna["SUMMARY"]) == "Anna Lindqvist (Chef) twittrar som @ArbetsmiljoChef"
    week_url = schedule["premiere"].get_full_url()
    assert week_url.startswith("http://localhost/")
    assert str(anna["URL"]) == week_url
    description = str(anna["DESCRIPTION"])
    assert "Anna Lindqvist, Chef, Vårdcentralen" in description
    assert "Arbetsgivarsidan: @ArbetsmiljoChef" in description
    assert week_url in description
    assert anna["DTSTAMP"]


@pytest.mark.django_db
def test_calendar_uids_are_unique_and_stable_across_edits(client, index_page, schedule):
    uids = [str(e["UID"]) for e in events(fetch_calendar(client, index_page))]
    assert len(set(uids)) == 5
    assert all(uid.endswith("@localhost") for uid in uids)
    premiere = schedule["premiere"]
    premiere.title = "Premiärveckan"
    premiere.save()
    premiere.slots.first().guest.__class__.objects.update(name="Nytt namn")
    assert [str(e["UID"]) for e in events(fetch_calendar(client, index_page))] == uids


@pytest.mark.django_db
def test_calendar_describes_itself(client, index_page, schedule):
    calendar = fetch_calendar(client, index_page)
    assert str(calendar["VERSION"]) == "2.0"
    assert "sochef_wagtail" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == index_page.title
    raw = client.get(calendar_url(index_page)).content
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H" in raw
    assert b"X-PUBLISHED-TTL:PT12H" in raw


@pytest.mark.django_db
def test_calendar_in_english_under_en(client, index_page, schedule):
    calendar = fetch_calendar(client, index_page, prefix="/en")
    summaries = [str(event["SUMMARY"]) for event in events(calendar)]
    assert "Anna Lindqvist (Manager) tweets as @ArbetsmiljoChef" in summaries


@pytest.mark.django_db
def test_index_page_links_the_calendar_for_autodiscovery(client, index_page, schedule):
    html = client.get(index_page.url).content.decode()
    url = calendar_url(index_page)
    assert url == "/sochef/calendar/"
    assert '<link rel="alternate" type="text/calendar"' in html
    assert f'href="{url}"' in html
    assert "Prenumerera" in html


@pytest.mark.django_db
def test_calendar_runs_a_constant_number_of_queries(client, index_page, accounts):
    def queries():
        client.get(calendar_url(index_page))
        with CaptureQueriesContext(connection) as captured:
            calendar = fetch_calendar(client, index_page)
        return len(captured), len(events(calendar))

    make_weeks(index_page, accounts, 2)
    make_week(index_page, monday(1), [(accounts[0], make_guest("Kommande 1"))])
    small, small_events = queries()
    make_weeks(index_page, accounts, 30, start=datetime.date(2013, 1, 7))
    make_week(index_page, monday(2), [(accounts[1], make_guest("Kommande 2"))])
    large, large_events = queries()
    assert (small_events, large_events) == (5, 66)
    assert large == small


@pytest.mark.django_db
def test_unchanged_calendar_answers_304_to_its_etag(client, index_page, schedule):
    first = client.get(calendar_url(index_page))
    assert first["ETag"]
    again = client.get(calendar_url(index_page), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


def retitle_and_publish(week):
    # A change the calendar shows: republished as it was, within the second of DTSTAMP, the
    # calendar is the same and 304 is right.
    week.title = "Stress på jobbet"
    week.save_revision().publish()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda schedule: retitle_and_publish(schedule["stress"]), id="publish"),
        pytest.param(lambda schedule: schedule["stress"].unpublish(), id="unpublish"),
        pytest.param(
            lambda schedule: Guest.objects.filter(name="Bo Eriksson").update(name="Bo Ny"),
            id="guest-renamed",
        ),
    ],
)
def test_a_changed_calendar_answers_200_with_a_new_etag(client, index_page, schedule, change):
    etag = client.get(calendar_url(index_page))["ETag"]
    change(schedule)
    response = client.get(calendar_url(index_page), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


@pytest.mark.django_db
def test_calendar_etag_differs_between_languages(client, index_page, schedule):
    etag = client.get(calendar_url(index_page))["ETag"]
    assert client.get("/en" + calendar_url(index_page), HTTP_IF_NONE_MATCH=etag).status_code == 200


# The upcoming-weeks block


def render_block(value, path="/"):
    block = UpcomingWeeksBlock()
    request = RequestFactory().get(path)
    return block.render(block.to_python(value), context={"request": request})


@pytest.mark.django_db
def test_upcoming_block_shows_the_next_weeks_with_their_guests(index_page, accounts, schedule):
    employer, worker = accounts
    make_week(index_page, monday(1), [(worker, make_guest("Lisa"))], title="Nästa vecka")
    make_week(index_page, monday(3), [(employer, make_guest("Olle"))], title="Om tre veckor")
    make_week(index_page, monday(0), [(employer, make_guest("Nu"))], title="Denna vecka")
    html = render_block({"heading": "", "count": 2})
    assert "Kommande gäster" in html
    assert html.index("Nästa vecka") < html.index("Om två veckor") < html.index("Rut")
    assert "Lisa" in html and "Per" in html
    assert "Om tre veckor" not in html
    assert "Denna vecka" not in html and "Premiär" not in html


@pytest.mark.django_db
def test_upcoming_block_heading_and_empty_state(index_page, accounts):
    html = render_block({"heading": "Snart på Twitter", "count": 3})
    assert "<h2>Snart på Twitter</h2>" in html
    assert "Inga kommande gästveckor" in html


@pytest.mark.django_db
def test_upcoming_block_in_a_week_page_body(client, index_page, accounts, schedule):
    week = schedule["stress"]
    week.body = json.dumps([{"type": "upcoming_weeks", "value": {"heading": "", "count": 3}}])
    week.save_revision().publish()
    html = client.get(week.url).content.decode()
    assert "sochef-upcoming" in html and "Rut" in html and "Per" in html


@pytest.mark.django_db
def test_editor_adds_the_upcoming_block_to_a_week(client, index_page, accounts):
    editor = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(editor)
    data = week_form("Med block", "2012-09-03", [(accounts[0], make_guest("Anna"))])
    blocks = [("upcoming_weeks", {"heading": "Snart", "count": "2"})]
    data.update(nested_form_data({"body": streamfield(blocks)}))
    data["action-publish"] = "1"
    url = reverse("wagtailadmin_pages:add", args=("sochef_wagtail", "guestweekpage", index_page.pk))
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    week = GuestWeekPage.objects.get(title="Med block")
    assert week.body[0].block_type == "upcoming_weeks"
    assert week.body[0].value["count"] == 2


@pytest.mark.django_db
def test_upcoming_block_runs_a_constant_number_of_queries(index_page, accounts):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            render_block({"heading": "", "count": 5})
        return len(captured)

    make_week(index_page, monday(1), [(accounts[0], make_guest("Kommande 1"))])
    queries()  # warm Wagtail's site cache (the suite empties the caches before each test)
    small = queries()
    for n in range(2, 7):
        make_week(
            index_page,
            monday(n),
            [(accounts[0], make_guest(f"Chef {n}")), (accounts[1], make_guest(f"Ombud {n}"))],
        )
    assert queries() == small
