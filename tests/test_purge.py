"""Privacy: what visitors sent is purged after the retention period, by command and schedule."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sochef_wagtail.checks import check_retention_days
from sochef_wagtail.nominations.models import Nomination
from sochef_wagtail.public_forms.retention import PURGE_SCHEDULE_NAME, purge_expired
from tests.factories import make_guest, make_nomination, make_nomination_page


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


@pytest.mark.django_db
def test_retention_none_purges_nothing_unless_days_are_given(old_and_new, settings):
    settings.SOCHEF_RETENTION_DAYS = None
    assert purge_expired() == {}
    assert "nothing is purged" in call_command_output()
    assert len(names()) == 5
    call_command("sochef_purge_nominations", days=365, verbosity=0)
    assert names() == {"Maja Berg", "Ny", "Färsk"}


@pytest.mark.parametrize("days", [0, -3, "365", 1.5, True])
def test_check_refuses_a_retention_period_that_is_not_days(settings, days):
    settings.SOCHEF_RETENTION_DAYS = days
    assert [error.id for error in check_retention_days(None)] == ["sochef_wagtail.E001"]


@pytest.mark.parametrize("days", [None, 1, 365])
def test_check_accepts_days_or_none(settings, days):
    settings.SOCHEF_RETENTION_DAYS = days
    assert check_retention_days(None) == []


@pytest.mark.django_db
def test_without_a_period_the_form_says_the_editors_keep_it(client, settings):
    settings.SOCHEF_RETENTION_DAYS = None
    page = make_nomination_page()
    text = client.get(page.url).content.decode()
    assert "behåller det tills de raderar det" in text and "dagar har gått" not in text
