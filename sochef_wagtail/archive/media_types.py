"""The kinds of media file the site keeps: those X exports, recognised by their first bytes.

A file is stored only when its content starts like a JPEG, PNG, GIF, WebP or MP4 file, and under
the extension of that kind, whatever its name said: an SVG or HTML file (which a browser runs
as a page when it is served from the site's own origin) never reaches the storage, and a
picture is always served as a picture.
"""

from dataclasses import dataclass

# Bytes read to recognise a file: the longest signature ends at byte 12 (WebP).
HEAD_SIZE = 12


@dataclass(frozen=True)
class MediaType:
    extension: str
    video: bool


JPEG = MediaType("jpg", video=False)
PNG = MediaType("png", video=False)
GIF = MediaType("gif", video=False)
WEBP = MediaType("webp", video=False)
MP4 = MediaType("mp4", video=True)

#: Extensions of the stored files: the only ones a media file is ever served under.
EXTENSIONS = frozenset(kind.extension for kind in (JPEG, PNG, GIF, WEBP, MP4))


def sniff(head):
    """The ``MediaType`` that the bytes ``head`` (a file's first ``HEAD_SIZE``) begin, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":  # the ISO base media file's first box
        return MP4
    return None


def media_type(file, video):
    """The ``MediaType`` of the open binary ``file`` when it is a video (``video``) or a picture
    as X exports them, else None. The file is read from its start and left there."""
    file.seek(0)
    found = sniff(file.read(HEAD_SIZE))
    file.seek(0)
    return found if found and found.video == video else None
