"""One guest per relay account per week, however a week goes live.

Every way a week is published (the editor, a draft or a revision published by code, a workflow
approval, bulk publishing, a scheduled go-live, a revert, a copy, an alias made a page of its
own) is refused with the same message when another live week holds one of its accounts on
those days; the admin shows it as a message, never an error page.
"""

import datetime
import threading

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from wagtail import hooks
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import (
    GroupApprovalTask,
    Locale,
    PageLogEntry,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from sochef_wagtail.nominations.models import accept_nomination
from sochef_wagtail.weeks.models import AccountBooked, GuestSlot
from sochef_wagtail.weeks.pages import GuestWeekIndexPage, GuestWeekPage
from tests.factories import (
    make_account,
    make_guest,
    make_index,
    make_nomination,
    make_user,
    make_week,
    week_form,
)
from tests.processes import needs_postgresql, wait_for

MONDAY = datetime.date(2012, 9, 3)
NEXT_MONDAY = MONDAY + datetime.timedelta(weeks=1)
# What every refused path says about Bo's week (tests run in Swedish).
BO_HOLDS_THE_WORKER_ACCOUNT = (
    "@Skyddsombud har redan en publicerad vecka från 2012-09-03: ”Bo tar över” med Bo. "
    "Välj ett annat konto eller en annan vecka."
)


def titled_week(index, monday, slots, title, live=True):
    """A week whose slug is its title: several weeks here share a Monday."""
    return make_week(index, monday, slots, title=title, live=live, slug=slugify(title))


@pytest.fixture
def bo_week(index_page, accounts):
    """Bo's published week on the worker account from Monday 3 September 2012."""
    return titled_week(index_page, MONDAY, [(accounts[1], make_guest("Bo"))], "Bo tar över")


def draft_week(index, monday, slots, title):
    """A draft week with a revision, as an editor's saved draft is."""
    week = titled_week(index, monday, slots, title, live=False)
    week.save_revision()
    return week


@pytest.fixture
def karin_draft(index_page, accounts, bo_week):
    """Karin's draft on the worker account in Bo's week."""
    return draft_week(index_page, MONDAY, [(accounts[1], make_guest("Karin"))], "Karin")


def live_titles():
    return sorted(GuestWeekPage.objects.live().values_list("title", flat=True))


def refused(publish):
    with pytest.raises(AccountBooked) as refusal:
        publish()
    return refusal.value.messages


# -- Publishing by code --------------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_a_draft_onto_a_booked_week_names_account_week_and_guest(karin_draft):
    assert refused(karin_draft.get_latest_revision().publish) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    karin_draft.refresh_from_db()
    assert not karin_draft.live and karin_draft.live_revision is None
    assert live_titles() == ["Bo tar över"]


@pytest.mark.django_db
def test_an_accepted_nomination_on_a_booked_monday_cannot_be_published(
    index_page, accounts, bo_week
):
    guest, week = accept_nomination(
        make_nomination(nominee_name="Maja Berg"),
        index=index_page,
        account=accounts[1],
        week_start=MONDAY,
        sector="public",
    )
    assert refused(week.get_latest_revision().publish) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    assert live_titles() == ["Bo tar över"]


@pytest.mark.django_db
def test_a_new_start_date_onto_a_booked_week_is_refused_and_the_live_week_kept(
    index_page, accounts, bo_week
):
    karin = titled_week(index_page, NEXT_MONDAY, [(accounts[1], make_guest("Karin"))], "Karin")
    live_revision = karin.live_revision
    draft = karin.get_latest_revision_as_object()
    draft.week_start = MONDAY
    assert refused(draft.save_revision().publish) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    karin.refresh_from_db()
    assert (karin.live, karin.week_start, karin.live_revision) == (True, NEXT_MONDAY, live_revision)


@pytest.mark.django_db
def test_a_revision_that_moves_a_guest_onto_a_booked_account_changes_nothing(
    index_page, accounts, bo_week
):
    employer, worker = accounts
    anna = titled_week(index_page, MONDAY, [(employer, make_guest("Anna"))], "Anna")
    draft = anna.get_latest_revision_as_object()
    draft.slots = [GuestSlot(account=worker, guest=draft.slots.get().guest)]
    assert refused(draft.save_revision().publish) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    assert [slot.account for slot in GuestSlot.objects.filter(page=anna)] == [employer]


@pytest.mark.django_db
def test_a_week_overlapping_a_booked_one_is_refused_whatever_day_it_starts(karin_draft):
    karin_draft.week_start = MONDAY + datetime.timedelta(days=3)
    assert refused(karin_draft.save_revision().publish) == [BO_HOLDS_THE_WORKER_ACCOUNT]


@pytest.mark.django_db
def test_the_other_account_and_the_next_week_are_free(index_page, accounts, bo_week):
    employer, worker = accounts
    titled_week(index_page, MONDAY, [(employer, make_guest("Anna"))], "Anna")
    titled_week(index_page, NEXT_MONDAY, [(worker, make_guest("Karin"))], "Karin")
    assert live_titles() == ["Anna", "Bo tar över", "Karin"]


@pytest.mark.django_db
def test_a_week_republished_does_not_clash_with_itself(bo_week):
    bo_week.save_revision().publish()
    assert live_titles() == ["Bo tar över"]


@pytest.mark.django_db
def test_reverting_to_a_revision_on_a_week_booked_since_is_refused(index_page, accounts):
    worker = accounts[1]
    karin = titled_week(index_page, MONDAY, [(worker, make_guest("Karin"))], "Karin")
    first = karin.live_revision
    moved = karin.get_latest_revision_as_object()
    moved.week_start = NEXT_MONDAY
    moved.save_revision().publish()
    titled_week(index_page, MONDAY, [(worker, make_guest("Bo"))], "Bo tar över")
    assert refused(first.publish) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    karin.refresh_from_db()
    assert karin.week_start == NEXT_MONDAY


@pytest.mark.django_db
def test_a_week_unpublished_and_taken_meanwhile_cannot_be_republished(
    index_page, accounts, bo_week
):
    bo_week.unpublish()
    titled_week(index_page, MONDAY, [(accounts[1], make_guest("Karin"))], "Karin")
    messages = refused(bo_week.get_latest_revision().publish)
    assert messages == [
        "@Skyddsombud har redan en publicerad vecka från 2012-09-03: ”Karin” med Karin. "
        "Välj ett annat konto eller en annan vecka."
    ]
    assert live_titles() == ["Karin"]


@pytest.mark.django_db
def test_weeks_of_every_index_and_site_count(bo_week, accounts, other_site):
    elsewhere = other_site.root_page.add_child(instance=GuestWeekIndexPage(title="Gäster"))
    week = draft_week(elsewhere, MONDAY, [(accounts[1], make_guest("Karin"))], "Karin")
    assert refused(week.get_latest_revision().publish) == [BO_HOLDS_THE_WORKER_ACCOUNT]


@pytest.mark.django_db
def test_a_week_moved_to_another_site_still_books_its_account(
    index_page, accounts, bo_week, other_site
):
    elsewhere = other_site.root_page.add_child(instance=GuestWeekIndexPage(title="Gäster"))
    bo_week.move(elsewhere, pos="last-child")
    bo_week.refresh_from_db()
    assert bo_week.live and bo_week.get_parent().pk == elsewhere.pk
    week = draft_week(index_page, MONDAY, [(accounts[1], make_guest("Karin"))], "Karin")
    assert refused(week.get_latest_revision().publish) == [BO_HOLDS_THE_WORKER_ACCOUNT]


@pytest.mark.django_db
def test_a_published_copy_of_a_published_week_is_refused(bo_week):
    copy = dict(update_attrs={"title": "Kopia", "slug": "kopia"}, keep_live=True)
    assert refused(lambda: bo_week.copy(**copy)) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    assert GuestWeekPage.objects.count() == 1


@pytest.mark.django_db
def test_a_draft_copy_is_made_but_cannot_be_published(bo_week):
    copy = bo_week.copy(update_attrs={"title": "Kopia", "slug": "kopia"}, keep_live=False)
    assert not copy.live
    assert refused(copy.get_latest_revision().publish) == [BO_HOLDS_THE_WORKER_ACCOUNT]


@pytest.mark.django_db
def test_an_alias_shows_the_same_week_and_books_nothing(bo_week, other_site):
    elsewhere = other_site.root_page.add_child(instance=GuestWeekIndexPage(title="Gäster"))
    alias = bo_week.create_alias(parent=elsewhere)
    assert alias.live
    bo_week.save_revision().publish()  # the alias is updated, not counted
    assert GuestWeekPage.objects.live().count() == 2


@pytest.mark.django_db
def test_an_alias_made_a_page_of_its_own_is_refused(bo_week, other_site):
    elsewhere = other_site.root_page.add_child(instance=GuestWeekIndexPage(title="Gäster"))
    alias = bo_week.create_alias(parent=elsewhere)
    convert = ConvertAliasPageAction(alias.specific).execute
    assert refused(lambda: convert(skip_permission_checks=True)) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    alias.refresh_from_db()
    assert alias.alias_of_id == bo_week.pk


@pytest.mark.django_db
def test_a_translation_is_the_same_week(settings, bo_week):
    settings.WAGTAIL_I18N_ENABLED = True
    settings.WAGTAIL_CONTENT_LANGUAGES = [("sv", "Svenska"), ("en", "English")]
    english = bo_week.copy_for_translation(Locale.objects.create(language_code="en"), True)
    english.save_revision().publish()
    assert GuestWeekPage.objects.live().count() == 2


# -- Scheduled go-live ---------------------------------------------------------------------------


def schedule(week, minutes_ago):
    """Give ``week`` a revision whose scheduled go-live has come."""
    when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    week.go_live_at = when
    return week.save_revision(approved_go_live_at=when)


@pytest.mark.django_db
def test_a_refused_scheduled_go_live_is_skipped_reported_and_left_a_draft(
    index_page, accounts, karin_draft, caplog
):
    later = draft_week(index_page, NEXT_MONDAY, [(accounts[1], make_guest("Lisa"))], "Lisa")
    refused_revision = schedule(karin_draft, minutes_ago=10)
    schedule(later, minutes_ago=5)
    call_command("publish_scheduled")
    assert live_titles() == ["Bo tar över", "Lisa"]
    refused_revision.refresh_from_db()
    assert refused_revision.approved_go_live_at is None  # a draft, not tried again every run
    entry = PageLogEntry.objects.get(page=karin_draft, action="sochef_wagtail.publish.refused")
    assert BO_HOLDS_THE_WORKER_ACCOUNT in entry.message
    assert f"“Karin” (page {karin_draft.pk}) refused: {BO_HOLDS_THE_WORKER_ACCOUNT}" in caplog.text


@pytest.mark.django_db
def test_scheduling_a_week_leaves_it_to_the_go_live_to_be_refused(karin_draft):
    karin_draft.go_live_at = timezone.now() + datetime.timedelta(days=1)
    karin_draft.save_revision().publish()  # scheduled: nothing is live yet
    assert karin_draft.revisions.filter(approved_go_live_at__isnull=False).exists()
    assert live_titles() == ["Bo tar över"]


# -- The admin -----------------------------------------------------------------------------------


@pytest.fixture
def editor(client, db):
    client.force_login(make_user("redaktor", superuser=True))
    return client


def edit_url(week):
    return reverse("wagtailadmin_pages:edit", args=[week.pk])


def shown_messages(response):
    # Wagtail's admin messages are rendered HTML, escaped.
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def slot_errors(response):
    return [
        str(error)
        for form in response.context["form"].formsets["slots"].forms
        for error in form.errors.get("account", [])
    ]


@pytest.mark.django_db
def test_editor_moving_a_week_onto_a_booked_one_with_the_slots_untouched_is_refused(
    editor, index_page, accounts, bo_week
):
    worker = accounts[1]
    karin = titled_week(index_page, NEXT_MONDAY, [(worker, make_guest("Karin"))], "Karin")
    slot = karin.slots.get()
    data = week_form("Karin", MONDAY, [(worker, slot.guest)], "action-publish", slot_ids=[slot.pk])
    response = editor.post(edit_url(karin), data)
    assert response.status_code == 200
    assert slot_errors(response) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    karin.refresh_from_db()
    assert karin.week_start == NEXT_MONDAY


@pytest.mark.django_db
def test_editor_publishing_an_accepted_draft_on_a_booked_monday_is_refused(
    editor, index_page, accounts, bo_week
):
    worker = accounts[1]
    guest, week = accept_nomination(
        make_nomination(nominee_name="Maja Berg"),
        index=index_page,
        account=worker,
        week_start=MONDAY,
        sector="public",
    )
    slot = week.get_latest_revision_as_object().slots.get()
    data = week_form(week.title, MONDAY, [(worker, guest)], "action-publish", slot_ids=[slot.pk])
    response = editor.post(edit_url(week), data)
    assert slot_errors(response) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    assert live_titles() == ["Bo tar över"]


@pytest.mark.django_db
def test_editor_reverting_to_a_revision_on_a_booked_week_is_refused(editor, index_page, accounts):
    worker = accounts[1]
    karin = titled_week(index_page, MONDAY, [(worker, make_guest("Karin"))], "Karin")
    first = karin.live_revision
    moved = karin.get_latest_revision_as_object()
    moved.week_start = NEXT_MONDAY
    moved.save_revision().publish()
    titled_week(index_page, MONDAY, [(worker, make_guest("Bo"))], "Bo tar över")
    slot = first.as_object().slots.get()
    url = reverse("wagtailadmin_pages:revisions_revert", args=[karin.pk, first.pk])
    assert editor.get(url).status_code == 200
    data = week_form("Karin", MONDAY, [(worker, slot.guest)], "action-publish", slot_ids=[slot.pk])
    response = editor.post(url, data)
    assert slot_errors(response) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    karin.refresh_from_db()
    assert karin.week_start == NEXT_MONDAY


@pytest.mark.django_db
def test_another_editor_publishing_first_turns_the_publish_into_a_message(
    editor, index_page, accounts
):
    worker = accounts[1]
    bo = draft_week(index_page, MONDAY, [(worker, make_guest("Bo"))], "Bo tar över")
    karin = draft_week(index_page, MONDAY, [(worker, make_guest("Karin"))], "Karin")
    slot = karin.slots.get()

    def bo_published_meanwhile(request, page):
        bo.get_latest_revision().publish()

    data = week_form("Karin", MONDAY, [(worker, slot.guest)], "action-publish", slot_ids=[slot.pk])
    with hooks.register_temporarily("before_publish_page", bo_published_meanwhile):
        response = editor.post(edit_url(karin), data)
    assert response.status_code == 302 and response["Location"] == edit_url(karin)
    assert shown_messages(response) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    assert live_titles() == ["Bo tar över"]


@pytest.fixture
def in_moderation(index_page, karin_draft):
    """Karin's draft submitted to a one-step approval workflow on the index."""
    workflow = Workflow.objects.create(name="Granskning")
    task = GroupApprovalTask.objects.create(name="Redaktörerna")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=index_page)
    state = workflow.start(karin_draft, make_user("skribent"))
    return karin_draft, state.current_task_state


@pytest.mark.django_db
@pytest.mark.parametrize("modal", [False, True], ids=["button", "modal with comment"])
def test_approving_a_booked_week_in_a_workflow_gives_a_message(editor, in_moderation, modal):
    karin, task_state = in_moderation
    url = reverse("wagtailadmin_pages:workflow_action", args=[karin.pk, "approve", task_state.pk])
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if modal else {}
    response = editor.post(url, {"comment": "Bra!"}, **headers)
    if modal:
        assert response.json()["redirect"] == edit_url(karin)
    else:
        assert response.status_code == 302 and response["Location"] == edit_url(karin)
    assert shown_messages(response) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    assert live_titles() == ["Bo tar över"]
    task_state.refresh_from_db()
    assert task_state.status == "in_progress"  # the approval was rolled back with the publish


@pytest.mark.django_db
def test_the_admin_message_escapes_the_other_week(editor, index_page, accounts):
    worker = accounts[1]
    hostile = "<script>alert(1)</script>"
    titled_week(index_page, MONDAY, [(worker, make_guest(hostile))], f"Vecka {hostile}")
    karin = draft_week(index_page, MONDAY, [(worker, make_guest("Karin"))], "Karin")
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    response = editor.post(f"{url}?id={karin.pk}", {}, follow=True)
    page = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and hostile not in page


@pytest.mark.django_db
def test_bulk_publishing_a_booked_week_gives_a_message(editor, karin_draft):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    response = editor.post(f"{url}?id={karin_draft.pk}", {})
    assert response.status_code == 302
    assert shown_messages(response) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    assert live_titles() == ["Bo tar över"]


def copy_post(editor, page, parent, **options):
    url = reverse("wagtailadmin_pages:copy", args=[page.pk])
    data = {"new_title": "Kopia", "new_slug": "kopia", "new_parent_page": parent.pk}
    return editor.post(url, {**data, **{name: "on" for name in options}})


@pytest.mark.django_db
def test_copying_a_week_with_publish_copies_is_refused_before_copying(editor, index_page, bo_week):
    response = copy_post(editor, bo_week, index_page, publish_copies=True)
    assert response.status_code == 302
    assert shown_messages(response) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    assert GuestWeekPage.objects.count() == 1


@pytest.mark.django_db
def test_copying_the_index_with_its_published_weeks_is_refused_before_copying(
    editor, index_page, bo_week
):
    response = copy_post(
        editor, index_page, index_page.get_parent(), copy_subpages=True, publish_copies=True
    )
    assert shown_messages(response) == [BO_HOLDS_THE_WORKER_ACCOUNT]
    assert GuestWeekIndexPage.objects.count() == 1 and GuestWeekPage.objects.count() == 1


@pytest.mark.django_db
def test_copying_a_week_as_a_draft_is_fine(editor, index_page, bo_week):
    response = copy_post(editor, bo_week, index_page)
    assert response.status_code == 302 and not shown_messages(response)[1:]
    assert GuestWeekPage.objects.get(slug="kopia").live is False


@pytest.mark.django_db
def test_moving_a_week_to_another_site_in_the_admin(editor, bo_week, other_site):
    elsewhere = other_site.root_page.add_child(instance=GuestWeekIndexPage(title="Gäster"))
    url = reverse("wagtailadmin_pages:move_confirm", args=[bo_week.pk, elsewhere.pk])
    assert editor.post(url).status_code == 302
    bo_week.refresh_from_db()
    assert bo_week.live and bo_week.get_parent().pk == elsewhere.pk


# -- Two editors at the same moment (PostgreSQL) -------------------------------------------------


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def waits_for_a_lock(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row and row[0] == "Lock"


@pytest.mark.django_db(transaction=True)
def test_a_week_published_while_another_commits_waits_and_is_refused():
    needs_postgresql("SQLite has no row locks")
    index, worker = make_index(), make_account("Skyddsombud")
    bo = draft_week(index, MONDAY, [(worker, make_guest("Bo"))], "Bo tar över")
    karin = draft_week(index, MONDAY, [(worker, make_guest("Karin"))], "Karin")
    bo_in, commit_bo, karin_started = threading.Event(), threading.Event(), threading.Event()
    result = {}

    def publish_bo_and_hold():
        try:
            with transaction.atomic():
                bo.get_latest_revision().publish()
                bo_in.set()
                commit_bo.wait(30)
        finally:
            connection.close()

    def publish_karin():
        try:
            result["pid"] = backend_pid()
            karin_started.set()
            karin.get_latest_revision().publish()
            result["karin"] = "published"
        except AccountBooked as refusal:
            result["karin"] = refusal.messages
        finally:
            connection.close()

    first = threading.Thread(target=publish_bo_and_hold)
    second = threading.Thread(target=publish_karin)
    first.start()
    try:
        assert bo_in.wait(30)
        second.start()
        assert karin_started.wait(30)
        wait_for(lambda: waits_for_a_lock(result["pid"]), 10, message="Karin's publish to wait")
    finally:
        commit_bo.set()
        first.join()
        second.join(30)
    assert result["karin"] == [BO_HOLDS_THE_WORKER_ACCOUNT]
    assert live_titles() == ["Bo tar över"]


@pytest.mark.django_db(transaction=True)
def test_of_eight_weeks_published_at_once_on_one_account_one_goes_live():
    needs_postgresql("SQLite has no row locks")
    index, worker = make_index(), make_account("Skyddsombud")
    weeks = [
        draft_week(index, MONDAY, [(worker, make_guest(f"Gäst {n}"))], f"Vecka {n}")
        for n in range(8)
    ]
    start = threading.Barrier(len(weeks))
    outcomes = []

    def publish(week):
        try:
            revision = week.get_latest_revision()
            start.wait(30)
            revision.publish()
            outcomes.append("published")
        except AccountBooked:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=[week]) for week in weeks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["published"] + ["refused"] * 7
    assert GuestWeekPage.objects.live().count() == 1
