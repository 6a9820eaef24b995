"""The admin form that picks the guests and addresses to send the handover to."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..nominations.views import can_see_nominations


def known_address(guest, user):
    """The guest's e-mail address, else the address their last handover went to, or, for a
    ``user`` who may see nominations, their nomination's contact if it is one (what a nominator
    sent stays with those who may read nominations)."""
    if guest.email:
        return guest.email
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
