"""Privacy: what visitors sent is purged after the retention period, by command and schedule."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sochef_wagtail.nominations.models import Nomination
from sochef_wagtail.public_forms.retention import PURGE_SCHEDULE_NAME
from tests.factories import make_guest, make_nomination


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def old_and_new(db):
    guest = make_guest("Maja Berg")
    return {
        "declined": make_nomination(
            nominee_name="Avböjd", status="declined", created_at=days_ago(400)
        ),
        "contacted": make_nomination(
            nominee_name="Kontaktad", status="contacted", created_at=days_ago(400)
        ),
        "accepted": make_nomination(
            nominee_name="Maja Berg",
            status="accepted",
            guest=guest,
            nominee_contact="maja@example.com",
            notes="Ringde henne.",
            created_at=days_ago(400),
        ),
        "unhandled": make_nomination(nominee_name="Ny", status="new", created_at=days_ago(400)),
        "recent": make_nomination(nominee_name="Färsk", status="declined", created_at=days_ago(10)),
    }


def names():
    return set(Nomination.objects.values_list("nominee_name", flat=True))


@pytest.mark.django_db
def test_purge_deletes_or_anonymises_handled_nominations_past_retention(old_and_new):
    output = call_command_output()
    assert names() == {"Maja Berg", "Ny", "Färsk"}
    accepted = Nomination.objects.get(pk=old_and_new["accepted"].pk)
    assert accepted.guest.name == "Maja Berg" and accepted.status == "accepted"
    assert (accepted.nominator_name, accepted.nominator_email, accepted.nominee_contact) == (
        "",
        "",
        "",
    )
    assert (accepted.why, accepted.notes, accepted.merge_key) == ("", "", None)
    assert accepted.anonymised_at is not None
    assert "sochef_wagtail.Nomination: 2 deleted, 1 anonymised." in output
    assert "1 new nomination(s) are older than 365 days" in output


@pytest.mark.django_db
def test_retention_period_is_a_setting(old_and_new, settings):
    settings.SOCHEF_RETENTION_DAYS = 5
    call_command("sochef_purge_nominations", verbosity=0)
    assert names() == {"Maja Berg", "Ny"}


@pytest.mark.django_db
def test_command_takes_another_period_and_refuses_a_bad_one(old_and_new):
    call_command("sochef_purge_nominations", days=500, verbosity=0)
    assert len(names()) == 5
    with pytest.raises(CommandError, match="--days must be 1 or more"):
        call_command("sochef_purge_nominations", days=0)


@pytest.mark.django_db
def test_a_second_purge_changes_nothing(old_and_new):
    call_command("sochef_purge_nominations", verbosity=0)
    assert "0 deleted, 0 anonymised" in call_command_output()


@pytest.mark.django_db
def test_daily_schedule_runs_the_purge(old_and_new):
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    schedule = Schedule.objects.get(name=PURGE_SCHEDULE_NAME)
    assert schedule.schedule_type == Schedule.DAILY
    schedule.next_run = days_ago(1)
    schedule.save()
    scheduler()
    assert names() == {"Maja Berg", "Ny", "Färsk"}
    assert Schedule.objects.get(name=PURGE_SCHEDULE_NAME).next_run > timezone.now()


def call_command_output():
    from io import StringIO

    out = StringIO()
    call_command("sochef_purge_nominations", stdout=out)
    return out.getvalue()
