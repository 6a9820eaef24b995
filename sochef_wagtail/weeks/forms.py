"""The guest index's filter form and the admin form of a guest week."""

from django import forms
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from ..choices import Role, Side
from .models import GuestSlot, booked_slots, booking_message


def _attributes(attrs):
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """Django's Select with its markup (django/forms/widgets/select.html and the includes it
    makes for each option) written in Python: the guest index shows three on every cold
    request, where those templates cost a tenth of the page."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>'
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class WeekFilterForm(forms.Form):
    """The guest index's filters; GET parameters so that a filtered list can be shared."""

    side = forms.ChoiceField(
        label=_("Side"),
        required=False,
        choices=[("", _("Both sides")), *Side.choices],
        widget=PlainSelect,
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *Role.choices],
        widget=PlainSelect,
    )
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]

    def filter(self, weeks):
        """Weeks matching the valid filters; side and role must hold for the same guest slot."""
        data = self.cleaned_data if self.is_valid() else {}
        slot_filter = Q()
        if data.get("side"):
            slot_filter &= Q(account__side=data["side"])
        if data.get("role"):
            slot_filter &= Q(guest__role=data["role"])
        if slot_filter:
            weeks = weeks.filter(pk__in=GuestSlot.objects.filter(slot_filter).values("page_id"))
        if data.get("year"):
            weeks = weeks.filter(week_start__year=data["year"])
        return weeks


class GuestWeekPageForm(WagtailAdminPageForm):
    """Checks the week as a whole: a Monday, one slot per account, no double-booked account."""

    def clean(self):
        cleaned_data = super().clean()
        week_start = cleaned_data.get("week_start")
        if week_start and week_start.weekday() != 0:
            self.add_error(
                "week_start",
                _("A guest week starts on a Monday; %(date)s is a %(weekday)s.")
                % {"date": week_start.isoformat(), "weekday": date_format(week_start, "l")},
            )
            week_start = None
        slots = self.formsets["slots"]
        slot_forms = {}
        for form in slots.forms:
            # Each slot form is cleaned here, before the formset's own duplicate check
            # would remove the account from a duplicated slot's cleaned_data.
            form.is_valid()
            # An extra form left empty is no slot; a slot left as it was still books its account.
            if slots._should_delete_form(form) or (form.empty_permitted and not form.has_changed()):
                continue
            account = form.cleaned_data.get("account")
            if account is None:
                continue
            if account.pk in slot_forms:
                form.add_error(
                    "account",
                    _("%(account)s already has a guest this week.") % {"account": account},
                )
                continue
            slot_forms[account.pk] = form
        if week_start and slot_forms:
            for slot in booked_slots(week_start, slot_forms, week=self.instance):
                slot_forms[slot.account_id].add_error("account", booking_message(slot))
        return cleaned_data
