from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SochefWagtailConfig(AppConfig):
    name = "sochef_wagtail"
    label = "sochef_wagtail"
    verbose_name = _("SOchef relay")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
        from wagtail.images import get_image_model
        from wagtail.models import Locale, Page, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import checks, page_cache  # noqa: F401  (importing checks registers them)
        from .accounts import RelayAccount
        from .archive import cache
        from .archive.models import Tweet, TweetMedia
        from .guests import Guest
        from .languages import forget_locale_languages
        from .nominations.notify import ensure_sweep_schedule
        from .press import PressMention
        from .project import GuideLink, ProjectSettings
        from .public_forms.retention import ensure_purge_schedule
        from .weeks.models import GuestSlot

        post_migrate.connect(ensure_purge_schedule, sender=self)
        post_migrate.connect(ensure_sweep_schedule, sender=self)
        post_save.connect(forget_locale_languages, sender=Locale)
        post_delete.connect(forget_locale_languages, sender=Locale)
        pre_save.connect(cache.tweet_moving, sender=Tweet)
        post_save.connect(cache.tweet_changed, sender=Tweet)
        post_delete.connect(cache.tweet_changed, sender=Tweet)
        post_save.connect(cache.media_changed, sender=TweetMedia)
        post_delete.connect(cache.media_changed, sender=TweetMedia)
        post_save.connect(cache.account_saved, sender=RelayAccount)
        # Tweets reach the page cache through the tweet cache's invalidation.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(page_cache.content_changed)
        post_delete.connect(page_cache.content_changed, sender=Page)
        for model in (
            Guest,
            RelayAccount,
            GuestSlot,
            GuideLink,
            PressMention,
            Site,
        ):
            post_save.connect(page_cache.content_changed, sender=model)
            post_delete.connect(page_cache.content_changed, sender=model)
        post_save.connect(page_cache.settings_saved, sender=ProjectSettings)
        post_delete.connect(page_cache.content_changed, sender=ProjectSettings)
        post_save.connect(page_cache.image_changed, sender=get_image_model())
        post_delete.connect(page_cache.content_changed, sender=get_image_model())
