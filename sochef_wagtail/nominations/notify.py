"""E-mail to the editors about each new nomination, sent by a django-q2 task after commit."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.utils import get_admin_base_url
from wagtail.models import Site

from ..project import ProjectSettings
from ..text import clean_text, single_line
from .models import Nomination


def notify_editors(nomination_id):
    """Tell the site's editors about a nomination; returns the number of recipients.

    A failed send raises, so django-q2 records the failed task; the nomination is already
    committed and stays.
    """
    nomination = Nomination.objects.select_related("page").filter(pk=nomination_id).first()
    if nomination is None:
        return 0
    site = nomination.page.get_site() if nomination.page else None
    site = site or Site.objects.filter(is_default_site=True).first()
    recipients = ProjectSettings.for_site(site).notify_email_list if site else []
    if not recipients:
        return 0
    context = {
        "nomination": nomination,
        "admin_url": get_admin_base_url()
        + reverse("sochef_nominations:edit", args=[nomination.pk]),
    }
    # The nominee's name goes into a header: one line, no control characters, not too long.
    name = single_line(nomination.nominee_name, 80)
    message = EmailMultiAlternatives(
        subject=_("New SOchef nomination: %(name)s") % {"name": name},
        body=clean_text(
            render_to_string("sochef_wagtail/emails/nomination_notification.txt", context)
        ),
        to=recipients,
    )
    message.attach_alternative(
        clean_text(render_to_string("sochef_wagtail/emails/nomination_notification.html", context)),
        "text/html",
    )
    message.send()
    return len(recipients)
