"""Posts as stored by the site: one row per post, whatever platform and source it came from."""

import posixpath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from ..accounts import RelayAccount
from ..handles import ACCOUNT_HANDLE_MAX_LENGTH, PLATFORM_ID_MAX_LENGTH
from ..platforms import POST_ID_MAX_LENGTH
from .html import html_key, stored_html
from .media_types import EXTENSIONS
from .rendering import Links, tweet_language


class TweetSource(models.TextChoices):
    ARCHIVE = "archive", _("Archive import")
    API = "api", _("X API")


class Tweet(index.Indexed, models.Model):
    """A post as published, on the platform of its account: a tweet on X, a post on Bluesky or
    Mastodon (the model keeps its first name, as do the table and its columns). Its id is the
    one its platform names it by everywhere (``platforms``). ``text`` is plain, unescaped text:
    templates escape it once.

    ``entities`` holds what the text refers to, with code-point offsets into ``text``::

        {"urls": [{"start": 0, "end": 23, "url": "https://t.co/x",
                   "expanded_url": "https://example.com/a", "display_url": "example.com/a"}],
         "mentions": [{"start": 0, "end": 12, "handle": "Skyddsombud"}],
         "hashtags": [{"start": 0, "end": 9, "tag": "arbetsmiljo"}],
         "cashtags": [{"start": 0, "end": 5, "tag": "VOLV"}],
         "media": [{"start": 0, "end": 23, "url": "https://t.co/y"}]}

    Each version of a tweet edited on X is a row of its own: the earlier ones name the latest
    in ``latest_version_id`` (and are left out by ``latest_versions()``), the latest is ``edited``.
    """

    tweet_id = models.CharField(
        _("post id"),
        max_length=POST_ID_MAX_LENGTH,
        unique=True,
        help_text=_(
            "The id its platform names the post by: on X the tweet's number, on Bluesky its "
            "at:// URI, on Mastodon the status's https:// id."
        ),
    )
    account = models.ForeignKey(
        RelayAccount,
        verbose_name=_("relay account"),
        on_delete=models.CASCADE,
        related_name="tweets",
    )
    created_at = models.DateTimeField(_("created at"), db_index=True)
    text = models.TextField(_("text"))
    entities = models.JSONField(_("entities"), default=dict, blank=True)
    in_reply_to_tweet_id = models.CharField(
        _("in reply to post id"), max_length=POST_ID_MAX_LENGTH, blank=True
    )
    in_reply_to_handle = models.CharField(
        _("in reply to handle"), max_length=ACCOUNT_HANDLE_MAX_LENGTH, blank=True
    )
    in_reply_to_user_id = models.CharField(
        _("in reply to account id"), max_length=PLATFORM_ID_MAX_LENGTH, blank=True
    )
    is_retweet = models.BooleanField(_("repost"), default=False)
    is_quote = models.BooleanField(_("quote"), default=False)
    quoted_tweet_id = models.CharField(
        _("quoted post id"), max_length=POST_ID_MAX_LENGTH, blank=True
    )
    lang = models.CharField(_("language"), max_length=12, blank=True)
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    retweet_count = models.PositiveIntegerField(_("reposts"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=TweetSource.choices)
    client = models.CharField(
        _("client"), max_length=100, blank=True, help_text=_("The app it was posted with.")
    )
    possibly_sensitive = models.BooleanField(_("possibly sensitive"), default=False)
    # A default in the database too: rows written without the ORM need not name the column.
    content_warning = models.TextField(_("content warning"), blank=True, default="", db_default="")
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    latest_version_id = models.CharField(
        _("latest version"),
        max_length=POST_ID_MAX_LENGTH,
        blank=True,
        db_index=True,
        help_text=_("For an earlier version of a tweet edited on X: the id of its latest version."),
    )
    edited = models.BooleanField(
        _("edited"), default=False, help_text=_("The latest version of a tweet edited on X.")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    # The post as the pages show it, made once (archive/html.py): rendering fifty posts on
    # every cold page cost more than the rest of the page. Current while ``html_key`` is its
    # account's; a post stored in bulk gets it from a task (archive/tasks.py).
    html = models.TextField(_("HTML"), blank=True, default="", db_default="", editable=False)
    html_key = models.CharField(
        _("HTML key"), max_length=32, blank=True, default="", db_default="", editable=False
    )

    search_fields = [
        index.SearchField("text"),
        index.FilterField("account"),
        index.FilterField("created_at"),
        index.FilterField("latest_version_id"),
    ]

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["account", "created_at"], name="sochef_tweet_account_time")]

    def __str__(self):
        return f"@{self.account.handle} {self.created_at:%Y-%m-%d %H:%M}: {self.text[:50]}"

    def save(self, *args, **kwargs):
        self.html, self.html_key = stored_html(self), html_key(self.account)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "html", "html_key"}
        super().save(*args, **kwargs)

    @property
    def network(self):
        """The addresses and words of the account's platform (``platforms.Network``)."""
        return self.account.network

    @property
    def permalink(self):
        return self.network.post_url(self.account.handle, self.tweet_id)

    @property
    def reply_url(self):
        """Where the post this one answers is: that post, else its author's profile."""
        return self.network.reply_url(self.in_reply_to_handle, self.in_reply_to_tweet_id)

    @property
    def quoted_url(self):
        return self.network.quoted_url(self.quoted_tweet_id)

    @property
    def links(self):
        """Where the text's mentions and tags lead (``rendering.tweet_text_html``)."""
        return Links(self.network, self.account.handle)

    @property
    def language(self):
        """The tweet's language as a BCP 47 tag (from X's ``lang``), or "" when unknown."""
        return tweet_language(self.lang)


def latest_versions():
    """The condition for tweets that are not an earlier version of a tweet edited on X."""
    return models.Q(latest_version_id="")


class MediaKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    GIF = "animated_gif", _("Animated GIF")


class TweetMedia(models.Model):
    """A picture or video of a tweet, stored through Django's storage."""

    tweet = models.ForeignKey(Tweet, on_delete=models.CASCADE, related_name="media")
    # X's media keys, Mastodon's attachment ids, Bluesky's blob CIDs (59 characters).
    media_key = models.CharField(_("media id"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=MediaKind.choices)
    file = models.FileField(_("file"), upload_to="sochef/tweet_media/", blank=True)
    alt_text = models.TextField(_("alt text"), blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    original_url = models.URLField(_("original URL"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    download_failed = models.CharField(
        _("download failed"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Why the file could not be downloaded from its original URL; then never again."
        ),
    )

    class Meta:
        verbose_name = _("post media")
        verbose_name_plural = _("post media")
        ordering = ["tweet", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tweet", "media_key"], name="sochef_tweetmedia_unique")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.media_key}"

    @property
    def servable_file(self):
        """The stored file, or None when there is none or its name is not one a media file is
        stored under (a file stored before their content was checked could be an SVG)."""
        extension = posixpath.splitext(self.file.name)[1][1:].lower() if self.file else ""
        return self.file if extension in EXTENSIONS else None


class ImportedMember(models.Model):
    """A tweet member of an archive (``data/tweets.js``…) whose tweets are all stored in
    ``account``: an import of the same member again (same size, CRC-32 and SHA-256 of its
    content) counts its tweets as present without reading them.

    The account's rows are deleted as soon as one of its tweets is, so that importing the
    archive again stores that tweet again (``signal_handlers``).
    """

    account = models.ForeignKey(RelayAccount, on_delete=models.CASCADE, related_name="+")
    size = models.PositiveBigIntegerField()
    crc32 = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    tweets = models.PositiveIntegerField()
    first = models.DateTimeField(null=True)
    last = models.DateTimeField(null=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["account", "sha256"], name="sochef_importedmember_unique"
            )
        ]

    def __str__(self):
        return f"{self.sha256[:12]}… ({self.tweets} tweets)"


class ArchiveImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ArchiveImport(models.Model):
    """An archive ZIP uploaded in the admin and imported by a django-q2 task.

    The uploaded file is deleted once the import has run, whatever its outcome: it is a copy of
    someone's personal data.
    """

    archive = models.FileField(
        _("archive"), upload_to="sochef/archive_imports/", max_length=255, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=255)
    handle = models.CharField(_("relay account"), max_length=ACCOUNT_HANDLE_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ArchiveImportStatus.choices,
        default=ArchiveImportStatus.QUEUED,
    )
    phase = models.CharField(_("phase"), max_length=10, blank=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    summary = models.TextField(_("summary"), blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Written every second by the task while it runs: an old one means its worker died.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive import")
        verbose_name_plural = _("archive imports")
        ordering = ["-created_at"]
        default_permissions = ()
        permissions = [("import_archive", _("Can import archives of posts"))]

    def __str__(self):
        return self.file_name

    @property
    def finished(self):
        return self.status in (ArchiveImportStatus.DONE, ArchiveImportStatus.FAILED)

    @property
    def percent(self):
        if not self.progress_total:
            return 100 if self.finished else 0
        return min(100 * self.progress_done // self.progress_total, 100)
