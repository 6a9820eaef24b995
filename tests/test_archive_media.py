"""Media files of an archive: only pictures and videos as X exports them reach the storage."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from sochef_wagtail.archive.media_types import sniff
from sochef_wagtail.archive.models import TweetMedia
from tests.archives import PNG, archive_tweet, current_archive, photo, write_archive
from tests.factories import make_tweets, stockholm

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 16
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
# A file that is a GIF to an image decoder and a page to a browser that sniffs it as HTML.
GIF_POLYGLOT = b"GIF89a/*\x01\x00\x01\x00\x80\x00\x00*/=1;<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with translation.override("en"):
        yield Path(settings.MEDIA_ROOT)


def stored_files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def video(tweet_id, media_id, kind="video"):
    """An extended_entities.media item of a video (or GIF) whose file is an .mp4."""
    return {
        "id_str": str(media_id),
        "type": kind,
        "url": "https://t.co/vid",
        "media_url_https": f"https://pbs.twimg.com/ext_tw_video_thumb/{media_id}/pu/img/t.jpg",
        "indices": ["0", "0"],
        "video_info": {
            "variants": [{"bitrate": "832000", "url": f"https://video.twimg.com/{media_id}.mp4"}]
        },
    }


def import_media(tmp_path, media, entity=photo):
    """Import one tweet (id 3) whose media (id 77) has the archive files ``media``; the summary."""
    tweet = archive_tweet(3, "Bild https://t.co/pic", extended_entities={"media": [entity(3, 77)]})
    path = write_archive(tmp_path / "archive.zip", current_archive([tweet], media=media))
    out = io.StringIO()
    call_command("sochef_import_archive", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [
        ("3-77.svg", SVG),
        ("3-77.png", SVG),
        ("3-77.html", HTML),
        ("3-77.jpg", HTML),
        ("3-77.png", b"<?xml version='1.0'?>" + SVG),
        ("3-77.png", b""),
    ],
    ids=["svg", "svg-named-png", "html", "html-named-jpg", "xml-svg", "empty"],
)
def test_a_media_file_that_is_no_picture_is_not_stored_and_counted(
    tmp_path, media_root, accounts, name, content
):
    summary = import_media(tmp_path, {name: content})
    media = TweetMedia.objects.get()
    assert media.file.name == ""
    assert stored_files(media_root) == []
    assert "Media not archived: 1" in summary


@pytest.mark.parametrize(
    "name, content, stored",
    [
        ("3-77.png", PNG, "3-77.png"),
        ("3-77.jpg", JPEG, "3-77.jpg"),
        ("3-77.gif", GIF, "3-77.gif"),
        ("3-77.webp", WEBP, "3-77.webp"),
        ("3-77.jpg", PNG, "3-77.png"),
        ("3-77.svg", PNG, "3-77.png"),
        ("3-77.html", GIF_POLYGLOT, "3-77.gif"),
    ],
    ids=["png", "jpeg", "gif", "webp", "png-named-jpg", "png-named-svg", "gif-html-polyglot"],
)
def test_a_picture_is_stored_under_the_extension_of_what_it_holds(
    tmp_path, media_root, accounts, name, content, stored
):
    summary = import_media(tmp_path, {name: content})
    media = TweetMedia.objects.get()
    assert Path(media.file.name).name == stored
    assert media.file.read() == content
    assert "not archived" not in summary


def test_a_video_is_stored_when_its_file_is_an_mp4(tmp_path, media_root, accounts):
    import_media(tmp_path, {"3-77.mp4": MP4}, entity=video)
    assert Path(TweetMedia.objects.get().file.name).name == "3-77.mp4"


@pytest.mark.parametrize("content", [HTML, SVG, PNG], ids=["html", "svg", "png"])
def test_a_video_whose_file_is_no_mp4_is_not_stored(tmp_path, media_root, accounts, content):
    summary = import_media(tmp_path, {"3-77.mp4": content}, entity=video)
    assert TweetMedia.objects.get().file.name == ""
    assert stored_files(media_root) == []
    assert "Media not archived: 1" in summary


def test_a_photo_whose_file_is_an_mp4_is_not_stored(tmp_path, media_root, accounts):
    import_media(tmp_path, {"3-77.png": MP4})
    assert TweetMedia.objects.get().file.name == ""


def test_media_missing_from_the_archive_count_as_not_archived(tmp_path, accounts):
    assert "Media not archived: 1" in import_media(tmp_path, {})


def test_sniffing_reads_the_content_not_the_name():
    assert [sniff(head) is not None for head in (JPEG, PNG, GIF, WEBP, MP4)] == [True] * 5
    assert [sniff(head) for head in (SVG, HTML, b"RIFF\0\0\0\0WAVE", b"GIF90a", b"")] == [None] * 5


def test_a_file_stored_under_another_extension_before_the_check_is_not_shown(accounts):
    """Media imported before the kinds were checked may be an SVG: the page never links it."""
    (tweet,) = make_tweets(accounts[1], 1, stockholm(2013, 3, 4, 9))
    for position, name in enumerate(["sochef/tweet_media/3-77.svg", "sochef/tweet_media/3-78.png"]):
        TweetMedia.objects.create(
            tweet=tweet, media_key=str(position), kind="photo", file=name, position=position
        )
    html = render_to_string("sochef_wagtail/includes/tweet.html", {"tweet": tweet})
    assert ".svg" not in html
    assert "3-78.png" in html
    assert "Media not archived" in html
