"""What the app does when something else happens: every receiver is connected here, from
``SochefWagtailConfig.ready()``.

Most keep the caches true (``caching/``): a change to whatever a cached page or tweet rendering
shows replaces its version token. Single saves and deletes send Django's model signals; writes
in bulk that send none announce themselves (the archive's ``tweets_stored``) or call
``caching.tweets.invalidate_week_cache`` themselves.
"""

from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .accounts import RelayAccount
from .archive.models import ImportedMember, Tweet, TweetMedia
from .archive.signals import tweets_stored
from .archive.store import queue_account_rendering
from .caching import cache_enabled, pages
from .caching.tweets import invalidate_week_cache
from .guests import Guest
from .languages import forget_locale_languages
from .nominations.notify import ensure_sweep_schedule
from .pipeline.tasks import ensure_pipeline_schedules
from .press import PressMention
from .project import GuideLink, ProjectSettings
from .public_forms.retention import ensure_purge_schedule
from .weeks.models import GuestSlot

# What a cached page shows, beyond pages, the project settings and images (which see below);
# and the view restrictions: the response cache (caching/responses.py) answers before Wagtail
# checks them, so a page made private must leave it at once.
PAGE_CONTENT_MODELS = (
    Guest,
    RelayAccount,
    GuestSlot,
    GuideLink,
    PressMention,
    Site,
    Locale,
    PageViewRestriction,
)

# Wagtail saves these on an image the first time it needs them, e.g. while rendering a page.
IMAGE_BOOKKEEPING = frozenset({"file_size", "file_hash"})


# The page cache


def content_changed(sender, **kwargs):
    """Something a cached page may show has changed."""
    pages.invalidate()


def settings_saved(sender, created=False, **kwargs):
    """The project settings changed; not their creation, which Wagtail does with the defaults
    when a page first reads them (so no cached page read other ones)."""
    if not created:
        pages.invalidate()


def image_changed(sender, update_fields=None, **kwargs):
    """An image changed, beyond Wagtail's own bookkeeping."""
    if update_fields is None or not IMAGE_BOOKKEEPING.issuperset(update_fields):
        pages.invalidate()


# The tweet cache (which tells the page cache too)


def tweet_changed(sender, instance, **kwargs):
    invalidate_week_cache(instance.account_id, instance.created_at, instance.created_at)


def tweet_moving(sender, instance, raw=False, **kwargs):
    """Before an existing tweet is saved: forget the week it was in, should it move."""
    if raw or instance.pk is None or not cache_enabled():
        return
    before = Tweet.objects.filter(pk=instance.pk).values("account_id", "created_at").first()
    if before and (before["account_id"], before["created_at"]) != (
        instance.account_id,
        instance.created_at,
    ):
        invalidate_week_cache(before["account_id"], before["created_at"], before["created_at"])


def tweet_deleted(sender, instance, **kwargs):
    """The archive members imported into the tweet's account no longer are all stored: an
    import of them reads them again (and stores the tweet again)."""
    ImportedMember.objects.filter(account_id=instance.account_id).delete()


def media_changed(sender, instance, **kwargs):
    # Read the tweet afresh: when media go with their tweet, the tweet may be gone already.
    tweet = Tweet.objects.filter(pk=instance.tweet_id).values("account_id", "created_at").first()
    if tweet:
        invalidate_week_cache(tweet["account_id"], tweet["created_at"], tweet["created_at"])


def account_saved(sender, instance, raw=False, **kwargs):
    invalidate_week_cache(instance)
    if not raw:
        queue_account_rendering(instance)


def tweets_written(sender, account, first, last, **kwargs):
    """Tweets stored in bulk (no model signals): forget the weeks from ``first`` to ``last``."""
    invalidate_week_cache(account, first, last)


def register_signal_handlers(app_config):
    post_migrate.connect(ensure_purge_schedule, sender=app_config)
    post_migrate.connect(ensure_sweep_schedule, sender=app_config)
    post_migrate.connect(ensure_pipeline_schedules, sender=app_config)
    post_save.connect(forget_locale_languages, sender=Locale)
    post_delete.connect(forget_locale_languages, sender=Locale)

    pre_save.connect(tweet_moving, sender=Tweet)
    post_save.connect(tweet_changed, sender=Tweet)
    post_delete.connect(tweet_changed, sender=Tweet)
    post_delete.connect(tweet_deleted, sender=Tweet)
    post_save.connect(media_changed, sender=TweetMedia)
    post_delete.connect(media_changed, sender=TweetMedia)
    post_save.connect(account_saved, sender=RelayAccount)
    tweets_stored.connect(tweets_written, sender=Tweet)

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(content_changed)
    post_delete.connect(content_changed, sender=Page)
    for model in PAGE_CONTENT_MODELS:
        post_save.connect(content_changed, sender=model)
        post_delete.connect(content_changed, sender=model)
    post_save.connect(settings_saved, sender=ProjectSettings)
    post_delete.connect(content_changed, sender=ProjectSettings)
    image = get_image_model()
    post_save.connect(image_changed, sender=image)
    post_delete.connect(content_changed, sender=image)
