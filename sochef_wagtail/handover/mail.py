"""The handover e-mail: written in the guest's language, sent once unless resent on purpose."""

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..choices import Platform
from ..project import ProjectSettings
from ..text import clean_text, single_line
from .models import GuestHandover


def organiser_signature(project, sender):
    """Who signs an e-mail to a guest: the project's organiser (with their handle), else
    ``sender``, the editor sending it; "" when there is neither."""
    if project.organiser_name:
        if project.organiser_handle:
            return f"{project.organiser_name} (@{project.organiser_handle})"
        return project.organiser_name
    if sender is None:
        return ""
    return sender.get_full_name() or sender.get_username()


def guest_mail_context(week, slot, project, sender, **extra):
    """What the e-mails to a guest (handover, reminder) show, in the active language."""
    return {
        "week": week,
        "slot": slot,
        "partners": [other for other in week.slots.all() if other.pk != slot.pk],
        # The guest "tweets" on X, and "posts" elsewhere.
        "on_x": slot.account.platform == Platform.X,
        "organiser": organiser_signature(project, sender),
        "organiser_email": sender.email if sender else "",
        "start": date_format(week.week_start, "l j F Y"),
        "end": date_format(week.week_end, "l j F Y"),
        **extra,
    }


def handover_message(week, slot, email, sender, note=""):
    """The handover e-mail, in the guest's language, signed by the project's organiser.

    The organiser comes from the site's SOchef settings; without one, the sending editor signs.
    Replies go to the sending editor.
    """
    project = ProjectSettings.for_site(week.get_site())
    with translation.override(slot.guest.email_language):
        context = guest_mail_context(week, slot, project, sender, note=note)
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
