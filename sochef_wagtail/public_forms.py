"""What every public form of the app shares, so that all follow the same rules.

Nominations and the evaluation survey both use: a honeypot, a single-use time trap and no
control characters in what visitors send (:class:`ProtectedFormMixin`), a per-IP rate limit in
the cache named by ``SOCHEF_RATE_LIMIT_CACHE_ALIAS`` (:func:`take_slot`, :func:`give_back`),
errors announced to screen readers, a page that serves the form and redirects to its thank-you
text (:class:`PublicFormPage`), CSV cells that spreadsheets cannot run as formulas
(:func:`neutralise_csv_cell`) and the retention rule (:class:`PublicSubmission`,
:func:`purge_expired`).
"""

import datetime
import secrets
import time

from django import forms
from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.crypto import salted_hmac
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from .conf import app_settings
from .pages import SochefPageMixin
from .project import ProjectSettings
from .text import clean_text, clean_values

TIME_TRAP_SALT = "sochef_wagtail.public_forms.started"
HONEYPOT_FIELD = "website"
PURGE_SCHEDULE_NAME = "sochef_purge_nominations"


# -- Honeypot, time trap and accessible errors ------------------------------------------------


def time_trap_token(started=None):
    """A signed record of when the form was shown, with a nonce that makes it single-use."""
    started = time.time() if started is None else started
    return signing.dumps([started, secrets.token_hex(16)], salt=TIME_TRAP_SALT)


def rate_limit_cache():
    """The cache of the rate-limit counters and used time-trap tokens: SOCHEF_RATE_LIMIT_CACHE_ALIAS
    when CACHES defines it, else the default cache (see checks.py for what each backend can do)."""
    alias = app_settings.RATE_LIMIT_CACHE_ALIAS
    return caches[alias if alias in settings.CACHES else "default"]


def without_control_characters(data):
    """A copy of a form's data with :func:`~sochef_wagtail.text.clean_text` applied to each value.

    Removed rather than refused: the characters are invisible, so a person shown an error about
    them could not find them (they come with text pasted from documents). NUL too, which Django
    would otherwise refuse with a message about a character no one typed.
    """
    if not hasattr(data, "setlist"):  # a dict, as from code
        return clean_values(dict(data))
    data = data.copy()  # a QueryDict, as from a request
    for key, values in data.lists():
        data.setlist(key, [clean_text(value) for value in values])
    return data


class ProtectedFormMixin:
    """Adds a honeypot and a time trap to a form, removes control characters from what is sent
    (:func:`without_control_characters`) and ties each field to its error and help text.

    Use it before ``forms.Form`` or ``forms.ModelForm`` in the bases.
    """

    too_fast_message = _(
        "The form was sent very quickly after it was opened. Check your answers and send it again."
    )
    expired_message = _("The form has expired. Check your answers and send it again.")
    already_sent_message = _(
        "This form has already been sent. To send it once more, check your answers and send "
        "it again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = without_control_characters(self.data)
        # People never see the honeypot (hidden by CSS, out of the tab order, aria-hidden);
        # simple bots fill in every field they find.
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields["started"] = forms.CharField(required=False, widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial["started"] = time_trap_token()
        self.describe_fields()

    @property
    def honeypot_filled(self):
        return bool(self.data.get(HONEYPOT_FIELD, "").strip()) if self.is_bound else False

    def clean(self):
        cleaned_data = super().clean()
        try:
            started, nonce = signing.loads(
                self.data.get("started", ""),
                salt=TIME_TRAP_SALT,
                max_age=app_settings.FORM_MAX_AGE,
            )
            started = float(started)
        except (signing.BadSignature, TypeError, ValueError):
            # Shown again with a fresh token, so that sending it again works.
            self.renew_time_trap()
            self.add_error(None, self.expired_message)
            return cleaned_data
        if time.time() - started < app_settings.FORM_MIN_SECONDS:
            self.add_error(None, self.too_fast_message)
            return cleaned_data
        # One token, one post: a bot cannot send many posts with what one GET gave it.
        if not rate_limit_cache().add(
            f"sochef:started:{nonce}", 1, timeout=app_settings.FORM_MAX_AGE
        ):
            self.add_error(None, self.already_sent_message)
        # If the form is shown again, it can be sent once more, timed from when it was first shown.
        self.renew_time_trap(started)
        return cleaned_data

    def renew_time_trap(self, started=None):
        self.data = self.data.copy()
        self.data["started"] = time_trap_token(started)

    def full_clean(self):
        super().full_clean()
        self.describe_fields()

    def describe_fields(self):
        """Point each widget at its error and help text (aria-describedby, aria-invalid)."""
        errors = self.errors if self.is_bound and hasattr(self, "cleaned_data") else {}
        for name, field in self.fields.items():
            bound = self[name]
            described_by = []
            if name in errors:
                described_by.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if field.help_text:
                described_by.append(f"{bound.auto_id}_helptext")
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def visible_form_fields(self):
        """The fields people fill in (not the honeypot)."""
        return [field for field in self.visible_fields() if field.name != HONEYPOT_FIELD]

    def error_summary(self):
        """(anchor, label, message) for each error, in form order, for the summary at the top."""
        summary = [(None, None, message) for message in self.non_field_errors()]
        for field in self.visible_form_fields():
            for message in field.errors:
                summary.append((field.id_for_label or field.auto_id, field.label, message))
        return summary


# -- Rate limit per client IP ------------------------------------------------------------------


def _rate_key(request, scope):
    # The address is kept only as a keyed hash, and only in the cache, for one period.
    ip = request.META.get("REMOTE_ADDR", "")
    return (
        f"sochef:rate:{scope}:{salted_hmac('sochef-rate', ip, algorithm='sha256').hexdigest()[:32]}"
    )


def take_slot(request, scope):
    """Take one of this client's FORM_RATE_LIMIT slots, held for FORM_RATE_PERIOD seconds; returns
    its key, or None when every slot is taken (the client is rate-limited).

    Each slot is taken with the cache's ``add``, which is atomic in Redis, Memcached, the database
    cache and LocMemCache (``incr`` is not in the database cache): posts sent at once never take
    more slots than there are. Each accepted post counts for one period from when it was sent.
    """
    cache = rate_limit_cache()
    base = _rate_key(request, scope)
    keys = [f"{base}:{n}" for n in range(app_settings.FORM_RATE_LIMIT)]
    taken = cache.get_many(keys)
    for key in keys:
        if key not in taken and cache.add(key, 1, timeout=app_settings.FORM_RATE_PERIOD):
            return key
    return None


def give_back(slot):
    """Free a slot taken by a post that was not accepted."""
    rate_limit_cache().delete(slot)


# -- The page that serves a form ---------------------------------------------------------------


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
        return self.render(request, context_overrides={"sent": True})

    def thanks_url(self, request):
        return self.get_url(request) + self.reverse_subpage("thanks")


# -- CSV export --------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value):
    """A text cell that a spreadsheet would run as a formula, prefixed with ' so it is text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeExportMixin:
    """For a Wagtail IndexView with ``list_export``: no cell holds a character XLSX (XML) cannot,
    and no CSV cell can start a formula."""

    def preprocess_field_value(self, field, value, export_format):
        value = clean_values(super().preprocess_field_value(field, value, export_format))
        return neutralise_csv_cell(value) if export_format == self.FORMAT_CSV else value


# -- Retention ---------------------------------------------------------------------------------


class PublicSubmission(models.Model):
    """Something a visitor sent through a public form; kept for RETENTION_DAYS, then purged."""

    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def purge(cls, cutoff):
        """Delete or anonymise what was sent before ``cutoff``; returns (deleted, anonymised)."""
        raise NotImplementedError


def retention_cutoff(now=None, days=None):
    """The moment before which submissions are past the retention period."""
    days = app_settings.RETENTION_DAYS if days is None else days
    return (now or timezone.now()) - datetime.timedelta(days=days)


def purge_expired(now=None, days=None):
    """Purge every kind of public submission older than the retention period.

    Returns {model label: (deleted, anonymised)}.
    """
    cutoff = retention_cutoff(now, days)
    return {
        model._meta.label: model.purge(cutoff)
        for model in apps.get_models()
        if issubclass(model, PublicSubmission)
    }


def ensure_purge_schedule(**kwargs):
    """Create the daily django-q2 schedule that runs the purge (after each migrate)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=PURGE_SCHEDULE_NAME,
        defaults={
            "func": "sochef_wagtail.public_forms.purge_expired",
            "schedule_type": Schedule.DAILY,
        },
    )
