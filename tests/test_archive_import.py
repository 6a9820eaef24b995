"""sochef_import_archive: both layouts of X's archive ZIP, imported safely and idempotently."""

import datetime
import gc
import io
import threading
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections
from django.utils import translation
from wagtail.search.backends import get_search_backend

from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.archive import formats, importer, store
from sochef_wagtail.archive.models import ImportedMember, Tweet, TweetMedia, TweetSource
from sochef_wagtail.archive.store import pk_ranges
from sochef_wagtail.archive.tasks import index_tweets
from sochef_wagtail.choices import Platform, Side
from sochef_wagtail.management.commands.sochef_import_archive import Command
from tests.archives import (
    PNG,
    START,
    account_member,
    archive_tweet,
    current_archive,
    entity_tweet,
    grailbird_archive,
    grailbird_tweet,
    js,
    photo,
    write_archive,
    zip_bytes,
)
from tests.factories import make_tweets, stockholm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages in English here; the site's language is Swedish."""
    with translation.override("en"):
        yield


def run_import(path, *args):
    out = io.StringIO()
    call_command("sochef_import_archive", str(path), *args, stdout=out)
    return out.getvalue()


def import_error(path, *args):
    with pytest.raises(CommandError) as raised:
        run_import(path, *args)
    return str(raised.value)


@pytest.fixture
def archive_path(tmp_path):
    def write(members, name="archive.zip"):
        return write_archive(tmp_path / name, members)

    return write


# Both layouts -------------------------------------------------------------------------------


def test_current_layout_imports_tweets_into_the_archives_account(accounts, archive_path):
    path = archive_path(current_archive([archive_tweet(1001), archive_tweet(1002)]))
    run_import(path)
    worker = accounts[1]
    assert list(worker.tweets.values_list("tweet_id", flat=True)) == ["1001", "1002"]
    tweet = worker.tweets.first()
    assert tweet.text == "Hej från skyddsombudet"
    assert tweet.created_at == START
    assert (tweet.like_count, tweet.retweet_count, tweet.lang) == (3, 1, "sv")
    assert tweet.source == TweetSource.ARCHIVE


def test_older_tweet_js_member_imports(accounts, archive_path):
    members = account_member("Skyddsombud")
    members["data/tweet.js"] = js("window.YTD.tweet.part0", [{"tweet": archive_tweet(7)}])
    run_import(archive_path(members))
    assert Tweet.objects.get().tweet_id == "7"


def test_tweets_split_in_parts_all_import(accounts, archive_path):
    members = current_archive([archive_tweet(1)])
    members["data/tweets-part1.js"] = js("window.YTD.tweets.part1", [{"tweet": archive_tweet(2)}])
    run_import(archive_path(members))
    assert Tweet.objects.count() == 2


def test_grailbird_layout_imports(accounts, archive_path):
    march = [grailbird_tweet(2001, "Första", START)]
    april = [grailbird_tweet(2002, "Andra", START + datetime.timedelta(days=30))]
    run_import(archive_path(grailbird_archive({"2013_03": march, "2013_04": april})))
    tweets = list(accounts[1].tweets.all())
    assert [(t.tweet_id, t.text, t.created_at) for t in tweets] == [
        ("2001", "Första", START),
        ("2002", "Andra", START + datetime.timedelta(days=30)),
    ]


def test_archive_in_a_folder_of_its_own_imports(accounts, archive_path):
    members = {f"twitter-2024/{name}": c for name, c in current_archive([archive_tweet(5)]).items()}
    run_import(archive_path(members))
    assert Tweet.objects.get().tweet_id == "5"


# Text and entities --------------------------------------------------------------------------


def test_html_entities_are_unescaped_exactly_once(accounts, archive_path):
    text = "Chef &amp; skyddsombud: 3 &lt; 5 &gt; 2, och &amp;lt; blir &lt;"
    run_import(archive_path(current_archive([archive_tweet(1, text)])))
    assert Tweet.objects.get().text == "Chef & skyddsombud: 3 < 5 > 2, och &lt; blir <"


def test_entities_get_offsets_into_the_unescaped_text(accounts, archive_path):
    tweet = entity_tweet()
    run_import(archive_path(current_archive([tweet])))
    stored = Tweet.objects.get()
    entities = stored.entities
    mention, tag, url = entities["mentions"][0], entities["hashtags"][0], entities["urls"][0]
    assert stored.text[mention["start"] : mention["end"]] == "@ArbetsmiljoChef"
    assert mention["handle"] == "ArbetsmiljoChef"
    assert stored.text[tag["start"] : tag["end"]] == "#arbetsmiljo"
    assert stored.text[url["start"] : url["end"]] == "https://t.co/abc"
    assert url["expanded_url"] == "https://www.nyarbetsmiljo.se/a"
    assert url["display_url"] == "nyarbetsmiljo.se/a"


def test_long_post_gets_its_full_text_from_note_tweet_js(accounts, archive_path):
    full = "Långt inlägg om skyddsombudens mandat. " * 12 + "Slut."
    cut = full[:270] + "… https://t.co/note"
    note = {
        "noteTweetId": "555",
        "createdAt": START.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "core": {"text": full, "urls": [], "mentions": [], "hashtags": []},
    }
    run_import(archive_path(current_archive([archive_tweet(9, cut)], notes=[note])))
    assert Tweet.objects.get().text == full


def test_reply_fields_are_kept(accounts, archive_path):
    reply = archive_tweet(
        2,
        "@ArbetsmiljoChef Håller med",
        in_reply_to_status_id_str="1",
        in_reply_to_screen_name="ArbetsmiljoChef",
    )
    run_import(archive_path(current_archive([reply])))
    tweet = Tweet.objects.get()
    assert (tweet.in_reply_to_tweet_id, tweet.in_reply_to_handle) == ("1", "ArbetsmiljoChef")


def test_retweets_and_quotes_are_flagged(accounts, archive_path):
    retweet = archive_tweet(1, "RT @ArbetsmiljoChef: Viktigt om skyddsronder")
    quote = archive_tweet(
        2,
        "Läs detta https://t.co/q",
        entities={
            "urls": [
                {
                    "url": "https://t.co/q",
                    "expanded_url": "https://twitter.com/ArbetsmiljoChef/status/123",
                    "display_url": "twitter.com/ArbetsmiljoChef/status/123",
                    "indices": ["10", "24"],
                }
            ]
        },
    )
    run_import(archive_path(current_archive([retweet, quote])))
    rt, qt = Tweet.objects.order_by("tweet_id")
    assert (rt.is_retweet, rt.is_quote) == (True, False)
    assert (qt.is_retweet, qt.is_quote, qt.quoted_tweet_id) == (False, True, "123")


def test_media_are_stored_with_their_alt_text(accounts, archive_path):
    tweet = archive_tweet(
        3, "Skyddsrond https://t.co/pic", extended_entities={"media": [photo(3, 77, "Ett larm")]}
    )
    out = run_import(archive_path(current_archive([tweet], media={"3-77.png": PNG})))
    media = TweetMedia.objects.get()
    assert (media.tweet.tweet_id, media.kind, media.alt_text) == ("3", "photo", "Ett larm")
    assert media.file.read() == PNG
    assert media.original_url == "https://pbs.twimg.com/media/77.png"
    assert "media 1" in out


def test_media_missing_from_the_archive_keeps_its_row_without_a_file(accounts, archive_path):
    tweet = archive_tweet(3, "Bild https://t.co/pic", extended_entities={"media": [photo(3, 77)]})
    run_import(archive_path(current_archive([tweet])))
    assert TweetMedia.objects.get().file.name == ""


# Account ------------------------------------------------------------------------------------


def test_account_option_must_match_the_archive(accounts, archive_path):
    message = import_error(
        archive_path(current_archive([archive_tweet(1)])), "--account", "ArbetsmiljoChef"
    )
    assert message == "This archive belongs to @Skyddsombud, not to @ArbetsmiljoChef."
    assert not Tweet.objects.exists()


def test_unknown_account_is_named_with_the_known_handles(accounts, archive_path):
    message = import_error(archive_path(current_archive([archive_tweet(1)], handle="Okand")))
    assert "@Okand" in message
    assert "@ArbetsmiljoChef" in message and "@Skyddsombud" in message
    assert "\n" not in message


def test_archive_without_its_account_needs_the_option(accounts, archive_path):
    path = archive_path(current_archive([archive_tweet(1)], handle=None))
    assert "@Skyddsombud" in import_error(path)
    run_import(path, "--account", "@skyddsombud")
    assert Tweet.objects.get().account == accounts[1]


def test_an_x_archive_is_refused_for_an_account_on_another_platform(accounts, archive_path):
    RelayAccount.objects.create(
        platform=Platform.MASTODON,
        handle="sochef@mastodon.social",
        display_name="SOchef",
        side=Side.WORKER,
    )
    path = archive_path(current_archive([archive_tweet(1)], handle=None))
    message = import_error(path, "--account", "@sochef@mastodon.social")
    assert message == "This is an archive of X, and @sochef@mastodon.social is a Mastodon account."
    assert not Tweet.objects.exists() and not ImportedMember.objects.exists()


def test_archive_gives_the_account_its_platform_id(accounts, archive_path):
    run_import(archive_path(current_archive([archive_tweet(1)])))
    accounts[1].refresh_from_db()
    assert accounts[1].platform_id == "42"


# Dry run, idempotency, summary --------------------------------------------------------------


def test_dry_run_writes_nothing_and_says_what_it_would_do(accounts, archive_path):
    out = run_import(
        archive_path(current_archive([archive_tweet(1), archive_tweet(2)])), "--dry-run"
    )
    assert not Tweet.objects.exists()
    assert "would import 2" in out


def test_second_import_adds_nothing(accounts, archive_path):
    path = archive_path(current_archive([archive_tweet(1), archive_tweet(2)]))
    run_import(path)
    out = run_import(path)
    assert Tweet.objects.count() == 2
    assert "Imported 0, already present 2" in out


def test_second_import_counts_an_unchanged_member_present_without_parsing_it(
    accounts, archive_path, monkeypatch
):
    path = archive_path(current_archive([archive_tweet(1), archive_tweet(2)]))
    first = run_import(path)

    parsed = []
    real_entries = formats._JsEntries

    def entries(stream, member, *args):
        parsed.append(member)
        return real_entries(stream, member, *args)

    monkeypatch.setattr(formats, "_JsEntries", entries)
    again = run_import(path)
    assert parsed == ["data/account.js"]
    assert Tweet.objects.count() == 2
    assert again.splitlines()[-1] == first.splitlines()[-1].replace(
        "Imported 2, already present 0", "Imported 0, already present 2"
    )


def test_import_of_a_changed_archive_stores_exactly_its_new_tweets(accounts, archive_path):
    run_import(archive_path(current_archive([archive_tweet(1), archive_tweet(2)])))
    changed = current_archive([archive_tweet(n) for n in (1, 2, 3, 4)])
    out = run_import(archive_path(changed, "changed.zip"))
    assert "Imported 2, already present 2" in out
    assert sorted(Tweet.objects.values_list("tweet_id", flat=True)) == ["1", "2", "3", "4"]
    assert "Imported 0, already present 4" in run_import(archive_path(changed, "again.zip"))


def test_a_deleted_tweet_is_stored_again_by_importing_its_archive_again(accounts, archive_path):
    path = archive_path(current_archive([archive_tweet(1), archive_tweet(2)]))
    run_import(path)
    Tweet.objects.get(tweet_id="2").delete()
    assert "Imported 1, already present 1" in run_import(path)
    assert Tweet.objects.count() == 2


def test_a_dry_run_and_a_refused_archive_record_no_member(accounts, archive_path):
    run_import(archive_path(current_archive([archive_tweet(1)])), "--dry-run")
    broken = current_archive([archive_tweet(2)])
    broken["data/tweets-part1.js"] = b"window.YTD.tweets.part1 = [{"
    import_error(archive_path(broken, "broken.zip"))
    assert not ImportedMember.objects.exists() and not Tweet.objects.exists()


def test_tweet_twice_in_the_archive_is_stored_once(accounts, archive_path):
    run_import(
        archive_path(current_archive([archive_tweet(1), archive_tweet(1), archive_tweet(2)]))
    )
    assert Tweet.objects.count() == 2


def test_summary_names_counts_account_and_dates(accounts, archive_path):
    late = START + datetime.timedelta(days=400)
    tweets = [archive_tweet(1, created_at=START), archive_tweet(2, created_at=late)]
    out = run_import(archive_path(current_archive(tweets)), "--verbosity", "0")
    assert out == ""
    out = run_import(archive_path(current_archive(tweets + [archive_tweet(3)]), "b.zip"))
    assert out.splitlines()[-1] == (
        "Imported 1, already present 2, media 0, for @Skyddsombud, 2013-03-04 – 2014-04-08."
    )


def test_progress_is_plain_lines_when_not_on_a_terminal(accounts, archive_path):
    out = run_import(archive_path(current_archive([archive_tweet(1)])))
    lines = out.splitlines()
    assert "Reading the archive: 100 %" in lines
    assert not any("\r" in line for line in lines)


def test_progress_is_a_bar_on_a_terminal(accounts, archive_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command(
        "sochef_import_archive", str(archive_path(current_archive([archive_tweet(1)]))), stdout=out
    )
    assert "\rReading the archive: [" + "#" * 30 + "] 100 %" in out.getvalue()


# Bad input: one line, an exit code, nothing written ----------------------------------------


@pytest.fixture
def assert_refused(capsys, monkeypatch):
    """Run the command on ``path`` as manage.py does, and check that it is refused: exit status
    1, one line on stderr with each of ``words``, nothing written."""
    # run_from_argv closes the database connections when done: keep the test's open.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def check(path, *words):
        with pytest.raises(SystemExit) as exited:
            Command().run_from_argv(["manage.py", "sochef_import_archive", str(path)])
        assert exited.value.code == 1
        line = capsys.readouterr().err.strip()
        assert "\n" not in line and "Traceback" not in line
        for word in words:
            assert word in line
        assert not Tweet.objects.exists()
        assert not TweetMedia.objects.exists()
        return line

    return check


def test_not_a_zip_is_refused(accounts, tmp_path, assert_refused):
    path = tmp_path / "archive.zip"
    path.write_text("hej")
    assert_refused(path, "neither an archive ZIP (of X or Mastodon) nor a Bluesky repository")


def test_zip_of_an_unknown_version_is_refused(accounts, tmp_path, assert_refused):
    # Found by hypothesis: a central directory entry claiming ZIP version 8.4.
    data = bytearray(zip_bytes({"data/tweets.js": js("window.YTD.tweets.part0", [])}))
    central = data.index(b"PK\x01\x02")
    data[central + 6] = 84  # "version needed to extract"
    path = tmp_path / "archive.zip"
    path.write_bytes(bytes(data))
    assert_refused(path, "not a ZIP")


def test_truncated_json_is_refused(accounts, archive_path, assert_refused):
    members = current_archive([archive_tweet(1), archive_tweet(2)])
    members["data/tweets.js"] = members["data/tweets.js"][:-40]
    assert_refused(archive_path(members), "data/tweets.js", "ends too early")


def test_invalid_json_is_refused(accounts, archive_path, assert_refused):
    members = current_archive([archive_tweet(1)])
    members["data/tweets.js"] = "window.YTD.tweets.part0 = [{tweet: 1}]"
    assert_refused(archive_path(members), "data/tweets.js", "invalid JSON")


def test_broken_second_member_writes_nothing_of_the_first(accounts, archive_path, assert_refused):
    members = current_archive([archive_tweet(1)])
    members["data/tweets-part1.js"] = "window.YTD.tweets.part1 = [{"
    assert_refused(archive_path(members), "data/tweets-part1.js")


def test_wrong_variable_prefix_is_refused(accounts, archive_path, assert_refused):
    members = current_archive([])
    members["data/tweets.js"] = js("window.YTD.like.part0", [{"tweet": archive_tweet(1)}])
    assert_refused(
        archive_path(members),
        "data/tweets.js",
        "window.YTD.tweets.partN",
        "like",
    )


def test_missing_required_field_is_refused(accounts, archive_path, assert_refused):
    tweet = archive_tweet(1)
    del tweet["created_at"]
    members = current_archive([archive_tweet(2), tweet])
    assert_refused(archive_path(members), "data/tweets.js", "tweet number 2", "created_at")


def test_media_name_leading_out_of_its_folder_is_refused(accounts, archive_path, assert_refused):
    members = current_archive([archive_tweet(1)], media={"../../../etc/1-x.png": PNG})
    assert_refused(archive_path(members), "etc/1-x.png", "out of its folder")


def test_oversized_member_is_refused(accounts, archive_path, assert_refused, settings):
    settings.SOCHEF_ARCHIVE_MAX_MEMBER_SIZE = 10_000
    members = current_archive([archive_tweet(n) for n in range(1, 60)])
    assert_refused(archive_path(members), "data/tweets.js", "limit of 10000")


def test_zip_bomb_ratio_is_refused(accounts, archive_path, assert_refused):
    members = current_archive([archive_tweet(1)], media={"1-bomb.png": b"\0" * 5_000_000})
    assert_refused(archive_path(members), "1-bomb.png", "zip bomb")


def test_no_tweets_member_is_refused(accounts, archive_path, assert_refused):
    assert_refused(archive_path(account_member()), "data/tweets.js")


def test_missing_file_is_refused(accounts, tmp_path, assert_refused):
    assert_refused(tmp_path / "nowhere.zip", "nowhere.zip")


def test_corrupt_member_data_is_refused(accounts, tmp_path, assert_refused):
    content = zip_bytes(current_archive([archive_tweet(1)]), compression=zipfile.ZIP_STORED)
    broken = content.replace(b'"full_text"', b'"full_texT"')  # the CRC no longer matches
    path = tmp_path / "crc.zip"
    path.write_bytes(broken)
    assert_refused(path, "data/tweets.js")


def test_imported_tweets_are_indexed_for_search_by_a_task_after_commit(
    accounts, archive_path, django_capture_on_commit_callbacks
):
    archive = archive_path(current_archive([archive_tweet(1, "Skyddsronden på lagret")]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_import(archive)
    # Not before the import has committed: indexing in it would double its time. (PostgreSQL
    # needs no indexing: the tweets' own column follows every write, see search_postgres.py.)
    before = list(get_search_backend().search("skyddsronden", Tweet))
    assert len(before) == (1 if connection.vendor == "postgresql" else 0)
    for callback in callbacks:
        callback()  # the tests' django-q2 runs the queued task at once (sync)
    found = get_search_backend().search("skyddsronden", Tweet)
    assert [tweet.tweet_id for tweet in found] == ["1"]


def test_the_indexing_task_indexes_every_tweet_of_its_ranges(accounts):
    employer, _worker = accounts
    tweets = make_tweets(employer, 7, stockholm(2013, 3, 4, 9))  # bulk_create: not indexed
    backend = get_search_backend()
    # PostgreSQL finds them all at once: the tweets' own column follows every write.
    on_postgresql = connection.vendor == "postgresql"
    assert backend.search("nummer", Tweet).count() == (7 if on_postgresql else 0)
    pks = sorted(tweet.pk for tweet in tweets)
    ranges = pk_ranges(pks[:3] + pks[4:])
    assert ranges == [(pks[0], pks[2]), (pks[4], pks[6])]
    assert index_tweets(ranges) == "6 tweets indexed for search"
    found = {tweet.pk for tweet in backend.search("nummer", Tweet)}
    assert found == set(pks) - (set() if on_postgresql else {pks[3]})


def test_trailing_semicolon_and_byte_order_mark_are_tolerated(accounts, archive_path):
    members = current_archive([])
    members["data/tweets.js"] = (
        "\ufeff" + js("window.YTD.tweets.part0", [{"tweet": archive_tweet(1)}]) + ";\n"
    )
    run_import(archive_path(members))
    assert Tweet.objects.get().tweet_id == "1"


def test_grailbird_retweet_is_flagged(accounts, archive_path):
    retweet = grailbird_tweet(
        3, "RT @ArbetsmiljoChef: Viktigt", retweeted_status=grailbird_tweet(2, "Viktigt")
    )
    run_import(archive_path(grailbird_archive({"2013_03": [retweet]})))
    assert Tweet.objects.get().is_retweet


def test_unreadable_media_file_refuses_the_archive_and_leaves_no_file(
    accounts, tmp_path, settings, assert_refused
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    tweets = [
        archive_tweet(n, "Bild https://t.co/pic", extended_entities={"media": [photo(n, 70 + n)]})
        for n in (1, 2)
    ]
    media = {"1-71.png": PNG, "2-72.png": PNG.replace(b"IHDR", b"IHDX")}
    content = zip_bytes(current_archive(tweets, media=media), compression=zipfile.ZIP_STORED)
    # The second picture's bytes no longer match its CRC: found only when it is copied.
    path = tmp_path / "media.zip"
    path.write_bytes(content.replace(b"IHDX", b"IHDR"))
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() == "data/tweets_media/2-72.png"
    assert_refused(path, "data/tweets_media/2-72.png")
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
    # Its tweets member was read whole, but is not recorded: nothing was stored.
    assert not ImportedMember.objects.exists() and not Tweet.objects.exists()


def test_a_broker_that_cannot_queue_the_indexing_leaves_the_import_done(
    accounts, archive_path, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("the broker does not answer")

    monkeypatch.setattr("sochef_wagtail.archive.store.async_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(archive_path(current_archive([archive_tweet(1), archive_tweet(2)])))
    assert Tweet.objects.count() == 2
    assert "Could not queue the search indexing of 2 new tweets" in caplog.text


# Stored while read: the writer thread ------------------------------------------------------


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of two tweets: a few tweets make several batches, stored while others are read."""
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)


def writer_threads():
    return [thread for thread in threading.enumerate() if thread.name == "sochef-archive-writer"]


def test_a_database_error_while_storing_rolls_back_every_batch_and_ends_the_writer(
    accounts, archive_path, small_batches, monkeypatch
):
    real_insert = store.TweetWriter.insert
    inserts = []

    def fails_the_third_time(self, rows):
        inserts.append(rows)
        if len(inserts) == 3:
            raise DatabaseError("disk full")
        return real_insert(self, rows)

    monkeypatch.setattr(store.TweetWriter, "insert", fails_the_third_time)
    path = archive_path(current_archive([archive_tweet(n) for n in range(1, 9)]))
    with pytest.raises(DatabaseError, match="disk full"):
        run_import(path)
    assert len(inserts) == 3  # the batches after it were not tried
    assert not Tweet.objects.exists() and not ImportedMember.objects.exists()
    assert writer_threads() == []


def test_a_broken_tweet_after_stored_batches_writes_nothing_and_ends_the_writer(
    accounts, archive_path, small_batches, assert_refused
):
    broken = archive_tweet(7)
    del broken["created_at"]
    tweets = [archive_tweet(n) for n in range(1, 7)] + [broken]
    assert_refused(archive_path(current_archive(tweets)), "tweet number 7", "created_at")
    assert not ImportedMember.objects.exists()
    assert writer_threads() == []


def test_copies_of_a_tweet_in_later_batches_are_stored_once_and_counted_once(
    accounts, archive_path, small_batches
):
    # Batches [1, 2], [3, 1], [4, 1]: the writer checks each batch before it stores the one
    # before, so the second copy is found by the storing, the third by the check.
    path = archive_path(current_archive([archive_tweet(n) for n in (1, 2, 3, 1, 4, 1)]))
    out = run_import(path, "--dry-run")
    assert "would import 4, already present 0" in out
    assert not Tweet.objects.exists()
    assert "Imported 4, already present 0" in run_import(path)
    assert sorted(Tweet.objects.values_list("tweet_id", flat=True)) == ["1", "2", "3", "4"]
    assert ImportedMember.objects.get().tweets == 4
    assert writer_threads() == []


def test_a_dry_run_stores_no_media_file(accounts, tmp_path, settings, archive_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    tweet = archive_tweet(1, "Bild https://t.co/pic", extended_entities={"media": [photo(1, 71)]})
    out = run_import(archive_path(current_archive([tweet], media={"1-71.png": PNG})), "--dry-run")
    assert "would import 1, already present 0, media 1" in out
    assert not TweetMedia.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_the_garbage_collector_is_left_as_it_was_after_an_import_and_a_refused_one(
    accounts, archive_path
):
    before = (gc.get_threshold(), gc.get_freeze_count())
    run_import(archive_path(current_archive([archive_tweet(1)])))
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
    broken = current_archive([archive_tweet(2)])
    broken["data/tweets-part1.js"] = b"window.YTD.tweets.part1 = [{"
    import_error(archive_path(broken, "broken.zip"))
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
