"""What the pipeline does for a week, and doing each thing once: the one path of the schedules
and of the admin's "Send now".

Each thing has a row (``WeekNotice``). Whoever sends first claims it with one UPDATE
(``claimed_at``, claims.py), so two q clusters, or a schedule and an editor, never both send; a
claim older than :data:`~sochef_wagtail.claims.CLAIM_TIMEOUT` belongs to a sender that died, and
is taken over. An e-mail is sent
before it is recorded: a send that fails records nothing and is tried again, and only a process
killed between the send and the record (milliseconds) sends it twice, as the nominations'
notification does. A draft post and its record are written in one transaction: it is created
exactly once.
"""

import datetime
import logging
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from ..blog import get_blog_adapter
from ..claims import claim as claim_row
from ..claims import release
from ..conf import app_settings
from ..dates import local_date
from ..handover.models import GuestHandover
from ..project import ProjectSettings
from ..weeks.models import GuestSlot, slots_queryset
from ..weeks.pages import GuestWeekPage
from .mail import editors_message, post_texts, reminder_message
from .models import NoticeKind, NoticeProblem, WeekNotice

logger = logging.getLogger(__name__)

#: What ``perform`` did besides a problem: sent (or created), or found it done by another.
SENT = "sent"
ALREADY_DONE = "already_done"


class NoBlog(Exception):
    """The blog, its category or the page to put posts below is gone."""


def blog_target(site):
    """(adapter, category) of the host's blog when a draft post can go below one of ``site``'s
    pages, else None."""
    try:
        adapter = get_blog_adapter()
    except ImproperlyConfigured:
        logger.exception("SOCHEF_BLOG is wrong: no draft post announces the week")
        return None
    category = adapter.get_category() if adapter else None
    if category is None or adapter.draft_parent(site, category) is None:
        return None
    return adapter, category


def week_site(week):
    """The site of ``week``; the default site for a week outside every site's tree."""
    return week.get_site() or Site.objects.filter(is_default_site=True).first()


@dataclass
class Item:
    """One thing the pipeline does for a week: a reminder (to ``slot``'s guest), the draft
    post or the editors' e-mail, with its record (``notice``, None until first tried)."""

    week: GuestWeekPage
    kind: str
    project: ProjectSettings
    slot: GuestSlot | None = None
    notice: WeekNotice | None = None
    address: str = ""  # of a reminder
    editor: object = None  # of a reminder: who the guest's replies go to

    @property
    def guest(self):
        return self.slot.guest if self.slot else None

    @property
    def label(self):
        return NoticeKind(self.kind).label

    @property
    def due_on(self):
        """The day from which the schedule does it."""
        if self.kind == NoticeKind.REMINDER:
            return self.week.week_start - datetime.timedelta(days=app_settings.REMINDER_DAYS_BEFORE)
        return self.week.week_start

    @property
    def last_day(self):
        """The last day the schedule does it: the day before the week for a reminder."""
        if self.kind == NoticeKind.REMINDER:
            return self.week.week_start - datetime.timedelta(days=1)
        return self.week.week_end

    @property
    def missed(self):
        """Not sent, and past the days the schedule does it."""
        return not self.sent and self.last_day < local_date(timezone.now())

    @property
    def sent(self):
        return bool(self.notice and self.notice.sent_at)

    @property
    def times_sent(self):
        return self.notice.times_sent if self.notice else 0

    @cached_property
    def problem(self):
        """Why it cannot be done now (a NoticeProblem), or ""."""
        if self.project.is_closed:
            return NoticeProblem.CLOSED
        if self.project.is_paused:
            return NoticeProblem.PAUSED
        if self.kind == NoticeKind.REMINDER and not self.address:
            return NoticeProblem.NO_EMAIL
        if self.kind == NoticeKind.EDITORS and not self.project.notify_email_list:
            return NoticeProblem.NO_RECIPIENTS
        if self.kind == NoticeKind.POST and blog_target(week_site(self.week)) is None:
            return NoticeProblem.NO_BLOG
        return ""

    @property
    def problem_label(self):
        return NoticeProblem(self.problem).label if self.problem else ""


def reminder_contacts(week, slots):
    """{guest id: (address, editor)}: where each guest's reminder goes (the guest's e-mail,
    else the address of their handover for this week, else of their last one) and whose
    address the replies go to (the editor who sent this week's handover, else the week's
    owner)."""
    handovers = (
        GuestHandover.objects.filter(guest__in=[slot.guest_id for slot in slots])
        .select_related("sent_by")
        .order_by("-sent_at")
    )
    this_week, last = {}, {}
    for handover in handovers:
        last.setdefault(handover.guest_id, handover)
        if handover.week_id == week.pk:
            this_week.setdefault(handover.guest_id, handover)
    contacts = {}
    for slot in slots:
        handover = this_week.get(slot.guest_id) or last.get(slot.guest_id)
        address = slot.guest.email or (handover.email if handover else "")
        sender = this_week.get(slot.guest_id)
        editor = sender.sent_by if sender and sender.sent_by else None
        contacts[slot.guest_id] = (address, editor or week.owner)
    return contacts


def week_items(week, kinds=tuple(NoticeKind.values)):
    """What the pipeline does for ``week`` (of ``kinds``), each with its record: a reminder per
    guest, the draft post, and the editors' e-mail when the SOchef settings ask for it (or it
    went out before). A handful of queries, whatever was sent."""
    project = ProjectSettings.for_site(week_site(week))
    notices = {
        (notice.kind, notice.guest_id): notice
        for notice in WeekNotice.objects.filter(week=week, kind__in=kinds).select_related(
            "sent_by", "post"
        )
    }
    items = []
    if NoticeKind.REMINDER in kinds:
        slots = list(slots_queryset().filter(page=week))
        contacts = reminder_contacts(week, slots)
        for slot in slots:
            address, editor = contacts[slot.guest_id]
            notice = notices.get((NoticeKind.REMINDER, slot.guest_id))
            items.append(Item(week, NoticeKind.REMINDER, project, slot, notice, address, editor))
    if NoticeKind.POST in kinds:
        items.append(
            Item(week, NoticeKind.POST, project, notice=notices.get((NoticeKind.POST, None)))
        )
    editors = notices.get((NoticeKind.EDITORS, None))
    if NoticeKind.EDITORS in kinds and (project.announce_to_editors or editors):
        items.append(Item(week, NoticeKind.EDITORS, project, notice=editors))
    return items


def notice_of(item):
    """``item``'s record, made when it has none (two makers at once get the same row)."""
    if item.notice is None:
        item.notice, _created = WeekNotice.objects.get_or_create(
            week=item.week, kind=item.kind, guest=item.guest
        )
    return item.notice


def claim(notice, seen_times=None):
    """Take ``notice`` for sending: not sent yet, or, to send again (``seen_times``), sent as
    many times as the editor saw; and nobody else at it. Returns whether it was taken."""
    rows = WeekNotice.objects.filter(pk=notice.pk)
    if seen_times is None:
        rows = rows.filter(sent_at__isnull=True)
    else:
        rows = rows.filter(times_sent=seen_times)
    return claim_row(rows, "claimed_at")


def perform(item, user=None, seen_times=None):
    """Send or create ``item`` once; ``user`` is the editor doing it by hand (None: the
    schedule), ``seen_times`` how many times they saw it sent (to send it again).

    Returns SENT, ALREADY_DONE (by someone else meanwhile) or the NoticeProblem that stopped it,
    which is recorded on the row for the editors to see. A failed send gives the claim back,
    records FAILED and raises.
    """
    notice = notice_of(item)
    if item.problem:
        record_problem(notice, item.problem)
        return item.problem
    if not claim(notice, seen_times):
        return ALREADY_DONE
    try:
        with transaction.atomic():
            recorded = ACTIONS[item.kind](item, user)
            WeekNotice.objects.filter(pk=notice.pk).update(
                sent_at=timezone.now(),
                sent_by=user,
                by_hand=user is not None,
                times_sent=F("times_sent") + 1,
                claimed_at=None,
                problem="",
                checked_at=timezone.now(),
                **recorded,
            )
    except BaseException:  # also django-q2's time-out, a SystemExit
        release(WeekNotice.objects.filter(pk=notice.pk), "claimed_at")
        record_problem(notice, NoticeProblem.FAILED)
        raise
    return SENT


def record_problem(notice, problem):
    """Why ``notice`` did not go out, for the editors to see; a sent one keeps its record."""
    WeekNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
        problem=problem, checked_at=timezone.now()
    )


def send_reminder(item, user):
    editor = user if user is not None and user.email else item.editor
    reminder_message(item, editor).send()
    return {"recipients": item.address}


def week_slots(week):
    return list(slots_queryset().filter(page=week))


def create_post(item, user):
    site = week_site(item.week)
    target = blog_target(site)
    if target is None:
        raise NoBlog(str(NoticeProblem.NO_BLOG.label))
    adapter, category = target
    title, summary, body = post_texts(
        item.week, week_slots(item.week), item.week.locale.language_code
    )
    post = adapter.create_draft(
        site,
        category,
        title=title,
        date=item.week.week_start,
        summary=summary,
        body=body,
        owner=user,
    )
    return {"post": post}


def send_to_editors(item, user):
    recipients = item.project.notify_email_list
    post = (
        WeekNotice.objects.filter(week=item.week, kind=NoticeKind.POST, post__isnull=False)
        .select_related("post")
        .first()
    )
    message = editors_message(
        item.week, week_slots(item.week), recipients, post.post if post else None
    )
    message.send()
    return {"recipients": "\n".join(recipients)}


ACTIONS = {
    NoticeKind.REMINDER: send_reminder,
    NoticeKind.POST: create_post,
    NoticeKind.EDITORS: send_to_editors,
}


def perform_logged(item):
    """``perform`` for a schedule: a failure is logged (and recorded), not raised, so that one
    item cannot keep the others waiting; the next run tries it again."""
    try:
        return perform(item)
    except Exception:
        logger.exception(
            "The guest pipeline could not do “%s” for week %s", item.label, item.week.pk
        )
        return NoticeProblem.FAILED


def outcome_message(item, outcome):
    """What an editor is told after ``perform``."""
    if outcome == SENT:
        if item.kind == NoticeKind.POST:
            return _("Draft blog post created.")
        return _("%(what)s sent.") % {"what": item.label}
    if outcome == ALREADY_DONE:
        return _("%(what)s was sent meanwhile by someone else; not sent again.") % {
            "what": item.label
        }
    return _("Not sent: %(why)s") % {"why": NoticeProblem(outcome).label}
