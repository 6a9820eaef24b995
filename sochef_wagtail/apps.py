from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SochefWagtailConfig(AppConfig):
    name = "sochef_wagtail"
    label = "sochef_wagtail"
    verbose_name = _("SOchef relay")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
        from wagtail.models import Locale

        from .accounts import RelayAccount
        from .archive import cache
        from .archive.models import Tweet, TweetMedia
        from .languages import forget_locale_languages
        from .public_forms import ensure_purge_schedule

        post_migrate.connect(ensure_purge_schedule, sender=self)
        post_save.connect(forget_locale_languages, sender=Locale)
        post_delete.connect(forget_locale_languages, sender=Locale)
        pre_save.connect(cache.tweet_moving, sender=Tweet)
        post_save.connect(cache.tweet_changed, sender=Tweet)
        post_delete.connect(cache.tweet_changed, sender=Tweet)
        post_save.connect(cache.media_changed, sender=TweetMedia)
        post_delete.connect(cache.media_changed, sender=TweetMedia)
        post_save.connect(cache.account_saved, sender=RelayAccount)
