"""Editors moderate nominations in the Wagtail admin; nobody else reaches them."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sochef_wagtail.claims import CLAIM_TIMEOUT
from sochef_wagtail.guests import Guest
from sochef_wagtail.nominations.models import Nomination
from sochef_wagtail.nominations.notify import notify_editors, sweep_notifications
from sochef_wagtail.weeks.pages import GuestWeekPage
from tests.factories import (
    make_guest,
    make_index,
    make_nomination,
    make_nomination_page,
    make_user,
    make_week,
    monday,
    nomination_post,
    set_project,
)

NOMINATION_PERMS = [
    "sochef_wagtail.view_nomination",
    "sochef_wagtail.change_nomination",
]


def admin_urls(nomination):
    index = reverse("sochef_nominations:index")
    ids = f"?id={nomination.pk}"
    return [
        index,
        index + "?export=csv",
        reverse("sochef_nominations:edit", args=[nomination.pk]),
        reverse("sochef_nominations:inspect", args=[nomination.pk]),
        reverse("sochef_nominations:accept", args=[nomination.pk]),
        reverse("wagtail_bulk_action", args=["sochef_wagtail", "nomination", "set_status"]) + ids,
    ]


@pytest.fixture
def moderator(client, db):
    user = make_user("moderator", [*NOMINATION_PERMS, "sochef_wagtail.add_guest"])
    client.force_login(user)
    return client


@pytest.fixture
def superuser(client, db):
    client.force_login(make_user("admin", superuser=True))
    return client


@pytest.mark.django_db
def test_anonymous_visitors_reach_nothing(client):
    nomination = make_nomination()
    for url in admin_urls(nomination):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


@pytest.mark.django_db
def test_editor_without_the_nomination_permissions_sees_nothing(client):
    nomination = make_nomination(why="Hemligt skäl")
    client.force_login(make_user("redaktor", ["sochef_wagtail.add_guest"]))
    assert "Nominations" not in client.get(reverse("wagtailadmin_home")).content.decode()
    for url in admin_urls(nomination):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "Hemligt skäl" not in response.content.decode()
    post = client.post(admin_urls(nomination)[-1], {"status": "declined"})
    assert post.status_code in (302, 403)
    nomination.refresh_from_db()
    assert nomination.status == "new"


@pytest.mark.django_db
def test_moderator_lists_filters_and_searches(moderator):
    make_nomination(nominee_name="Anna Chef", side="employer", status="new")
    make_nomination(nominee_name="Bo Ombud", side="worker", status="contacted")
    make_nomination(nominee_name="Cilla Okänd", side="unknown", organisation="Bruket")
    url = reverse("sochef_nominations:index")
    listed = moderator.get(url).content.decode()
    assert all(name in listed for name in ("Anna Chef", "Bo Ombud", "Cilla Okänd"))
    by_side = moderator.get(url, {"side": "employer"}).content.decode()
    assert "Anna Chef" in by_side and "Bo Ombud" not in by_side
    by_status = moderator.get(url, {"status": "contacted"}).content.decode()
    assert "Bo Ombud" in by_status and "Anna Chef" not in by_status
    found = moderator.get(url, {"q": "Bruket"}).content.decode()
    assert "Cilla Okänd" in found and "Anna Chef" not in found


@pytest.mark.django_db
def test_nominators_email_is_shown_to_moderators(moderator):
    nomination = make_nomination(nominator_email="tipsare@example.com")
    inspect = moderator.get(reverse("sochef_nominations:inspect", args=[nomination.pk]))
    assert "tipsare@example.com" in inspect.content.decode()


@pytest.mark.django_db
def test_submitted_text_is_escaped_in_the_admin(moderator):
    nomination = make_nomination(nominee_name="<b>Fet</b>", why="<script>alert(1)</script>")
    for url in (
        reverse("sochef_nominations:index"),
        reverse("sochef_nominations:inspect", args=[nomination.pk]),
        reverse("sochef_nominations:edit", args=[nomination.pk]),
    ):
        html = moderator.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "<b>Fet</b>" not in html, url
        assert "&lt;b&gt;Fet&lt;/b&gt;" in html, url


@pytest.mark.django_db
def test_moderator_changes_status_and_notes(moderator):
    nomination = make_nomination()
    response = moderator.post(
        reverse("sochef_nominations:edit", args=[nomination.pk]),
        {
            "status": "contacted",
            "notes": "Ringt, återkommer.",
            "nominee_name": nomination.nominee_name,
            "side": nomination.side,
            "role": nomination.role,
            "why": nomination.why,
            "nominator_name": nomination.nominator_name,
            "nominator_email": nomination.nominator_email,
        },
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.status, nomination.notes) == ("contacted", "Ringt, återkommer.")


@pytest.mark.django_db
def test_bulk_status_change(moderator):
    first, second, other = (make_nomination(nominee_name=n) for n in ("A", "B", "C"))
    url = reverse("wagtail_bulk_action", args=["sochef_wagtail", "nomination", "set_status"])
    query = f"?id={first.pk}&id={second.pk}"
    confirm = moderator.get(url + query)
    assert confirm.status_code == 200 and "A" in confirm.content.decode()
    response = moderator.post(url + query, {"status": "declined"})
    assert response.status_code == 302
    statuses = dict(Nomination.objects.values_list("nominee_name", "status"))
    assert statuses == {"A": "declined", "B": "declined", "C": "new"}


@pytest.mark.django_db
def test_listing_offers_bulk_actions(moderator):
    make_nomination()
    html = moderator.get(reverse("sochef_nominations:index")).content.decode()
    assert "data-bulk-action-checkbox" in html and "set_status" in html


@pytest.mark.django_db
def test_csv_export_neutralises_formulas(moderator):
    make_nomination(
        nominee_name='=HYPERLINK("http://evil.example")',
        organisation="+46 8 123",
        why="@SUM(A1:A2)",
        notes="-1+1",
        nominator_name="Per Holm",
    )
    response = moderator.get(reverse("sochef_nominations:index"), {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    cells = list(rows[0].values())
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert {"'+46 8 123", "'@SUM(A1:A2)", "'-1+1", "Per Holm"} <= set(cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


@pytest.mark.django_db
def test_listing_runs_a_constant_number_of_queries(moderator, django_assert_max_num_queries):
    page = make_nomination_page()
    url = reverse("sochef_nominations:index")
    make_nomination(page=page)
    moderator.get(url)
    with django_assert_max_num_queries(40) as few:
        moderator.get(url)
    for n in range(15):
        make_nomination(page=page, nominee_name=f"Gäst {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        moderator.get(url)


# -- Accepting a nomination ----------------------------------------------------------------------


def accept(client, nomination, **data):
    return client.post(reverse("sochef_nominations:accept", args=[nomination.pk]), data)


@pytest.mark.django_db
def test_accept_creates_a_guest_and_a_draft_week(superuser, accounts):
    index = make_index()
    nomination = make_nomination(
        nominee_name="Maja Berg",
        nominee_handle="majaberg",
        role="other",
        role_other="Friskvårdskonsulent",
        organisation="Regionen",
        side="worker",
    )
    week_start = monday(3)
    response = accept(
        superuser,
        nomination,
        index=index.pk,
        account=accounts[1].pk,
        week_start=week_start.isoformat(),
        sector="public",
    )
    week = GuestWeekPage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[week.pk])
    guest = Guest.objects.get()
    assert (guest.name, guest.handle, guest.role, guest.role_other, guest.organisation) == (
        "Maja Berg",
        "majaberg",
        "other",
        "Friskvårdskonsulent",
        "Regionen",
    )
    assert guest.sector == "public"
    assert not week.live and week.has_unpublished_changes
    assert week.get_parent().specific == index and week.week_start == week_start
    assert [(s.account, s.guest) for s in week.slots.all()] == [(accounts[1], guest)]
    nomination.refresh_from_db()
    assert (nomination.status, nomination.guest, nomination.week_page) == ("accepted", guest, week)


@pytest.mark.django_db
def test_accept_form_proposes_the_first_index_and_an_account_of_the_nominees_side(
    superuser, accounts
):
    first, second = make_index(), make_index("Andra", "andra")
    nomination = make_nomination(side="employer")
    form = superuser.get(reverse("sochef_nominations:accept", args=[nomination.pk])).context["form"]
    assert form["index"].value() == first.pk
    assert form["account"].value() == accounts[0].pk
    assert list(form.fields["index"].queryset) == [first, second]


@pytest.mark.django_db
def test_accept_proposes_the_first_free_monday_of_the_account_and_names_the_skipped_weeks(
    superuser, accounts
):
    index, worker = make_index(), accounts[1]
    for weeks_ahead, name in [(1, "Bo"), (2, "Karin"), (4, "Lisa")]:
        make_week(index, monday(weeks_ahead), [(worker, make_guest(name))])
    make_week(index, monday(3), [(accounts[0], make_guest("Anna"))])  # the other account
    draft = [(worker, make_guest("Utkast"))]
    make_week(index, monday(3), draft, title="Utkast", live=False, slug="utkast")
    nomination = make_nomination(side="worker")
    response = superuser.get(reverse("sochef_nominations:accept", args=[nomination.pk]))
    form = response.context["form"]
    assert form["account"].value() == worker.pk
    assert form["week_start"].value() == monday(3)
    assert form.fields["week_start"].help_text == (
        "Den första måndagen efter i dag då @Skyddsombud inte har någon publicerad vecka. "
        f"Hoppade över, redan bokade: {monday(1).isoformat()} (Bo), "
        f"{monday(2).isoformat()} (Karin)."
    )


@pytest.mark.django_db
def test_accept_proposes_the_next_monday_when_it_is_free(superuser, accounts):
    make_index()
    form = superuser.get(
        reverse("sochef_nominations:accept", args=[make_nomination(side="worker").pk])
    ).context["form"]
    assert form["week_start"].value() == monday(1)
    assert "Hoppade över" not in form.fields["week_start"].help_text


@pytest.mark.django_db
def test_accept_refuses_a_booked_monday_with_the_booking_rule_message(superuser, accounts):
    index, worker = make_index(), accounts[1]
    make_week(index, monday(2), [(worker, make_guest("Bo"))], title="Bo tar över")
    response = accept(
        superuser,
        make_nomination(),
        index=index.pk,
        account=worker.pk,
        week_start=monday(2).isoformat(),
        sector="public",
    )
    assert response.context["form"].errors["week_start"] == [
        f"@Skyddsombud har redan en publicerad vecka från {monday(2).isoformat()}: ”Bo tar över” "
        "med Bo. Välj ett annat konto eller en annan vecka."
    ]
    assert not Guest.objects.filter(name="Maja Berg").exists()


@pytest.mark.django_db
def test_skipped_weeks_are_escaped_on_the_accept_page(superuser, accounts):
    index, worker = make_index(), accounts[1]
    make_week(index, monday(1), [(worker, make_guest("<b>Bo</b>"))])
    response = superuser.get(
        reverse("sochef_nominations:accept", args=[make_nomination(side="worker").pk])
    )
    page = response.content.decode()
    assert "(&lt;b&gt;Bo&lt;/b&gt;)" in page and "<b>Bo</b>" not in page


@pytest.mark.django_db
def test_editor_chooses_another_index(superuser, accounts):
    make_index()
    second = make_index("Andra", "andra")
    nomination = make_nomination()
    accept(
        superuser,
        nomination,
        index=second.pk,
        account=accounts[1].pk,
        week_start=monday(2).isoformat(),
        sector="private",
    )
    assert GuestWeekPage.objects.get().get_parent().specific == second


@pytest.mark.django_db
def test_accept_without_an_index_says_so(superuser, accounts):
    nomination = make_nomination()
    response = superuser.get(reverse("sochef_nominations:accept", args=[nomination.pk]))
    assert "Det finns ingen gästindexsida" in response.content.decode()
    response = accept(superuser, nomination, account=accounts[1].pk, sector="public")
    assert response.status_code == 200 and not Guest.objects.exists()


@pytest.mark.django_db
def test_accepted_week_must_start_on_a_monday(superuser, accounts):
    index = make_index()
    nomination = make_nomination()
    tuesday = monday(2) + datetime.timedelta(days=1)
    response = accept(
        superuser,
        nomination,
        index=index.pk,
        account=accounts[1].pk,
        week_start=tuesday.isoformat(),
        sector="public",
    )
    assert "week_start" in response.context["form"].errors
    assert not Guest.objects.exists()


@pytest.mark.django_db
def test_a_nomination_is_accepted_only_once(superuser, accounts):
    index = make_index()
    nomination = make_nomination()
    data = dict(index=index.pk, account=accounts[1].pk, week_start=monday(2).isoformat())
    accept(superuser, nomination, sector="public", **data)
    response = accept(superuser, nomination, sector="public", **data)
    assert response.status_code == 302
    assert Guest.objects.count() == 1 and GuestWeekPage.objects.count() == 1


@pytest.mark.django_db
def test_moderator_without_page_permission_is_told_so(moderator, accounts):
    make_index()
    nomination = make_nomination()
    response = moderator.get(reverse("sochef_nominations:accept", args=[nomination.pk]))
    assert response.status_code == 200 and response.context["form"] is None


# -- Notifications -------------------------------------------------------------------------------


@pytest.fixture
def editors(db):
    return set_project(notify_emails="red1@example.com\nred2@example.com")


@pytest.mark.django_db
def test_new_nomination_emails_the_editors_after_commit(
    client, editors, django_capture_on_commit_callbacks
):
    page = make_nomination_page()
    post = nomination_post(why="<script>alert('x')</script> & mer")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(page.url, post)
    assert mail.outbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["red1@example.com", "red2@example.com"]
    assert "Maja Berg" in message.subject
    assert "per@example.com" not in message.body  # the nominator's address stays in the admin
    nomination = Nomination.objects.get()
    assert reverse("sochef_nominations:edit", args=[nomination.pk]) in message.body
    html = message.alternatives[0][0]
    assert "&lt;script&gt;" in html and "<script>" not in html


@pytest.mark.django_db
def test_failed_send_keeps_the_nomination(
    client, editors, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail_backends.FailingEmailBackend"
    page = make_nomination_page()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, nomination_post())
    assert response.status_code == 302 and response["Location"].endswith("/tack/")
    nomination = Nomination.objects.get()
    # The task raises, so that django-q2 records it as failed (and can retry it).
    with pytest.raises(ConnectionRefusedError):
        notify_editors(nomination.pk)
    assert Nomination.objects.filter(pk=nomination.pk).exists()


@pytest.mark.django_db
def test_merged_nomination_sends_no_second_email(
    client, editors, django_capture_on_commit_callbacks
):
    page = make_nomination_page()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page.url, nomination_post())
        client.post(page.url, nomination_post(why="Igen."))
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_email_without_editors_to_notify(client, django_capture_on_commit_callbacks):
    page = make_nomination_page()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page.url, nomination_post())
    assert mail.outbox == [] and Nomination.objects.count() == 1


# -- Notifications that were lost ----------------------------------------------------------------


def later(minutes=3):
    return timezone.now() + datetime.timedelta(minutes=minutes)


@pytest.mark.django_db
def test_a_notification_lost_after_the_commit_is_sent_by_the_sweep(
    client, editors, django_capture_on_commit_callbacks
):
    """The process died between the commit and queueing the e-mail: its callback never ran."""
    page = make_nomination_page()
    with django_capture_on_commit_callbacks(execute=False):
        client.post(page.url, nomination_post())
    nomination = Nomination.objects.get()
    assert nomination.notified_at is None and mail.outbox == []
    assert sweep_notifications() == 0  # left to its own task for a while
    assert sweep_notifications(now=later()) == 1
    assert len(mail.outbox) == 1 and "Maja Berg" in mail.outbox[0].subject
    nomination.refresh_from_db()
    assert nomination.notified_at is not None
    # Never a second e-mail: neither the sweep nor the task queued at the commit sends again.
    assert sweep_notifications(now=later()) == 0
    assert notify_editors(nomination.pk) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_nomination_being_notified_is_not_notified_again(editors):
    nomination = make_nomination()
    Nomination.objects.filter(pk=nomination.pk).update(notify_claimed_at=timezone.now())
    assert notify_editors(nomination.pk) == 0 and mail.outbox == []
    # A claim older than any send belongs to a sender that died: it is taken over.
    Nomination.objects.filter(pk=nomination.pk).update(
        notify_claimed_at=timezone.now() - CLAIM_TIMEOUT - datetime.timedelta(seconds=1)
    )
    assert notify_editors(nomination.pk) == 2 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_is_tried_again_by_the_sweep(editors, settings):
    nomination = make_nomination()
    settings.EMAIL_BACKEND = "tests.mail_backends.FailingEmailBackend"
    with pytest.raises(ConnectionRefusedError):
        notify_editors(nomination.pk)
    assert sweep_notifications(now=later()) == 1  # logged, and still waiting
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sweep_notifications(now=later())
    assert len(mail.outbox) == 1
    assert Nomination.objects.get(pk=nomination.pk).notified_at is not None


@pytest.mark.django_db
def test_migrate_schedules_the_sweep(db):
    from django_q.models import Schedule

    from sochef_wagtail.nominations.notify import SWEEP_SCHEDULE_NAME

    schedule = Schedule.objects.get(name=SWEEP_SCHEDULE_NAME)
    assert schedule.func == "sochef_wagtail.nominations.notify.sweep_notifications"
