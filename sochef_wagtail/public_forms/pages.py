"""The abstract page that serves a public form, then redirects to its thank-you text."""

from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..conf import app_settings
from ..pages import SochefPageMixin
from ..project import ProjectSettings
from .rate_limit import give_back, take_slot


class PublicFormPage(RoutablePageMixin, SochefPageMixin, Page):
    """A page that serves a protected form, then redirects to its thank-you text.

    Subclasses set ``form_class`` and implement :meth:`save_submission`.
    """

    intro = RichTextField(_("intro"), blank=True)
    thank_you_text = RichTextField(_("thank-you text"), blank=True)
    closed_text = RichTextField(
        _("closed text"),
        blank=True,
        help_text=_("Shown instead of the form, after the project's status message, when closed."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("thank_you_text"),
        FieldPanel("closed_text"),
    ]

    form_class = None
    subpage_types = []

    class Meta:
        abstract = True

    @property
    def rate_limit_scope(self):
        return self._meta.label_lower

    def get_form(self, data=None):
        return self.form_class(data)

    def save_submission(self, form, request):
        """Store a valid submission. You can override this method."""
        raise NotImplementedError

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["project_settings"] = ProjectSettings.for_request(request)
        context["retention_days"] = app_settings.RETENTION_DAYS
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # The form carries a CSRF token and a time-trap token for this visitor, the answers
        # shown again hold what they typed: no shared cache may keep or serve any of it.
        patch_cache_control(response, private=True, no_store=True)
        return response

    def render_form(self, request, form=None, status=200, **context):
        response = self.render(
            request, context_overrides={"form": form or self.get_form(), **context}
        )
        response.status_code = status
        return response

    # What visitors send (names, e-mail addresses) stays out of Django's error reports: the
    # POST data and the variables of every function below this one show as stars.
    @path("")
    @method_decorator(sensitive_post_parameters())
    @method_decorator(sensitive_variables())
    def form_view(self, request):
        if ProjectSettings.for_request(request).is_closed:
            return self.render_form(
                request, closed=True, status=403 if request.method == "POST" else 200
            )
        if request.method != "POST":
            return self.render_form(request)
        form = self.get_form(request.POST)
        if form.honeypot_filled:
            # Bots get the same answer as people, and nothing is stored.
            return redirect(self.thanks_url(request))
        # The slot is taken before the post is checked, so that posts sent at once cannot all
        # pass the limit; a post that is not accepted gives it back.
        slot = take_slot(request, self.rate_limit_scope)
        if slot is None:
            form.spends_time_trap = False  # shown again below the message, not accepted
            return self.render_form(request, form, status=429, rate_limited=True)
        if not form.is_valid():
            give_back(slot)
            return self.render_form(request, form)
        try:
            self.save_submission(form, request)
        except Exception:
            give_back(slot)
            raise
        return redirect(self.thanks_url(request))

    @path("tack/", name="thanks")
    def thanks_view(self, request):
        # Nothing for search engines to find: the text is the form page's own.
        meta = self.lazy_meta(request, noindex=True)
        return self.render(request, context_overrides={"sent": True, "sochef_meta": meta})

    def thanks_url(self, request):
        return self.get_url(request) + self.reverse_subpage("thanks")
