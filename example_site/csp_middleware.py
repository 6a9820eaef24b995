"""django-csp's middleware with the allowances Wagtail's admin needs, under its URLs only."""

from csp import middleware
from csp.constants import UNSAFE_INLINE
from django.urls import reverse

# Wagtail 8's admin writes inline scripts (date and time pickers, inline panels, multiple
# choosers), its bundle inserts inline <script> and <style> elements, its stylesheet draws
# data: images and image uploads show blob: previews (wagtail/wagtail#1288). The public pages
# get none of these.
ADMIN_ALLOWANCES = {
    "script-src": [UNSAFE_INLINE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:", "blob:"],
}


class CSPMiddleware(middleware.CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            update = dict(parts.update or {})
            for directive, sources in ADMIN_ALLOWANCES.items():
                update[directive] = [*sources, *update.get(directive, ())]
            parts.update = update
        return parts
