"""What real X archives hold beyond plain tweets: long posts, community posts, edits, the
fields people expect kept, and an import that does not depend on the host's DEBUG."""

import datetime

import pytest
from django.db import connection, reset_queries
from django.utils import translation

from sochef_wagtail.archive.importer import import_archive
from sochef_wagtail.archive.models import Tweet, TweetMedia
from sochef_wagtail.archive.timeline import tweet_archive
from sochef_wagtail.statistics.figures import tweets_per_week
from tests.archives import (
    PNG,
    START,
    archive_tweet,
    current_archive,
    edit_info,
    note_tweet,
    photo,
    write_archive,
)

pytestmark = pytest.mark.django_db

FULL = (
    "Skyddsombudets mandat är större än många tror, och det gäller på varje arbetsplats. "
    "Ett skyddsombud får stoppa arbete som innebär omedelbar och allvarlig fara för liv eller "
    "hälsa, och arbetsgivaren måste då lyssna. Det står i arbetsmiljölagens sjätte kapitel, "
    "och det är värt att läsa hela kapitlet innan nästa skyddsrond. Slut."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def imported(tmp_path, accounts):
    """Import the archive of ``members`` and return its tweets, oldest first."""

    def run(members):
        import_archive(write_archive(tmp_path / "archive.zip", members))
        return list(Tweet.objects.order_by("created_at", "tweet_id"))

    return run


def cut(text, tail="https://t.co/cut"):
    """The first ~275 characters of a long post as tweets.js holds them: cut, "…", a link."""
    return f"{text[:260]}… {tail}"


def url_entity(short, expanded, start, end):
    return {
        "url": short,
        "expanded_url": expanded,
        "display_url": expanded.removeprefix("https://"),
        "indices": [str(start), str(end)],
    }


# Long posts (note-tweet.js) ------------------------------------------------------------------


def test_long_reply_gets_the_notes_text_though_the_tweet_starts_with_reply_handles(imported):
    handles = "@ArbetsmiljoChef @Chefsakuten "
    reply = archive_tweet(
        5,
        cut(handles + FULL),
        in_reply_to_status_id_str="4",
        in_reply_to_user_id_str="7",
        in_reply_to_screen_name="ArbetsmiljoChef",
        display_text_range=[str(len(handles)), "290"],
    )
    (tweet,) = imported(current_archive([reply], notes=[note_tweet(FULL)]))
    assert tweet.text == FULL
    assert (tweet.in_reply_to_tweet_id, tweet.in_reply_to_handle) == ("4", "ArbetsmiljoChef")
    assert tweet.in_reply_to_user_id == "7"


def test_long_post_with_a_link_in_its_first_hundred_characters_gets_the_notes_text(imported):
    # X shortens the note's link again: its t.co link is not the tweet's.
    article = "https://www.av.se/arbetsmiljoarbete-och-inspektioner/"
    text = f"Läs detta {'https://t.co/TWEET01'} först. {FULL}"
    note_text = f"Läs detta {'https://t.co/NOTE002'} först. {FULL}"
    tweet = archive_tweet(
        6,
        cut(text),
        entities={"urls": [url_entity("https://t.co/TWEET01", article, 10, 30)]},
    )
    note = note_tweet(
        note_text,
        urls=[
            {
                "shortUrl": "https://t.co/NOTE002",
                "expandedUrl": article,
                "displayUrl": "av.se/arbetsmiljoarbete…",
                "fromIndex": "10",
                "toIndex": "30",
            }
        ],
    )
    (stored,) = imported(current_archive([tweet], notes=[note]))
    assert stored.text == note_text
    (link,) = stored.entities["urls"]
    assert (stored.text[link["start"] : link["end"]], link["expanded_url"]) == (
        "https://t.co/NOTE002",
        article,
    )


def test_long_post_quoting_a_tweet_keeps_the_quote(imported):
    # The cut tweet ends with the link to the quoted tweet; the note's text does not have it.
    text = cut(FULL) + " https://t.co/QUOTE1"
    at = text.index("https://t.co/QUOTE1")
    quote = archive_tweet(
        7,
        text,
        entities={
            "urls": [
                url_entity(
                    "https://t.co/QUOTE1",
                    "https://twitter.com/ArbetsmiljoChef/status/1650000000000000000",
                    at,
                    at + 19,
                )
            ]
        },
    )
    (tweet,) = imported(current_archive([quote], notes=[note_tweet(FULL)]))
    assert tweet.text == FULL
    assert (tweet.is_quote, tweet.quoted_tweet_id) == (True, "1650000000000000000")


def test_a_note_of_another_second_or_text_is_not_taken(imported):
    other = note_tweet("Ett helt annat långt inlägg. " * 12)
    late = note_tweet(FULL, created_at=START + datetime.timedelta(minutes=1))
    (tweet,) = imported(current_archive([archive_tweet(8, cut(FULL))], notes=[other, late]))
    assert tweet.text == cut(FULL)


# Community posts -----------------------------------------------------------------------------


def test_community_posts_are_imported_with_their_media(imported):
    post = archive_tweet(
        9,
        "I gemenskapen: hur går era skyddsronder till? https://t.co/pic",
        created_at=START + datetime.timedelta(hours=1),
        community_id_str="1500000000000000000",
        extended_entities={"media": [photo(9, 99, alt="En skyddsrond")]},
    )
    tweets = imported(
        current_archive([archive_tweet(1)], community=[post], community_media={"9-99.png": PNG})
    )
    assert [tweet.tweet_id for tweet in tweets] == ["1", "9"]
    media = TweetMedia.objects.get()
    assert (media.tweet.tweet_id, media.alt_text) == ("9", "En skyddsrond")
    assert media.file.read() == PNG


def test_community_member_assigning_another_variable_is_refused(tmp_path, accounts):
    from sochef_wagtail.archive.formats import ArchiveError
    from tests.archives import js

    members = current_archive([archive_tweet(1)])
    members["data/community-tweet.js"] = js("window.YTD.like.part0", [])
    with pytest.raises(ArchiveError, match="window.YTD.community_tweet.partN"):
        import_archive(write_archive(tmp_path / "a.zip", members))
    assert not Tweet.objects.exists()


# Edited tweets -------------------------------------------------------------------------------


def edited_tweet_versions():
    """Three versions of one tweet, each its own object with ``edit_info``, minutes apart."""
    versions = ["1650000000000000001", "1650000000000000002", "1650000000000000003"]
    return [
        archive_tweet(
            version,
            f"Skyddsronden är på torsdag{'!' * n}",
            START + datetime.timedelta(minutes=n),
            edit_info=edit_info(version, versions),
        )
        for n, version in enumerate(versions)
    ]


def test_edited_tweet_is_shown_once_as_its_latest_version(imported, accounts):
    tweets = imported(current_archive([*edited_tweet_versions(), archive_tweet(4)]))
    latest = "1650000000000000003"
    assert {tweet.tweet_id: (tweet.latest_version_id, tweet.edited) for tweet in tweets} == {
        "4": ("", False),
        "1650000000000000001": (latest, False),
        "1650000000000000002": (latest, False),
        latest: ("", True),
    }
    day = START.date()
    shown = tweet_archive(accounts=[accounts[1]], first_day=day, last_day=day)
    assert sorted(t.tweet_id for th in shown.threads for t in th.tweets) == [latest, "4"]


def test_edited_tweet_is_counted_once_in_statistics(imported):
    imported(current_archive(edited_tweet_versions()))
    assert sum(sum(sides.values()) for sides in tweets_per_week().values()) == 1


def test_a_tweet_never_edited_is_no_edit(imported):
    one = archive_tweet(3, edit_info=edit_info(3, ["3"]))
    (tweet,) = imported(current_archive([one]))
    assert (tweet.latest_version_id, tweet.edited) == ("", False)


# Fields people expect kept -------------------------------------------------------------------


def test_client_reply_user_cashtags_sensitivity_and_place_are_kept(imported):
    text = "Köper $VOLV och @ArbetsmiljoChef svarar"
    tweet = archive_tweet(
        10,
        text,
        source='<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
        in_reply_to_status_id_str="9",
        in_reply_to_user_id_str="7",
        in_reply_to_screen_name="ArbetsmiljoChef",
        possibly_sensitive=True,
        place={"id": "2c0a5b7d6b6c3f7d", "full_name": "Stockholm, Sverige", "country": "Sverige"},
        entities={
            "symbols": [{"text": "VOLV", "indices": ["6", "11"]}],
            "user_mentions": [{"screen_name": "ArbetsmiljoChef", "indices": ["16", "32"]}],
        },
    )
    (stored,) = imported(current_archive([tweet]))
    assert stored.client == "Twitter for iPhone"
    assert stored.in_reply_to_user_id == "7"
    assert stored.possibly_sensitive is True
    assert stored.place_name == "Stockholm, Sverige"
    (cashtag,) = stored.entities["cashtags"]
    assert (stored.text[cashtag["start"] : cashtag["end"]], cashtag["tag"]) == ("$VOLV", "VOLV")


def test_a_tweet_without_these_fields_keeps_their_defaults(imported):
    tweet = archive_tweet(11, possibly_sensitive="maybe", place="Stockholm")
    del tweet["source"]
    (stored,) = imported(current_archive([tweet]))
    assert (stored.client, stored.possibly_sensitive, stored.place_name) == ("", False, "")


# Memory: the query log -----------------------------------------------------------------------


def test_import_with_debug_on_keeps_no_statement_in_the_query_log(tmp_path, accounts, settings):
    settings.DEBUG = True
    tweets = [
        archive_tweet(n, created_at=START + datetime.timedelta(minutes=n)) for n in range(1, 1201)
    ]
    path = write_archive(tmp_path / "a.zip", current_archive(tweets))
    reset_queries()
    import_archive(path)
    import_archive(path)
    assert Tweet.objects.count() == 1200
    assert len(connection.queries) == 1  # the count above
