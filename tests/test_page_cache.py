"""The SOchef content of the week pages and the guest index is served from the cache until
something it shows changes."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from wagtail.models import Site

from sochef_wagtail.archive.models import TweetSource
from sochef_wagtail.archive.normalize import TweetRow
from sochef_wagtail.archive.store import store_tweets
from sochef_wagtail.caching import cache_timeout, current_tokens, get_cache
from sochef_wagtail.caching import pages as page_cache
from sochef_wagtail.caching.tweets import invalidate_week_cache
from sochef_wagtail.guests import Guest
from sochef_wagtail.project import GuideLink
from sochef_wagtail.weeks.models import GuestSlot
from tests.factories import (
    make_guest,
    make_image,
    make_index,
    make_media,
    make_press_mention,
    make_tweet,
    make_week,
    make_weeks,
    monday,
    project_settings,
    set_project,
    stockholm,
)

WEEK = datetime.date(2012, 9, 3)
TABLE = re.compile(r'(?:FROM|JOIN) "(\w+)"')


def get(client, url):
    """The page's HTML and the tables its queries read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    tables = {table for query in queries for table in TABLE.findall(query["sql"])}
    return response.content.decode(), tables


def html(client, url):
    return get(client, url)[0]


def content_tables(tables, page):
    """The tables read beyond Wagtail's routing: its own and those of the pages on the route."""
    route = {p.specific_class._meta.db_table for p in page.get_ancestors(inclusive=True)}
    return {t for t in tables if not t.startswith("wagtailcore_") and t not in route}


def version():
    return current_tokens([page_cache.VERSION_KEY])[0]


@pytest.fixture(autouse=True)
def page_cache_alone(settings):
    """The page cache on its own: the response cache in front of it (test_response_cache.py)
    would answer a repeated request first."""
    settings.SOCHEF_RESPONSE_CACHE_TIMEOUT = 0


# Hits


@pytest.mark.django_db
def test_a_cached_week_page_runs_only_wagtails_routing_queries(client, week, accounts):
    make_tweet(accounts[1], "Första tweeten")
    first, first_tables = get(client, week.url)
    again, again_tables = get(client, week.url)
    assert content_tables(first_tables, week) >= {
        "sochef_wagtail_guestslot",
        "sochef_wagtail_tweet",
    }
    assert content_tables(again_tables, week) == set()
    assert again == first
    assert "Första tweeten" in again


@pytest.mark.django_db
def test_a_cached_index_runs_only_wagtails_routing_queries(client, index_page, accounts):
    make_weeks(index_page, accounts, 3)
    make_week(index_page, monday(1), [(accounts[0], make_guest("Kommande"))])
    first, first_tables = get(client, index_page.url)
    again, again_tables = get(client, index_page.url)
    assert "sochef_wagtail_guestweekpage" in content_tables(first_tables, index_page)
    assert content_tables(again_tables, index_page) == set()
    assert again == first


@pytest.mark.django_db
def test_only_the_sochef_block_is_cached(client, week):
    html(client, week.url)
    cached = [value for value in get_cache()._cache.values() if b"sochef-weekpage" in value]
    assert cached
    assert all(b"<html" not in value for value in cached)


# Changes show on the next request


@pytest.mark.django_db
def test_a_published_week_is_listed_at_once(client, index_page, accounts, week):
    assert "Ny vecka" not in html(client, index_page.url)
    new = make_week(
        index_page, datetime.date(2013, 3, 4), [(accounts[0], make_guest())], "Ny vecka", False
    )
    assert "Ny vecka" not in html(client, index_page.url)
    new.save_revision().publish()
    assert "Ny vecka" in html(client, index_page.url)


@pytest.mark.django_db
def test_an_unpublished_week_leaves_the_index_at_once(client, index_page, week):
    assert week.title in html(client, index_page.url)
    week.unpublish()
    assert week.title not in html(client, index_page.url)


@pytest.mark.django_db
def test_an_edited_guest_shows_at_once_on_both_pages(client, index_page, week):
    assert "Anna" in html(client, week.url) and "Anna" in html(client, index_page.url)
    guest = Guest.objects.get(name="Anna")
    guest.name = "Anna Berg"
    guest.save()
    assert "Anna Berg" in html(client, week.url)
    assert "Anna Berg" in html(client, index_page.url)


@pytest.mark.django_db
def test_stored_tweets_show_at_once_on_both_pages(client, index_page, week, accounts):
    assert "0 tweets" in html(client, index_page.url)
    html(client, week.url)
    row = TweetRow(
        tweet_id="4711",
        created_at=stockholm(2012, 9, 5, 10, 0),
        text="Lagrad i efterhand",
        entities={},
        source=TweetSource.ARCHIVE,
    )
    store_tweets(accounts[1], [row])
    assert "1 tweet" in html(client, index_page.url)
    assert "Lagrad i efterhand" in html(client, week.url)


@pytest.mark.django_db
def test_a_status_change_in_the_settings_shows_at_once(client, index_page, week):
    html(client, week.url), html(client, index_page.url)
    set_project(status="closed", status_message="Projektet är nedlagt.")
    assert "Projektet är nedlagt." in html(client, week.url)
    assert "Projektet är nedlagt." in html(client, index_page.url)


def move_week(week):
    week.move(make_index(title="Arkiv", slug="arkiv"), pos="last-child")


def delete_other_page(week):
    make_index(title="Tillfällig", slug="tillfallig").delete()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(move_week, id="page moved"),
        pytest.param(delete_other_page, id="any page deleted"),
        pytest.param(lambda week: week.slots.first().account.save(), id="relay account"),
        pytest.param(lambda week: GuestSlot.objects.first().save(), id="guest slot"),
        pytest.param(lambda week: Guest.objects.first().save(), id="guest"),
        pytest.param(
            lambda week: project_settings(guides=[("Guiden", "https://example.com")]), id="guides"
        ),
        pytest.param(lambda week: GuideLink.objects.all().delete(), id="guide deleted"),
        pytest.param(lambda week: make_press_mention(), id="press mention"),
        pytest.param(lambda week: make_image(), id="image"),
        pytest.param(lambda week: make_tweet(week.slots.first().account), id="tweet"),
        pytest.param(lambda week: make_media(make_tweet(week.slots.first().account)), id="media"),
        pytest.param(lambda week: invalidate_week_cache(week.slots.first().account), id="bulk"),
        pytest.param(lambda week: Site.objects.get().save(), id="site"),
    ],
)
@pytest.mark.django_db
def test_each_change_replaces_the_content_version(week, change):
    project_settings(guides=[("Guide", "https://example.com/guide")])
    before = version()
    change(week)
    assert version() != before


@pytest.mark.django_db
def test_wagtails_image_bookkeeping_keeps_the_pages_cached(week):
    image = make_image()  # saves file_size
    before = version()
    image.get_file_hash()  # saves file_hash the first time
    image.save(update_fields=["file_size"])
    assert version() == before


@pytest.mark.django_db
def test_a_week_moved_to_another_index_leaves_this_one_at_once(client, index_page, week):
    assert week.title in html(client, index_page.url)
    move_week(week)
    assert week.title not in html(client, index_page.url)


@pytest.mark.django_db
def test_upcoming_weeks_move_to_the_past_when_their_week_begins(
    client, index_page, accounts, monkeypatch
):
    make_week(index_page, monday(1), [(accounts[0], make_guest("Snart"))], "Nästa vecka")
    upcoming = html(client, index_page.url).split('id="sochef-past-heading"')[0]
    assert "Nästa vecka" in upcoming
    later = timezone.now() + datetime.timedelta(weeks=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    upcoming, past = html(client, index_page.url).split('id="sochef-past-heading"')
    assert "Nästa vecka" not in upcoming and "Nästa vecka" in past


# Variants


@pytest.mark.django_db
@override_settings(SOCHEF_INDEX_PAGE_SIZE=1)
def test_filters_and_pages_are_cached_apart(client, index_page, accounts):
    employer, worker = accounts
    make_week(index_page, WEEK, [(employer, make_guest("Chef Ett"))], "Chefsveckan")
    make_week(
        index_page, datetime.date(2013, 1, 7), [(worker, make_guest("Ombud"))], "Ombudsveckan"
    )
    for _ in range(2):
        assert "Ombudsveckan" in html(client, index_page.url)
        assert "Chefsveckan" in html(client, f"{index_page.url}?page=2")
        assert "Ombudsveckan" not in html(client, f"{index_page.url}?page=2")
        only_employer = html(client, f"{index_page.url}?side=employer")
        assert "Chefsveckan" in only_employer and "Ombudsveckan" not in only_employer


@pytest.mark.django_db
def test_each_language_has_its_own_cached_page(client, week):
    assert "Vecka 36" in html(client, week.url)
    assert "Week 36" in html(client, "/en" + week.url)
    assert "Vecka 36" in html(client, week.url)


@pytest.mark.django_db
def test_a_preview_never_uses_the_cache(client, week):
    html(client, week.url)
    Guest.objects.filter(name="Anna").update(name="Anna Ny")  # no signal: the cache is not told
    assert "Anna Ny" not in html(client, week.url)
    assert "Anna Ny" in week.make_preview_request().rendered_content
    assert "Anna Ny" not in html(client, week.url)  # nor fills it


@pytest.mark.django_db
@override_settings(SOCHEF_CACHE_TIMEOUT=0)
def test_a_timeout_of_0_turns_the_page_cache_off(client, week):
    html(client, week.url)
    assert "sochef_wagtail_guestslot" in get(client, week.url)[1]
    Guest.objects.filter(name="Anna").update(name="Anna Ny")
    assert "Anna Ny" in html(client, week.url)


@pytest.mark.django_db
def test_a_cache_that_is_down_still_serves_the_pages(client, index_page, week, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "broken": {"BACKEND": "tests.test_tweet_cache.BrokenCache"},
    }
    settings.SOCHEF_CACHE_ALIAS = "broken"
    assert "Anna" in html(client, week.url)
    assert "Anna" in html(client, index_page.url)
    Guest.objects.filter(name="Anna").update(name="Anna Ny")
    assert "Anna Ny" in html(client, week.url)
    assert "The page cache could not be read" in caplog.text


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ""}}


@pytest.mark.parametrize(
    "caches, timeout, expected",
    [
        # Each process keeps its own entries: a change saved elsewhere shows within a minute.
        (LOCMEM, None, 60),
        (REDIS, None, 7 * 24 * 3600),
        (LOCMEM, 3600, 3600),
        (REDIS, 0, 0),
    ],
)
def test_the_default_timeout_depends_on_whether_the_cache_is_shared(caches, timeout, expected):
    with override_settings(CACHES=caches, SOCHEF_CACHE_TIMEOUT=timeout):
        assert cache_timeout() == expected


@pytest.mark.django_db
@override_settings(SOCHEF_INDEX_PAGE_SIZE=1)
def test_made_up_parameters_add_no_cache_entries(client, index_page, accounts):
    """Tracking parameters are ignored, and values the page never links to are rendered but not
    kept: a visitor cannot fill the cache (and push other entries out) with made-up queries."""
    make_weeks(index_page, accounts, 2)
    html(client, index_page.url)
    entries = len(get_cache()._cache)
    for n in range(50):
        page = html(client, f"{index_page.url}?utm_source=x{n}&page=2")
        assert f"x{n}" not in page  # nor in the pagination links
    assert len(get_cache()._cache) == entries + 1
    for junk in ("page=99", "page=02", "side=nope", "year=1999", "role=x&side=worker"):
        html(client, f"{index_page.url}?{junk}")
    assert len(get_cache()._cache) == entries + 1
