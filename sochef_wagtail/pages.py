"""What every page of the app shares."""

from django.utils.functional import SimpleLazyObject

from .conf import app_settings
from .project import ProjectSettings


class SochefPageMixin:
    """Lets our templates extend the host's base template named in SOCHEF_BASE_TEMPLATE, and
    gives them the site's project settings as ``sochef_settings`` (whatever the host's
    context processors)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sochef_base_template"] = app_settings.BASE_TEMPLATE
        # Lazy: a page served from the cache (caching/pages.py) does not read them.
        context["sochef_settings"] = SimpleLazyObject(lambda: ProjectSettings.for_request(request))
        return context
