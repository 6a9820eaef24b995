"""Tweets on pages: the tweet archive block, the week page and the guest index."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from example_site.blog.models import BlogIndexPage, BlogPage
from sochef_wagtail.archive.blocks import TweetArchiveBlock, TweetIdBlock
from sochef_wagtail.archive.models import TweetMedia
from sochef_wagtail.archive.timeline import tweet_archive
from sochef_wagtail.choices import Platform
from tests.factories import (
    STOCKHOLM,
    make_accounts,
    make_guest,
    make_index,
    make_reply,
    make_tweet,
    make_tweets,
    make_week,
    make_weeks,
    monday,
    site_root,
    stockholm,
    tweet_block,
)

WEEK = datetime.date(2012, 9, 3)


@pytest.fixture
def pair_week(index_page, accounts):
    employer, worker = accounts
    return make_week(
        index_page,
        WEEK,
        [(employer, make_guest("Anna Lindqvist")), (worker, make_guest("Bo Eriksson"))],
        title="Premiär",
    )


def texts(archive):
    return [[tweet.text for tweet in thread.tweets] for thread in archive.threads]


def page_html(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


# Selection


@pytest.mark.django_db
def test_days_are_stockholm_days_not_utc_days(accounts):
    worker = accounts[1]
    make_tweet(worker, "Söndag kväll", created_at=stockholm(2012, 9, 2, 23, 30))
    make_tweet(worker, "Måndag strax efter midnatt", created_at=stockholm(2012, 9, 3, 0, 30))
    make_tweet(worker, "Söndag sent", created_at=stockholm(2012, 9, 9, 23, 59))
    make_tweet(worker, "Nästa måndag", created_at=stockholm(2012, 9, 10, 0, 0))
    archive = tweet_archive([worker], WEEK, WEEK + datetime.timedelta(days=6))
    assert texts(archive) == [["Måndag strax efter midnatt"], ["Söndag sent"]]


@pytest.mark.django_db
def test_replies_to_other_accounts_can_be_left_out_but_own_threads_stay(accounts):
    employer, worker = accounts
    question = make_tweet(employer, "Hur gör ni?")
    own = make_reply(question, employer, "Vi gör så här.")
    make_reply(question, worker, "Vi frågar skyddsombudet.")
    make_tweet(worker, "@Kalle Tack!", in_reply_to_handle="Kalle", in_reply_to_tweet_id="99")
    archive = tweet_archive(accounts, WEEK, WEEK, include_replies=False)
    assert texts(archive) == [[question.text, own.text]]


@pytest.mark.django_db
def test_retweets_are_left_out_unless_asked_for(accounts):
    make_tweet(accounts[1], "Egen tweet")
    make_tweet(accounts[1], "RT @av_se: Ny föreskrift", is_retweet=True)
    assert texts(tweet_archive(accounts, WEEK, WEEK)) == [["Egen tweet"]]
    with_retweets = tweet_archive(accounts, WEEK, WEEK, include_retweets=True)
    assert texts(with_retweets) == [["Egen tweet"], ["RT @av_se: Ny föreskrift"]]


@pytest.mark.django_db
def test_newest_first_orders_threads_but_keeps_each_thread_chronological(accounts):
    worker = accounts[1]
    first = make_tweet(worker, "Först", created_at=stockholm(2012, 9, 3, 8))
    make_reply(first, worker, "Fortsättning", minutes=600)
    make_tweet(worker, "Sedan", created_at=stockholm(2012, 9, 3, 12))
    archive = tweet_archive([worker], WEEK, WEEK, order="newest")
    assert texts(archive) == [["Sedan"], ["Först", "Fortsättning"]]


@pytest.mark.django_db
def test_tweet_id_list_shows_exactly_those_tweets_whatever_their_account_or_date(accounts):
    employer, worker = accounts
    chosen = [
        make_tweet(worker, "Från 2013", created_at=stockholm(2013, 5, 14, 10)),
        make_tweet(employer, "En retweet", is_retweet=True),
    ]
    make_tweet(worker, "Inte vald")
    archive = tweet_archive(tweet_ids=[t.tweet_id for t in chosen] + ["404"], layout="timeline")
    assert texts(archive) == [["En retweet"], ["Från 2013"]]


# Threads and dialogues


@pytest.mark.django_db
def test_replies_to_archived_tweets_are_shown_as_a_thread(client, pair_week, accounts):
    worker = accounts[1]
    root = make_tweet(worker, "Tråd om ensamarbete 1/2")
    make_reply(root, worker, "2/2 Ring alltid in.")
    make_reply(root, worker, "Tillägg: larmet!", minutes=30)
    (thread,) = tweet_archive([worker], WEEK, WEEK).threads
    assert not thread.is_dialogue
    html = page_html(client, pair_week)
    thread_html = html[html.index('class="sochef-thread"') :]
    replies = thread_html[thread_html.index("sochef-thread__replies") :]
    assert "Tråd om ensamarbete 1/2" not in replies
    assert replies.index("2/2 Ring alltid in.") < replies.index("Tillägg: larmet!")


@pytest.mark.django_db
def test_relay_accounts_answering_each_other_form_a_labelled_dialogue(client, pair_week, accounts):
    employer, worker = accounts
    question = make_tweet(worker, "Vem ansvarar för riskbedömningen?")
    answer = make_reply(question, employer, "Arbetsgivaren, men gör den ihop.")
    make_reply(answer, worker, "Då bjuder vi in er.")
    (thread,) = tweet_archive(accounts, WEEK, WEEK).threads
    assert thread.is_dialogue
    html = page_html(client, pair_week)
    dialogue = html[html.index('class="sochef-dialogue"') :]
    dialogue = dialogue[: dialogue.index("</ol>")]
    turns = dialogue.split('class="sochef-dialogue__turn ')[1:]
    assert [turn.split('"')[0] for turn in turns] == [
        "sochef-dialogue__turn--worker",
        "sochef-dialogue__turn--employer",
        "sochef-dialogue__turn--worker",
    ]
    assert "Arbetstagarsidan" in turns[0] and "Arbetsgivarsidan" in turns[1]
    assert "Vem ansvarar" in turns[0] and "Arbetsgivaren, men" in turns[1]


@pytest.mark.django_db
def test_reply_to_a_tweet_not_shown_says_what_it_answers(client, pair_week, accounts):
    make_tweet(
        accounts[1], "@av_se Tack för svaret", in_reply_to_handle="av_se", in_reply_to_tweet_id="77"
    )
    html = page_html(client, pair_week)
    assert re.search(
        r'Svar till\s*<a href="https://x.com/av_se/status/77" rel="noopener">@av_se</a>', html
    )


# The week page


@pytest.mark.django_db
def test_week_page_shows_each_accounts_tweets_side_by_side_employer_first(
    client, pair_week, accounts
):
    employer, worker = accounts
    make_tweet(worker, "Skyddsombudet hälsar", created_at=stockholm(2012, 9, 3, 8))
    make_tweet(employer, "Chefen hälsar", created_at=stockholm(2012, 9, 3, 9))
    make_tweet(employer, "Förra veckan", created_at=stockholm(2012, 9, 1, 9))
    html = page_html(client, pair_week)
    assert "Veckans tweets" in html
    employer_column = html.index("sochef-tweets__column--employer")
    worker_column = html.index("sochef-tweets__column--worker")
    assert employer_column < html.index("Chefen hälsar") < worker_column
    assert worker_column < html.index("Skyddsombudet hälsar")
    assert "Förra veckan" not in html


@pytest.mark.django_db
def test_upcoming_week_has_no_tweet_section(client, index_page, accounts):
    week = make_week(index_page, monday(1), [(accounts[0], make_guest("Rut"))])
    assert "Veckans tweets" not in page_html(client, week)


@pytest.mark.django_db
def test_block_on_a_week_page_defaults_to_the_weeks_accounts_and_days(client, pair_week, accounts):
    employer, worker = accounts
    make_tweet(worker, "Veckans tweet")
    make_tweet(worker, "Veckan efter", created_at=stockholm(2012, 9, 10, 9))
    pair_week.body = [tweet_block()]
    pair_week.save()
    html = page_html(client, pair_week)
    assert html.count("Veckans tweet") == 1  # in the block, not again below it
    assert "Veckan efter" not in html
    assert "sochef-block--tweet_archive" in html


@pytest.mark.django_db
def test_block_on_a_week_page_can_show_one_account_in_another_range(client, pair_week, accounts):
    employer, worker = accounts
    make_tweet(worker, "Skyddsombud 2013", created_at=stockholm(2013, 5, 14, 9))
    make_tweet(employer, "Chef 2013", created_at=stockholm(2013, 5, 14, 9))
    pair_week.body = [
        tweet_block(accounts=[str(worker.pk)], start_date="2013-05-13", end_date="2013-05-19")
    ]
    pair_week.save()
    html = page_html(client, pair_week)
    assert "Skyddsombud 2013" in html and "Chef 2013" not in html


@pytest.mark.django_db
def test_block_in_a_host_page_streamfield(client, accounts):
    employer, worker = accounts
    make_tweet(employer, "Chefen om stress", created_at=stockholm(2013, 5, 13, 9))
    make_tweet(worker, "Skyddsombudet om stress", created_at=stockholm(2013, 5, 15, 9))
    make_tweet(worker, "Utanför", created_at=stockholm(2013, 5, 20, 9))
    blog = site_root().add_child(instance=BlogIndexPage(title="Blogg", slug="blogg"))
    post = blog.add_child(
        instance=BlogPage(
            title="Stressveckan",
            slug="stressveckan",
            date=datetime.date(2013, 5, 20),
            tweets=[tweet_block(start_date="2013-05-13", end_date="2013-05-19")],
        )
    )
    html = page_html(client, post)
    assert "Chefen om stress" in html and "Skyddsombudet om stress" in html
    assert "Utanför" not in html
    assert "sochef_wagtail/css/sochef.css" in html


@pytest.mark.django_db
def test_block_without_range_or_ids_outside_a_week_page_shows_no_tweets(accounts):
    make_tweet(accounts[0], "Finns i arkivet")
    block = TweetArchiveBlock()
    html = block.render(block.to_python(tweet_block()["value"]), context={})
    assert "Finns i arkivet" not in html
    assert "sochef-tweets__empty" in html


def test_tweet_id_field_accepts_ids_and_permalinks():
    block = TweetIdBlock()
    assert block.clean("250000000000000001") == "250000000000000001"
    assert block.clean(" https://x.com/Skyddsombud/status/2500/photo/1 ") == "2500"
    assert block.clean("https://twitter.com/ArbetsmiljoChef/status/123?s=20") == "123"
    for bad in ("abc", "https://example.com/status/1", "1 2", "javascript:1"):
        with pytest.raises(ValidationError):
            block.clean(bad)


@pytest.mark.django_db
def test_tweet_id_field_takes_bluesky_and_mastodon_addresses_as_their_post_ids():
    bluesky, _ = make_accounts(Platform.BLUESKY)
    block = TweetIdBlock()
    did = bluesky.platform_id
    uri = f"at://{did}/app.bsky.feed.post/3kabc"
    assert block.clean(uri) == uri
    assert block.clean(f"https://bsky.app/profile/{did}/post/3kabc") == uri
    assert block.clean(f"https://bsky.app/profile/{bluesky.handle.upper()}/post/3kabc?x=1") == uri
    assert block.clean("https://mastodon.social/@skyddsombud/113520000000000001") == (
        "https://mastodon.social/users/skyddsombud/statuses/113520000000000001"
    )
    status = "https://fack.example/users/bo/statuses/42"
    assert block.clean(f" {status} ") == status
    with pytest.raises(ValidationError) as error:
        block.clean("https://bsky.app/profile/okand.bsky.social/post/3kabc")
    assert "okand.bsky.social" in str(error.value)
    for bad in (
        "https://mastodon.social/@bo@fack.example/42",  # a copy on another instance
        "https://bsky.app/profile/x/post/<script>",
        "at://did:plc:x/app.bsky.feed.like/3k",
        "https://mastodon.social/@skyddsombud/12\n34",
    ):
        with pytest.raises(ValidationError):
            block.clean(bad)


@pytest.mark.django_db
def test_block_shows_the_posts_of_every_platform_it_names(accounts):
    x_post = make_tweet(accounts[0], "Från X")
    bluesky_post = make_tweet(make_accounts(Platform.BLUESKY)[1], "Från Bluesky")
    mastodon_post = make_tweet(make_accounts(Platform.MASTODON)[1], "Från Mastodon")
    chosen = [x_post.tweet_id, bluesky_post.tweet_id, mastodon_post.tweet_id]
    archive = tweet_archive(tweet_ids=chosen, layout="timeline")
    shown = {tweet.text for thread in archive.threads for tweet in thread.tweets}
    assert shown == {"Från X", "Från Bluesky", "Från Mastodon"}


@pytest.mark.django_db
def test_block_refuses_an_end_before_the_start():
    block = TweetArchiveBlock()
    value = block.to_python(tweet_block(start_date="2013-05-19", end_date="2013-05-13")["value"])
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "end_date" in error.value.block_errors


# A constant number of queries


def add_tweets(accounts, count, monday_):
    """`count` tweets over the week, every fifth with a picture, a dialogue and a thread."""
    employer, worker = accounts
    start = datetime.datetime.combine(monday_, datetime.time(8), tzinfo=STOCKHOLM)
    tweets = make_tweets(employer, count // 2, start) + make_tweets(
        worker, count - count // 2, start
    )
    TweetMedia.objects.bulk_create(
        TweetMedia(tweet=t, media_key=f"3_{t.pk}", kind="photo", file=f"sochef/{t.pk}.png")
        for t in tweets[::5]
    )
    question = make_tweet(worker, "Fråga", created_at=start)
    make_reply(make_reply(question, employer, "Svar"), worker, "Tack")
    make_reply(question, worker, "Förtydligande")


@override_settings(SOCHEF_CACHE_TIMEOUT=0)  # rendering the page; cached: test_page_cache.py
def count_queries(client, url):
    client.get(url)  # warm Wagtail's site and page caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_week_page_runs_the_same_queries_with_10_and_500_tweets(client, index_page, accounts):
    small, big = (
        make_week(index_page, day, [(a, make_guest(f"{a.handle} {day}")) for a in accounts])
        for day in (WEEK, WEEK + datetime.timedelta(weeks=1))
    )
    add_tweets(accounts, 10, small.week_start)
    add_tweets(accounts, 500, big.week_start)
    assert "Förtydligande" in page_html(client, big)
    assert count_queries(client, small.url) == count_queries(client, big.url)


@pytest.mark.django_db
def test_week_page_with_tweet_blocks_runs_the_same_queries_at_two_sizes(
    client, index_page, accounts
):
    small, big = (
        make_week(index_page, day, [(a, make_guest(f"{a.handle} {day}")) for a in accounts])
        for day in (WEEK, WEEK + datetime.timedelta(weeks=1))
    )
    add_tweets(accounts, 10, small.week_start)
    add_tweets(accounts, 300, big.week_start)
    for week in (small, big):
        week.body = [tweet_block(), tweet_block(accounts=[str(accounts[1].pk)], layout="timeline")]
        week.save()
    assert count_queries(client, small.url) == count_queries(client, big.url)


# The guest index


@pytest.mark.django_db
def test_index_shows_each_weeks_tweet_count(client, index_page, accounts):
    employer, worker = accounts
    busy = make_week(index_page, WEEK, [(employer, make_guest("A")), (worker, make_guest("B"))])
    quiet = make_week(index_page, datetime.date(2013, 5, 13), [(worker, make_guest("Karin"))])
    make_tweet(employer, "Chef")
    make_tweet(worker, "Skyddsombud")
    make_tweet(worker, "RT @x: inte räknad", is_retweet=True)  # the week page leaves it out
    make_tweet(employer, "Chefen tweetar inte i Karins vecka", created_at=stockholm(2013, 5, 14))
    response = client.get(index_page.url)
    counts = {week.pk: week.tweet_count for week in response.context["listing"].weeks}
    assert counts == {busy.pk: 2, quiet.pk: 0}
    html = response.content.decode()
    assert "2 tweets" in html and "0 tweets" in html


@pytest.mark.django_db
def test_index_counts_tweets_in_stockholm_weeks_as_the_week_page_shows_them(
    client, index_page, accounts
):
    """Counted per week in SQL: a week runs from Monday 00:00 to Sunday 24:00 in Stockholm,
    in winter and in summer time (the week of 25 March 2013 changes the clocks), as the week
    page's tweets do."""
    employer, worker = accounts

    def at(day, hour, minute):
        return stockholm(day.year, day.month, day.day, hour, minute)

    pages = []
    for start in (datetime.date(2013, 1, 7), datetime.date(2013, 3, 25), datetime.date(2013, 7, 1)):
        pages.append(make_week(index_page, start, [(employer, make_guest(f"G {start}"))]))
        end = start + datetime.timedelta(days=6)
        make_tweet(employer, "Före", created_at=at(start - datetime.timedelta(days=1), 23, 59))
        make_tweet(employer, "Första", created_at=at(start, 0, 1))
        make_tweet(employer, "Sista", created_at=at(end, 23, 59))
        make_tweet(worker, "Inte veckans konto", created_at=at(start, 12, 0))
    response = client.get(index_page.url)
    counts = {week.pk: week.tweet_count for week in response.context["listing"].weeks}
    assert counts == {page.pk: 2 for page in pages}
    for page in pages:
        assert page_html(client, page).count('<article class="sochef-tweet ') == 2


@pytest.mark.django_db
def test_index_runs_the_same_queries_with_few_and_many_weeks_and_tweets(client, accounts, settings):
    def queries(slug, weeks, tweets_per_week):
        index = make_index(slug=slug)
        start = WEEK if slug == "liten" else datetime.date(2014, 1, 6)
        for week in make_weeks(index, accounts, weeks, start=start):
            add_tweets(accounts, tweets_per_week, week.week_start)
        return count_queries(client, index.url)

    settings.SOCHEF_INDEX_PAGE_SIZE = 5
    assert queries("liten", 2, 10) == queries("stor", 12, 60)


# The admin


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_editor_adds_a_tweet_block_with_tweet_links_in_the_admin(admin_client, pair_week, accounts):

    chosen = make_tweet(accounts[1], "Den bästa tweeten", created_at=stockholm(2013, 1, 8, 9))
    edit_url = reverse("wagtailadmin_pages:edit", args=(pair_week.pk,))
    assert admin_client.get(edit_url).status_code == 200
    block = {
        "accounts": [str(accounts[1].pk)],
        "start_date": "",
        "end_date": "",
        "tweet_ids": {
            "count": "1",
            "0-value": f"https://x.com/Skyddsombud/status/{chosen.tweet_id}?s=20",
            "0-deleted": "",
            "0-order": "0",
            "0-id": "",
        },
        "include_replies": "on",
        "order": "oldest",
        "layout": "timeline",
    }
    data = nested_form_data(
        {
            "title": pair_week.title,
            "slug": pair_week.slug,
            "week_start": "2012-09-03",
            "intro": rich_text(""),
            "body": streamfield([("tweet_archive", block)]),
            "slots": inline_formset(
                [
                    {"id": slot.pk, "account": slot.account_id, "guest": slot.guest_id}
                    for slot in pair_week.slots.all()
                ],
                initial=2,
                min=1,
            ),
            "action-publish": "1",
        }
    )
    response = admin_client.post(edit_url, data)
    assert response.status_code == 302, response.context["form"].errors
    pair_week.refresh_from_db()
    (stored,) = pair_week.body
    assert list(stored.value["tweet_ids"]) == [chosen.tweet_id]
    assert "Den bästa tweeten" in page_html(admin_client, pair_week)
