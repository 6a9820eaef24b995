"""The tweets' markup made in Python (archive/html.py) is the includes' markup: compared with
tweet_archive.html, tweet_thread.html and tweet.html for every branch of them and the nastiest
text in every field; and a host's override of any of them is what is rendered."""

import datetime

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.utils import translation

from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.archive import html as html_module
from sochef_wagtail.archive.html import archive_html, tweet_html
from sochef_wagtail.archive.models import MediaKind, Tweet
from sochef_wagtail.archive.timeline import (
    Layout,
    StoredTweetRow,
    TweetRow,
    account_tweet_rows,
    tweet_archive,
    tweet_filter,
    tweet_rows,
)
from sochef_wagtail.choices import Platform
from tests.factories import make_accounts, make_media, make_reply, make_tweet, post_id, stockholm
from tests.xss_corpus import ALL, injected_markup

MONDAY, SUNDAY = datetime.date(2012, 9, 3), datetime.date(2012, 9, 9)


def same_html(made, rendered):
    assert parse_html(made) == parse_html(rendered)


def reloaded(tweets):
    """The tweets as the pages load them: account joined, media prefetched."""
    return list(
        Tweet.objects.filter(pk__in=[t.pk for t in tweets])
        .select_related("account")
        .prefetch_related("media")
    )


def every_kind_of_tweet(employer, worker, nasty="<b>&</b>"):
    """Tweets taking every branch of tweet.html, ``nasty`` in each field from outside."""
    first = make_tweet(
        employer,
        f"{nasty} @{worker.handle} https://t.co/x #tag $TAG",
        entities={
            "urls": [{"start": len(nasty) + 14, "end": len(nasty) + 28, "url": "https://t.co/x"}],
            "mentions": [{"start": len(nasty) + 1, "end": len(nasty) + 13, "handle": nasty}],
        },
        client=nasty,
        place_name=nasty,
        lang="en",
        edited=True,
        created_at=stockholm(2012, 9, 3, 9, 5),
    )
    reply = make_reply(first, worker, f"Svar {nasty}")
    quoted = post_id(worker, 123)
    make_reply(reply, employer, "Och svar igen", is_quote=True, quoted_tweet_id=quoted)
    own = make_tweet(
        worker,
        nasty,
        is_retweet=True,
        possibly_sensitive=True,
        created_at=stockholm(2012, 9, 5, 23, 59),
    )
    make_reply(own, worker, "Tråden fortsätter", possibly_sensitive=True, content_warning=nasty)
    make_tweet(
        worker,
        "Svar till någon annan",
        in_reply_to_handle="Annan",
        in_reply_to_tweet_id="",
        created_at=stockholm(2012, 9, 6, 0, 1),
    )
    make_media(own, alt_text=nasty)
    make_media(own)
    media = make_media(own, alt_text=nasty, kind=MediaKind.VIDEO, name="film.mp4")
    make_media(first, kind=MediaKind.GIF, name="gif.mp4")
    missing = make_media(first, alt_text=nasty)
    missing.file = ""
    missing.save()
    sized = make_media(reply)
    sized.width, sized.height = 640, 480
    sized.save()
    return media


def rendered_archive(archive, heading_level=None):
    context = {"archive": archive, "heading_level": heading_level}
    return render_to_string("sochef_wagtail/includes/tweet_archive.html", context)


@pytest.mark.django_db
@pytest.mark.parametrize("layout", [Layout.COLUMNS, Layout.TIMELINE])
@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("platform", Platform.values)
def test_an_archive_is_the_templates_markup(layout, language, platform):
    employer, worker = make_accounts(platform)
    every_kind_of_tweet(employer, worker)
    with translation.override(language):
        archive = tweet_archive(
            [employer, worker], MONDAY, SUNDAY, include_retweets=True, layout=layout
        )
        assert archive.count == 6 and archive.dialogues
        same_html(archive_html(archive, 2), rendered_archive(archive, 2))
        same_html(archive_html(archive), rendered_archive(archive))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("by", ["accounts", "all accounts", "tweet ids"])
def test_tweet_rows_show_what_the_tweets_show(language, by):
    employer, worker = make_accounts()
    every_kind_of_tweet(employer, worker)
    if by == "tweet ids":
        selection = {"tweet_ids": Tweet.objects.values_list("tweet_id", flat=True)}
    else:
        accounts = [employer, worker] if by == "accounts" else None
        selection = {"accounts": accounts, "first_day": MONDAY, "last_day": SUNDAY}
    with translation.override(language):
        tweets = tweet_archive(**selection, include_retweets=True)
        rows = tweet_archive(**selection, include_retweets=True, rows=True)
        assert rows.count == tweets.count == 6
        same_html(archive_html(rows), rendered_archive(tweets))


def row_values(rows, fields=StoredTweetRow.FIELDS):
    """What a row holds of ``fields``, its media's columns included, per tweet."""
    return sorted(
        (
            tuple(getattr(row, name) for name in fields),
            row.account.pk,
            [
                (m.pk, m.media_key, m.kind, m.file.name, m.alt_text, m.width, m.height, m.position)
                for m in row.media
            ],
        )
        for row in rows
    )


@pytest.mark.django_db
@pytest.mark.parametrize("include_retweets", [False, True])
def test_the_weeks_written_out_statement_reads_what_the_orm_reads(
    include_retweets, django_assert_num_queries
):
    """account_tweet_rows() (a cold week page's) gives what tweet_rows(tweet_filter(…)) gives:
    the tweets of the days' bounds in Stockholm time (00:00 Monday in, 00:00 the Monday after
    out), not an earlier version of an edited tweet, not another account's, with their media
    in order; with and without retweets; on SQLite (dates as text) and PostgreSQL. One query
    while their stored HTML is current."""
    employer, worker = make_accounts()
    *_, other = make_accounts(Platform.MASTODON)
    every_kind_of_tweet(employer, worker)
    make_tweet(employer, "Första minuten", created_at=stockholm(2012, 9, 3, 0, 0))
    make_tweet(employer, "Veckan efter", created_at=stockholm(2012, 9, 10, 0, 0))
    make_tweet(employer, "Veckan före", created_at=stockholm(2012, 9, 2, 23, 59))
    make_tweet(other, "Ett annat konto")
    edited = make_tweet(worker, "Före redigeringen", created_at=stockholm(2012, 9, 4, 12, 0))
    edited.latest_version_id = post_id(worker, 999)
    edited.save()
    accounts = [employer, worker]
    for days in [(MONDAY, SUNDAY), (MONDAY, None), (None, SUNDAY), (None, None)]:
        condition = tweet_filter(accounts, *days, include_retweets=include_retweets)
        expected = row_values(tweet_rows(condition, accounts))
        assert expected
        with django_assert_num_queries(1):
            made = account_tweet_rows(accounts, *days, include_retweets=include_retweets)
        assert {type(row) for row in made} == {StoredTweetRow}
        assert row_values(made) == expected
    assert account_tweet_rows([]) == []


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["stored in bulk", "account renamed", "time zone", "version"])
def test_a_post_whose_stored_html_is_not_current_is_made_afresh(change, settings, monkeypatch):
    """Posts stored in bulk (their HTML comes later, from a task), an account renamed, another
    SOCHEF_TIME_ZONE, a new version of the markup: the week's posts are read whole (a second
    query) and shown as they are now, not as stored."""
    employer, worker = make_accounts()
    every_kind_of_tweet(employer, worker)
    if change == "stored in bulk":
        Tweet.objects.filter(account=worker).update(html="", html_key="")
    elif change == "account renamed":
        RelayAccount.objects.filter(pk=worker.pk).update(handle="Skyddsombudet")
        worker.refresh_from_db()
    elif change == "time zone":
        settings.SOCHEF_TIME_ZONE = "America/New_York"
    else:
        monkeypatch.setattr(html_module, "STORED_HTML_VERSION", html_module.STORED_HTML_VERSION + 1)
    accounts = [employer, worker]
    archive = tweet_archive(accounts, MONDAY, SUNDAY, include_retweets=True, rows=True)
    same_html(
        archive_html(archive),
        rendered_archive(tweet_archive(accounts, MONDAY, SUNDAY, include_retweets=True)),
    )
    kinds = {type(tweet) for thread in archive.threads for tweet in thread.tweets}
    assert TweetRow in kinds
    if change == "account renamed":
        assert "@Skyddsombudet" in archive_html(archive)


@pytest.mark.django_db
@pytest.mark.parametrize("rows, queries", [(False, 2), (True, 1)])
def test_the_tweets_are_read_in_constant_queries(rows, queries, django_assert_num_queries):
    employer, worker = make_accounts()
    every_kind_of_tweet(employer, worker)
    with django_assert_num_queries(queries):
        tweet_archive([employer, worker], MONDAY, SUNDAY, rows=rows)
    for day in range(20):
        make_media(make_tweet(worker, f"Tweet {day}", created_at=stockholm(2012, 9, 4, 8, day)))
    with django_assert_num_queries(queries):
        assert tweet_archive([employer, worker], MONDAY, SUNDAY, rows=rows).count == 25


@pytest.mark.django_db
def test_empty_columns_and_an_empty_archive_are_the_templates_markup():
    employer, worker = make_accounts()
    first = make_tweet(employer, "Fråga")
    make_reply(first, worker, "Svar")
    only_dialogues = tweet_archive([employer, worker], MONDAY, SUNDAY)
    same_html(archive_html(only_dialogues), rendered_archive(only_dialogues))
    nothing = tweet_archive([employer, worker], MONDAY + datetime.timedelta(weeks=1))
    same_html(archive_html(nothing), rendered_archive(nothing))
    timeline = tweet_archive([employer], MONDAY, MONDAY - datetime.timedelta(days=1))
    same_html(archive_html(timeline), rendered_archive(timeline))


@pytest.mark.django_db
@pytest.mark.parametrize("payload", ALL)
@pytest.mark.parametrize("rows", [False, True])
@pytest.mark.parametrize("platform", Platform.values)
def test_hostile_text_in_every_field_is_escaped_as_the_template_escapes_it(payload, rows, platform):
    employer, worker = make_accounts(platform)
    every_kind_of_tweet(employer, worker, nasty=payload)
    archive = tweet_archive([employer, worker], MONDAY, SUNDAY, include_retweets=True, rows=rows)
    made = archive_html(archive)
    same_html(
        made,
        rendered_archive(tweet_archive([employer, worker], MONDAY, SUNDAY, include_retweets=True)),
    )
    assert not injected_markup(made)


@pytest.mark.django_db
@pytest.mark.parametrize("show_context", [False, True])
@pytest.mark.parametrize("show_side", [False, True])
@pytest.mark.parametrize("platform", Platform.values)
def test_one_tweet_is_the_templates_markup(show_context, show_side, platform):
    employer, worker = make_accounts(platform)
    every_kind_of_tweet(employer, worker)
    for tweet in reloaded(Tweet.objects.all()):
        context = {"tweet": tweet, "show_context": show_context, "show_side": show_side}
        same_html(
            tweet_html(tweet, show_context=show_context, show_side=show_side),
            render_to_string("sochef_wagtail/includes/tweet.html", context),
        )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["tweet_archive.html", "tweet_thread.html", "tweet.html"])
def test_a_host_template_overriding_an_include_is_rendered(host_templates, name):
    employer, worker = make_accounts()
    first = make_tweet(employer, "Fråga <b>")
    make_reply(first, worker, "Svar")
    (host_templates / name).write_text("<p>HOST {{ tweet.text }}</p>")
    archive = tweet_archive([employer, worker], MONDAY, SUNDAY)
    assert "<p>HOST" in archive_html(archive)
    if name == "tweet.html":
        [tweet] = reloaded([first])
        template = engines["django"].from_string("{% load sochef_tweets %}{% sochef_tweet t %}")
        assert template.render({"t": tweet}) == "<p>HOST Fråga &lt;b&gt;</p>"


@pytest.mark.django_db
def test_the_search_results_tag_is_the_templates_markup():
    employer, worker = make_accounts()
    every_kind_of_tweet(employer, worker)
    template = engines["django"].from_string(
        "{% load sochef_tweets %}{% for t in tweets %}"
        "{% sochef_tweet t show_side=True show_context=True %}{% endfor %}"
    )
    included = engines["django"].from_string(
        "{% for tweet in tweets %}{% include 'sochef_wagtail/includes/tweet.html' "
        "with show_side=True show_context=True %}{% endfor %}"
    )
    tweets = reloaded(Tweet.objects.all())
    same_html(template.render({"tweets": tweets}), included.render({"tweets": tweets}))
