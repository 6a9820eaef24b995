import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from sochef_wagtail.choices import Role
from tests.factories import make_guest, make_week, make_weeks, monday


def week_titles(response):
    return [week.title for week in response.context["listing"].weeks]


@pytest.fixture
def relay_history(index_page, accounts):
    """A pair in 2012, a worker-only week in 2013 and an upcoming pair."""
    employer, worker = accounts
    make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [(employer, make_guest("Anna", Role.MANAGER)), (worker, make_guest("Bo", Role.SAFETY_REP))],
        title="Premiär",
    )
    make_week(
        index_page,
        datetime.date(2013, 5, 13),
        [(worker, make_guest("Karin", Role.WORK_ENV_REP))],
        title="Stress",
    )
    make_week(
        index_page,
        monday(1),
        [(employer, make_guest("Rut", Role.HR)), (worker, make_guest("Per", Role.SAFETY_REP))],
        title="Nästa vecka",
    )
    make_week(
        index_page,
        datetime.date(2013, 9, 9),
        [(employer, make_guest("Utkast", Role.MANAGER))],
        title="Opublicerad",
        live=False,
    )
    return index_page


@pytest.mark.django_db
def test_index_lists_past_weeks_newest_first_and_upcoming_apart(client, relay_history):
    response = client.get(relay_history.url)
    assert week_titles(response) == ["Stress", "Premiär"]
    assert [w.title for w in response.context["listing"].upcoming_weeks] == ["Nästa vecka"]
    html = response.content.decode()
    assert "Kommande gäster" in html
    assert html.index("Nästa vecka") < html.index("Stress")
    assert "Opublicerad" not in html


@pytest.mark.django_db
def test_index_groups_weeks_by_year(client, relay_history):
    html = client.get(relay_history.url).content.decode()
    assert html.index(">2013</h3>") < html.index("Stress") < html.index(">2012</h3>")


@pytest.mark.django_db
def test_index_counts_weeks_guests_and_sides(client, relay_history):
    counts = client.get(relay_history.url).context["listing"].counts
    assert counts == {"weeks": 2, "guests": 3, "employer": 1, "worker": 2}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("side=employer", ["Premiär"]),
        ("side=worker", ["Stress", "Premiär"]),
        ("role=work_env_rep", ["Stress"]),
        ("year=2012", ["Premiär"]),
        # Side and role hold for the same guest: no manager tweeted on the worker side.
        ("side=worker&role=manager", []),
        ("side=employer&role=manager&year=2012", ["Premiär"]),
    ],
)
def test_index_filters_by_side_role_and_year(client, relay_history, query, expected):
    assert week_titles(client.get(f"{relay_history.url}?{query}")) == expected


@pytest.mark.django_db
def test_unknown_filter_values_are_ignored_with_a_message(client, relay_history):
    response = client.get(f"{relay_history.url}?side=boss&year=abc")
    assert response.status_code == 200
    assert week_titles(response) == ["Stress", "Premiär"]
    assert "ignorerats" in response.content.decode()


@pytest.mark.django_db
@override_settings(SOCHEF_INDEX_PAGE_SIZE=2)
def test_index_paginates_and_keeps_the_filters_in_page_links(client, index_page, accounts):
    make_weeks(index_page, accounts, 5)
    first = client.get(f"{index_page.url}?side=worker")
    assert len(first.context["listing"].weeks) == 2
    assert "?side=worker&amp;page=2" in first.content.decode()
    last = client.get(f"{index_page.url}?side=worker&page=3")
    assert len(last.context["listing"].weeks) == 1
    assert client.get(f"{index_page.url}?page=999").context["listing"].weeks.number == 3


@pytest.mark.django_db
@override_settings(SOCHEF_INDEX_PAGE_SIZE=2)
@pytest.mark.parametrize(
    ("requested", "shown", "listed"),
    [("1", 1, 2), ("3", 3, 1), ("999", 3, 1), ("0", 3, 1), ("x", 1, 2), ("", 1, 2)],
)
def test_a_page_of_weeks_out_of_range_is_djangos_first_or_last(
    client, index_page, accounts, requested, shown, listed
):
    make_weeks(index_page, accounts, 5)
    weeks = client.get(index_page.url, {"page": requested}).context["listing"].weeks
    assert (weeks.number, len(weeks), weeks.paginator.count, weeks.paginator.num_pages) == (
        shown,
        listed,
        5,
        3,
    )


@pytest.mark.django_db
@override_settings(SOCHEF_CACHE_TIMEOUT=0)  # rendering the index; cached: test_page_cache.py
def test_index_runs_a_constant_number_of_queries(client, index_page, accounts):
    def queries():
        client.get(index_page.url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(index_page.url).status_code == 200
        return len(captured)

    make_weeks(index_page, accounts, 2)
    make_week(index_page, monday(1), [(accounts[0], make_guest("Kommande 1"))])
    small = queries()
    make_weeks(index_page, accounts, 40, start=datetime.date(2013, 1, 7))
    make_week(index_page, monday(2), [(accounts[1], make_guest("Kommande 2"))])
    assert queries() == small
