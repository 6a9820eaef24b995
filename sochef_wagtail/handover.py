"""Guest handover: the e-mail that tells a guest what they need for their week.

Sent from the admin, once per guest and week unless an editor resends it on purpose.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .dates import current_week_start
from .guests import Guest
from .nominations.admin import can_see_nominations
from .project import ProjectSettings
from .text import clean_text, single_line
from .weeks.models import slots_queryset
from .weeks.pages import GuestWeekPage


class GuestHandover(models.Model):
    """A handover e-mail sent to a guest for a week."""

    week = models.ForeignKey(
        GuestWeekPage, verbose_name=_("guest week"), on_delete=models.CASCADE, related_name="+"
    )
    guest = models.ForeignKey(
        Guest, verbose_name=_("guest"), on_delete=models.CASCADE, related_name="handovers"
    )
    email = models.EmailField(_("e-mail address"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    times_sent = models.PositiveIntegerField(_("times sent"), default=1)

    class Meta:
        verbose_name = _("guest handover")
        verbose_name_plural = _("guest handovers")
        constraints = [
            models.UniqueConstraint(fields=["week", "guest"], name="sochef_handover_once_per_week"),
        ]

    def __str__(self):
        return f"{self.guest} ({self.week})"


def week_is_open_for_handover(week):
    """Handovers are for weeks that have not begun, or the week under way."""
    return week.week_start >= current_week_start()


def known_address(guest, user):
    """The address a guest's last handover went to, or, for a ``user`` who may see nominations,
    their nomination's contact if it is one (what a nominator sent stays with those who may
    read nominations)."""
    last = guest.handovers.order_by("-sent_at").first()
    if last:
        return last.email
    if not can_see_nominations(user):
        return ""
    for nomination in guest.nominations.all():
        try:
            validate_email(nomination.nominee_contact.strip())
        except ValidationError:
            continue
        return nomination.nominee_contact.strip()
    return ""


def handover_message(week, slot, email, sender, note=""):
    """The handover e-mail, in the site's language, signed by the project's organiser.

    The organiser comes from the site's SOchef settings; without one, the sending editor signs.
    Replies go to the sending editor.
    """
    partners = [other for other in week.slots.all() if other.pk != slot.pk]
    project = ProjectSettings.for_site(week.get_site())
    organiser = project.organiser_name or sender.get_full_name() or sender.get_username()
    if project.organiser_name and project.organiser_handle:
        organiser = f"{organiser} (@{project.organiser_handle})"
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "week": week,
            "slot": slot,
            "partners": partners,
            "note": note,
            "organiser": organiser,
            "organiser_email": sender.email,
            "start": date_format(week.week_start, "l j F Y"),
            "end": date_format(week.week_end, "l j F Y"),
        }
        subject = _("Your SOchef week on @%(handle)s from %(start)s") % {
            "handle": slot.account.handle,
            "start": date_format(week.week_start, "j F Y"),
        }
        # Names, titles and the note are editors' text: none of its controls in the e-mail.
        message = EmailMultiAlternatives(
            subject=single_line(str(subject)),
            body=clean_text(render_to_string("sochef_wagtail/emails/handover.txt", context)),
            to=[email],
            reply_to=[sender.email] if sender.email else None,
        )
        message.attach_alternative(
            clean_text(render_to_string("sochef_wagtail/emails/handover.html", context)),
            "text/html",
        )
    return message


def send_handover(week, slot, email, sender, note="", resend=False):
    """Send the handover unless it was sent already (or ``resend``); returns whether it was."""
    with transaction.atomic():
        # Locked, so that two clicks at once send one e-mail.
        sent = GuestHandover.objects.select_for_update().filter(week=week, guest=slot.guest).first()
        if sent and not resend:
            return False
        # Sent before recording: a failed send records nothing and can be tried again.
        handover_message(week, slot, email, sender, note).send()
        if sent:
            sent.email, sent.sent_at, sent.sent_by = email, timezone.now(), sender
            sent.times_sent += 1
            sent.save()
        else:
            GuestHandover.objects.create(week=week, guest=slot.guest, email=email, sent_by=sender)
    return True


class HandoverForm(forms.Form):
    note = forms.CharField(
        label=_("Personal note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added to every e-mail sent now."),
    )

    def __init__(self, *args, slots, handovers, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        self.rows = []
        for slot in slots:
            sent = handovers.get(slot.guest_id)
            self.fields[f"email_{slot.pk}"] = forms.EmailField(
                label=_("E-mail address of %(guest)s") % {"guest": slot.guest},
                required=False,
                initial=known_address(slot.guest, user),
            )
            # A different field name when resending, so that a repeated post of the first
            # form cannot send a second e-mail.
            if sent:
                name = f"resend_{slot.pk}"
                label = _("Send again (sent %(date)s to %(email)s)") % {
                    "date": date_format(timezone.localtime(sent.sent_at), "j F Y H:i"),
                    "email": sent.email,
                }
                initial = False
            else:
                name, label, initial = f"send_{slot.pk}", _("Send the handover e-mail"), True
            self.fields[name] = forms.BooleanField(label=label, required=False, initial=initial)
            self.rows.append((slot, sent, self[f"email_{slot.pk}"], self[name]))

    def clean(self):
        cleaned_data = super().clean()
        for slot in self.slots:
            chosen = cleaned_data.get(f"send_{slot.pk}") or cleaned_data.get(f"resend_{slot.pk}")
            if chosen and not cleaned_data.get(f"email_{slot.pk}"):
                self.add_error(f"email_{slot.pk}", _("Enter the address to send to."))
        return cleaned_data

    def to_send(self):
        """(slot, email, resend) for each guest to send to."""
        for slot in self.slots:
            email = self.cleaned_data.get(f"email_{slot.pk}")
            if self.cleaned_data.get(f"send_{slot.pk}"):
                yield slot, email, False
            elif self.cleaned_data.get(f"resend_{slot.pk}"):
                yield slot, email, True


class HandoverView(WagtailAdminTemplateMixin, FormView):
    template_name = "sochef_wagtail/admin/handover.html"
    form_class = HandoverForm
    page_title = _("Guest handover")
    header_icon = "mail"

    def dispatch(self, request, week_id):
        self.week = get_object_or_404(GuestWeekPage, pk=week_id)
        if not self.week.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        self.slots = list(slots_queryset().filter(page=self.week))
        self.is_open = week_is_open_for_handover(self.week)
        return super().dispatch(request, week_id)

    def get_page_subtitle(self):
        return self.week.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.week.pk]),
                "label": self.week.title,
            },
            {"url": "", "label": self.page_title},
        ]

    def get_form(self, form_class=None):
        if not (self.is_open and self.slots):
            return None
        handovers = {h.guest_id: h for h in GuestHandover.objects.filter(week=self.week)}
        return HandoverForm(
            **self.get_form_kwargs(), slots=self.slots, handovers=handovers, user=self.request.user
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form is None:
            return self.get(request, *args, **kwargs)
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(week=self.week, is_open=self.is_open, **kwargs)

    def form_valid(self, form):
        note = form.cleaned_data["note"]
        for slot, email, resend in form.to_send():
            if send_handover(self.week, slot, email, self.request.user, note, resend=resend):
                messages.success(
                    self.request,
                    _("Handover e-mail sent to %(guest)s.") % {"guest": slot.guest},
                )
            else:
                messages.warning(
                    self.request,
                    _("%(guest)s already has the handover e-mail; not sent again.")
                    % {"guest": slot.guest},
                )
        return redirect("sochef_handover", self.week.pk)


def handover_url(week):
    return reverse("sochef_handover", args=[week.pk])
