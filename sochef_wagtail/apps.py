from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SochefWagtailConfig(AppConfig):
    name = "sochef_wagtail"
    label = "sochef_wagtail"
    verbose_name = _("SOchef relay")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.models import Locale

        from .languages import forget_locale_languages
        from .public_forms import ensure_purge_schedule

        post_migrate.connect(ensure_purge_schedule, sender=self)
        post_save.connect(forget_locale_languages, sender=Locale)
        post_delete.connect(forget_locale_languages, sender=Locale)
