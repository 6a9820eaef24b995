"""The media files of posts that only have their address are downloaded after each fetch:
stored as an archive's are, each asked for once, only from public hosts, never half-stored."""

import io
import socket

import pytest
import requests
import responses
from django.core.management import call_command

from sochef_wagtail.archive.media_download import MEDIA_FILE, download_media
from sochef_wagtail.archive.models import MediaKind, TweetMedia
from sochef_wagtail.choices import Platform
from tests.factories import TINY_PNG, make_accounts, make_tweet

pytestmark = pytest.mark.django_db

CDN = "https://cdn.example.social"
PUBLIC = "151.101.1.1"


@pytest.fixture
def resolved(monkeypatch):
    """Names the tests' hosts resolve to (all others fail, as in every test)."""
    names = {"cdn.example.social": PUBLIC, "files.mastodon.social": PUBLIC}
    lookup = socket.getaddrinfo  # the tests' own, which fails off this machine

    def resolve(host, port, *args, **kwargs):
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], port))]
        return lookup(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return names


@pytest.fixture
def http():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def post():
    _employer, worker = make_accounts(Platform.MASTODON)
    status = "https://mastodon.social/users/skyddsombud/statuses/1"
    return make_tweet(worker, "Bild från skyddsronden", tweet_id=status)


def remote_media(tweet, url, kind=MediaKind.PHOTO, key="113520000000009001"):
    """A media of ``tweet`` known by its address only, as a fetch stores it."""
    return TweetMedia.objects.create(
        tweet=tweet, media_key=key, kind=kind, alt_text="En ställning", original_url=url
    )


def test_a_picture_is_downloaded_and_stored_as_what_it_holds(resolved, http, post, client):
    media = remote_media(post, f"{CDN}/bild.jpg", key="skyddsrond")
    http.get(f"{CDN}/bild.jpg", body=TINY_PNG, content_type="image/jpeg")
    result = download_media()
    media.refresh_from_db()
    assert (result.stored, result.unavailable, result.postponed) == (1, 0, 0)
    # A PNG, whatever its address said.
    assert media.file.name == "sochef/tweet_media/skyddsrond.png"
    assert media.file.read() == TINY_PNG
    assert result.summary == "Media: 1 fil sparad, 0 otillgängliga, 0 kvar till nästa hämtning."
    assert download_media().tried == 0  # nothing left to download


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"status": 404}, "404 från servern"),
        ({"status": 403}, "403 från servern"),
        (
            {"body": b"<html><script>alert(1)</script></html>"},
            "inte av det slag inlägget anger (Foto)",
        ),
        (
            {"body": b"\x00\x00\x00\x18ftypmp42" + bytes(100)},
            "inte av det slag inlägget anger (Foto)",
        ),
    ],
)
def test_what_cannot_be_had_is_recorded_and_not_asked_again(resolved, http, post, answer, reason):
    media = remote_media(post, f"{CDN}/bild.jpg")
    http.get(f"{CDN}/bild.jpg", **answer)
    assert download_media().unavailable == 1
    media.refresh_from_db()
    assert (media.file.name, media.download_failed) == ("", reason)
    assert download_media().tried == 0 and len(http.calls) == 1


def test_a_file_over_the_limit_is_not_stored(resolved, http, post, settings):
    settings.SOCHEF_MEDIA_MAX_BYTES = 1000
    media = remote_media(post, f"{CDN}/stor.png", key="stor")
    http.get(f"{CDN}/stor.png", body=TINY_PNG + bytes(2000))
    assert download_media().unavailable == 1
    media.refresh_from_db()
    assert (media.file.name, media.download_failed) == ("", "större än 1000 byte")
    assert not MEDIA_FILE.storage.exists("sochef/tweet_media/stor.png")


@pytest.mark.parametrize(
    "answer",
    [{"status": 503}, {"status": 429}, {"body": requests.exceptions.ConnectionError("reset")}],
)
def test_a_passing_failure_is_tried_again_by_the_next_fetch(resolved, http, post, answer):
    media = remote_media(post, f"{CDN}/bild.png")
    http.get(f"{CDN}/bild.png", **answer)
    http.get(f"{CDN}/bild.png", body=TINY_PNG)
    assert download_media().postponed == 1
    media.refresh_from_db()
    assert (media.file.name, media.download_failed) == ("", "")
    assert download_media().stored == 1


def test_a_host_failing_once_is_not_asked_again_in_the_same_run(resolved, http, post):
    for n in range(3):
        remote_media(post, f"{CDN}/{n}.png", key=f"nere-{n}")
    http.get(f"{CDN}/0.png", body=requests.exceptions.ConnectTimeout("timed out"))
    result = download_media()
    assert (result.postponed, len(http.calls)) == (3, 1)


@pytest.mark.parametrize("address", ["10.0.0.5", "127.0.0.1", "169.254.169.254", "::1", "fd00::1"])
def test_a_host_on_a_private_network_is_never_asked(resolved, http, post, address):
    resolved["cdn.example.social"] = address
    media = remote_media(post, f"{CDN}/bild.png")
    assert download_media().unavailable == 1  # responses would fail on any request made
    media.refresh_from_db()
    assert media.download_failed == "cdn.example.social är inte en publik värd"


def test_a_redirect_to_a_private_host_is_not_followed(resolved, http, post):
    resolved["internal.example.social"] = "192.168.1.10"
    media = remote_media(post, f"{CDN}/bild.png")
    to_private = {"Location": "https://internal.example.social/x"}
    http.get(f"{CDN}/bild.png", status=302, headers=to_private)
    assert download_media().unavailable == 1
    media.refresh_from_db()
    assert media.download_failed == "internal.example.social är inte en publik värd"


@pytest.mark.parametrize(
    "location", ["http://cdn.example.social/bild.png", "https://cdn.example.social:99999/x"]
)
def test_a_redirect_to_no_https_address_is_not_followed(resolved, http, post, location):
    media = remote_media(post, f"{CDN}/bild.png")
    http.get(f"{CDN}/bild.png", status=302, headers={"Location": location})
    assert download_media().unavailable == 1
    media.refresh_from_db()
    assert media.download_failed == "inte en https://-adress"


def test_a_redirect_to_a_public_host_is_followed(resolved, http, post):
    media = remote_media(post, f"{CDN}/bild.png")
    http.get(f"{CDN}/bild.png", status=301, headers={"Location": "/ny/bild.png"})
    http.get(f"{CDN}/ny/bild.png", body=TINY_PNG)
    assert download_media().stored == 1
    media.refresh_from_db()
    assert media.file.read() == TINY_PNG


def test_each_fetch_downloads_at_most_its_share_oldest_first(resolved, http, post, settings):
    settings.SOCHEF_MEDIA_DOWNLOADS_PER_FETCH = 2
    for n in range(3):
        remote_media(post, f"{CDN}/{n}.png", key=str(n))
        http.get(f"{CDN}/{n}.png", body=TINY_PNG)
    assert download_media().stored == 2
    assert [bool(m.file) for m in TweetMedia.objects.order_by("pk")] == [True, True, False]
    assert download_media().stored == 1


def test_a_media_stored_meanwhile_keeps_its_file(resolved, http, post, monkeypatch):
    """Two downloads of the same media at once: the first to record its file wins, the other
    deletes its own copy."""
    media = remote_media(post, f"{CDN}/bild.png", key="hinner-inte")
    http.get(f"{CDN}/bild.png", body=TINY_PNG)
    storage = MEDIA_FILE.storage
    save = storage.save

    def save_after_another(name, content, max_length=None):
        TweetMedia.objects.filter(pk=media.pk).update(file="sochef/tweet_media/theirs.png")
        return save(name, content, max_length=max_length)

    monkeypatch.setattr(storage, "save", save_after_another)
    assert download_media().stored == 1
    media.refresh_from_db()
    assert media.file.name == "sochef/tweet_media/theirs.png"
    assert not storage.exists("sochef/tweet_media/hinner-inte.png")


@pytest.mark.parametrize("key", ["..", "../../etc/passwd", "<script>", "   ", "å" * 100])
def test_a_hostile_media_id_gives_a_safe_file_name(resolved, http, post, key):
    media = remote_media(post, f"{CDN}/bild.png", key=key)
    http.get(f"{CDN}/bild.png", body=TINY_PNG)
    assert download_media().stored == 1
    media.refresh_from_db()
    directory, _slash, name = media.file.name.rpartition("/")
    assert directory == "sochef/tweet_media" and name.endswith(".png")
    assert ".." not in name and "<" not in name and " " not in name


def test_a_video_is_stored_only_as_a_video(resolved, http, post):
    film = remote_media(post, f"{CDN}/film.mp4", kind=MediaKind.VIDEO)
    http.get(f"{CDN}/film.mp4", body=b"\x00\x00\x00\x18ftypmp42" + bytes(100))
    assert download_media().stored == 1
    film.refresh_from_db()
    assert film.file.name.endswith(".mp4")


def test_the_fetch_command_downloads_the_media_of_the_posts_it_stored(resolved, http, settings):
    """End to end: a Mastodon status with a picture, fetched, then shown from the site."""
    settings.SOCHEF_FETCH_BACKOFF_SECONDS = 0
    employer, _worker = make_accounts(Platform.MASTODON)
    employer.active = False
    employer.save()
    api = "https://mastodon.social/api/v1/accounts/2"
    picture = "https://files.mastodon.social/media_attachments/files/1/original/bild.jpg"
    status = {
        "id": "113520000000000001",
        "uri": "https://mastodon.social/users/skyddsombud/statuses/113520000000000001",
        "created_at": "2024-11-18T08:00:00.000Z",
        "visibility": "public",
        "content": "<p>Skyddsrond</p>",
        "account": {"id": "2", "username": "skyddsombud", "acct": "skyddsombud"},
        "mentions": [],
        "media_attachments": [
            {"id": "9001", "type": "image", "url": picture, "description": "En ställning"}
        ],
        "reblog": None,
    }
    http.get(api, json={"id": "2", "username": "skyddsombud", "acct": "skyddsombud"})
    http.get(f"{api}/statuses", json=[status])
    http.get(picture, body=TINY_PNG)
    out = io.StringIO()
    call_command("sochef_fetch_tweets", stdout=out)
    assert "Media: 1 fil sparad" in out.getvalue()
    media = TweetMedia.objects.get()
    assert media.file.name == "sochef/tweet_media/9001.png" and media.alt_text == "En ställning"
