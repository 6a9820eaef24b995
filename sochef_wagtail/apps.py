from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SochefWagtailConfig(AppConfig):
    name = "sochef_wagtail"
    label = "sochef_wagtail"
    verbose_name = _("SOchef relay")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (importing checks registers them)
        from .signal_handlers import register_signal_handlers

        register_signal_handlers(self)
