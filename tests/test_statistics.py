"""Statistics of the relay in the admin: figures from a small known data set, and access."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from sochef_wagtail.choices import Platform, Role, Sector
from sochef_wagtail.statistics.figures import (
    follower_history,
    guests_per_role_and_sector,
    posts_per_platform_and_side,
    replies_between,
    tweets_per_week,
)
from tests.factories import (
    make_accounts,
    make_follower_snapshot,
    make_guest,
    make_tweet,
    make_week,
    make_weeks,
)

STATISTICS_URL = reverse("sochef_statistics:index")
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def site_language():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def relay_data(index_page, accounts):
    """Two guest weeks of tweets in September 2012, follower counts and guests."""
    employer, worker = accounts
    # Monday 00:30 in Stockholm is still Sunday in UTC: it belongs to the week of 3 September.
    make_tweet(employer, created_at=utc(2012, 9, 2, 22, 30))
    make_tweet(employer, created_at=utc(2012, 9, 4, 8, 0))
    make_tweet(worker, created_at=utc(2012, 9, 5, 9, 0), in_reply_to_handle="arbetsmiljochef")
    # Sunday 23:30 in Stockholm is still the week of 3 September.
    make_tweet(worker, created_at=utc(2012, 9, 9, 21, 30))
    # Nothing in the week of 10 September.
    make_tweet(employer, created_at=utc(2012, 9, 18, 7, 0), in_reply_to_handle="Skyddsombud")
    make_tweet(
        worker, created_at=utc(2012, 9, 18, 8, 0), in_reply_to_handle="Skyddsombud"
    )  # a thread
    make_tweet(worker, created_at=utc(2012, 9, 19, 8, 0), in_reply_to_handle="Kalle")
    make_tweet(worker, created_at=utc(2012, 9, 20, 8, 0), is_retweet=True)

    make_follower_snapshot(employer, datetime.date(2012, 10, 1), 410)
    make_follower_snapshot(employer, datetime.date(2013, 4, 1), 880)
    make_follower_snapshot(worker, datetime.date(2012, 10, 1), 520)

    make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [
            (employer, make_guest("Anna", Role.MANAGER, Sector.PUBLIC)),
            (worker, make_guest("Bo", Role.SAFETY_REP, Sector.PUBLIC)),
        ],
    )
    make_week(
        index_page,
        datetime.date(2012, 9, 17),
        [(employer, make_guest("Cecilia", Role.HR, Sector.PRIVATE))],
    )
    make_week(
        index_page,
        datetime.date(2012, 9, 24),
        [(employer, make_guest("Utkast", Role.MANAGER, Sector.OTHER))],
        live=False,
    )
    make_guest("Dora, aldrig schemalagd", Role.EMPLOYER, Sector.PRIVATE)
    return accounts


def user_with(username, *, permission=False, superuser=False):
    """An admin user in Wagtail's Editors group, with or without the statistics permission."""
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.com", "pw")
    user = User.objects.create_user(username, f"{username}@example.com", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    if permission:
        user.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="sochef_wagtail", codename="view_statistics"
            )
        )
    return user


# The figures


@pytest.mark.django_db
def test_tweets_are_counted_per_week_and_side_in_stockholm_time(relay_data):
    assert tweets_per_week() == {
        datetime.date(2012, 9, 3): {"employer": 2, "worker": 2},
        datetime.date(2012, 9, 10): {"employer": 0, "worker": 0},
        datetime.date(2012, 9, 17): {"employer": 1, "worker": 3},
    }


@pytest.mark.django_db
def test_posts_are_counted_per_platform_and_side(relay_data):
    bluesky_employer, bluesky_worker = make_accounts(Platform.BLUESKY)
    _mastodon_employer, mastodon_worker = make_accounts(Platform.MASTODON)
    for number in range(2):
        make_tweet(bluesky_worker, f"Inlägg {number}", created_at=utc(2024, 3, 4, 8, number))
    make_tweet(mastodon_worker, "Toot", created_at=utc(2024, 3, 4, 9))
    accounts = [*relay_data, bluesky_employer, bluesky_worker, mastodon_worker]
    assert posts_per_platform_and_side(accounts) == {
        "x": {"employer": 3, "worker": 5},
        "bluesky": {"employer": 0, "worker": 2},
        "mastodon": {"employer": 0, "worker": 1},
    }
    assert list(posts_per_platform_and_side(relay_data)) == ["x"]


@pytest.mark.django_db
def test_replies_between_the_relay_accounts_ignore_threads_and_others(relay_data):
    employer, worker = relay_data
    assert replies_between([employer, worker]) == [(employer, worker, 1), (worker, employer, 1)]


@pytest.mark.django_db
def test_follower_history_per_account(relay_data):
    employer, worker = relay_data
    assert follower_history([employer, worker]) == {
        employer: [(datetime.date(2012, 10, 1), 410), (datetime.date(2013, 4, 1), 880)],
        worker: [(datetime.date(2012, 10, 1), 520)],
    }


@pytest.mark.django_db
def test_guests_of_published_weeks_per_role_and_sector(relay_data):
    roles, sectors = guests_per_role_and_sector()
    assert {role: n for role, n in roles.items() if n} == {"manager": 1, "safety_rep": 1, "hr": 1}
    assert list(roles) == list(Role.values)
    assert sectors == {"private": 1, "public": 2, "other": 0}


# The admin page


@pytest.mark.django_db
def test_statistics_page_shows_every_chart_with_its_table(client, relay_data):
    client.force_login(user_with("admin", superuser=True))
    response = client.get(STATISTICS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for caption in [
        "Inlägg per vecka och sida",
        "Inlägg per sida",
        "Inlägg per plattform och sida",
        "Svar mellan stafettkontona",
        "Följare över tid",
        "Gäster per roll",
        "Gäster per sektor",
    ]:
        assert f'<figcaption class="sochef-chart__caption">{caption}</figcaption>' in html
        assert f"<caption>{caption}</caption>" in html
    assert html.count('<svg class="sochef-chart__svg"') == 7
    assert "charts.css" in html
    assert '<th scope="row">@ArbetsmiljoChef till @Skyddsombud</th>' in html
    assert '<th scope="row">Vecka 37, 2012</th>' in html


@pytest.mark.django_db
def test_statistics_table_numbers_match_the_data(client, relay_data):
    client.force_login(user_with("admin", superuser=True))
    charts = {chart.name: chart for chart in client.get(STATISTICS_URL).context["charts"]}
    assert [row["values"] for row in charts["tweets-per-week"].table_rows()] == [
        [2, 2],
        [0, 0],
        [1, 3],
    ]
    assert [row["values"] for row in charts["tweets-per-side"].table_rows()] == [[3], [5]]
    assert [row["values"] for row in charts["replies-between-accounts"].table_rows()] == [[1], [1]]
    assert [(row["label"], row["values"]) for row in charts["posts-per-platform"].table_rows()] == [
        ("X", [3, 5])
    ]
    sectors = charts["guests-per-sector"].table_rows()
    assert [(row["label"], row["values"]) for row in sectors] == [
        ("Privat sektor", [1]),
        ("Offentlig sektor", [2]),
        ("Annat", [0]),
    ]


@pytest.mark.django_db
def test_statistics_page_without_tweets_says_there_is_no_data(client, index_page, accounts):
    client.force_login(user_with("admin", superuser=True))
    html = client.get(STATISTICS_URL).content.decode()
    assert "Inga data ännu." in html


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(STATISTICS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.django_db
def test_editor_without_the_permission_is_refused(client, relay_data):
    client.force_login(user_with("editor"))
    response = client.get(STATISTICS_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert "Statistik" not in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.django_db
def test_editor_with_the_permission_sees_the_page_and_the_menu_item(client, relay_data):
    client.force_login(user_with("analyst", permission=True))
    assert client.get(STATISTICS_URL).status_code == 200
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Statistik" in home and STATISTICS_URL in home


@pytest.mark.django_db
def test_permission_can_be_given_to_a_group_in_the_admin(client, db):
    client.force_login(user_with("admin", superuser=True))
    group = Group.objects.get(name="Editors")
    html = client.get(reverse("wagtailusers_groups:edit", args=[group.pk])).content.decode()
    assert "Can view the SOchef statistics" in html


@pytest.mark.django_db
def test_statistics_page_runs_a_constant_number_of_queries(client, relay_data, index_page):
    client.force_login(user_with("admin", superuser=True))

    def queries():
        client.get(STATISTICS_URL)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(STATISTICS_URL).status_code == 200
        return len(captured)

    small = queries()
    employer, worker = relay_data
    start = timezone.make_aware(datetime.datetime(2013, 1, 7, 9, 0))
    for n in range(60):
        make_tweet(employer if n % 2 else worker, created_at=start + datetime.timedelta(days=n))
        make_tweet(
            worker,
            created_at=start + datetime.timedelta(days=n, hours=1),
            in_reply_to_handle="ArbetsmiljoChef",
        )
    for n in range(10):
        make_follower_snapshot(
            worker, datetime.date(2014, 1, 1) + datetime.timedelta(days=n), 600 + n
        )
    make_weeks(index_page, relay_data, 12, start=datetime.date(2013, 1, 7))
    assert queries() == small
