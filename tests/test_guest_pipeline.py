"""The guest pipeline: the reminder a week before a guest's week and the announcement when a
week starts, each done once by its django-q2 schedule, shown on the week in the admin and
resendable by hand; nothing for a paused or closed project or a guest without an address."""

import datetime
import re
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from example_site.blog.models import BlogPage
from sochef_wagtail.blog import BlogAdapter
from sochef_wagtail.guests import Guest
from sochef_wagtail.handover.models import GuestHandover
from sochef_wagtail.pipeline.mail import editors_message, post_texts, reminder_message
from sochef_wagtail.pipeline.models import NoticeKind, NoticeProblem, WeekNotice
from sochef_wagtail.pipeline.sending import ALREADY_DONE, SENT, perform, week_items
from sochef_wagtail.pipeline.tasks import (
    ANNOUNCEMENT_SCHEDULE_NAME,
    REMINDER_SCHEDULE_NAME,
    announce_started_weeks,
    send_due_reminders,
)
from sochef_wagtail.weeks.models import slots_queryset
from tests.factories import (
    grant_page_permission,
    make_blog_category,
    make_blog_index,
    make_guest,
    make_user,
    make_week,
    monday,
    set_project,
)
from tests.processes import needs_postgresql, redis_missing, wait_for
from tests.test_control_characters import assert_sound_email
from tests.test_scale_out import SCHEDULER_PERIOD
from tests.xss_corpus import injected_markup

pytestmark = pytest.mark.django_db
REDIS_MISSING = redis_missing()


@pytest.fixture(autouse=True)
def any_hour(settings):
    """The schedules send nothing before 8:00; the tests run at any time of day."""
    settings.SOCHEF_PIPELINE_SEND_FROM_HOUR = 0


@pytest.fixture
def editor(db):
    user = make_user("admin", superuser=True)
    user.first_name, user.last_name = "Eva", "Redaktör"
    user.save()
    return user


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client


def pair_week(index_page, accounts, weeks_from_now, owner=None, **guests):
    employer, worker = accounts
    anna = make_guest("Anna Lindqvist", email=guests.get("anna", "anna@example.com"))
    bo = make_guest("Bo Eriksson", email=guests.get("bo", "bo@example.com"))
    week = make_week(
        index_page, monday(weeks_from_now), [(employer, anna), (worker, bo)], title="Veckan"
    )
    if owner:
        week.owner = owner
        week.save(update_fields=["owner"])
    return week


@pytest.fixture
def coming_week(index_page, accounts, editor):
    """Next week: its reminders are due."""
    return pair_week(index_page, accounts, 1, owner=editor)


@pytest.fixture
def this_week(index_page, accounts, editor):
    """The week under way: its announcement is due."""
    return pair_week(index_page, accounts, 0, owner=editor)


@pytest.fixture
def blog(db):
    """The example site's blog with its SOchef category (SOCHEF_BLOG names it)."""
    return make_blog_index(), make_blog_category()


def run_schedule(name):
    schedule = Schedule.objects.get(name=name)
    schedule.next_run = timezone.now() - datetime.timedelta(minutes=1)
    schedule.save()
    scheduler()


def notices(kind=NoticeKind.REMINDER):
    return WeekNotice.objects.filter(kind=kind).order_by("guest__name")


# -- Reminders ---------------------------------------------------------------------------------


def test_migrate_creates_both_schedules():
    for name in (REMINDER_SCHEDULE_NAME, ANNOUNCEMENT_SCHEDULE_NAME):
        schedule = Schedule.objects.get(name=name)
        assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (
            Schedule.MINUTES,
            60,
            -1,
        )


def test_schedule_reminds_each_guest_once_with_dates_account_rule_login_and_reply_to(
    coming_week,
):
    run_schedule(REMINDER_SCHEDULE_NAME)
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.com", "bo@example.com"]
    to_bo = next(m for m in mail.outbox if m.to == ["bo@example.com"])
    assert "@Skyddsombud" in to_bo.subject and "Påminnelse" in to_bo.subject
    body = to_bo.body
    assert "Hej Bo Eriksson" in body
    assert f"{coming_week.week_start.day} " in body and "måndag" in body
    assert "https://x.com/Skyddsombud" in body
    assert "Anna Lindqvist" in body  # the other account's guest that week
    assert "allt utom propaganda" in body
    assert "per telefon eller sms, aldrig per e-post" in body  # how to get the log-in
    assert to_bo.reply_to == ["admin@example.com"]  # the week's editor
    html = to_bo.alternatives[0][0]
    assert "allt utom propaganda" in html and 'href="https://x.com/Skyddsombud"' in html
    assert [(n.times_sent, n.by_hand, n.recipients) for n in notices()] == [
        (1, False, "anna@example.com"),
        (1, False, "bo@example.com"),
    ]
    run_schedule(REMINDER_SCHEDULE_NAME)  # the next run
    assert len(mail.outbox) == 2


def test_running_twice_reminds_once(coming_week):
    send_due_reminders()
    send_due_reminders()
    assert len(mail.outbox) == 2 and notices().count() == 2


def test_reminder_waits_until_a_week_before(index_page, accounts):
    pair_week(index_page, accounts, 2)
    send_due_reminders()
    assert mail.outbox == [] and not WeekNotice.objects.exists()


def test_nothing_is_sent_before_the_hour_of_the_day(settings, coming_week):
    settings.SOCHEF_PIPELINE_SEND_FROM_HOUR = 8
    night = timezone.localtime().replace(hour=3)
    assert send_due_reminders(now=night) == "Inget skickas före 8:00."
    assert mail.outbox == []


def test_a_sender_at_work_is_left_alone_and_a_dead_one_taken_over(coming_week):
    item = week_items(coming_week, (NoticeKind.REMINDER,))[0]
    notice = WeekNotice.objects.create(
        week=coming_week, kind=NoticeKind.REMINDER, guest=item.guest, claimed_at=timezone.now()
    )
    item.notice = notice
    assert perform(item) == ALREADY_DONE and mail.outbox == []
    WeekNotice.objects.filter(pk=notice.pk).update(
        claimed_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    assert perform(item) == SENT and len(mail.outbox) == 1
    assert perform(item) == ALREADY_DONE and len(mail.outbox) == 1


def test_a_failed_send_records_nothing_sent_and_the_next_run_sends_once(settings, coming_week):
    settings.EMAIL_BACKEND = "tests.mail_backends.FailingEmailBackend"
    assert send_due_reminders().startswith("0 gjorda, 2 inte")
    assert [(n.sent_at, n.claimed_at, n.problem) for n in notices()] == [
        (None, None, NoticeProblem.FAILED)
    ] * 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_due_reminders()
    send_due_reminders()
    assert len(mail.outbox) == 2
    assert {n.problem for n in notices()} == {""}


@pytest.mark.parametrize(
    "status, problem", [("paused", NoticeProblem.PAUSED), ("closed", NoticeProblem.CLOSED)]
)
def test_nothing_goes_out_for_a_paused_or_closed_project_and_the_editor_is_told(
    status, problem, coming_week, this_week, blog, admin_client
):
    set_project(status=status, notify_emails="red@example.com", announce_to_editors=True)
    send_due_reminders()
    announce_started_weeks()
    assert mail.outbox == [] and not BlogPage.objects.filter(live=False).exists()
    assert {n.problem for n in WeekNotice.objects.all()} == {problem}
    assert WeekNotice.objects.count() == 2 + 2  # two reminders; the post and the e-mail
    dashboard = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "SOchef: inte skickat" in dashboard
    assert f"Projektet är {'pausat' if status == 'paused' else 'nedlagt'}" in dashboard
    editor_page = admin_client.get(reverse("wagtailadmin_pages:edit", args=[coming_week.pk]))
    assert "Inte skickad:" in editor_page.content.decode()


def test_a_guest_without_an_address_gets_nothing_and_the_editor_is_told(
    index_page, accounts, admin_client
):
    week = pair_week(index_page, accounts, 1, bo="")
    send_due_reminders()
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
    bo = WeekNotice.objects.get(guest__name="Bo Eriksson")
    assert (bo.sent_at, bo.problem) == (None, NoticeProblem.NO_EMAIL)
    dashboard = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Bo Eriksson" in dashboard and "ingen e-postadress" in dashboard
    page = admin_client.get(reverse("sochef_pipeline", args=[week.pk])).content.decode()
    assert "ingen e-postadress" in page


def test_the_handover_address_serves_when_the_guest_has_none(index_page, accounts, editor):
    week = pair_week(index_page, accounts, 1, bo="")
    bo = week.slots.get(guest__name="Bo Eriksson").guest
    GuestHandover.objects.create(week=week, guest=bo, email="bo.h@example.com", sent_by=editor)
    send_due_reminders()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.com", "bo.h@example.com"]


def test_reminder_is_in_the_guests_language(index_page, accounts):
    week = pair_week(index_page, accounts, 1)
    guest = week.slots.get(guest__name="Bo Eriksson").guest
    guest.language = "en"
    guest.save()
    send_due_reminders()
    to_bo = next(m for m in mail.outbox if m.to == ["bo@example.com"])
    assert "Reminder" in to_bo.subject and "anything but propaganda" in to_bo.body


def test_a_draft_week_gets_no_reminder(index_page, accounts):
    employer, _ = accounts
    guest = make_guest("Utkast", email="u@example.com")
    make_week(index_page, monday(1), [(employer, guest)], live=False)
    send_due_reminders()
    assert mail.outbox == []


# -- Admin: state, resend by hand --------------------------------------------------------------


def test_week_editor_and_pipeline_page_show_when_and_by_whom(coming_week, admin_client):
    send_due_reminders()
    editor_page = admin_client.get(reverse("wagtailadmin_pages:edit", args=[coming_week.pk]))
    html = editor_page.content.decode()
    assert "Påminnelse till gästen" in html and "av schemat" in html
    assert reverse("sochef_pipeline", args=[coming_week.pk]) in html
    page = admin_client.get(reverse("sochef_pipeline", args=[coming_week.pk])).content.decode()
    assert "Skicka igen" in page and "bo@example.com" in page


def resend(client, week, guest, times_sent):
    url = reverse("sochef_pipeline_send", args=[week.pk, NoticeKind.REMINDER, guest.pk])
    return client.post(url, {"times_sent": times_sent})


def test_editor_resends_by_hand_after_a_confirmation(coming_week, admin_client, editor):
    send_due_reminders()
    bo = coming_week.slots.get(guest__name="Bo Eriksson").guest
    url = reverse("sochef_pipeline_send", args=[coming_week.pk, NoticeKind.REMINDER, bo.pk])
    confirm = admin_client.get(url).content.decode()
    assert "Ja, skicka igen" in confirm and "bo@example.com" in confirm
    assert len(mail.outbox) == 2  # the confirmation page sends nothing
    response = resend(admin_client, coming_week, bo, 1)
    assert response.status_code == 302
    assert len(mail.outbox) == 3 and mail.outbox[-1].to == ["bo@example.com"]
    notice = WeekNotice.objects.get(guest=bo)
    assert (notice.times_sent, notice.by_hand, notice.sent_by) == (2, True, editor)
    resend(admin_client, coming_week, bo, 1)  # the same form posted again
    assert len(mail.outbox) == 3
    page = admin_client.get(reverse("sochef_pipeline", args=[coming_week.pk])).content.decode()
    assert "av Eva Redaktör" in page and "Skickad 2 gånger" in page


def test_an_editor_may_send_before_the_schedule(index_page, accounts, admin_client):
    week = pair_week(index_page, accounts, 3)
    anna = week.slots.get(guest__name="Anna Lindqvist").guest
    resend(admin_client, week, anna, 0)
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
    send_due_reminders()
    assert len(mail.outbox) == 1


def test_by_hand_nothing_goes_out_for_a_paused_project(coming_week, admin_client):
    set_project(status="paused")
    anna = coming_week.slots.get(guest__name="Anna Lindqvist").guest
    response = resend(admin_client, coming_week, anna, 0)
    assert mail.outbox == []
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("pausat" in m for m in messages)


def test_sending_by_hand_needs_the_right_to_edit_the_week(coming_week, client):
    anna = coming_week.slots.get(guest__name="Anna Lindqvist").guest
    user = make_user("gast")
    client.force_login(user)
    denied = reverse("wagtailadmin_home")  # Wagtail's answer to PermissionDenied
    assert resend(client, coming_week, anna, 0).url == denied
    assert client.get(reverse("sochef_pipeline", args=[coming_week.pk])).url == denied
    assert mail.outbox == []
    grant_page_permission(user, coming_week)
    assert resend(client, coming_week, anna, 0).url == reverse(
        "sochef_pipeline", args=[coming_week.pk]
    )
    assert len(mail.outbox) == 1


def test_an_unknown_kind_or_guest_is_not_found(coming_week, admin_client):
    url = reverse("sochef_pipeline_send", args=[coming_week.pk, "spam", 0])
    assert admin_client.get(url).status_code == 404
    url = reverse("sochef_pipeline_send", args=[coming_week.pk, NoticeKind.REMINDER, 999999])
    assert admin_client.get(url).status_code == 404


def test_a_week_that_is_over_is_not_sent_by_hand(index_page, accounts, admin_client):
    week = pair_week(index_page, accounts, -2)
    anna = week.slots.get(guest__name="Anna Lindqvist").guest
    resend(admin_client, week, anna, 0)
    assert mail.outbox == []


def test_pipeline_page_runs_a_constant_number_of_queries(index_page, accounts, admin_client):
    employer, worker = accounts
    one = make_week(index_page, monday(1), [(employer, make_guest("A", email="a@example.com"))])
    two = pair_week(index_page, accounts, 2)
    send_due_reminders()
    for week in (one, two):
        admin_client.get(reverse("sochef_pipeline", args=[week.pk]))  # warm the caches
    counts = []
    for week in (one, two):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(reverse("sochef_pipeline", args=[week.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- Announcement ------------------------------------------------------------------------------


def test_announcement_creates_one_draft_post_in_the_sochef_category(this_week, blog):
    index, sochef = blog
    run_schedule(ANNOUNCEMENT_SCHEDULE_NAME)
    run_schedule(ANNOUNCEMENT_SCHEDULE_NAME)
    (post,) = BlogPage.objects.all()
    assert not post.live and post.get_parent().pk == index.pk
    assert list(post.categories.all()) == [sochef]
    assert post.date == this_week.week_start
    assert "Anna Lindqvist" in post.title and "@Skyddsombud" in post.title
    assert "Anna Lindqvist" in post.summary and "<" not in post.summary  # a TextField
    assert f'linktype="page" id="{this_week.pk}"' in post.body
    assert post.latest_revision is not None
    notice = WeekNotice.objects.get(kind=NoticeKind.POST)
    assert (notice.post_id, notice.times_sent, notice.by_hand) == (post.pk, 1, False)
    assert mail.outbox == []  # the editors' e-mail is off by default


def test_a_run_stopped_while_it_creates_the_post_leaves_none_and_the_next_creates_one(
    this_week, blog, monkeypatch
):
    create_draft = BlogAdapter.create_draft

    def create_then_stop(self, *args, **kwargs):
        create_draft(self, *args, **kwargs)
        raise SystemExit("stopped")  # as django-q2's time-out stops a task

    monkeypatch.setattr(BlogAdapter, "create_draft", create_then_stop)
    with pytest.raises(SystemExit):
        announce_started_weeks()
    assert not BlogPage.objects.exists()
    notice = WeekNotice.objects.get(kind=NoticeKind.POST)
    assert (notice.sent_at, notice.claimed_at, notice.problem) == (None, None, "failed")
    monkeypatch.undo()
    announce_started_weeks()
    announce_started_weeks()
    assert BlogPage.objects.count() == 1


def test_editors_get_the_announcement_when_the_settings_ask(this_week, blog):
    set_project(notify_emails="red@example.com\nchef@example.com", announce_to_editors=True)
    announce_started_weeks()
    announce_started_weeks()
    (message,) = mail.outbox
    assert message.to == ["red@example.com", "chef@example.com"]
    post = BlogPage.objects.get()
    assert reverse("wagtailadmin_pages:edit", args=[post.pk]) in message.body
    assert "Anna Lindqvist" in message.subject and "Bo Eriksson" in message.body


def test_announcement_without_editors_addresses_is_not_sent_and_says_why(this_week, blog):
    set_project(announce_to_editors=True)
    announce_started_weeks()
    assert mail.outbox == []
    notice = WeekNotice.objects.get(kind=NoticeKind.EDITORS)
    assert notice.problem == NoticeProblem.NO_RECIPIENTS


def test_without_a_blog_no_post_and_the_editor_is_told(settings, this_week):
    settings.SOCHEF_BLOG = {}
    announce_started_weeks()
    assert WeekNotice.objects.get(kind=NoticeKind.POST).problem == NoticeProblem.NO_BLOG


def test_a_deleted_draft_is_created_again_by_hand(this_week, blog, admin_client, editor):
    announce_started_weeks()
    BlogPage.objects.get().delete()
    page = admin_client.get(reverse("sochef_pipeline", args=[this_week.pk])).content.decode()
    assert "Utkastet har tagits bort sedan dess" in page
    url = reverse("sochef_pipeline_send", args=[this_week.pk, NoticeKind.POST, 0])
    admin_client.post(url, {"times_sent": 1})
    post = BlogPage.objects.get()
    assert post.owner == editor and not post.live
    assert WeekNotice.objects.get(kind=NoticeKind.POST).post_id == post.pk


# -- Nasty text --------------------------------------------------------------------------------


NASTY = "<script>alert(1)</script> \u202eAnna\u202c 🎉\x07 " + "Å" * 10_000


def test_nasty_names_are_escaped_and_fit_every_output(index_page, accounts, blog):
    employer, worker = accounts
    guest = make_guest(NASTY[:120], email="anna@example.com", organisation=NASTY[:150])
    week = make_week(index_page, monday(0), [(employer, guest)], title="Vecka")
    set_project(
        notify_emails="red@example.com", announce_to_editors=True, organiser_name=NASTY[:120]
    )
    make_week(index_page, monday(1), [(worker, make_guest(NASTY[:120], email="b@example.com"))])
    send_due_reminders()
    announce_started_weeks()
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert_sound_email(message)
        assert injected_markup(message.alternatives[0][0].encode()) == []
        assert "<script>" not in message.alternatives[0][0]
    post = BlogPage.objects.get()
    assert len(post.title) <= 255 and "<script>" not in post.body
    assert "&lt;script&gt;" in post.body and week.title == "Vecka"


@pytest.mark.django_db(transaction=True)
def test_eight_runs_at_once_remind_and_announce_once(index_page, accounts, blog):
    needs_postgresql("SQLite writes one transaction at a time")
    set_project(notify_emails="red@example.com", announce_to_editors=True)
    pair_week(index_page, accounts, 0)
    employer, worker = accounts
    make_week(
        index_page,
        monday(1),
        [(employer, make_guest("Cilla", email="c@example.com"))],
        title="Nästa",
    )
    start = threading.Barrier(8)
    errors = []

    def run(task):
        try:
            start.wait(30)
            task()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    tasks = [send_due_reminders, announce_started_weeks] * 4
    threads = [threading.Thread(target=run, args=[task]) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == ["c@example.com", "red@example.com"]
    assert BlogPage.objects.count() == 1
    assert sorted(WeekNotice.objects.values_list("kind", "times_sent")) == [
        ("editors", 1),
        ("post", 1),
        ("reminder", 1),
    ]


def test_every_hostile_name_is_text_in_the_reminder_the_editors_mail_and_the_post(
    coming_week, blog
):
    from tests.test_xss import assert_each_safe

    slot = coming_week.slots.get(guest__name="Bo Eriksson")
    guest = slot.guest
    set_project(notify_emails="red@example.com")

    def reminder(payload):
        Guest.objects.filter(pk=guest.pk).update(name=payload, organisation=payload)
        item = week_items(coming_week, (NoticeKind.REMINDER,))[1]
        assert item.guest.name == payload
        return reminder_message(item, None).alternatives[0][0]

    def editors(payload):
        Guest.objects.filter(pk=guest.pk).update(name=payload, organisation=payload)
        slots = list(slots_queryset().filter(page=coming_week))
        return editors_message(coming_week, slots, ["red@example.com"], None).alternatives[0][0]

    def post_body(payload):
        Guest.objects.filter(pk=guest.pk).update(name=payload, organisation=payload)
        slots = list(slots_queryset().filter(page=coming_week))
        return post_texts(coming_week, slots, "sv")[2]

    for render in (reminder, editors, post_body):
        assert_each_safe(render)


def test_a_reminder_the_schedule_can_no_longer_send_says_so(this_week, admin_client):
    send_due_reminders()  # the week has begun: no reminder any more
    assert mail.outbox == []
    page = admin_client.get(reverse("sochef_pipeline", args=[this_week.pk])).content.decode()
    last = this_week.week_start - datetime.timedelta(days=1)
    assert "Inte skickad: schemat gör det från" in page and f"till {last.day} " in page


@pytest.mark.slow
@pytest.mark.skipif(bool(REDIS_MISSING), reason=REDIS_MISSING)
@pytest.mark.django_db(transaction=True)
def test_two_q_clusters_remind_and_announce_once(
    tmp_path, monkeypatch, q_clusters, index_page, accounts, blog
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    monkeypatch.setenv("SOCHEF_TEST_MAIL_DIR", str(mail_dir))
    set_project(notify_emails="red@example.com", announce_to_editors=True)
    pair_week(index_page, accounts, 0)  # announced: the draft post and the editors' e-mail
    pair_week(index_page, accounts, 1)  # both guests reminded
    names = [REMINDER_SCHEDULE_NAME, ANNOUNCEMENT_SCHEDULE_NAME]
    Schedule.objects.filter(name__in=names).update(
        next_run=timezone.now() - datetime.timedelta(minutes=1), minutes=1
    )
    first, second = q_clusters(2)
    running = max(first.wait_until_running(), second.wait_until_running())
    sent = WeekNotice.objects.filter(sent_at__isnull=False)
    wait_for(lambda: sent.count() == 4, 150, 1, "the reminders and the announcement")
    # Both clusters' schedulers have run by now, at least once more after the sends.
    time.sleep(max(0, running + 2 * SCHEDULER_PERIOD + 10 - time.monotonic()))
    assert sorted(sent.values_list("kind", "times_sent")) == [
        ("editors", 1),
        ("post", 1),
        ("reminder", 1),
        ("reminder", 1),
    ]
    assert BlogPage.objects.count() == 1
    written = "".join(path.read_text() for path in mail_dir.iterdir())
    assert written.count("\nSubject: ") == 3
    assert sorted(re.findall(r"^To: (.+)$", written, re.M)) == [
        "anna@example.com",
        "bo@example.com",
        "red@example.com",
    ]
