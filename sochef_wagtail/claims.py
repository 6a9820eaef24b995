"""Doing a thing once when several senders may try at the same time (two q clusters, a task and
its sweep, a schedule and an editor): the sender claims the row with one UPDATE of its claim
field, which only one of them can win; the winner gives the claim back if it fails. A claim
older than :data:`CLAIM_TIMEOUT` belongs to a sender that died, and is taken over.

Used by the nominations' notification (``notify_claimed_at``) and the guest pipeline
(``WeekNotice.claimed_at``).
"""

import datetime

from django.db.models import Q
from django.utils import timezone

#: A claim this old belongs to a sender that died (longer than an SMTP time-out).
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)


def claim(rows, field):
    """Claim the one row of ``rows`` (a queryset narrowed to the row, and to what may still be
    done) unless another sender holds it: set ``field`` to now. Returns whether it was taken."""
    now = timezone.now()
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - CLAIM_TIMEOUT})
    return rows.filter(free).update(**{field: now}) == 1


def release(rows, field):
    """Give back the claim of ``rows`` (after a failed send), for the next try."""
    rows.update(**{field: None})
