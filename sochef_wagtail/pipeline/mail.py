"""The pipeline's texts: the reminder to a guest, the editors' e-mail and the draft post
announcing a week. Every template is under ``sochef_wagtail/emails/`` or
``sochef_wagtail/blog/``, for a host site to override."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.admin.utils import get_admin_base_url

from ..handover.mail import guest_mail_context
from ..text import clean_text, single_line

#: Longest subject: names are editors' text, of any length.
SUBJECT_LENGTH = 150


def html_and_text(template, context, **message):
    """An e-mail with ``template``.txt as its body and ``template``.html as its alternative,
    without the control characters of editors' text."""
    body = clean_text(render_to_string(f"sochef_wagtail/emails/{template}.txt", context))
    email = EmailMultiAlternatives(body=body, **message)
    html = clean_text(render_to_string(f"sochef_wagtail/emails/{template}.html", context))
    email.attach_alternative(html, "text/html")
    return email


def reminder_message(item, editor):
    """The reminder to ``item``'s guest, in their language; replies go to ``editor``."""
    week, slot = item.week, item.slot
    with translation.override(slot.guest.email_language):
        context = guest_mail_context(week, slot, item.project, editor)
        subject = _("Reminder: your SOchef week on @%(handle)s starts %(start)s") % {
            "handle": slot.account.handle,
            "start": date_format(week.week_start, "l j F"),
        }
        return html_and_text(
            "guest_reminder",
            context,
            subject=single_line(subject, SUBJECT_LENGTH),
            to=[item.address],
            reply_to=[editor.email] if editor and editor.email else None,
        )


def guest_list(slots):
    """ "Anna Lindqvist (@ArbetsmiljoChef) and Bo Eriksson (@Skyddsombud)", in the active
    language."""
    names = [
        _("%(guest)s (@%(handle)s)")
        % {"guest": Truncator(slot.guest.name).chars(60), "handle": slot.account.handle}
        for slot in slots
    ]
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def week_context(week, slots):
    admin = get_admin_base_url()
    return {
        "week": week,
        "slots": slots,
        "guests": guest_list(slots),
        "start": date_format(week.week_start, "j F Y"),
        "end": date_format(week.week_end, "j F Y"),
        "week_admin_url": admin + reverse("wagtailadmin_pages:edit", args=[week.pk]),
    }


def post_texts(week, slots, language):
    """(title, summary, body) of the draft post announcing ``week``: plain text, HTML, HTML."""
    with translation.override(language):
        title = _("SOchef week %(number)s: %(guests)s") % {
            "number": week.week_number,
            "guests": guest_list(slots),
        }
        context = week_context(week, slots)
        summary = render_to_string("sochef_wagtail/blog/week_announcement_summary.html", context)
        body = render_to_string("sochef_wagtail/blog/week_announcement_body.html", context)
    return single_line(title), clean_text(summary.strip()), clean_text(body.strip())


def editors_message(week, slots, recipients, post):
    """The e-mail telling the editors that ``week`` begins, with a link to the draft ``post``
    (or None), in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        context = week_context(week, slots)
        if post is not None:
            context["post_admin_url"] = get_admin_base_url() + reverse(
                "wagtailadmin_pages:edit", args=[post.pk]
            )
            context["post_title"] = post.title
        subject = _("SOchef week %(number)s begins: %(guests)s") % {
            "number": week.week_number,
            "guests": context["guests"],
        }
        return html_and_text(
            "week_announcement",
            context,
            subject=single_line(subject, SUBJECT_LENGTH),
            to=recipients,
        )
