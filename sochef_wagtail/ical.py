"""The schedule as an iCal feed: one all-day event per guest week and relay account.

Calendar apps poll it: a conditional GET with the feed's ETag is answered 304 Not Modified.
"""

import datetime
import hashlib

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration
from wagtail.models import Site

from .caching import conditional_response
from .choices import Platform
from .text import clean_text

PRODUCT_ID = "-//sochef_wagtail//SOchef guest weeks//EN"
# How often calendar apps should fetch the feed again.
REFRESH_INTERVAL = datetime.timedelta(hours=12)


def event_uid(week, account, hostname):
    """Stable across renames: built from primary keys and the site's hostname only."""
    return f"sochef-week-{week.pk}-account-{account.pk}@{hostname}"


def week_event(week, slot, url, hostname):
    guest, account = slot.guest, slot.account
    event = Event()
    event.add("uid", event_uid(week, account, hostname))
    event.add("dtstamp", week.last_published_at or timezone.now())
    # All-day events: DTEND is exclusive, so the Sunday is included.
    event.add("dtstart", week.week_start)
    event.add("dtend", week.week_start + datetime.timedelta(days=7))
    # iCal text holds no control character but tab (line breaks are escaped by icalendar).
    event.add(
        "summary",
        clean_text(
            (
                _("%(guest)s (%(role)s) tweets as @%(handle)s")
                if account.platform == Platform.X
                else _("%(guest)s (%(role)s) posts as @%(handle)s")
            )
            % {"guest": guest.name, "role": guest.role_label, "handle": account.handle}
        ),
    )
    who = ", ".join(filter(None, [guest.name, guest.role_label, guest.organisation]))
    event.add(
        "description",
        clean_text(
            "\n".join([who, f"{account.get_side_display()}: @{account.handle}", week.title, url])
        ),
    )
    event.add("url", url)
    event.add("categories", [str(account.get_side_display())])
    event.add("transp", "TRANSPARENT")
    return event


def week_calendar(weeks, request, name):
    """A calendar of `weeks` (GuestWeekPages): one event per week and relay account."""
    hostname = Site.find_for_request(request).hostname
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = clean_text(name)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    for week in weeks:
        url = week.get_full_url(request)
        for slot in sorted(week.slots.all(), key=lambda slot: slot.account.side):
            calendar.add_component(week_event(week, slot, url, hostname))
    return calendar


def calendar_response(request, index):
    """The iCal feed of the weeks below a GuestWeekIndexPage, past and upcoming (none to come
    while the project is paused or closed)."""
    weeks = index.announced_weeks(request).order_by("week_start", "pk")
    weeks = weeks.prefetch_related("slots__account", "slots__guest")
    body = week_calendar(weeks, request, index.title).to_ical()

    def respond(request):
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{index.slug}.ics"'
        return response

    # The ETag is the feed's own digest: guests and accounts, whose edits change the events,
    # keep no date, so no Last-Modified could be trusted. Three queries either way; a 304
    # saves the transfer, and the calendar apps' parsing.
    return conditional_response(request, respond, hashlib.sha256(body).hexdigest()[:32])
