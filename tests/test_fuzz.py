"""Fuzzing with hypothesis: mutated archives, the normaliser and the tweet text renderer.

A mutated archive is either refused with the importer's own one-line error, leaving nothing
behind, or imported whole; the normaliser either refuses a tweet or returns one the database
takes; any text with any entities renders as HTML whose only tags are our links and line breaks.
The normal suite tries 100 examples of each; the ``slow`` variants try 2,000.
"""

import copy
import datetime
import html
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.archive.formats import ArchiveError
from sochef_wagtail.archive.importer import import_archive
from sochef_wagtail.archive.models import Tweet, TweetMedia
from sochef_wagtail.archive.normalize import InvalidTweet, TweetFormat, normalize_tweet
from sochef_wagtail.archive.rendering import entity_spans, tweet_text_html
from sochef_wagtail.archive.store import store_tweets
from sochef_wagtail.text import safe_url
from tests.archives import (
    PNG,
    START,
    api_tweet,
    archive_tweet,
    current_archive,
    entity_tweet,
    grailbird_archive,
    grailbird_tweet,
    photo,
    zip_bytes,
)

FAST = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LONG = settings(FAST, max_examples=2000)
MAX_INT = 2**31 - 1  # the largest count PostgreSQL's integer columns hold


# Valid archives to start from ---------------------------------------------------------------


def rich_tweets():
    """Tweets of a current archive with every kind of entity, a reply, a photo and a long post."""
    return [
        entity_tweet(1),
        archive_tweet(
            2,
            "Skyddsrond https://t.co/pic",
            START + datetime.timedelta(hours=1),
            extended_entities={"media": [photo(2, 72, "Ett larm")]},
        ),
        archive_tweet(
            3,
            "@ArbetsmiljoChef Håller med",
            START + datetime.timedelta(hours=2),
            in_reply_to_status_id_str="1",
            in_reply_to_screen_name="ArbetsmiljoChef",
        ),
        archive_tweet(4, "Långt inlägg " * 25 + "… https://t.co/n", START + datetime.timedelta(1)),
    ]


def note():
    return {
        "noteTweetId": "555",
        "createdAt": (START + datetime.timedelta(1)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "core": {"text": "Långt inlägg " * 40, "urls": [], "mentions": [], "hashtags": []},
    }


def current_members():
    return current_archive(rich_tweets(), notes=[note()], media={"2-72.png": PNG})


def grailbird_members():
    march = [grailbird_tweet(10, "Hej &amp; välkommen"), grailbird_tweet(11, "RT @x: hej")]
    april = [grailbird_tweet(12, "April", START + datetime.timedelta(days=30))]
    return grailbird_archive({"2013_03": march, "2013_04": april})


def json_members():
    """Each JSON member of a valid archive: {name: (variable, data)}, to mutate as data."""
    members = {}
    for name, content in {**current_members(), **grailbird_members()}.items():
        if isinstance(content, str) and " = " in content:
            variable, _, data = content.partition(" = ")
            members[name] = (variable, json.loads(data))
    return members


# Mutations ----------------------------------------------------------------------------------

odd_text = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),  # any code point, lone surrogates included
        st.sampled_from("\x00\u200b\u202e\u2028\ufeff\U0001f642\u0301<>&\"';\n\r\t"),
    ),
    max_size=30,
)
huge_numbers = st.one_of(
    st.integers(min_value=2**31, max_value=10**40),
    st.integers(max_value=-1, min_value=-(10**40)),
)
wrong_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    huge_numbers,
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=5)), max_size=2),
)
number_literals = st.sampled_from(
    ["1e400", "-1e400", "123456789012345678901234567890", "-0", "1.5e-400", "9" * 40, "0.0"]
)
prefixes = st.sampled_from(
    [
        "window.YTD.tweets.part0 =",
        "window.YTD.tweet.part0=",
        "window.YTD.tweets.part7 =",
        "window.YTD.like.part0 =",
        "Grailbird.data.tweets_2013_03 =",
        "var user_details =",
        "\ufeffwindow.YTD.tweets.part0 =",
        "window.YTD.tweets.part0 == ",
        "window.YTD.tweets.part0",
        "=",
        "",
        "alert(1); window.YTD.tweets.part0 =",
    ]
)
member_names = st.sampled_from(
    [
        "data/tweets.js",
        "data/tweet.js",
        "data/tweets-part1.js",
        "data/account.js",
        "data/note-tweet.js",
        "data/js/tweets/2013_03.js",
        "data/js/user_details.js",
        "data/tweets_media/2-72.png",
        "data/tweets_media/2-other.png",
        "data/tweet_media/2-72.png",
        "archive/data/tweets.js",
        "data/tweets.js/",
        "../data/tweets.js",
        "/data/tweets.js",
        "data\\tweets.js",
        "C:data/tweets.js",
        "data/\u202etweets.js",
    ]
)


def json_paths(value, path=()):
    """Every path of keys and indexes into ``value``, the value itself included."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths(item, (*path, index))


def replaced(data, path, value, delete=False):
    data = copy.deepcopy(data)
    if not path:
        return value
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


@st.composite
def mutated_json_member(draw, members):
    """A JSON member with one value replaced by another of any type, or removed."""
    name = draw(st.sampled_from(sorted(members)))
    variable, data = members[name]
    path = draw(st.sampled_from(list(json_paths(data))))
    delete = bool(path) and draw(st.booleans())
    data = replaced(data, path, draw(wrong_values), delete)
    ascii_only = draw(st.booleans())
    text = f"{variable} = {json.dumps(data, ensure_ascii=ascii_only)}"
    return name, text.encode("utf-8", "surrogatepass")


@st.composite
def mutated_text(draw, content):
    """The text of a member with a number, its wrapper, its end or some bytes changed."""
    kind = draw(st.sampled_from(["number", "prefix", "truncate", "append", "splice"]))
    if kind == "number":
        numbers = list(re.finditer(rb"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])", content))
        if numbers:
            match = draw(st.sampled_from(numbers))
            literal = draw(number_literals).encode()
            return content[: match.start()] + literal + content[match.end() :]
        return content
    if kind == "prefix":
        _, equals, rest = content.partition(b"=")
        return draw(prefixes).encode() + (b" " + rest if equals else content)
    if kind == "truncate":
        return content[: draw(st.integers(0, len(content)))]
    if kind == "append":
        return content + draw(st.sampled_from([b";", b";;", b"; alert(1)", b"]", b"\x00", b"\n"]))
    position = draw(st.integers(0, len(content)))
    junk = draw(st.binary(max_size=8))
    return content[:position] + junk + content[position + draw(st.integers(0, 8)) :]


@st.composite
def mutated_members(draw):
    """The members of a valid archive of either layout, changed in one to three ways."""
    members = {
        name: content.encode() if isinstance(content, str) else content
        for name, content in draw(st.sampled_from([current_members, grailbird_members]))().items()
    }
    parsed = {
        name: data for name, data in json_members().items() if name in members
    }  # the layout drawn
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["json"] * 4 + ["text"] * 2 + ["remove", "rename", "add"]))
        names = sorted(members)
        if kind == "json" and parsed:
            name, content = draw(mutated_json_member(parsed))
            members[name] = content
        elif kind == "text":
            name = draw(st.sampled_from(names))
            members[name] = draw(mutated_text(members[name]))
        elif kind == "remove" and len(names) > 1:
            del members[draw(st.sampled_from(names))]
        elif kind == "rename":
            name = draw(st.sampled_from(names))
            members[draw(member_names)] = members.pop(name)
        elif kind == "add":
            members[draw(member_names)] = draw(st.sampled_from([b"", PNG, b"[]", b"{}"]))
    return members


@st.composite
def mutated_zips(draw):
    """A ZIP of mutated members, sometimes stored uncompressed, sometimes with bytes changed."""
    members = draw(mutated_members())
    compression = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
    content = bytearray(zip_bytes(members, compression))
    flips = draw(st.integers(1, 3)) if draw(st.integers(0, 3)) == 0 else 0
    for _ in range(flips):
        position = draw(st.integers(0, len(content) - 1))
        content[position] ^= draw(st.integers(1, 255))
    if draw(st.integers(0, 9)) == 0:
        content = content[: draw(st.integers(0, len(content)))]
    return bytes(content)


# Archives: a clean error or a whole import --------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def stored_files(media_root):
    return sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )


def check_import(content, media_root):
    """Import ``content``: it is refused with one line and nothing written, or stored whole."""
    worker = RelayAccount.objects.get(handle="Skyddsombud")
    try:
        with transaction.atomic():
            try:
                result = import_archive(io.BytesIO(content), handle="Skyddsombud")
            except ArchiveError as error:
                message = str(error)
                assert message.strip() and message.isprintable(), repr(message)
                assert not Tweet.objects.exists()
                assert not TweetMedia.objects.exists()
                assert stored_files(media_root) == []
                assert RelayAccount.objects.get(pk=worker.pk).platform_id == worker.platform_id
            else:
                tweets = list(Tweet.objects.all())
                assert len(tweets) == result.imported
                assert len({tweet.tweet_id for tweet in tweets}) == len(tweets)
                assert {tweet.account_id for tweet in tweets} <= {worker.pk}
                for tweet in tweets:
                    check_entities(tweet.text, tweet.entities)
                media = TweetMedia.objects.exclude(file="").values_list("file", flat=True)
                assert stored_files(media_root) == sorted(media)
            transaction.set_rollback(True)
    finally:
        shutil.rmtree(media_root, ignore_errors=True)


def check_entities(text, entities):
    for items in entities.values():
        for entity in items:
            assert 0 <= entity["start"] < entity["end"] <= len(text), (text, entity)


@pytest.mark.django_db
@FAST
@given(content=mutated_zips())
def test_mutated_archive_is_refused_cleanly_or_imported_whole(accounts, media_root, content):
    check_import(content, media_root)


@pytest.mark.slow
@pytest.mark.django_db
@LONG
@given(content=mutated_zips())
def test_mutated_archive_is_refused_cleanly_or_imported_whole_long(accounts, media_root, content):
    check_import(content, media_root)


@pytest.mark.django_db
@FAST
@given(content=st.binary(max_size=2000))
def test_random_bytes_are_refused_cleanly(accounts, media_root, content):
    check_import(content, media_root)


# The normaliser -----------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), huge_numbers, st.floats(), odd_text),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
tweet_keys = st.sampled_from(
    [
        "id", "id_str", "text", "full_text", "created_at", "entities", "extended_entities",
        "in_reply_to_status_id_str", "in_reply_to_screen_name", "quoted_status_id_str", "lang",
        "favorite_count", "retweet_count", "retweeted_status", "note_tweet", "referenced_tweets",
        "attachments", "public_metrics", "in_reply_to_user_id",
    ]
)  # fmt: skip
valid_tweets = st.sampled_from(
    [
        (TweetFormat.ARCHIVE, rich_tweets()[0]),
        (TweetFormat.ARCHIVE, rich_tweets()[1]),
        (TweetFormat.GRAILBIRD, grailbird_tweet(10, "Hej &amp; #arbetsmiljo")),
        (
            TweetFormat.API,
            api_tweet(20, "Hej @x https://t.co/y", attachments={"media_keys": ["3"]}),
        ),
    ]
)


@st.composite
def mutated_tweets(draw):
    fmt, tweet = draw(valid_tweets)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(json_paths(tweet))[1:]))
        tweet = replaced(tweet, path, draw(json_values), delete=draw(st.booleans()))
    return fmt, tweet


@st.composite
def random_tweets(draw):
    fmt = draw(st.sampled_from(list(TweetFormat)))
    return fmt, draw(st.one_of(json_values, st.dictionaries(tweet_keys, json_values, max_size=8)))


def check_normalised(fmt, raw):
    """``raw`` is refused as an invalid tweet, or becomes rows the database takes."""
    try:
        row = normalize_tweet(raw, fmt, includes={"media": {"3": raw}, "users": {"7": raw}})
    except InvalidTweet as error:
        assert str(error).strip()
        return
    account = RelayAccount.objects.get(handle="Skyddsombud")
    with transaction.atomic():
        assert store_tweets(account, [row]).created == 1
        stored = Tweet.objects.get()
        stored.full_clean()
        for media in stored.media.all():
            media.full_clean(exclude=["original_url"])  # kept as X wrote it, never shown
        assert stored.text == row.text and stored.entities == row.entities
        check_entities(stored.text, stored.entities)
        tweet_text_html(stored.text, stored.entities)
        transaction.set_rollback(True)


@pytest.mark.django_db
@FAST
@given(tweet=st.one_of(mutated_tweets(), random_tweets()))
def test_normaliser_refuses_or_returns_a_storable_tweet(accounts, tweet):
    check_normalised(*tweet)


@pytest.mark.slow
@pytest.mark.django_db
@LONG
@given(tweet=st.one_of(mutated_tweets(), random_tweets()))
def test_normaliser_refuses_or_returns_a_storable_tweet_long(accounts, tweet):
    check_normalised(*tweet)


# The text renderer --------------------------------------------------------------------------

urls = st.one_of(
    st.sampled_from(
        [
            "https://www.nyarbetsmiljo.se/a?b=1&c=<2>",
            "http://example.com/\"onmouseover='x'",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:alert(1)",
            " https://example.com",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "//example.com",
            "https://",
            "https://t.co/abc",
        ]
    ),
    odd_text,
)
offsets = st.one_of(
    st.integers(-3, 80), st.integers(), st.booleans(), st.none(), st.text(max_size=3)
)


def entity(**fields):
    return st.fixed_dictionaries({"start": offsets, "end": offsets}, optional=fields)


entity_maps = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "urls": st.lists(
                entity(url=urls, expanded_url=urls, display_url=st.one_of(odd_text, json_values))
            ),
            "mentions": st.lists(entity(handle=st.one_of(odd_text, st.just("Skyddsombud")))),
            "hashtags": st.lists(entity(tag=st.one_of(odd_text, json_values))),
            "media": st.lists(entity(url=urls)),
        },
    ),
    json_values,
)

TEXT = r"""(?:[^<>&"']|&(?:amp|lt|gt|quot|#x27);)*"""
LINK = rf"""<a href="({TEXT})" rel="(?:nofollow )?noopener">(?:{TEXT}|<br>\n)*</a>"""
MARKUP = re.compile(rf"(?:{TEXT}|<br>\n|{LINK})*")


def check_rendered(text, entities):
    """Valid HTML whose only tags are line breaks and links to http(s) URLs."""
    markup = str(tweet_text_html(text, entities))
    assert MARKUP.fullmatch(markup), markup
    for href in re.findall(r'<a href="([^"]*)"', markup):
        assert safe_url(html.unescape(href)), href
    if not entity_spans(text, entities):
        shown = html.unescape(markup.replace("<br>\n", "\n"))
        assert shown == text.replace("\r\n", "\n")


@FAST
@given(text=st.one_of(odd_text, st.text(max_size=80)), entities=entity_maps)
def test_any_text_with_any_entities_renders_without_a_tag_of_its_own(text, entities):
    check_rendered(text, entities)


@pytest.mark.slow
@pytest.mark.db_independent  # rendering reads no row
@LONG
@given(text=st.one_of(odd_text, st.text(max_size=80)), entities=entity_maps)
def test_any_text_with_any_entities_renders_without_a_tag_of_its_own_long(text, entities):
    check_rendered(text, entities)


# What the fuzzing found, kept as plain examples ---------------------------------------------


def import_members(members):
    return import_archive(io.BytesIO(zip_bytes(members)), handle="Skyddsombud")


@pytest.mark.django_db
def test_nul_is_stored_as_a_replacement_character(accounts):
    """PostgreSQL refuses NUL in text and JSON columns; one character for one keeps offsets."""
    text = "Noll\x00 om #arbetsmiljo"
    tweet = archive_tweet(
        1, text, entities={"hashtags": [{"text": "arbetsmiljo", "indices": ["11", "23"]}]}
    )
    import_members(current_archive([tweet]))
    stored = Tweet.objects.get()
    assert stored.text == "Noll\ufffd om #arbetsmiljo"
    tag = stored.entities["hashtags"][0]
    assert stored.text[tag["start"] : tag["end"]] == "#arbetsmiljo"


def test_lone_surrogate_from_the_api_becomes_a_replacement_character():
    row = normalize_tweet(api_tweet(1, "Halv \ud83d emoji"), TweetFormat.API)
    assert row.text == "Halv \ufffd emoji"


@pytest.mark.django_db
def test_counts_beyond_the_integer_column_are_capped(accounts):
    import_members(current_archive([archive_tweet(1, favorite_count="9" * 30)]))
    assert Tweet.objects.get().like_count == MAX_INT


def test_infinite_count_from_the_api_refuses_the_tweet():
    tweet = api_tweet(1, public_metrics={"like_count": float("inf")})
    with pytest.raises(InvalidTweet, match="is not a number"):
        normalize_tweet(tweet, TweetFormat.API)


@pytest.mark.django_db
def test_values_of_the_wrong_type_are_read_as_absent(accounts):
    tweet = archive_tweet(
        1,
        entities={"user_mentions": [None, True], "hashtags": "#x", "urls": [{"url": 5}]},
        extended_entities={"media": [{"type": ["photo"], "media_url_https": 7}]},
        lang=["sv"],
        in_reply_to_screen_name=False,
    )
    import_members(current_archive([tweet]))
    stored = Tweet.objects.get()
    assert (stored.entities, stored.lang) == ({}, "")
    assert TweetMedia.objects.get().kind == "photo"


@pytest.mark.django_db
def test_refusal_shows_control_characters_as_escapes_on_one_line(accounts):
    members = current_archive([archive_tweet(1)])
    members["data/tweets.js"] = "evil\n\x1b[31m = []"
    with pytest.raises(ArchiveError) as raised:
        import_members(members)
    assert "evil\\n\\x1b[31m" in str(raised.value)
    assert str(raised.value).isprintable()


def test_superscript_digits_are_no_tweet_id():
    with pytest.raises(InvalidTweet):
        normalize_tweet(archive_tweet("²"), TweetFormat.ARCHIVE)
