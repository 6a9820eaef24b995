"""The pictures and videos of stored posts kept on the site, not only named by their address.

A fetch stores a post with its media's addresses on the platform (and an archive names those
its ZIP lacks): after each fetch, ``download_media`` fetches each such file once and stores it
as an archive's are (its kind told by its first bytes, ``media_types``), so that readers' pages
show it from the site, asking the platforms' servers nothing. What cannot be had for good (gone,
refused, too large, not a picture or video as the post says) is recorded on the media and not
asked for again; a time-out or a 5xx answer is tried again by the next fetch.

Only public hosts are asked: an address on a private, loopback or link-local network (which a
hostile instance could give its attachments, to make the site request its own network) is
refused, after each redirect too.
"""

import ipaddress
import logging
import re
import socket
import tempfile
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..conf import app_settings
from .media_types import media_type
from .models import MediaKind, TweetMedia

logger = logging.getLogger(__name__)

MEDIA_FILE = TweetMedia._meta.get_field("file")
CHUNK_SIZE = 64 * 1024
MAX_REDIRECTS = 3
USER_AGENT = "sochef_wagtail (archiving the media of a relay account's posts)"
_UNSAFE_IN_NAMES = re.compile(r"[^A-Za-z0-9_-]")


class Unavailable(Exception):
    """The file cannot be had, now or later (the reason is kept on the media)."""


class NotNow(Exception):
    """The file cannot be had now (time-out, 5xx, network): the next fetch tries again."""


@dataclass
class DownloadResult:
    stored: int = 0
    unavailable: int = 0
    postponed: int = 0

    @property
    def tried(self):
        return self.stored + self.unavailable + self.postponed

    @property
    def summary(self):
        return ngettext(
            "Media: %(stored)s file stored, %(unavailable)s unavailable, %(postponed)s left "
            "for the next fetch.",
            "Media: %(stored)s files stored, %(unavailable)s unavailable, %(postponed)s left "
            "for the next fetch.",
            self.stored,
        ) % {"stored": self.stored, "unavailable": self.unavailable, "postponed": self.postponed}


def media_to_download():
    """The media with an address and no file, not found unavailable before, oldest first."""
    return TweetMedia.objects.filter(
        file="", download_failed="", original_url__startswith="https://"
    ).order_by("pk")


def download_media(limit=None, session=None):
    """Download and store the files of up to ``limit`` (SOCHEF_MEDIA_DOWNLOADS_PER_FETCH) media
    of ``media_to_download()``; a ``DownloadResult``."""
    limit = app_settings.MEDIA_DOWNLOADS_PER_FETCH if limit is None else limit
    result = DownloadResult()
    # A host that failed once this run is not asked again until the next: a run with the
    # network down costs one time-out per host, not one per file.
    failing_hosts = set()
    with session or requests.Session() as http:
        http.headers["User-Agent"] = USER_AGENT
        for media in media_to_download()[:limit]:
            host = urlsplit(media.original_url).hostname
            if host in failing_hosts:
                result.postponed += 1
                continue
            try:
                _store(media, http)
            except Unavailable as reason:
                TweetMedia.objects.filter(pk=media.pk).update(download_failed=str(reason)[:200])
                result.unavailable += 1
            except NotNow as reason:
                logger.info("Media %s of post %s: %s", media.pk, media.tweet_id, reason)
                failing_hosts.add(host)
                result.postponed += 1
            else:
                result.stored += 1
    return result


def _store(media, http):
    with tempfile.SpooledTemporaryFile(max_size=1024**2) as content:
        _download(media.original_url, http, content)
        kind = media_type(content, video=media.kind != MediaKind.PHOTO)
        if kind is None:
            raise Unavailable(
                _("not of the kind its post names (%(kind)s)") % {"kind": media.get_kind_display()}
            )
        name = MEDIA_FILE.generate_filename(None, f"{file_stem(media)}.{kind.extension}")
        name = MEDIA_FILE.storage.save(name, File(content), max_length=MEDIA_FILE.max_length)
    # Another download of the same media may have stored its file first: that one stays.
    if not TweetMedia.objects.filter(pk=media.pk, file="").update(file=name):
        MEDIA_FILE.storage.delete(name)


def file_stem(media):
    """The file's name without extension: the platform's id of the media, in the characters
    a file name may hold (a platform may send anything), else the row's primary key."""
    return _UNSAFE_IN_NAMES.sub("", media.media_key)[:60] or str(media.pk)


def _download(url, http, into):
    """Write the body at ``url`` into the file ``into``, following a few redirects, each to a
    public host; ``Unavailable`` or ``NotNow`` when it cannot."""
    for _hop in range(MAX_REDIRECTS + 1):
        _refuse_private(url)
        try:
            with http.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=app_settings.FETCH_TIMEOUT_SECONDS,
            ) as response:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("Location", ""))
                    continue
                if response.status_code >= 500 or response.status_code == 429:
                    raise NotNow(f"{response.status_code} from {urlsplit(url).hostname}")
                if response.status_code != 200:
                    raise Unavailable(
                        _("%(status)s from the server") % {"status": response.status_code}
                    )
                _copy(response, into)
                return
        except requests.RequestException as error:
            raise NotNow(f"{type(error).__name__} from {urlsplit(url).hostname}") from None
    raise Unavailable(_("more than %(count)s redirects") % {"count": MAX_REDIRECTS})


def _copy(response, into):
    written = 0
    limit = app_settings.MEDIA_MAX_BYTES
    for chunk in response.iter_content(CHUNK_SIZE):
        written += len(chunk)
        if written > limit:
            raise Unavailable(_("larger than %(limit)s bytes") % {"limit": limit})
        into.write(chunk)


def _refuse_private(url):
    parts = urlsplit(url)
    try:
        port = parts.port or 443
    except ValueError:  # a port that is no number, or out of range
        port = None
    if parts.scheme != "https" or not parts.hostname or port is None:
        raise Unavailable(_("not an https:// address"))
    try:
        addresses = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise NotNow(f"{parts.hostname} not found") from None
    for *_rest, sockaddr in addresses:
        if not ipaddress.ip_address(sockaddr[0].split("%")[0]).is_global:
            raise Unavailable(_("%(host)s is not a public host") % {"host": parts.hostname})
