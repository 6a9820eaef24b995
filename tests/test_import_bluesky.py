"""sochef_import_archive and the admin's upload with Bluesky's repository export (a CAR file):
posts, replies, quotes and reposts stored, images not archived, the rest of the repository left
alone, the same export imported twice writing nothing, a damaged file refused whole."""

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import libipld
import pytest
from atproto import CAR
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from sochef_wagtail.archive.bluesky_archive import BlueskyRepository
from sochef_wagtail.archive.formats import ArchiveError
from sochef_wagtail.archive.html import tweet_html
from sochef_wagtail.archive.importer import READING, import_archive
from sochef_wagtail.archive.models import (
    ArchiveImport,
    ArchiveImportStatus,
    ImportedMember,
    Tweet,
    TweetMedia,
    TweetSource,
)
from sochef_wagtail.choices import Platform
from tests.bluesky_archives import (
    DID,
    OTHER_DID,
    POST,
    REPOST,
    START,
    Repository,
    block,
    build_mst,
    byte_span,
    car_bytes,
    commit,
    facet,
    images,
    key_depth,
    like,
    link,
    mention,
    post,
    post_uri,
    posts,
    quote_of,
    reply_to,
    repository_bytes,
    repost,
    rkey,
    tag,
    write_large_repository,
    write_repository,
)
from tests.factories import make_accounts
from tests.test_archive_admin import IMPORT_URL, make_editor

pytestmark = pytest.mark.django_db

OTHER = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"


@pytest.fixture(autouse=True)
def english():
    """Messages in English here; the site's language is Swedish."""
    with translation.override("en"):
        yield


@pytest.fixture
def bluesky_accounts(db):
    """The seed's Bluesky accounts; the worker's DID is the one the test repositories have."""
    return make_accounts(Platform.BLUESKY)


@pytest.fixture
def worker(bluesky_accounts):
    return bluesky_accounts[1]


@pytest.fixture
def car_path(tmp_path):
    def write(records, did=DID, name="repo.car"):
        return write_repository(tmp_path / name, records, did)

    return write


def run_import(path, *args):
    out = io.StringIO()
    call_command("sochef_import_archive", str(path), *args, stdout=out)
    return out.getvalue()


def import_error(path, *args):
    with pytest.raises(CommandError) as raised:
        run_import(path, *args)
    return str(raised.value)


def key(number, collection=POST):
    return f"{collection}/{rkey(number)}"


# The repository -------------------------------------------------------------------------------


def test_the_builders_repository_is_one_atproto_reads():
    repository = Repository(posts(300))
    car = CAR.from_bytes(repository.car())
    assert car.root == libipld.encode_cid(repository.commit_cid)
    assert len(car.blocks) == 1 + len(repository.nodes) + 300
    assert len(repository.nodes) > 10  # a tree of several layers, not one node


def test_a_car_file_is_recognised_by_its_first_bytes():
    assert BlueskyRepository.recognises(repository_bytes(posts(1))[:64])
    assert not BlueskyRepository.recognises(b"hej")
    assert not BlueskyRepository.recognises(b'{"roots": []}')


def test_members_are_the_collections_imported(tmp_path, car_path):
    records = {**posts(2), key(9, REPOST): repost(post_uri(1, OTHER))}
    with BlueskyRepository(car_path(records)) as repository:
        assert repository.tweet_members == [POST, REPOST]
        assert repository.account().user_id == DID
        assert repository.account().handle == ""
        assert repository.media_member("x", None, set()) is None


# Posts ----------------------------------------------------------------------------------------


def test_posts_import_into_the_account_of_the_repositorys_did(worker, car_path):
    output = run_import(car_path(posts(3)))
    tweets = list(worker.tweets.order_by("created_at"))
    assert [t.tweet_id for t in tweets] == [post_uri(n) for n in (1, 2, 3)]
    assert [t.text for t in tweets] == ["Inlägg 1", "Inlägg 2", "Inlägg 3"]
    assert tweets[0].created_at == START + datetime.timedelta(minutes=1)
    assert {t.source for t in tweets} == {TweetSource.ARCHIVE}
    assert tweets[0].lang == "sv"
    assert "Imported 3, already present 0, media 0, for @skyddsombud.bsky.social" in output


def test_the_account_option_names_the_relay_account(worker, car_path):
    run_import(car_path(posts(2)), "--account", "skyddsombud.bsky.social")
    assert worker.tweets.count() == 2


def test_import_archive_reads_a_file_object(worker, car_path):
    with open(car_path(posts(2)), "rb") as stream:
        result = import_archive(stream)
    assert (result.handle, result.imported) == ("skyddsombud.bsky.social", 2)


def test_a_tree_of_many_nodes_is_read_whole_in_key_order(worker, car_path):
    records = posts(500)
    assert max(key_depth(k) for k in records) >= 3
    run_import(car_path(records))
    stored = list(worker.tweets.order_by("tweet_id").values_list("tweet_id", flat=True))
    assert stored == [post_uri(n) for n in range(1, 501)]


def test_facets_after_emoji_and_swedish_letters_become_entities_of_code_points(worker, car_path):
    text = "Åsa 🙂 läser om @anna.bsky.social och #arbetsmiljö på https://av.se/buller nu"
    record = post(
        text,
        facets=[
            facet(*byte_span(text, "@anna.bsky.social"), mention(OTHER)),
            facet(*byte_span(text, "#arbetsmiljö"), tag("arbetsmiljö")),
            facet(*byte_span(text, "https://av.se/buller"), link("https://av.se/buller")),
        ],
    )
    run_import(car_path({key(1): record}))
    tweet = worker.tweets.get()
    assert tweet.text == text
    [mentioned], [hashtag], [url] = (tweet.entities[k] for k in ("mentions", "hashtags", "urls"))
    assert text[mentioned["start"] : mentioned["end"]] == "@anna.bsky.social"
    assert (mentioned["handle"], mentioned["did"]) == ("anna.bsky.social", OTHER)
    assert text[hashtag["start"] : hashtag["end"]] == "#arbetsmiljö"
    assert hashtag["tag"] == "arbetsmiljö"
    assert text[url["start"] : url["end"]] == "https://av.se/buller"
    assert url["expanded_url"] == "https://av.se/buller"


def test_replies_keep_the_post_they_answer(worker, car_path):
    parent = f"at://{OTHER}/{POST}/3jparent"
    run_import(car_path({key(1): post("Håller med", **reply_to(parent))}))
    tweet = worker.tweets.get()
    assert (tweet.in_reply_to_tweet_id, tweet.in_reply_to_user_id) == (parent, OTHER)


def test_quotes_are_flagged_with_the_quoted_post(worker, car_path):
    quoted = f"at://{OTHER}/{POST}/3jquoted"
    run_import(car_path({key(1): post("Läs detta", **quote_of(quoted))}))
    tweet = worker.tweets.get()
    assert tweet.is_quote and tweet.quoted_tweet_id == quoted


def test_reposts_are_stored_as_the_reposted_posts_address(worker, car_path):
    moment = START + datetime.timedelta(days=1)
    run_import(car_path({key(5, REPOST): repost(f"at://{OTHER}/{POST}/3jorig", moment)}))
    tweet = Tweet.objects.select_related("account").get()
    address = f"https://bsky.app/profile/{OTHER}/post/3jorig"
    assert tweet.tweet_id == f"at://{DID}/{REPOST}/{rkey(5)}"
    assert (tweet.is_retweet, tweet.created_at, tweet.text) == (True, moment, address)
    assert tweet.entities["urls"] == [
        {
            "start": 0,
            "end": len(address),
            "url": address,
            "expanded_url": address,
            "display_url": address.removeprefix("https://"),
        }
    ]
    assert f'href="{address}"' in tweet_html(tweet)


def test_images_are_stored_with_their_alt_text_and_counted_not_archived(worker, car_path):
    output = run_import(car_path({key(1): post("Skyddsrond", **images("Trappan", "Lagret"))}))
    media = list(TweetMedia.objects.order_by("position"))
    assert [m.alt_text for m in media] == ["Trappan", "Lagret"]
    assert {m.file.name for m in media} == {""}
    assert media[0].media_key.startswith("bafkrei")
    assert (media[0].width, media[0].height) == (1200, 800)
    assert "Media not archived: 2" in output
    # Fetched later, by the downloads after a fetch, from Bluesky's CDN (media_download.py).
    assert media[0].original_url == (
        f"https://cdn.bsky.app/img/feed_fullsize/plain/{worker.platform_id}/{media[0].media_key}@jpeg"
    )


def test_likes_follows_and_the_profile_are_left_alone_and_not_counted(worker, car_path):
    records = {
        **posts(1),
        f"app.bsky.feed.like/{rkey(2)}": like(post_uri(7, OTHER)),
        f"app.bsky.graph.follow/{rkey(3)}": {"$type": "app.bsky.graph.follow", "subject": OTHER},
        "app.bsky.actor.profile/self": {"$type": "app.bsky.actor.profile", "displayName": "S"},
    }
    output = run_import(car_path(records))
    assert worker.tweets.count() == 1
    assert "Skipped" not in output


def test_records_no_post_can_be_made_of_are_skipped_and_counted(worker, car_path):
    records = {
        key(1): post("Bra"),
        key(2): {"$type": POST, "createdAt": "2024-03-04T07:00:00Z"},  # no text
        key(3): post("Utan datum", createdAt="i morgon"),
        key(4): post("Ingen tidszon", createdAt="2024-03-04T07:00:00"),
        key(5): ["not", "a", "post"],
        key(6): post("År noll", createdAt="0001-01-01T00:00:00Z"),
        key(7): {**post("En gilla"), "$type": "app.bsky.feed.like"},
        key(8, REPOST): repost("https://example.com/not-a-post"),
        key(9, REPOST): {"$type": REPOST, "createdAt": "2024-03-04T07:00:00Z"},
        f"{POST}/bad key!": post("Fel nyckel"),
        key(10): b"\x81" * 5000 + b"\x00",  # arrays nested deeper than any decoder goes
    }
    result = import_archive(car_path(records))
    assert [t.text for t in worker.tweets.all()] == ["Bra"]
    assert (result.imported, result.skipped) == (1, 10)


# The same export again ------------------------------------------------------------------------


def test_a_second_import_of_the_same_export_writes_nothing(worker, car_path):
    path = car_path({**posts(3), key(9, REPOST): repost(post_uri(1, OTHER))})
    run_import(path)
    members = list(ImportedMember.objects.values_list("pk", "sha256", "tweets"))
    assert [tweets for _pk, _digest, tweets in members] == [3, 1]
    output = run_import(path)
    assert "Imported 0, already present 4" in output
    assert list(ImportedMember.objects.values_list("pk", "sha256", "tweets")) == members
    assert Tweet.objects.count() == 4


def test_a_later_export_with_the_same_posts_reads_no_record(worker, car_path, monkeypatch):
    run_import(car_path(posts(3), name="first.car"))
    later = car_path({**posts(3), f"app.bsky.feed.like/{rkey(8)}": like(post_uri(1, OTHER))})

    def no_reading(*args):
        raise AssertionError("a record was read")

    monkeypatch.setattr(BlueskyRepository, "_row", no_reading)
    assert "already present 3" in run_import(later, "--account", "skyddsombud.bsky.social")


def test_a_later_export_stores_exactly_its_new_posts(worker, car_path):
    run_import(car_path(posts(3), name="first.car"))
    output = run_import(car_path(posts(5), name="later.car"))
    assert "Imported 2, already present 3" in output
    assert worker.tweets.count() == 5


def test_a_dry_run_writes_nothing(worker, car_path):
    output = run_import(car_path(posts(3)), "--dry-run")
    assert "would import 3" in output
    assert not Tweet.objects.exists() and not ImportedMember.objects.exists()


def test_progress_reaches_the_size_of_the_records(worker, car_path):
    path = car_path(posts(40))
    calls = []
    import_archive(path, progress=lambda phase, done, total: calls.append((phase, done, total)))
    with BlueskyRepository(path) as repository:
        size = repository.tweets_size
    assert (READING, size, size) in calls and size > 40 * 20


# Whose repository -----------------------------------------------------------------------------


def test_a_repository_of_another_did_is_refused_for_the_named_account(worker, car_path):
    message = import_error(car_path(posts(1), did=OTHER_DID), "--account", worker.handle)
    assert OTHER_DID in message and DID in message
    assert not Tweet.objects.exists()


def test_a_repository_of_a_did_no_account_has_names_the_accounts(bluesky_accounts, car_path):
    message = import_error(car_path(posts(1), did=OTHER_DID))
    assert OTHER_DID in message and "skyddsombud.bsky.social" in message
    assert not Tweet.objects.exists()


def test_an_x_account_named_for_a_repository_is_refused(accounts, bluesky_accounts, car_path):
    message = import_error(car_path(posts(1)), "--account", "Skyddsombud")
    assert "This is an archive of Bluesky, and @Skyddsombud is a X account." == message
    assert not Tweet.objects.exists()


def test_an_account_without_a_did_gets_the_repositorys(car_path):
    employer, worker = make_accounts(Platform.BLUESKY)
    type(worker).objects.filter(pk=worker.pk).update(platform_id="")
    run_import(car_path(posts(1)), "--account", worker.handle)
    worker.refresh_from_db()
    assert worker.platform_id == DID and worker.tweets.count() == 1


# Damaged files --------------------------------------------------------------------------------


def _cut_off():
    return Repository(posts(5)).car()[:-30]


def _changed_byte():
    data = bytearray(Repository(posts(5)).car())
    data[-5] ^= 0x01
    return bytes(data)


def _header_not_cbor():
    return bytes([5]) + b"\xa2\x65roots" + Repository(posts(1)).car()[60:]


def _car_version_2():
    repository = Repository(posts(1))
    return repository.car(version=2)


def _no_root():
    repository = Repository(posts(1))
    return repository.car(roots=[])


def _root_not_a_commit():
    repository = Repository(posts(1))
    cid, data = repository.record_blocks[0]
    return repository.car(roots=[cid])


def _commit_without_did():
    repository = Repository(posts(1))
    cid, data = block({**commit(DID, repository.mst_root), "did": 42})
    return repository.car(blocks=[(cid, data), *repository.blocks[1:]], roots=[cid])


def _missing_mst_node():
    repository = Repository(posts(300))
    below_the_root = repository.nodes[0]  # the root is the last node made
    return repository.car(blocks=[b for b in repository.blocks if b != below_the_root])


def _missing_record():
    repository = Repository(posts(3))
    return repository.car(blocks=repository.blocks[:-1])


def _record_not_dag_cbor():
    return _repository_of([(key(1), b"\xa1\x64text")])  # a map whose value is missing


def _node_reached_twice():
    record_cid, record = block(post("Två gånger"))
    below_cid, below = block(
        {"l": None, "e": [{"p": 0, "k": key(2).encode(), "v": record_cid, "t": None}]}
    )
    entries = [
        {"p": 0, "k": key(1).encode(), "v": record_cid, "t": below_cid},
        {"p": 0, "k": key(3).encode(), "v": record_cid, "t": below_cid},
    ]
    return _car_of({"l": None, "e": entries}, [(below_cid, below), (record_cid, record)])


def _keys_out_of_order():
    record_cid, record = block(post("Baklänges"))
    entries = [
        {"p": 0, "k": key(2).encode(), "v": record_cid, "t": None},
        {"p": 0, "k": key(1).encode(), "v": record_cid, "t": None},
    ]
    return _car_of({"l": None, "e": entries}, [(record_cid, record)])


def _malformed_node():
    record_cid, record = block(post("Hej"))
    entries = [{"p": 99, "k": key(1).encode(), "v": record_cid, "t": None}]
    return _car_of({"l": None, "e": entries}, [(record_cid, record)])


def _huge_block_length():
    data = Repository(posts(1)).car()
    header_end = 1 + data[0]
    return data[:header_end] + b"\xff\xff\xff\xff\x0f" + data[header_end + 1 :]


def _no_posts():
    return Repository({f"app.bsky.feed.like/{rkey(1)}": like(post_uri(1, OTHER))}).car()


def _repository_of(records):
    """A CAR of ``records`` (``(key, raw bytes)``), whatever the bytes hold."""
    blocks = [block(data) for _key, data in records]
    nodes = []
    root = build_mst(
        [(k, cid) for (k, _data), (cid, _d) in zip(records, blocks, strict=True)],
        lambda cid, data: nodes.append((cid, data)),
    )
    commit_cid, commit_data = block(commit(DID, root))
    return car_bytes([commit_cid], [(commit_cid, commit_data), *nodes, *blocks])


def _car_of(root_node, blocks):
    root_cid, root = block(root_node)
    commit_cid, commit_data = block(commit(DID, root_cid))
    return car_bytes([commit_cid], [(commit_cid, commit_data), (root_cid, root), *blocks])


BROKEN = {
    "cut off": (_cut_off, "ends too early"),
    "a changed byte": (_changed_byte, "does not match its CID"),
    "a header not CBOR": (_header_not_cbor, "header is not DAG-CBOR"),
    "CARv2": (_car_version_2, "version 2"),
    "no root": (_no_root, "names no root"),
    "a root that is a post": (_root_not_a_commit, "not the commit of a Bluesky repository"),
    "a commit without a DID": (_commit_without_did, "not the commit of a Bluesky repository"),
    "a missing MST node": (_missing_mst_node, "lacks the MST node"),
    "a missing record": (_missing_record, "lacks the record's block"),
    "a record not DAG-CBOR": (_record_not_dag_cbor, "is not DAG-CBOR"),
    "a node reached twice": (_node_reached_twice, "reaches the node"),
    "keys out of order": (_keys_out_of_order, "out of order"),
    "a malformed node": (_malformed_node, "is malformed"),
    "a block larger than the limit": (_huge_block_length, "larger than"),
    "no posts": (_no_posts, "holds no posts or reposts"),
}


@pytest.mark.parametrize("broken", list(BROKEN), ids=list(BROKEN))
def test_a_damaged_repository_is_refused_whole_on_one_line(worker, tmp_path, broken):
    build, words = BROKEN[broken]
    path = tmp_path / "repo.car"
    path.write_bytes(build())
    message = import_error(path)
    assert words in message and "\n" not in message and "Traceback" not in message
    assert not Tweet.objects.exists() and not ImportedMember.objects.exists()


def test_a_damaged_repository_is_refused_by_import_archive_too(worker):
    with pytest.raises(ArchiveError, match="does not match its CID"):
        import_archive(io.BytesIO(_changed_byte()))
    assert not Tweet.objects.exists()


def test_a_file_larger_than_the_limit_is_refused(worker, car_path, settings):
    settings.SOCHEF_ARCHIVE_MAX_MEMBER_SIZE = 2_000
    assert "SOCHEF_ARCHIVE_MAX_MEMBER_SIZE" in import_error(car_path(posts(100)))


# Hostile text ---------------------------------------------------------------------------------


def test_hostile_records_come_out_safe(worker, car_path):
    text = "<script>alert(1)</script> 🙂 \x00\x1b[31m bell\x07 <img src=x onerror=alert(1)> " + (
        "å" * 100_000
    )
    emoji_start = len(b"<script>alert(1)</script> ")
    record = post(
        text,
        langs=5,
        facets=[
            facet(0, len(b"<script>"), link("javascript:alert(1)")),
            facet(emoji_start + 1, emoji_start + 3, tag("inside an emoji")),
            facet(-5, 3, tag("negative")),
            facet(10, 5, tag("backwards")),
            facet(0, 2**63 - 1, tag("beyond")),
            facet(True, 4, tag("a bool")),
            facet("0", "4", tag("strings")),
            facet(8, 13, mention("did:plc:\x00evil")),  # "alert"
            {"index": "nowhere", "features": "none"},
            "not a facet",
        ],
        labels={"values": [{"val": "porn"}, "x", {"val": 5}]},
        **reply_to(f"at://{OTHER}/{POST}/" + "x" * 5000),
        **images("alt\x00med <b>fet</b>", width=2**40, height=-3),
    )
    run_import(car_path({key(1): record, key(2): post("\x00" * 50)}))
    tweet = Tweet.objects.select_related("account").get(tweet_id=post_uri(1))
    assert "\x00" not in tweet.text and "\x1b" not in tweet.text and "\x07" not in tweet.text
    assert tweet.text.startswith("<script>alert(1)</script> 🙂 \ufffd\ufffd[31m")
    assert tweet.lang == "" and tweet.possibly_sensitive
    assert tweet.in_reply_to_tweet_id == ""
    [mentioned] = tweet.entities["mentions"]
    assert mentioned["did"] == "did:plc:\ufffdevil"
    assert [url["expanded_url"] for url in tweet.entities["urls"]] == ["javascript:alert(1)"]
    media = TweetMedia.objects.get()
    assert (media.width, media.height) == (None, None)
    assert "\x00" not in media.alt_text
    html = tweet_html(tweet)
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert Tweet.objects.get(tweet_id=post_uri(2)).text == "\ufffd" * 50


# The admin ------------------------------------------------------------------------------------


def test_an_export_uploaded_in_the_admin_is_imported(client, worker):
    client.force_login(make_editor("import_archive"))
    data = repository_bytes({**posts(2), key(9, REPOST): repost(post_uri(1, OTHER))})
    upload = SimpleUploadedFile("repo.car", data, content_type="application/vnd.ipld.car")
    response = client.post(reverse(IMPORT_URL), {"archive": upload}, follow=True)
    assert response.status_code == 200
    assert ArchiveImport.objects.get().status == ArchiveImportStatus.DONE
    assert worker.tweets.count() == 3
    assert "Importerade 3, redan sparade 0, media 0, för @skyddsombud.bsky.social" in response.text


def test_an_export_uploaded_for_a_chosen_bluesky_account_is_imported(client, worker):
    """The chosen account's handle, longer than X's, is kept with the import (on PostgreSQL
    too, whose column holds no more than its length)."""
    client.force_login(make_editor("import_archive"))
    upload = SimpleUploadedFile("repo.car", repository_bytes(posts(2)))
    data = {"archive": upload, "account": worker.handle}
    response = client.post(reverse(IMPORT_URL), data, follow=True)
    assert response.status_code == 200
    assert ArchiveImport.objects.get().handle == "skyddsombud.bsky.social"
    assert worker.tweets.count() == 2


def test_a_damaged_export_uploaded_in_the_admin_is_a_form_error(client, worker):
    client.force_login(make_editor("import_archive"))
    upload = SimpleUploadedFile("repo.car", _changed_byte())
    response = client.post(reverse(IMPORT_URL), {"archive": upload})
    assert "CID" in str(response.context["form"].errors["archive"])
    assert not ArchiveImport.objects.exists()


# Scale ----------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
MAX_PEAK_RSS_MB = 300

# A fresh process on a fresh SQLite file, as test_archive_scale measures X's archives: migrate,
# then import twice, each import's peak resident memory measured alone.
MEASURE = """
import json, sys, django
django.setup()
from django.core.management import call_command
from tests.factories import make_accounts
from sochef_wagtail.archive.importer import import_archive
from sochef_wagtail.choices import Platform

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

call_command("migrate", verbosity=0)
make_accounts(Platform.BLUESKY)
runs = []
for _ in range(2):
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    result = import_archive(sys.argv[1])
    runs.append({"peak_mb": peak_mb(), "imported": result.imported, "present": result.present})
print(json.dumps(runs))
"""


@pytest.mark.slow
@pytest.mark.db_independent  # its own SQLite file in tmp_path, whatever the suite's database
def test_a_repository_of_100_000_posts_imports_in_bounded_memory(tmp_path):
    """100,000 posts and reposts and as many likes: a CAR file of 75 MB."""
    path = write_large_repository(tmp_path / "large.car", 100_000)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only-bluesky-scale",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr
    first, again = json.loads(result.stdout.splitlines()[-1])
    print(f"\nfirst import: {first}\nre-import: {again}")
    assert (first["imported"], again["imported"], again["present"]) == (100_000, 0, 100_000)
    assert first["peak_mb"] < MAX_PEAK_RSS_MB and again["peak_mb"] < MAX_PEAK_RSS_MB
