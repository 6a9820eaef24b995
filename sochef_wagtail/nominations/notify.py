"""E-mail to the editors about each new nomination, sent by a django-q2 task after commit.

The task is queued when the nomination's transaction commits; a process that dies between the
commit and the queueing, or a broker that is down, would lose it. So a nomination records when its
e-mail was sent (``notified_at``), and :func:`sweep_notifications`, on a django-q2 schedule
created by ``migrate``, sends those still waiting. Whoever sends first claims the nomination
(``notify_claimed_at``, one UPDATE, so two senders never both send: claims.py); a claim
older than :data:`~sochef_wagtail.claims.CLAIM_TIMEOUT` belongs to a sender that died, and is
taken over.
"""

import datetime
import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.utils import get_admin_base_url
from wagtail.models import Site

from ..claims import claim, release
from ..project import ProjectSettings
from ..text import clean_text, single_line
from .models import Nomination

logger = logging.getLogger(__name__)

SWEEP_SCHEDULE_NAME = "sochef_notify_nominations"
#: Minutes between two sweeps.
SWEEP_MINUTES = 5
#: A nomination younger than this is left to the task queued at its commit.
SWEEP_AFTER = datetime.timedelta(minutes=2)


def notify_editors(nomination_id):
    """Tell the site's editors about a nomination, unless that is done or under way; returns
    the number of recipients.

    A failed send gives the claim back and raises, so django-q2 records the failed task and the
    next sweep tries again; the nomination is already committed and stays.
    """
    this = Nomination.objects.filter(pk=nomination_id)
    if not claim(this.filter(notified_at__isnull=True), "notify_claimed_at"):
        return 0
    nomination = Nomination.objects.select_related("page").get(pk=nomination_id)
    try:
        sent = send_notification(nomination)
    except BaseException:  # also django-q2's timeout, a SystemExit
        release(this, "notify_claimed_at")
        raise
    Nomination.objects.filter(pk=nomination_id).update(notified_at=timezone.now())
    return sent


def send_notification(nomination):
    """Send the e-mail about ``nomination``; returns the number of recipients."""
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


def sweep_notifications(now=None):
    """Notify the editors of every nomination whose e-mail was not sent (its task lost, or its
    send failed); returns how many were waiting."""
    waiting = list(
        Nomination.objects.filter(
            notified_at__isnull=True,
            anonymised_at__isnull=True,
            created_at__lt=(now or timezone.now()) - SWEEP_AFTER,
        ).values_list("pk", flat=True)
    )
    for pk in waiting:
        try:
            notify_editors(pk)
        except Exception:
            # One that cannot be sent must not keep the others waiting; the next sweep retries.
            logger.exception("The editors could not be notified of nomination %s", pk)
    return len(waiting)


def ensure_sweep_schedule(**kwargs):
    """Create the django-q2 schedule that runs the sweep (after each migrate)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=SWEEP_SCHEDULE_NAME,
        defaults={
            "func": "sochef_wagtail.nominations.notify.sweep_notifications",
            "schedule_type": Schedule.MINUTES,
            "minutes": SWEEP_MINUTES,
        },
    )
