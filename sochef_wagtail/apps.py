from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SochefWagtailConfig(AppConfig):
    name = "sochef_wagtail"
    label = "sochef_wagtail"
    verbose_name = _("SOchef relay")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .public_forms import ensure_purge_schedule

        post_migrate.connect(ensure_purge_schedule, sender=self)
