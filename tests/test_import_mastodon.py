"""Mastodon's archive ("Request your archive") imported through sochef_import_archive, the
importer and the admin: the account's public posts, exactly, idempotently and safely."""

import datetime
import io
import json
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse
from django.utils import translation

from sochef_wagtail.archive import mastodon_archive
from sochef_wagtail.archive.formats import ArchiveError
from sochef_wagtail.archive.html import tweet_html
from sochef_wagtail.archive.importer import READING, import_archive
from sochef_wagtail.archive.mastodon_archive import MastodonArchive
from sochef_wagtail.archive.models import (
    ArchiveImport,
    ArchiveImportStatus,
    ImportedMember,
    MediaKind,
    Tweet,
    TweetMedia,
    TweetSource,
)
from sochef_wagtail.archive.opening import is_mastodon_export, open_archive
from sochef_wagtail.choices import Platform
from sochef_wagtail.management.commands.sochef_import_archive import Command
from tests.archives import PNG, archive_tweet, current_archive, write_archive
from tests.factories import make_accounts
from tests.mastodon_archives import (
    MP4,
    START,
    actor,
    announce,
    attachment,
    create,
    hashtag_html,
    hashtag_tag,
    mastodon_members,
    mastodon_zip,
    media_path,
    mention_html,
    mention_tag,
    note,
    note_uri,
    outbox,
    post,
    write_large_outbox,
)
from tests.test_archive_admin import make_editor
from tests.xss_corpus import ALL, injected_markup

pytestmark = pytest.mark.django_db

WORKER = "skyddsombud@mastodon.social"
LINK = "https://www.av.se/skyddsombud/"
LINK_HTML = (
    f'<a href="{LINK}" target="_blank" rel="nofollow noopener" translate="no">'
    '<span class="invisible">https://www.</span><span class="">av.se/skyddsombud/</span>'
    '<span class="invisible"></span></a>'
)


@pytest.fixture(autouse=True)
def english():
    """Messages in English here; the site's language is Swedish."""
    with translation.override("en"):
        yield


@pytest.fixture
def relay(db):
    """The seed's Mastodon relay accounts: (employer, worker @skyddsombud@mastodon.social)."""
    return make_accounts(Platform.MASTODON)


@pytest.fixture
def archive_path(tmp_path):
    def write(activities, name="archive.zip", **options):
        return write_archive(tmp_path / name, mastodon_members(activities, **options))

    return write


def run_import(path, *args):
    out = io.StringIO()
    call_command("sochef_import_archive", str(path), *args, stdout=out)
    return out.getvalue()


def summary(path, *args):
    return run_import(path, *args).splitlines()[-1]


def import_error(path, *args):
    with pytest.raises(CommandError) as raised:
        run_import(path, *args)
    return str(raised.value)


def written(tweet, kind):
    """The pieces of the text that the entities of ``kind`` cover."""
    return [tweet.text[e["start"] : e["end"]] for e in tweet.entities.get(kind, [])]


def rendered(tweet):
    [tweet] = Tweet.objects.filter(pk=tweet.pk).select_related("account").prefetch_related("media")
    return tweet_html(tweet)


def only_tweet():
    return Tweet.objects.select_related("account").get()


# Recognising the archive ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["outbox.json", "actor.json", "media_attachments/files/1/original/a.png"], True),
        (["archive-20241118/outbox.json", "archive-20241118/actor.json"], True),
        (["actor.json"], True),  # refused on opening: its posts are missing
        (["a/b/outbox.json"], False),
        (["data/tweets.js", "data/account.js"], False),
        (["outbox.json.txt", "myoutbox.json"], False),
    ],
)
def test_a_mastodon_archive_is_told_by_its_outbox_or_actor(names, expected):
    assert is_mastodon_export(names) is expected


def test_the_archive_opened_is_a_mastodon_archive_of_its_account(tmp_path):
    path = write_archive(tmp_path / "a.zip", mastodon_members([post(1)]))
    with open_archive(path) as archive:
        assert isinstance(archive, MastodonArchive)
        assert archive.platform == Platform.MASTODON
        assert (archive.account().handle, archive.account().user_id) == (WORKER, "")
        assert archive.tweet_members == ["outbox.json"]
        with zipfile.ZipFile(path) as plain:
            assert archive.tweets_size == plain.getinfo("outbox.json").file_size


# Posts -----------------------------------------------------------------------------------------


def test_public_posts_are_stored_with_their_text_and_entities(relay, archive_path):
    content = (
        f"<p>Skyddsrond i dag 🦺 åäö med {mention_html('arbetsmiljochef')} och "
        f"{mention_html('bo', 'fedi.example')}!</p>"
        f"<p>{hashtag_html('arbetsmiljo')} Läs mer: {LINK_HTML}</p>"
    )
    tags = [mention_tag("arbetsmiljochef"), mention_tag("bo", "fedi.example")]
    activity = post(1, content, tag=[*tags, hashtag_tag("arbetsmiljo")])
    out = summary(archive_path([activity]))
    tweet = only_tweet()
    assert tweet.account == relay[1]
    assert tweet.text == (
        f"Skyddsrond i dag 🦺 åäö med @arbetsmiljochef och @bo!\n\n#arbetsmiljo Läs mer: {LINK}"
    )
    assert written(tweet, "mentions") == ["@arbetsmiljochef", "@bo"]
    assert [(m["handle"], m["url"]) for m in tweet.entities["mentions"]] == [
        ("arbetsmiljochef@mastodon.social", "https://mastodon.social/users/arbetsmiljochef"),
        ("bo@fedi.example", "https://fedi.example/users/bo"),
    ]
    assert written(tweet, "hashtags") == ["#arbetsmiljo"]
    assert [(u["expanded_url"], u["display_url"]) for u in tweet.entities["urls"]] == [
        (LINK, "av.se/skyddsombud/")
    ]
    assert (tweet.tweet_id, tweet.source) == (note_uri(1), TweetSource.ARCHIVE)
    assert tweet.created_at == START + datetime.timedelta(minutes=1)
    assert (tweet.lang, tweet.like_count, tweet.retweet_count) == ("sv", 5, 2)
    assert (tweet.in_reply_to_tweet_id, tweet.is_retweet, tweet.possibly_sensitive) == (
        "",
        False,
        False,
    )
    assert out == (
        f"Imported 1, already present 0, media 0, for @{WORKER}, 2024-11-18 – 2024-11-18."
    )


def test_unlisted_posts_are_stored_too(relay, archive_path):
    run_import(archive_path([post(1, visibility="unlisted"), post(2)]))
    assert sorted(Tweet.objects.values_list("tweet_id", flat=True)) == [note_uri(1), note_uri(2)]


def test_a_reply_names_its_parent_and_the_parents_author(relay, archive_path):
    parent = note_uri(7, user="bo", instance="fedi.example")
    run_import(archive_path([post(1, "<p>Svar</p>", inReplyTo=parent)]))
    tweet = only_tweet()
    assert (tweet.in_reply_to_tweet_id, tweet.in_reply_to_handle) == (parent, "bo@fedi.example")
    assert tweet.in_reply_to_user_id == ""


def test_a_reply_to_a_post_of_another_server_keeps_the_parent_without_its_author(
    relay, archive_path
):
    parent = "https://pleroma.example/objects/1b2c3d4e-aaaa-bbbb"
    run_import(archive_path([post(1, inReplyTo=parent)]))
    assert (only_tweet().in_reply_to_tweet_id, only_tweet().in_reply_to_handle) == (parent, "")


def test_a_self_reply_thread_keeps_its_order(relay, archive_path):
    thread = [post(1), post(2, inReplyTo=note_uri(1)), post(3, inReplyTo=note_uri(2))]
    run_import(archive_path(thread))
    stored = Tweet.objects.order_by("created_at")
    assert [t.in_reply_to_tweet_id for t in stored] == ["", note_uri(1), note_uri(2)]
    assert [t.in_reply_to_handle for t in stored] == ["", WORKER, WORKER]


def test_a_content_warning_is_the_summary_the_reader_opens(relay, archive_path):
    run_import(archive_path([post(1, "<p>Bilder från olyckan</p>", summary="Olycka <skador>")]))
    tweet = only_tweet()
    assert (tweet.possibly_sensitive, tweet.content_warning) == (True, "Olycka <skador>")
    assert "<summary>Olycka &lt;skador&gt;</summary>" in rendered(tweet)


def test_sensitive_media_without_a_warning_are_sensitive(relay, archive_path):
    run_import(archive_path([post(1, sensitive=True)]))
    assert (only_tweet().possibly_sensitive, only_tweet().content_warning) == (True, "")


def test_a_quote_names_the_quoted_post(relay, archive_path):
    quoted = note_uri(5, user="bo", instance="fedi.example")
    run_import(archive_path([post(1, quote=quoted)]))
    assert (only_tweet().is_quote, only_tweet().quoted_tweet_id) == (True, quoted)


def test_a_quotes_re_line_is_left_out_of_the_text(relay, archive_path):
    quoted = note_uri(5, user="bo", instance="fedi.example")
    fallback = f'<p class="quote-inline">RE: <a href="{quoted}">{quoted}</a></p>'
    run_import(archive_path([post(1, f"<p>Se här</p>{fallback}", quote=quoted)]))
    assert (only_tweet().text, only_tweet().entities) == ("Se här", {})


def test_a_post_with_only_a_picture_has_empty_text(relay, archive_path):
    run_import(archive_path([post(1, "", attachment=[attachment(1)])]))
    assert only_tweet().text == ""


# Media ----------------------------------------------------------------------------------------


def test_media_files_are_stored_with_their_alt_text(relay, archive_path):
    picture = attachment(1, "a1b2c3d4e5f60718.png", alt="Ett skyddsombud vid en ställning")
    # A local storage's archive writes the path without its leading slash.
    film = attachment(
        2, "0f1e2d3c4b5a6978.mp4", "video/mp4", url=media_path(2, "0f1e2d3c4b5a6978.mp4")
    )
    media = {media_path(1, "a1b2c3d4e5f60718.png"): PNG, media_path(2, "0f1e2d3c4b5a6978.mp4"): MP4}
    out = summary(archive_path([post(1, attachment=[picture, film])], media=media))
    image, video = TweetMedia.objects.order_by("position")
    assert (image.kind, image.position, image.media_key) == (
        MediaKind.PHOTO,
        0,
        "a1b2c3d4e5f60718.png",
    )
    assert (image.alt_text, image.width, image.height) == (
        "Ett skyddsombud vid en ställning",
        1600,
        1200,
    )
    assert image.file.read() == PNG
    assert image.file.name.endswith(".png")
    assert (video.kind, video.alt_text) == (MediaKind.VIDEO, "")
    assert video.file.read() == MP4 and video.file.name.endswith(".mp4")
    assert "media 2" in out and "not archived" not in out


def test_a_file_missing_from_the_archive_is_counted_not_archived(relay, archive_path):
    out = summary(archive_path([post(1, attachment=[attachment(1)])]))
    assert TweetMedia.objects.get().file.name == ""
    assert "Media not archived: 1" in out


def test_a_file_that_is_not_a_picture_is_not_stored(relay, archive_path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    path = archive_path(
        [post(1, attachment=[attachment(1, "a.png")])], media={media_path(1, "a.png"): svg}
    )
    assert "Media not archived: 1" in summary(path)
    assert TweetMedia.objects.get().file.name == ""


def test_attachments_that_are_no_picture_or_video_are_left_out(relay, archive_path):
    attachments = [attachment(1, "a.pdf", "application/pdf"), attachment(2, "b.png")]
    run_import(archive_path([post(1, attachment=attachments)]))
    assert list(TweetMedia.objects.values_list("media_key", "position")) == [("b.png", 0)]


# What is skipped ------------------------------------------------------------------------------


def test_followers_only_direct_posts_and_boosts_are_skipped_and_counted(relay, archive_path):
    boosted = note_uri(9, user="bo", instance="fedi.example")
    activities = [
        post(1),
        post(2, visibility="private"),
        post(3, visibility="direct", tag=[mention_tag("bo", "fedi.example")]),
        announce(4, boosted),
        announce(5, note_uri(1)),  # a boost of its own post: the post is there already
        post(6, visibility="unlisted"),
    ]
    out = summary(archive_path(activities))
    assert sorted(Tweet.objects.values_list("tweet_id", flat=True)) == [note_uri(1), note_uri(6)]
    assert out.startswith("Imported 2, already present 0")
    assert out.endswith("Skipped 4 posts: not public, shared from others, or unreadable.")


def test_a_post_of_someone_else_is_skipped(relay, archive_path):
    stranger = create(note(2, attributedTo="https://fedi.example/users/bo"))
    assert "Skipped 1 posts" in summary(archive_path([post(1), stranger]))
    assert Tweet.objects.get().tweet_id == note_uri(1)


def test_a_post_addressed_to_nobody_is_not_public(relay, archive_path):
    activity = post(1)
    del activity["object"]["to"], activity["object"]["cc"]
    assert "Skipped 1 posts" in summary(archive_path([activity]))
    assert not Tweet.objects.exists()


@pytest.mark.parametrize(
    "public", ["as:Public", "Public", "https://www.w3.org/ns/activitystreams#Public"]
)
def test_every_way_of_writing_public_is_public(relay, archive_path, public):
    activity = post(1)
    activity["object"]["to"] = public  # one address, not a list
    run_import(archive_path([activity]))
    assert Tweet.objects.count() == 1


# Once only ------------------------------------------------------------------------------------


def test_a_second_import_writes_nothing_and_reads_no_post(relay, archive_path, monkeypatch):
    media = {media_path(1, "b7c2f1e0a9d8c6b5.png"): PNG}
    path = archive_path(
        [post(1, attachment=[attachment(1)]), post(2), announce(3, note_uri(1))], media=media
    )
    first = summary(path)
    assert first.startswith("Imported 2, already present 0, media 1")

    read = []
    real = mastodon_archive._OrderedItems
    monkeypatch.setattr(
        mastodon_archive, "_OrderedItems", lambda *args: read.append(args[1]) or real(*args)
    )
    again = summary(path)
    # The outbox is the one imported whole before: its posts are present, it is not parsed,
    # and what it skipped is not counted again.
    assert read == []
    assert again == (
        f"Imported 0, already present 2, media 0, for @{WORKER}, 2024-11-18 – 2024-11-18."
    )
    assert (Tweet.objects.count(), TweetMedia.objects.count(), ImportedMember.objects.count()) == (
        2,
        1,
        1,
    )


def test_a_changed_archive_stores_exactly_its_new_posts(relay, archive_path):
    run_import(archive_path([post(1), post(2)]))
    changed = [post(1), post(2), post(3), post(4, visibility="private")]
    out = summary(archive_path(changed, "later.zip"))
    assert out.startswith("Imported 1, already present 2")
    assert out.endswith("Skipped 1 posts: not public, shared from others, or unreadable.")
    assert Tweet.objects.count() == 3
    assert summary(archive_path(changed, "again.zip")).startswith("Imported 0, already present 3")


def test_posts_fetched_before_are_present(relay, archive_path):
    run_import(archive_path([post(1)]))
    ImportedMember.objects.all().delete()  # as if fetched, not imported
    assert summary(archive_path([post(1), post(2)], "b.zip")).startswith(
        "Imported 1, already present 1"
    )


def test_a_post_twice_in_the_outbox_is_stored_once(relay, archive_path):
    out = summary(archive_path([post(1), post(1), post(2)]))
    assert Tweet.objects.count() == 2
    assert out.startswith("Imported 2")


def test_a_dry_run_writes_nothing(relay, archive_path):
    path = archive_path([post(1), post(2), post(3, visibility="private")])
    out = summary(path, "--dry-run")
    assert out.startswith("Dry run, nothing written: would import 2, already present 0")
    assert not Tweet.objects.exists() and not ImportedMember.objects.exists()


def test_import_archive_reports_its_reading_against_the_outbox_size(relay, tmp_path):
    path = write_archive(
        tmp_path / "a.zip", mastodon_members([post(1), post(2, visibility="direct")])
    )
    seen = []
    result = import_archive(
        path, progress=lambda phase, done, total: seen.append((phase, done, total))
    )
    with zipfile.ZipFile(path) as plain:
        size = plain.getinfo("outbox.json").file_size
    assert (READING, size, size) in seen
    assert (result.handle, result.imported, result.skipped) == (WORKER, 1, 1)
    assert import_archive(path, dry_run=True).present == 1


def test_an_archive_in_a_folder_of_its_own_imports(relay, archive_path):
    run_import(archive_path([post(1)], folder="archive-20241118/"))
    assert Tweet.objects.get().tweet_id == note_uri(1)


# Whose archive ----------------------------------------------------------------------------------


def test_an_archive_without_actor_json_needs_its_account(relay, archive_path):
    path = archive_path([post(1)], account=False)
    assert "does not say whose it is" in import_error(path)
    run_import(path, "--account", f"@{WORKER}")
    assert Tweet.objects.get().account == relay[1]


def test_the_account_named_must_be_the_archives(relay, archive_path):
    message = import_error(archive_path([post(1)]), "--account", "arbetsmiljochef@mastodon.social")
    assert message == (
        f"This archive belongs to @{WORKER}, not to @arbetsmiljochef@mastodon.social."
    )
    assert not Tweet.objects.exists()


def test_a_mastodon_archive_is_refused_for_an_x_account(relay, accounts, archive_path):
    message = import_error(archive_path([post(1)], account=False), "--account", "Skyddsombud")
    assert message == "This is an archive of Mastodon, and @Skyddsombud is a X account."
    assert not Tweet.objects.exists() and not ImportedMember.objects.exists()


def test_an_archive_of_an_account_the_site_does_not_relay_is_refused(accounts, archive_path):
    message = import_error(archive_path([post(1)]))
    assert message.startswith(f"@{WORKER} is not a relay account of this site.")


def test_the_relay_accounts_id_is_kept(relay, archive_path):
    run_import(archive_path([post(1)]))
    relay[1].refresh_from_db()
    assert relay[1].platform_id == "2"


def test_an_x_archive_still_imports_beside_mastodon_accounts(relay, accounts, tmp_path):
    path = write_archive(tmp_path / "x.zip", current_archive([archive_tweet(1)]))
    run_import(path)
    assert Tweet.objects.get().account == accounts[1]


# Refused archives: one line, nothing written ----------------------------------------------------


def _with_outbox(text):
    members = mastodon_members([post(1)])
    members["outbox.json"] = text
    return members


def _with_collection(**fields):
    return _with_outbox(json.dumps({**outbox([post(1)]), **fields}))


def _with_note(number=1, remove=(), **fields):
    activity = post(number, **fields)
    for name in remove:
        del activity["object"][name]
    return mastodon_members([post(9), activity])


REFUSED = [
    pytest.param(_with_outbox("hej"), ["outbox.json", "not a JSON object"], id="not-json"),
    pytest.param(_with_outbox(""), ["outbox.json", "ends too early"], id="empty"),
    pytest.param(
        _with_outbox(json.dumps(outbox([post(1), post(2)]))[:-30]),
        ["outbox.json", "ends too early"],
        id="cut-off",
    ),
    pytest.param(
        _with_outbox(
            json.dumps(outbox([post(1)])).replace('"sensitive": false', '"sensitive": NaN')
        ),
        ["outbox.json", "invalid JSON"],
        id="nan",
    ),
    pytest.param(
        _with_outbox(json.dumps(outbox([post(1)])) + "{}"),
        ["outbox.json", "more data after the end"],
        id="trailing-data",
    ),
    pytest.param(
        _with_outbox(json.dumps([post(1)])), ["outbox.json", "not a JSON object"], id="array"
    ),
    pytest.param(
        _with_collection(orderedItems={"0": post(1)}),
        ["outbox.json", "“orderedItems” is not an array"],
        id="items-not-array",
    ),
    pytest.param(
        _with_outbox(json.dumps({"type": "OrderedCollection", "totalItems": 0})),
        ["outbox.json", "no “orderedItems”"],
        id="no-items",
    ),
    pytest.param(
        _with_outbox('{"type": "OrderedCollection", "orderedItems": [], "orderedItems": []}'),
        ["outbox.json", "twice"],
        id="items-twice",
    ),
    pytest.param(
        _with_collection(type="Person"), ["outbox.json", "OrderedCollection"], id="wrong-type"
    ),
    pytest.param(
        mastodon_members([post(1), "https://mastodon.social/users/skyddsombud/statuses/2"]),
        ["outbox.json, activity number 2", "not a JSON object"],
        id="activity-not-object",
    ),
    pytest.param(
        mastodon_members([{**post(1), "type": None}]),
        ["outbox.json, activity number 1", "no “type”"],
        id="activity-without-type",
    ),
    pytest.param(
        mastodon_members([{**post(1), "object": note_uri(1)}]),
        ["outbox.json, activity number 1", "“object”"],
        id="create-without-note",
    ),
    pytest.param(
        _with_note(remove=["id"]), ["outbox.json, activity number 2", "no “id”"], id="no-id"
    ),
    pytest.param(
        _with_note(id="http://mastodon.social/users/skyddsombud/statuses/1"),
        ["activity number 2", "http://mastodon.social", "https://"],
        id="id-not-https",
    ),
    pytest.param(
        _with_note(id="javascript:alert(1)//statuses/1"),
        ["activity number 2", "https://"],
        id="id-javascript",
    ),
    pytest.param(
        _with_note(remove=["published"]),
        ["activity number 2", "“published”"],
        id="no-published",
    ),
    pytest.param(
        _with_note(published="gestern"),
        ["activity number 2", "“published”", "gestern"],
        id="published-not-a-time",
    ),
    pytest.param(
        _with_note(published="2024-11-18T08:00:00"),
        ["activity number 2", "time zone"],
        id="published-without-zone",
    ),
    pytest.param(
        {"actor.json": json.dumps(actor()), "media_attachments/files/1/original/a.png": PNG},
        ["outbox.json is missing", "actor.json"],
        id="outbox-missing",
    ),
    pytest.param(
        {**mastodon_members([post(1)]), "actor.json": "{'id': 1}"},
        ["actor.json", "invalid JSON"],
        id="actor-not-json",
    ),
    pytest.param(
        mastodon_members([post(1)], account=actor(preferredUsername=None)),
        ["actor.json", "preferredUsername"],
        id="actor-without-username",
    ),
    pytest.param(
        mastodon_members([post(1)], account=actor(id="http://mastodon.social/users/skyddsombud")),
        ["actor.json", "Mastodon handle"],
        id="actor-id-not-https",
    ),
    pytest.param(
        mastodon_members([post(1)], media={"../../etc/a.png": PNG}),
        ["etc/a.png", "out of its folder"],
        id="name-out-of-folder",
    ),
    pytest.param(
        mastodon_members(
            [post(1, attachment=[attachment(1)])],
            media={media_path(1, "b7c2f1e0a9d8c6b5.png"): b"\0" * 5_000_000},
        ),
        ["b7c2f1e0a9d8c6b5.png", "zip bomb"],
        id="zip-bomb",
    ),
]


@pytest.fixture
def assert_refused(capsys, monkeypatch):
    """Run the command on ``path`` as manage.py does, and check that it is refused: exit status
    1, one line on stderr with each of ``words``, nothing written."""
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def check(path, *words):
        with pytest.raises(SystemExit) as exited:
            Command().run_from_argv(["manage.py", "sochef_import_archive", str(path)])
        assert exited.value.code == 1
        line = capsys.readouterr().err.strip()
        assert "\n" not in line and "Traceback" not in line
        for word in words:
            assert word in line
        assert not Tweet.objects.exists() and not TweetMedia.objects.exists()
        assert not ImportedMember.objects.exists()
        return line

    return check


@pytest.mark.parametrize(("members", "words"), REFUSED)
def test_a_broken_archive_is_refused_and_nothing_is_written(
    relay, tmp_path, assert_refused, members, words
):
    assert_refused(write_archive(tmp_path / "archive.zip", members), *words)


def test_an_activity_too_large_is_refused(relay, archive_path, assert_refused, settings):
    settings.SOCHEF_ARCHIVE_MAX_ENTRY_SIZE = 20_000
    path = archive_path([post(1), post(2, "<p>" + "å" * 30_000 + "</p>")])
    assert_refused(path, "outbox.json, activity number 2", "SOCHEF_ARCHIVE_MAX_ENTRY_SIZE")


def test_a_too_large_member_is_refused(relay, archive_path, assert_refused, settings):
    settings.SOCHEF_ARCHIVE_MAX_MEMBER_SIZE = 10_000
    assert_refused(archive_path([post(n) for n in range(1, 20)]), "outbox.json", "limit of 10000")


def test_a_damaged_outbox_is_refused(relay, tmp_path, assert_refused):
    content = zip_bytes_stored(mastodon_members([post(1)]))
    path = tmp_path / "crc.zip"
    path.write_bytes(content.replace(b'"Note"', b'"NotE"'))  # its CRC no longer matches
    assert_refused(path, "outbox.json", "cannot be unpacked")


def test_a_broken_post_after_good_ones_writes_none_of_them(relay, archive_path, assert_refused):
    activities = [post(n) for n in range(1, 2500)] + [post(2500, published=None)]
    assert_refused(archive_path(activities), "activity number 2500")


def zip_bytes_stored(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


# Hostile content ------------------------------------------------------------------------------


def test_hostile_html_becomes_text_and_renders_safely(relay, archive_path):
    content = (
        '<p>Hej<script>alert("x")</script> <a href="javascript:alert(1)" onclick="alert(2)">'
        'klicka</a> <span onclick="alert(3)" style="color:red">röd</span>'
        '<img src=x onerror="alert(4)"><iframe src="https://evil.example"></iframe></p>'
    )
    run_import(archive_path([post(1, content, summary="<script>cw</script>")]))
    tweet = only_tweet()
    assert tweet.text == "Hej klicka röd"
    assert tweet.entities == {}
    markup = rendered(tweet)
    assert "<script" not in markup and "javascript:" not in markup
    assert "onclick" not in markup and "onerror" not in markup and "<iframe" not in markup
    assert "&lt;script&gt;cw&lt;/script&gt;" in markup


def test_control_characters_are_replaced_and_offsets_stay(relay, archive_path):
    content = f"<p>Ett\x01två\x7f 😀 {hashtag_html('tag')}</p>"
    run_import(archive_path([post(1, content, summary="Varning\x00\x1b!")]))
    tweet = only_tweet()
    assert tweet.text == "Ett\ufffdtvå\ufffd 😀 #tag"
    assert written(tweet, "hashtags") == ["#tag"]
    assert tweet.content_warning == "Varning!"


def test_hostile_urls_in_mentions_replies_and_media_are_not_kept(relay, archive_path):
    bad = "javascript:alert(1)"
    mention = {"type": "Mention", "href": bad, "name": "@bo@fedi.example"}
    activity = post(
        1,
        f"<p>{mention_html('bo', 'fedi.example')}</p>",
        tag=[mention],
        inReplyTo=bad,
        quote=bad,
        attachment=[attachment(1, url=bad)],
    )
    run_import(archive_path([activity]))
    tweet = only_tweet()
    assert tweet.entities["mentions"] == [{"start": 0, "end": 3, "handle": "bo@fedi.example"}]
    assert (tweet.in_reply_to_tweet_id, tweet.quoted_tweet_id) == ("", "")
    assert not TweetMedia.objects.exists()  # an attachment without a file name of its own
    assert "javascript:" not in rendered(tweet)


def test_no_hostile_string_becomes_markup(relay, archive_path):
    activities = [
        post(
            number,
            f"<p>{payload} {payload}</p>",
            summary=payload,
            tag=[{"type": "Mention", "href": payload, "name": payload}],
            attachment=[attachment(number, alt=payload)],
            contentMap={payload: payload},
        )
        for number, payload in enumerate(ALL, 1)
    ]
    run_import(archive_path(activities))
    assert Tweet.objects.count() == len(ALL)
    for tweet in Tweet.objects.order_by("created_at"):
        payload = ALL[int(tweet.tweet_id[-3:]) - 1]
        assert not injected_markup(rendered(tweet)), payload


def test_a_huge_content_warning_and_alt_text_are_stored_as_text(relay, archive_path):
    huge = "<b>" + "Varning! " * 20_000
    run_import(archive_path([post(1, summary=huge, attachment=[attachment(1, alt=huge)])]))
    tweet = only_tweet()
    assert tweet.content_warning == huge.strip()
    assert tweet.media.get().alt_text == huge
    assert "<b>" not in rendered(tweet)


# Memory ---------------------------------------------------------------------------------------


def test_the_outbox_is_read_as_a_stream(tmp_path):
    path = write_large_outbox(tmp_path / "large.zip", 6000)
    with zipfile.ZipFile(path) as plain:
        size = plain.getinfo("outbox.json").file_size
    assert size > 5_000_000
    with open_archive(path) as archive:
        tracemalloc.start()
        try:
            count = sum(1 for _entry in archive.iter_entries())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert count == 6000
    assert peak < size / 10


# The admin ------------------------------------------------------------------------------------


def test_an_upload_in_the_admin_imports_a_mastodon_archive(client, relay):
    client.force_login(make_editor("import_archive"))
    archive = mastodon_zip([post(1), post(2), post(3, visibility="private")])
    upload = SimpleUploadedFile("archive-20241118.zip", archive, content_type="application/zip")
    response = client.post(reverse("sochef_archive_import:index"), {"archive": upload}, follow=True)
    assert response.status_code == 200
    job = ArchiveImport.objects.get()
    assert job.status == ArchiveImportStatus.DONE
    assert Tweet.objects.filter(account=relay[1]).count() == 2
    assert f"Importerade 2, redan sparade 0, media 0, för @{WORKER}" in response.text
    assert "Hoppade över 1 inlägg" in job.summary


def test_a_broken_archive_uploaded_in_the_admin_fails_with_its_message(client, relay):
    client.force_login(make_editor("import_archive"))
    members = _with_note(remove=["published"])
    upload = SimpleUploadedFile("a.zip", zip_bytes_stored(members), content_type="application/zip")
    client.post(reverse("sochef_archive_import:index"), {"archive": upload})
    job = ArchiveImport.objects.get()
    assert job.status == ArchiveImportStatus.FAILED
    assert "outbox.json" in job.error
    assert not Tweet.objects.exists()


def test_an_archive_without_its_posts_is_a_form_error(client, relay):
    client.force_login(make_editor("import_archive"))
    upload = SimpleUploadedFile(
        "a.zip",
        zip_bytes_stored({"actor.json": json.dumps(actor())}),
        content_type="application/zip",
    )
    response = client.post(reverse("sochef_archive_import:index"), {"archive": upload})
    assert response.status_code == 200
    assert "outbox.json" in str(response.context["form"].errors["archive"])
    assert not ArchiveImport.objects.exists()


def test_an_archive_error_names_the_member(tmp_path):
    path = write_archive(tmp_path / "a.zip", _with_collection(orderedItems=3))
    with open_archive(path) as archive, pytest.raises(ArchiveError) as raised:
        list(archive.iter_entries())
    assert str(raised.value) == "outbox.json: “orderedItems” is not an array."
