"""Searching tweets and guests from the guest index (Wagtail search, database backend)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.test.utils import WagtailPageTestCase

from sochef_wagtail.choices import Platform
from tests.factories import (
    make_accounts,
    make_guest,
    make_index,
    make_tweet,
    make_tweets,
    make_week,
    stockholm,
)

WEEK = datetime.date(2013, 3, 4)


@pytest.fixture
def archive(index_page, accounts):
    employer, worker = accounts
    make_week(
        index_page,
        WEEK,
        [
            (employer, make_guest("Ingrid Svensson", organisation="Logistikcentralen")),
            (worker, make_guest("Johan Karlsson", bio="<p>Skyddsombud på akuten.</p>")),
        ],
        title="Lagret",
    )
    make_tweet(worker, "Som skyddsombud begär jag en åtgärd.", created_at=stockholm(2013, 3, 5, 9))
    make_tweet(employer, "Arbetsmiljö är en chefsfråga.", created_at=stockholm(2013, 3, 6, 9))
    make_tweet(employer, "ÅTGÄRDSPLAN klar!", created_at=stockholm(2013, 3, 7, 9))
    make_tweet(employer, "En Åtgärd till", created_at=stockholm(2013, 3, 7, 10))
    return index_page


def search(client, index, query, **params):
    response = client.get(index.url + "sok/", {"q": query, **params})
    assert response.status_code == 200
    return response


def found_texts(response):
    return sorted(tweet.text for tweet in response.context["tweets"])


class SearchRouteTest(WagtailPageTestCase):
    def test_search_route_is_routable_and_renders(self):
        index = make_index()
        self.assertPageIsRoutable(index, "sok/")
        self.assertPageIsRenderable(index, "sok/", query_data={"q": "arbetsmiljö"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("skyddsombud", ["Som skyddsombud begär jag en åtgärd."]),
        ("arbetsmiljö", ["Arbetsmiljö är en chefsfråga."]),
        ("åtgärd", ["En Åtgärd till", "Som skyddsombud begär jag en åtgärd."]),
        ("ÅTGÄRD", ["En Åtgärd till", "Som skyddsombud begär jag en åtgärd."]),
    ],
)
def test_search_finds_tweets_by_words_with_swedish_letters(client, archive, query, expected):
    assert found_texts(search(client, archive, query)) == expected


@pytest.mark.django_db
def test_search_finds_guests_with_their_weeks(client, archive):
    response = search(client, archive, "skyddsombud")
    (guest,) = response.context["guests"]
    assert guest.name == "Johan Karlsson"
    html = response.content.decode()
    assert "Johan Karlsson" in html and 'href="/sochef/vecka-2013-03-04/"' in html
    assert [g.name for g in search(client, archive, "logistikcentralen").context["guests"]] == [
        "Ingrid Svensson"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "reads"), [("chefsfråga", False), ("skyddsombud", True)])
def test_the_project_settings_are_read_only_when_a_guest_matches(client, archive, query, reads):
    search(client, archive, query)
    with CaptureQueriesContext(connection) as captured:
        search(client, archive, query)
    tables = " ".join(executed["sql"] for executed in captured.captured_queries)
    assert ("sochef_wagtail_projectsettings" in tables) is reads


@pytest.mark.django_db
def test_guests_without_a_published_week_are_not_found(client, archive, accounts):
    make_week(
        archive,
        datetime.date(2013, 9, 9),
        [(accounts[1], make_guest("Hemlig Skyddsombudsson"))],
        live=False,
    )
    make_guest("Ingen Vecka", bio="<p>Skyddsombud</p>")
    names = [g.name for g in search(client, archive, "skyddsombud").context["guests"]]
    assert names == ["Johan Karlsson"]


@pytest.mark.django_db
def test_found_tweets_link_to_their_week(client, archive):
    html = search(client, archive, "arbetsmiljö").content.decode()
    assert "Arbetsmiljö är en chefsfråga." in html
    assert 'href="/sochef/vecka-2013-03-04/">Veckan: Lagret</a>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("template", "markup"),
    [
        ("includes/tweet.html", "<p>HOST {{ tweet.like_count }} likes</p>"),
        (
            "pages/guest_week_search.html",
            "{% for tweet in tweets %}<p>HOST {{ tweet.like_count }} likes"
            " {{ tweet.week_page.title }}</p>{% endfor %}",
        ),
    ],
)
def test_a_hosts_templates_of_the_results_read_any_field_of_a_found_tweet(
    client, archive, accounts, host_templates, template, markup
):
    make_tweet(accounts[0], "Buller i lagret", created_at=stockholm(2013, 3, 8, 9), like_count=7)
    (host_templates.parent / "pages").mkdir()
    (host_templates.parent / template).write_text(markup)
    assert "<p>HOST 7 likes" in search(client, archive, "buller").content.decode()
    if template.startswith("pages/"):
        assert "<p>HOST 7 likes Lagret</p>" in search(client, archive, "buller").content.decode()


@pytest.mark.django_db
def test_search_results_are_paginated(client, archive, accounts):
    for n in range(25):
        make_tweet(accounts[1], f"Buller nummer {n}", created_at=stockholm(2013, 3, 8, 9, n))
    with override_settings(SOCHEF_INDEX_PAGE_SIZE=10):
        first = search(client, archive, "buller")
        third = search(client, archive, "buller", page=3)
    assert first.context["tweets"].paginator.count == 25
    assert len(first.context["tweets"]) == 10 and len(third.context["tweets"]) == 5
    assert 'href="?q=buller&amp;page=2" rel="next"' in first.content.decode()
    # Guests are listed on the first page only.
    assert "sochef-guest-results" not in third.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("requested", "shown"), [("99", 3), ("0", 3), ("x", 1), ("", 1), ("2", 2)])
def test_a_search_page_out_of_range_shows_the_first_or_last_as_django_does(
    client, archive, accounts, requested, shown
):
    for n in range(25):
        make_tweet(accounts[1], f"Buller nummer {n}", created_at=stockholm(2013, 3, 8, 9, n))
    with override_settings(SOCHEF_INDEX_PAGE_SIZE=10):
        tweets = search(client, archive, "buller", page=requested).context["tweets"]
    assert (tweets.number, tweets.paginator.count) == (shown, 25)
    assert len(tweets) == (5 if shown == 3 else 10)
    assert all(tweet.text.startswith("Buller nummer") for tweet in tweets)


@pytest.mark.django_db
def test_a_search_matching_more_than_it_pages_through_says_so(
    client, archive, accounts, monkeypatch
):
    from sochef_wagtail import search as search_module

    monkeypatch.setattr(search_module, "MAX_RESULTS", 15)
    for n in range(25):
        make_tweet(accounts[1], f"Buller nummer {n}", created_at=stockholm(2013, 3, 8, 9, n))
    with override_settings(SOCHEF_INDEX_PAGE_SIZE=10):
        first = search(client, archive, "buller")
        last = search(client, archive, "buller", page=99)
    tweets = first.context["tweets"]
    assert (tweets.paginator.count, tweets.paginator.more, tweets.paginator.num_pages) == (
        15,
        True,
        2,
    )
    assert "Fler än 15 tweets matchar" in first.content.decode()
    # The last page holds the rest of the tweets paged through, none seen on the first.
    assert last.context["tweets"].number == 2 and len(last.context["tweets"]) == 5
    assert not {t.pk for t in tweets} & {t.pk for t in last.context["tweets"]}


@pytest.mark.django_db
def test_tweets_written_in_bulk_are_found_at_once_on_postgresql_else_after_update_index(
    client, archive, accounts
):
    make_tweets(accounts[1], 3, stockholm(2013, 3, 8, 9))  # "Tweet nummer N om arbetsmiljö"
    # PostgreSQL: the tweets' own column (migration 0012) follows every write.
    at_once = 3 if connection.vendor == "postgresql" else 0
    assert len(search(client, archive, "nummer").context["tweets"]) == at_once
    call_command("update_index", verbosity=0)
    assert len(search(client, archive, "nummer").context["tweets"]) == 3


@pytest.mark.django_db
def test_empty_search_shows_only_the_form(client, archive):
    response = client.get(archive.url + "sok/")
    assert response.status_code == 200
    assert response.context["tweets"] is None
    assert 'role="search"' in response.content.decode()


@pytest.mark.django_db
def test_index_page_has_a_search_box_to_the_route(client, archive):
    html = client.get(archive.url).content.decode()
    assert 'action="/sochef/sok/"' in html


@pytest.mark.django_db
def test_search_query_is_escaped(client, archive):
    html = search(client, archive, '<script>alert("x")</script>').content.decode()
    assert "<script>alert" not in html


@pytest.mark.django_db
def test_search_runs_the_same_queries_at_two_sizes(client, accounts):
    # One account each: a relay account has one guest a week, whatever the index.
    def queries(index, account, count):
        make_week(index, WEEK, [(account, make_guest(f"Skyddsombud {index.slug}"))])
        for n in range(count):
            make_tweet(account, f"Skyddsombud tweet {n}", created_at=stockholm(2013, 3, 5, 9, n))
        url = index.url + "sok/?q=skyddsombud"
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = queries(make_index(slug="liten"), accounts[0], 2)
    assert small == queries(make_index(slug="stor"), accounts[1], 30)


@pytest.mark.django_db
def test_search_finds_an_edited_tweet_once_as_its_latest_version(client, archive, accounts):
    worker = accounts[1]
    make_tweet(worker, "Skyddsronden flyttas", tweet_id="61", latest_version_id="62")
    make_tweet(worker, "Skyddsronden flyttas till fredag", tweet_id="62", edited=True)
    call_command("update_index", verbosity=0)
    response = search(client, archive, "skyddsronden")
    assert found_texts(response) == ["Skyddsronden flyttas till fredag"]


@pytest.mark.django_db
def test_a_search_over_posts_of_other_platforms_says_posts(client, archive):
    bluesky = make_accounts(Platform.BLUESKY)[1]
    make_tweet(bluesky, "Buller på Bluesky", created_at=stockholm(2013, 3, 5, 9))
    html = search(client, archive, "buller").content.decode()
    assert "Sök bland inlägg och gäster" in html and "1 inlägg matchar ”buller”." in html
    assert 'href="https://bsky.app/profile/did:plc:' in html
