"""The nominations' forms: the public one, and the admin's accept and status forms."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from ..accounts import RelayAccount
from ..choices import Platform, Role, Sector
from ..dates import WEEK, current_week_start
from ..public_forms.forms import ProtectedFormMixin
from ..weeks.models import booked_slots, booking_message, first_free_week
from ..weeks.pages import GuestWeekIndexPage
from .models import Nomination, NominationStatus, NomineeSide


def side_choices():
    """The sides, each named with its active relay accounts ("Worker side (@Skyddsombud)"),
    and "Don't know"; and whether those accounts are all X's (a guest "tweets" there, else
    "posts"). One query."""
    handles, platforms = {}, set()
    accounts = RelayAccount.objects.filter(active=True).values_list("side", "handle", "platform")
    for side, handle, platform in accounts:
        handles.setdefault(side, []).append(f"@{handle}")
        platforms.add(platform)

    def label(side):
        if side not in handles:
            return side.label
        return format_lazy("{} ({})", side.label, ", ".join(handles[side]))

    return [(side, label(side)) for side in NomineeSide], platforms <= {Platform.X}


class NominationForm(ProtectedFormMixin, forms.ModelForm):
    consent = forms.BooleanField(
        label=_("I agree that the editors store what I send here, as the privacy notice says."),
        help_text=_('Required. <a href="#sochef-privacy">Read the privacy notice</a>.'),
        error_messages={
            "required": _("Tick the box to agree, or we cannot store your nomination.")
        },
    )

    class Meta:
        model = Nomination
        fields = [
            "nominee_name",
            "nominee_handle",
            "side",
            "role",
            "role_other",
            "organisation",
            "why",
            "nominee_contact",
            "is_self_nomination",
            "nominator_name",
            "nominator_email",
        ]
        labels = {
            "nominee_name": _("Name of the person you nominate"),
            "nominee_handle": _("Their own account (optional)"),
            "side": _("Which account would they tweet from?"),
            "role": _("Their role"),
            "role_other": _("Describe the role (if “Other”)"),
            "organisation": _("Workplace or organisation (optional)"),
            "why": _("Why should they be a guest?"),
            "nominee_contact": _("How can we reach them? (optional)"),
            "is_self_nomination": _("I am nominating myself"),
            "nominator_name": _("Your name"),
            "nominator_email": _("Your e-mail address"),
        }
        help_texts = {
            "nominee_handle": _(
                "A handle on X (Skyddsombud), Bluesky (name.bsky.social) or Mastodon "
                "(name@mastodon.social), or the profile's address."
            ),
            "why": _("What would they tweet about? At most 2,000 characters."),
            "nominee_contact": _("An e-mail address or phone number, if you have one."),
            "nominator_email": _("Only the editors see it, to ask you about the nomination."),
        }
        widgets = {
            "side": forms.RadioSelect,
            "why": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("why", "nominator_name", "nominator_email"):
            self.fields[name].required = True
        self.fields["side"].choices, on_x_only = side_choices()
        if not on_x_only:
            # On their bound fields too: ProtectedFormMixin made those already.
            self.fields["side"].label = self["side"].label = _(
                "Which account would they post from?"
            )
            self.fields["why"].help_text = self["why"].help_text = _(
                "What would they post about? At most 2,000 characters."
            )
        self.fields["role"].choices = [("", _("Choose a role")), *Role.choices]
        self.fields["nominee_name"].widget.attrs["autocomplete"] = "off"
        self.fields["nominator_name"].widget.attrs["autocomplete"] = "name"
        self.fields["nominator_email"].widget.attrs["autocomplete"] = "email"

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("role") == Role.OTHER and not cleaned_data.get("role_other", ""):
            self.add_error("role_other", _("Describe the role when you choose “Other”."))
        elif cleaned_data.get("role") != Role.OTHER:
            cleaned_data["role_other"] = ""
        return cleaned_data

    def submission_data(self):
        """The nomination's fields as cleaned."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class AcceptForm(forms.Form):
    index = forms.ModelChoiceField(
        queryset=GuestWeekIndexPage.objects.none(),
        label=_("Guest week index"),
        help_text=_("The draft guest week is created below this page."),
        empty_label=None,
    )
    account = forms.ModelChoiceField(
        queryset=RelayAccount.objects.all(), label=_("Relay account"), empty_label=None
    )
    week_start = forms.DateField(label=_("Week starts (a Monday)"), widget=AdminDateInput)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)

    def __init__(self, *args, indexes, nomination, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["index"].queryset = GuestWeekIndexPage.objects.filter(
            pk__in=[index.pk for index in indexes]
        ).order_by("path")
        self.fields["index"].initial = indexes[0].pk
        same_side = RelayAccount.objects.filter(side=nomination.side).first()
        self.fields["account"].initial = same_side.pk if same_side else None
        week_start = current_week_start() + WEEK  # the first Monday after today
        if same_side:
            week_start, skipped = first_free_week(same_side, week_start)
            self.fields["week_start"].help_text = proposal_help(same_side, skipped)
        self.fields["week_start"].initial = week_start

    def clean_week_start(self):
        week_start = self.cleaned_data["week_start"]
        if week_start.weekday() != 0:
            raise forms.ValidationError(_("A guest week starts on a Monday."))
        return week_start

    def clean(self):
        cleaned_data = super().clean()
        account, week_start = cleaned_data.get("account"), cleaned_data.get("week_start")
        if account and week_start:
            for slot in booked_slots(week_start, [account.pk]):
                self.add_error("week_start", booking_message(slot))
        return cleaned_data


def proposal_help(account, skipped):
    """What the proposed Monday is, and which booked weeks were passed over to find it."""
    text = _("The first Monday after today on which %(account)s has no published week.") % {
        "account": account
    }
    if skipped:
        weeks = ", ".join(f"{slot.page.week_start.isoformat()} ({slot.guest})" for slot in skipped)
        text += " " + _("Skipped, already booked: %(weeks)s.") % {"weeks": weeks}
    return text


class SetStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=NominationStatus.choices)
