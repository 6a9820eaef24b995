from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SochefWagtailConfig(AppConfig):
    name = "sochef_wagtail"
    label = "sochef_wagtail"
    verbose_name = _("SOchef relay")
    default_auto_field = "django.db.models.BigAutoField"
