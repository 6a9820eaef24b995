"""Editors send each guest of a coming week a handover e-mail, once unless resent on purpose."""

import pytest
from django.core import mail
from django.urls import reverse

from sochef_wagtail.choices import Platform
from sochef_wagtail.handover.mail import handover_message
from sochef_wagtail.handover.models import GuestHandover
from tests.factories import (
    grant_page_permission,
    make_accounts,
    make_guest,
    make_nomination,
    make_user,
    make_week,
    monday,
    set_project,
)


@pytest.fixture
def coming_week(index_page, accounts):
    employer, worker = accounts
    return make_week(
        index_page,
        monday(2),
        [(employer, make_guest("Anna Lindqvist")), (worker, make_guest("Bo Eriksson"))],
        title="Kommande",
    )


@pytest.fixture
def editor(client, db):
    user = make_user("admin", superuser=True)
    user.first_name, user.last_name = "Eva", "Redaktör"
    user.save()
    client.force_login(user)
    return client


def url(week):
    return reverse("sochef_handover", args=[week.pk])


def form_data(week, **fields):
    data = {}
    for slot in week.slots.all():
        data[f"email_{slot.pk}"] = f"{slot.guest.name.split()[0].lower()}@example.com"
        data[f"send_{slot.pk}"] = "on"
    data.update(fields)
    return data


@pytest.mark.django_db
def test_each_guest_gets_a_handover_with_dates_account_rule_checklist_and_contact(
    editor, coming_week
):
    response = editor.post(url(coming_week), form_data(coming_week))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.com", "bo@example.com"]
    to_bo = next(m for m in mail.outbox if m.to == ["bo@example.com"])
    assert "@Skyddsombud" in to_bo.subject
    body = to_bo.body
    assert "Hej Bo Eriksson" in body
    assert f"{coming_week.week_start.day} " in body and "måndag" in body
    assert "https://x.com/Skyddsombud" in body
    assert "Anna Lindqvist" in body  # the guest on the other account that week
    assert "allt utom propaganda" in body
    assert "Eva Redaktör" in body and "admin@example.com" in body
    assert to_bo.reply_to == ["admin@example.com"]
    assert GuestHandover.objects.count() == 2


@pytest.mark.django_db
def test_handover_is_signed_by_the_projects_organiser(editor, coming_week):
    set_project(organiser_name="Nils Östergren", organiser_handle="nilsostergren")
    editor.post(url(coming_week), form_data(coming_week))
    body = mail.outbox[0].body
    assert "Nils Östergren (@nilsostergren)" in body and "Eva Redaktör" not in body
    assert mail.outbox[0].reply_to == ["admin@example.com"]


@pytest.mark.django_db
def test_handover_is_sent_once_per_guest_and_week(editor, coming_week):
    data = form_data(coming_week)
    editor.post(url(coming_week), data)
    editor.post(url(coming_week), data)  # the same form posted again
    assert len(mail.outbox) == 2
    page = editor.get(url(coming_week)).content.decode()
    assert "Skicka igen" in page


@pytest.mark.django_db
def test_editor_resends_on_purpose(editor, coming_week):
    editor.post(url(coming_week), form_data(coming_week))
    slot = coming_week.slots.get(guest__name="Bo Eriksson")
    editor.post(
        url(coming_week),
        {f"email_{slot.pk}": "bo.ny@example.com", f"resend_{slot.pk}": "on"},
    )
    assert len(mail.outbox) == 3 and mail.outbox[-1].to == ["bo.ny@example.com"]
    handover = GuestHandover.objects.get(guest=slot.guest)
    assert (handover.times_sent, handover.email) == (2, "bo.ny@example.com")


@pytest.mark.django_db
def test_address_is_required_to_send(editor, coming_week):
    slot = coming_week.slots.first()
    response = editor.post(url(coming_week), {f"send_{slot.pk}": "on"})
    assert f"email_{slot.pk}" in response.context["form"].errors
    assert mail.outbox == []


@pytest.mark.django_db
def test_address_is_proposed_from_the_nomination(editor, coming_week):
    guest = coming_week.slots.get(guest__name="Bo Eriksson").guest
    make_nomination(nominee_name="Bo Eriksson", nominee_contact="bo.e@example.com", guest=guest)
    form = editor.get(url(coming_week)).context["form"]
    slot = coming_week.slots.get(guest=guest)
    assert form[f"email_{slot.pk}"].value() == "bo.e@example.com"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("permissions", "proposed"),
    [([], ""), (["sochef_wagtail.view_nomination"], "bo.e@example.com")],
    ids=["page-editor", "may-see-nominations"],
)
def test_nominations_contact_is_proposed_only_to_users_who_may_see_nominations(
    client, coming_week, permissions, proposed
):
    guest = coming_week.slots.get(guest__name="Bo Eriksson").guest
    make_nomination(nominee_name="Bo Eriksson", nominee_contact="bo.e@example.com", guest=guest)
    client.force_login(grant_page_permission(make_user(permissions=permissions), coming_week))
    response = client.get(url(coming_week))
    assert response.status_code == 200
    slot = coming_week.slots.get(guest=guest)
    assert (response.context["form"][f"email_{slot.pk}"].value() or "") == proposed
    assert ("bo.e@example.com" in response.content.decode()) == bool(proposed)


@pytest.mark.django_db
def test_no_handover_for_a_past_week(editor, index_page, accounts):
    past = make_week(index_page, monday(-3), [(accounts[0], make_guest("Cecilia"))])
    response = editor.post(url(past), {})
    assert response.context["form"] is None and mail.outbox == []
    assert "veckan är över" in response.content.decode()


@pytest.mark.django_db
def test_page_editor_offers_the_handover_for_a_coming_week(editor, coming_week):
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[coming_week.pk])).content.decode()
    assert url(coming_week) in html


@pytest.mark.django_db
def test_handover_needs_permission_to_edit_the_week(client, coming_week):
    assert client.get(url(coming_week)).status_code == 302
    client.force_login(make_user("utan"))
    assert client.get(url(coming_week)).status_code in (302, 403)
    assert client.post(url(coming_week), form_data(coming_week)).status_code in (302, 403)
    assert mail.outbox == []


@pytest.mark.django_db
def test_address_is_the_guests_and_the_mail_in_their_language(editor, coming_week):
    guest = coming_week.slots.get(guest__name="Bo Eriksson").guest
    guest.email, guest.language = "bo@example.org", "en"
    guest.save()
    slot = coming_week.slots.get(guest=guest)
    form = editor.get(url(coming_week)).context["form"]
    assert form[f"email_{slot.pk}"].value() == "bo@example.org"
    editor.post(url(coming_week), {f"email_{slot.pk}": "bo@example.org", f"send_{slot.pk}": "on"})
    (message,) = mail.outbox
    assert "Your SOchef week" in message.subject and "anything but propaganda" in message.body


@pytest.mark.django_db
def test_a_guest_on_mastodon_is_told_to_post_not_to_tweet(index_page):
    _, worker = make_accounts(Platform.MASTODON)
    week = make_week(index_page, monday(1), [(worker, make_guest("Bo Eriksson"))])
    sender = make_user("redaktor")
    message = handover_message(week, week.slots.get(), "bo@example.com", sender)
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Den enda regeln: posta om allt utom propaganda." in text
        assert "ditt första inlägg" in text and "twittra" not in text
