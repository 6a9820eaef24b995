"""Past weeks' tweets are rendered once and served from the cache until something changes."""

import datetime

import pytest
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from example_site.blog.models import BlogIndexPage, BlogPage
from sochef_wagtail.archive.models import Tweet
from sochef_wagtail.caching.tweets import invalidate_week_cache
from sochef_wagtail.weeks.models import GuestSlot
from tests.factories import (
    STOCKHOLM,
    make_guest,
    make_media,
    make_tweet,
    make_tweets,
    make_user,
    monday,
    site_root,
    stockholm,
    tweet_block,
)


def get(client, url):
    """The page's HTML and the SQL statements that read tweets or their media to make it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    tweet_sql = [q["sql"] for q in queries if "sochef_wagtail_tweet" in q["sql"]]
    return response.content.decode(), tweet_sql


def html(client, url):
    return get(client, url)[0]


def change_text_behind_the_cache(tweet, text):
    """An update() sends no signal: the cache is not told. (The post's stored HTML is left for
    the pages to make again, as after a write in bulk.)"""
    Tweet.objects.filter(pk=tweet.pk).update(text=text, html_key="")


def blog_post_with_tweets(**block_options):
    blog = site_root().add_child(instance=BlogIndexPage(title="Blogg", slug="blogg"))
    post = BlogPage(
        title="Veckan i backspegeln",
        slug="backspegeln",
        date=datetime.date(2012, 9, 10),
        tweets=[tweet_block(**block_options)],
    )
    return blog.add_child(instance=post)


@pytest.mark.django_db
def test_a_past_week_is_served_again_without_reading_the_tweets(client, week, accounts):
    make_tweet(accounts[1], "Första veckans första tweet")
    first, first_sql = get(client, week.url)
    again, again_sql = get(client, week.url)
    assert first_sql
    assert again_sql == []
    assert "Första veckans första tweet" in again
    assert again == first


@pytest.mark.django_db
def test_a_new_tweet_shows_at_once(client, week, accounts):
    make_tweet(accounts[1], "Gammal")
    html(client, week.url)
    make_tweet(accounts[0], "Ny från chefen", created_at=stockholm(2012, 9, 9, 23, 59))
    assert "Ny från chefen" in html(client, week.url)


@pytest.mark.django_db
def test_an_edited_tweet_shows_at_once(client, week, accounts):
    tweet = make_tweet(accounts[1], "Före")
    html(client, week.url)
    tweet.text = "Efter"
    tweet.save()
    page = html(client, week.url)
    assert "Efter" in page
    assert "Före" not in page


@pytest.mark.django_db
def test_a_deleted_tweet_goes_at_once(client, week, accounts):
    tweet = make_tweet(accounts[1], "Snart borta")
    html(client, week.url)
    tweet.delete()
    assert "Snart borta" not in html(client, week.url)


@pytest.mark.django_db
def test_a_tweet_moved_to_another_week_leaves_the_old_one(client, week, accounts):
    tweet = make_tweet(accounts[1], "Fel vecka")
    html(client, week.url)
    tweet.created_at = stockholm(2012, 9, 10, 9, 0)
    tweet.save()
    assert "Fel vecka" not in html(client, week.url)


@pytest.mark.django_db
def test_a_new_picture_shows_at_once(client, week, accounts):
    tweet = make_tweet(accounts[1], "Se bilden")
    html(client, week.url)
    make_media(tweet, alt_text="Skyddsombud vid en maskin")
    assert "Skyddsombud vid en maskin" in html(client, week.url)


@pytest.mark.django_db
def test_a_renamed_account_shows_at_once(client, week, accounts):
    make_tweet(accounts[1], "Hej")
    html(client, week.url)
    accounts[1].handle = "Skyddsombudet"
    accounts[1].save()
    assert "@Skyddsombudet" in html(client, week.url)


@pytest.mark.django_db
def test_tweets_written_in_bulk_show_once_their_weeks_are_invalidated(client, week, accounts):
    worker = accounts[1]
    html(client, week.url)
    make_tweets(worker, 3, stockholm(2012, 9, 5, 12, 0))  # bulk_create: no signals
    assert "Tweet nummer 2" not in html(client, week.url)
    invalidate_week_cache(worker, stockholm(2012, 9, 5, 12, 0), stockholm(2012, 9, 5, 12, 20))
    assert "Tweet nummer 2" in html(client, week.url)


@pytest.mark.django_db
def test_invalidating_an_account_without_dates_forgets_all_its_weeks(client, week, accounts):
    worker = accounts[1]
    html(client, week.url)
    make_tweets(worker, 1, stockholm(2012, 9, 5, 12, 0))
    invalidate_week_cache(worker)
    assert "Tweet nummer 0" in html(client, week.url)


@pytest.mark.django_db
def test_invalidating_another_week_keeps_this_one_cached(client, week, accounts):
    make_tweet(accounts[1], "Kvar i cachen")
    html(client, week.url)
    invalidate_week_cache(accounts[1], datetime.date(2012, 9, 10), datetime.date(2012, 9, 16))
    assert get(client, week.url)[1] == []


@pytest.mark.django_db
def test_publishing_the_week_with_other_accounts_shows_at_once(client, week, accounts):
    employer, worker = accounts
    make_tweet(employer, "Chefens tweet")
    make_tweet(worker, "Skyddsombudets tweet")
    assert "Chefens tweet" in html(client, week.url)
    week.slots = [GuestSlot(account=worker, guest=make_guest("Bo ensam"))]
    week.save_revision().publish()
    page = html(client, week.url)
    assert "Skyddsombudets tweet" in page
    assert "Chefens tweet" not in page


@pytest.mark.django_db
def test_a_preview_never_reads_the_cache(client, week, accounts):
    tweet = make_tweet(accounts[1], "Cachad text")
    html(client, week.url)
    change_text_behind_the_cache(tweet, "Färsk text")
    assert "Cachad text" in html(client, week.url)  # the cache serves what it holds
    preview = week.make_preview_request()
    assert "Färsk text" in preview.rendered_content


@pytest.mark.django_db
def test_a_logged_in_editor_sees_fresh_tweets_and_refreshes_the_cache(client, accounts):
    # On a page the page cache leaves alone (a blog post); week pages are cached as a whole.
    post = blog_post_with_tweets(start_date="2012-09-03", end_date="2012-09-09")
    tweet = make_tweet(accounts[1], "Cachad text")
    html(client, post.url)
    change_text_behind_the_cache(tweet, "Färsk text")
    editor = Client()
    editor.force_login(make_user("redaktor", superuser=True))
    assert "Färsk text" in html(editor, post.url)
    assert "Färsk text" in html(client, post.url)


@pytest.mark.django_db
def test_this_weeks_tweets_are_not_cached(client, accounts):
    this_sunday = monday(0) + datetime.timedelta(days=6)
    post = blog_post_with_tweets(start_date=monday(0).isoformat(), end_date=this_sunday.isoformat())
    start = datetime.datetime.combine(monday(0), datetime.time(0, 30), tzinfo=STOCKHOLM)
    tweet = make_tweet(accounts[1], "Första", created_at=start)
    html(client, post.url)
    change_text_behind_the_cache(tweet, "Andra")
    assert "Andra" in html(client, post.url)


@pytest.mark.django_db
def test_a_tweet_block_reaching_into_this_week_is_not_cached(client, accounts):
    post = blog_post_with_tweets(start_date="2012-09-03", end_date=monday(0).isoformat())
    tweet = make_tweet(accounts[1], "Första")
    html(client, post.url)
    change_text_behind_the_cache(tweet, "Andra")
    assert "Andra" in html(client, post.url)


@pytest.mark.django_db
def test_each_language_has_its_own_cached_tweets(client, week, accounts):
    make_tweet(accounts[1], "Hej")
    assert "Arbetstagarsidan" in html(client, week.url)
    english = html(client, "/en" + week.url)
    assert "Worker side" in english
    assert "Arbetstagarsidan" not in english.split("sochef-week-tweets")[1]


@pytest.mark.django_db
@override_settings(SOCHEF_CACHE_TIMEOUT=0)
def test_a_timeout_of_0_turns_the_cache_off(client, week, accounts):
    make_tweet(accounts[1], "Hej")
    html(client, week.url)
    assert get(client, week.url)[1]


@pytest.mark.django_db
def test_a_tweet_block_showing_past_days_is_cached_and_invalidated(client, accounts):
    post = blog_post_with_tweets(start_date="2012-09-03", end_date="2012-09-09")
    make_tweet(accounts[1], "Först")
    assert "Först" in html(client, post.url)
    assert get(client, post.url)[1] == []
    make_tweet(accounts[0], "Sedan", created_at=stockholm(2012, 9, 8, 10, 0))
    assert "Sedan" in html(client, post.url)


@pytest.mark.django_db
def test_a_tweet_block_on_a_past_week_page_is_cached(client, week, accounts):
    week.body = [tweet_block(layout="timeline")]
    week.save_revision().publish()
    make_tweet(accounts[1], "I blocket")
    assert "I blocket" in html(client, week.url)
    assert get(client, week.url)[1] == []


class BrokenCache(BaseCache):
    """A cache server that does not answer."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache server down")

    add = get = set = delete = clear = get_many = set_many = _fail


@pytest.mark.django_db
def test_a_cache_that_is_down_only_costs_the_rendering(client, week, accounts, settings):
    settings.CACHES = {
        **settings.CACHES,
        "broken": {"BACKEND": "tests.test_tweet_cache.BrokenCache"},
    }
    settings.SOCHEF_CACHE_ALIAS = "broken"
    tweet = make_tweet(accounts[1], "Trots allt")
    assert "Trots allt" in html(client, week.url)
    tweet.text = "Ändå"
    tweet.save()
    assert "Ändå" in html(client, week.url)


@pytest.mark.django_db
def test_an_archive_import_into_a_cached_week_shows_at_once(client, week, accounts, tmp_path):
    from sochef_wagtail.archive.importer import import_archive
    from tests.archives import archive_tweet, current_archive, write_archive

    make_tweet(accounts[1], "Före importen")
    assert "Före importen" in html(client, week.url)  # now cached
    archive = write_archive(
        tmp_path / "arkiv.zip",
        current_archive([archive_tweet(1, "Ur arkivet", created_at=stockholm(2012, 9, 5, 10, 0))]),
    )
    import_archive(archive)
    assert "Ur arkivet" in html(client, week.url)
