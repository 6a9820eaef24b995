"""Readers nominate guests on a NominationPage; the form protects itself and the editors."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from sochef_wagtail.choices import Platform
from sochef_wagtail.nominations.models import Nomination, merge_key, record_nomination
from sochef_wagtail.nominations.pages import NominationPage
from tests.factories import (
    make_accounts,
    make_nomination_page,
    nomination_post,
    set_project,
    started_token,
)


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def npage(db):
    return make_nomination_page()


def thanks_url(page):
    return page.url + "tack/"


class TestNominationPageType(WagtailPageTestCase):
    def setUp(self):
        self.page = make_nomination_page()

    def test_can_be_created_anywhere_and_more_than_once(self):
        self.assertCanCreateAt(Page, NominationPage)
        make_nomination_page(slug="foresla-2")
        self.assertAllowedSubpageTypes(NominationPage, {})

    def test_form_and_thanks_routes_render(self):
        self.assertPageIsRoutable(self.page)
        self.assertPageIsRenderable(self.page)
        self.assertPageIsRoutable(self.page, "tack/")
        self.assertPageIsRenderable(self.page, "tack/")

    def test_page_is_previewable(self):
        self.assertPageIsPreviewable(self.page)


@pytest.mark.django_db
def test_page_shows_the_form_with_intro_and_privacy_notice(client, npage):
    html = client.get(npage.url).content.decode()
    assert "Vem vill du läsa en vecka?" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'id="sochef-privacy"' in html and 'href="#sochef-privacy"' in html
    assert 'for="id_nominee_name"' in html
    assert "<legend" in html  # the side radio buttons sit in a fieldset


@pytest.mark.django_db
def test_valid_nomination_is_stored_then_redirected_to_the_thanks(client, npage):
    response = client.post(npage.url, nomination_post())
    assert response.status_code == 302 and response["Location"] == thanks_url(npage)
    nomination = Nomination.objects.get()
    assert nomination.nominee_name == "Maja Berg"
    assert nomination.nominee_handle == "majaberg"
    assert nomination.page.specific == npage and nomination.status == "new"
    thanks = client.get(response["Location"]).content.decode()
    assert "Tack för ditt förslag!" in thanks and "<form" not in thanks


@pytest.mark.django_db
def test_errors_are_summarised_at_the_top_and_shown_at_each_field(client, npage):
    response = client.post(npage.url, nomination_post(why="", consent=None, nominee_handle="a b"))
    html = response.content.decode()
    assert response.status_code == 200 and not Nomination.objects.exists()
    assert "<title>Fel:" in html
    summary = html[html.index("sochef-error-summary") : html.index("<form")]
    for anchor in ("#id_why", "#id_consent", "#id_nominee_handle"):
        assert f'href="{anchor}"' in summary
    assert 'id="id_why_error"' in html
    assert 'aria-describedby="id_why_error id_why_helptext"' in html
    assert 'aria-invalid="true"' in html
    # What the visitor typed is kept.
    assert 'value="Maja Berg"' in html


@pytest.mark.django_db
def test_reason_has_a_length_limit(client, npage):
    response = client.post(npage.url, nomination_post(why="x" * 2001))
    assert "why" in response.context["form"].errors and not Nomination.objects.exists()


@pytest.mark.django_db
def test_another_role_must_be_described(client, npage):
    response = client.post(npage.url, nomination_post(role="other"))
    assert "role_other" in response.context["form"].errors
    client.post(npage.url, nomination_post(role="other", role_other="Friskvårdskonsulent"))
    assert Nomination.objects.get().role_label == "Friskvårdskonsulent"


@pytest.mark.django_db
def test_self_nomination_is_recorded(client, npage):
    client.post(npage.url, nomination_post(is_self_nomination="on"))
    assert Nomination.objects.get().is_self_nomination


# -- Spam and abuse ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused(npage):
    response = Client(enforce_csrf_checks=True).post(npage.url, nomination_post())
    assert response.status_code == 403 and not Nomination.objects.exists()


@pytest.mark.django_db
def test_filled_honeypot_is_thanked_but_nothing_is_stored(client, npage):
    response = client.post(npage.url, nomination_post(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == thanks_url(npage)
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_form_sent_too_fast_is_refused_with_a_message(client, npage):
    response = client.post(npage.url, nomination_post(started=started_token(seconds_ago=0)))
    assert "mycket snabbt" in response.content.decode()
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("token", ["", "forged:token", None])
@pytest.mark.django_db
def test_missing_or_forged_time_trap_is_refused_and_can_be_sent_again(client, npage, token):
    response = client.post(npage.url, nomination_post(started=token))
    assert "har gått ut" in response.content.decode()
    assert not Nomination.objects.exists()
    fresh = response.context["form"]["started"].value()
    assert fresh and fresh != token


@pytest.mark.django_db
def test_rate_limit_per_ip_address(client, npage, settings):
    settings.SOCHEF_FORM_RATE_LIMIT = 2
    for n in range(2):
        client.post(npage.url, nomination_post(nominee_name=f"Gäst {n}"), REMOTE_ADDR="10.0.0.1")
    response = client.post(
        npage.url, nomination_post(nominee_name="Gäst 3"), REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429 and "försök igen senare" in response.content.decode()
    assert Nomination.objects.count() == 2
    client.post(npage.url, nomination_post(nominee_name="Gäst 4"), REMOTE_ADDR="10.0.0.2")
    assert Nomination.objects.count() == 3


@pytest.mark.django_db
def test_a_post_the_rate_limit_refused_spends_no_time_trap_token(client, npage, settings):
    """Shown again with the limit's message, the form is not accepted: its token still works
    once a slot is free (a burst of one form's posts once left none of them accepted)."""
    settings.SOCHEF_FORM_RATE_LIMIT = 1
    client.post(npage.url, nomination_post(nominee_name="Gäst 1"))
    data = nomination_post(nominee_name="Gäst 2")
    assert client.post(npage.url, data).status_code == 429
    settings.SOCHEF_FORM_RATE_LIMIT = 2
    assert client.post(npage.url, data).status_code == 302
    assert Nomination.objects.count() == 2


@pytest.mark.django_db
def test_forms_with_errors_do_not_count_towards_the_rate_limit(client, npage, settings):
    settings.SOCHEF_FORM_RATE_LIMIT = 1
    client.post(npage.url, nomination_post(why=""))
    client.post(npage.url, nomination_post())
    assert Nomination.objects.count() == 1


@pytest.mark.django_db
def test_a_time_trap_token_serves_one_post(client, npage):
    token = started_token()
    assert client.post(npage.url, nomination_post(started=token)).status_code == 302
    again = client.post(npage.url, nomination_post(started=token, nominee_name="Någon Annan"))
    assert again.status_code == 200 and "redan skickats" in again.content.decode()
    assert Nomination.objects.count() == 1
    # The form shown again carries a token of its own, timed from when the form was first shown.
    fresh = again.context["form"]["started"].value()
    assert fresh != token
    client.post(npage.url, nomination_post(started=fresh, nominee_name="Någon Annan"))
    assert Nomination.objects.count() == 2


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_can_be_sent_at_once(client, npage):
    response = client.post(npage.url, nomination_post(why=""))
    fresh = response.context["form"]["started"].value()
    response = client.post(npage.url, nomination_post(started=fresh))
    assert response.status_code == 302 and Nomination.objects.count() == 1


@pytest.mark.django_db
def test_posts_sent_at_once_take_no_more_than_the_limit(settings):
    """Thirty threads ask for a slot of one address at the same moment: five get one."""
    import threading

    from django.test import RequestFactory

    from sochef_wagtail.public_forms.rate_limit import give_back, take_slot

    settings.SOCHEF_FORM_RATE_LIMIT = 5
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    barrier, slots = threading.Barrier(30), []

    def post():
        barrier.wait()
        slots.append(take_slot(request, "nomination"))

    threads = [threading.Thread(target=post) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken = [slot for slot in slots if slot]
    assert len(taken) == 5 and len(set(taken)) == 5
    give_back(taken[0])
    assert take_slot(request, "nomination") == taken[0]
    assert take_slot(request, "nomination") is None


@pytest.mark.django_db
def test_the_rate_limit_outlives_a_full_page_cache(client, npage, settings):
    """However many entries other parts of the site put in the default cache (the per-process
    LocMemCache keeps 300), the counters in their own cache stay."""
    from django.core.cache import cache

    settings.SOCHEF_FORM_RATE_LIMIT = 1
    client.post(npage.url, nomination_post(), REMOTE_ADDR="10.0.0.9")
    for n in range(900):
        cache.set(f"other:{n}", n)
    response = client.post(
        npage.url, nomination_post(nominee_name="Gäst 2"), REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429 and Nomination.objects.count() == 1


@pytest.mark.parametrize(
    "caches, codes",
    [
        (
            {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            {"W001", "W002"},
        ),
        (
            {
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                "sochef_ratelimit": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
            },
            {"W003"},
        ),
        (
            {
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                "sochef_ratelimit": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": "redis://127.0.0.1:6379/0",
                },
            },
            set(),
        ),
    ],
)
def test_deploy_checks_say_when_the_rate_limit_cannot_hold(caches, codes):
    from django.test import override_settings

    from sochef_wagtail.checks import check_rate_limit_cache

    with override_settings(CACHES=caches):
        found = {
            message.id.removeprefix("sochef_wagtail.") for message in check_rate_limit_cache(None)
        }
    assert found == codes


@pytest.mark.django_db
def test_same_nominator_and_nominee_within_a_day_are_merged(client, npage):
    client.post(npage.url, nomination_post())
    client.post(
        npage.url,
        nomination_post(
            nominee_name="  maja   BERG ",
            nominator_email="PER@example.com",
            why="Hon skriver bra också.",
            organisation="",
        ),
    )
    nomination = Nomination.objects.get()
    assert nomination.submission_count == 2
    assert "ensamarbete" in nomination.why and "skriver bra" in nomination.why
    assert nomination.organisation == "Kommunal, Hemtjänsten Syd"


@pytest.mark.django_db
def test_same_nominee_a_day_later_is_a_new_nomination(npage):
    data = NominationFormData()
    first, _ = record_nomination(data, page=npage)
    later = first.created_at + datetime.timedelta(hours=25)
    second, created = record_nomination(data, page=npage, now=later)
    assert created and second.pk != first.pk


@pytest.mark.django_db
def test_duplicate_sent_at_the_same_moment_is_merged_not_doubled(npage):
    """Two identical posts racing (a double click): the unique merge key makes the second merge."""
    data = NominationFormData()
    now = timezone.now()
    today = timezone.localtime(now).date()
    # What the first of the two would have stored, unseen by the second's 24-hour lookup.
    racer = Nomination.objects.create(
        **data,
        merge_key=merge_key(data["nominator_email"], data["nominee_name"], today),
        created_at=now - datetime.timedelta(days=2),
    )
    nomination, created = record_nomination(data, page=npage, now=now)
    assert not created and nomination.pk == racer.pk
    assert Nomination.objects.count() == 1
    racer.refresh_from_db()
    assert racer.submission_count == 2


@pytest.mark.django_db
def test_merged_reasons_stay_within_the_limit(npage):
    """Four repeats with 1,998-character reasons: every row stays valid (and can be saved in
    the admin); what does not fit is a submission of its own."""
    from sochef_wagtail.nominations.models import WHY_MAX_LENGTH

    for n in range(4):
        record_nomination(NominationFormData(why=str(n) * 1998), page=npage)
    rows = list(Nomination.objects.order_by("created_at", "pk"))
    assert len(rows) == 4
    for row in rows:
        assert len(row.why) <= WHY_MAX_LENGTH
        row.full_clean()
    short = NominationFormData(why="Kort.")
    record_nomination(short, page=npage)
    first = Nomination.objects.get(merge_key__isnull=False)
    assert first.why == "0" * 1998 and first.submission_count == 1


@pytest.mark.django_db
def test_a_repeat_never_fills_what_the_first_left_empty(npage):
    first, _ = record_nomination(NominationFormData(), page=npage)
    second, created = record_nomination(
        NominationFormData(nominee_contact="angripare@example.com", why="Ny kontakt."), page=npage
    )
    first.refresh_from_db()
    assert first.nominee_contact == "" and first.why == "Ensamarbete."
    assert first.submission_count == 1
    assert created and second.pk != first.pk and second.merge_key is None
    # Nor changes what it gave.
    record_nomination(NominationFormData(organisation="Facket"), page=npage)
    record_nomination(NominationFormData(organisation="Annat"), page=npage)
    assert Nomination.objects.filter(organisation="Annat").exists()
    assert Nomination.objects.get(pk=first.pk).organisation == ""


@pytest.mark.django_db
def test_a_repeat_of_a_merged_nomination_merges_into_the_first(npage):
    first, _ = record_nomination(NominationFormData(organisation="Kommunal"), page=npage)
    record_nomination(NominationFormData(organisation="Kommunal", why="Och mer."), page=npage)
    first.refresh_from_db()
    assert first.submission_count == 2 and first.why == "Ensamarbete.\n\nOch mer."
    assert Nomination.objects.count() == 1


def NominationFormData(**overrides):
    data = {
        "nominee_name": "Maja Berg",
        "nominee_handle": "",
        "side": "worker",
        "role": "safety_rep",
        "role_other": "",
        "organisation": "",
        "why": "Ensamarbete.",
        "nominee_contact": "",
        "is_self_nomination": False,
        "nominator_name": "Per Holm",
        "nominator_email": "per@example.com",
    }
    data.update(overrides)
    return data


# -- Closed project ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_closed_project_shows_its_message_instead_of_the_form(client, npage):
    set_project(status="closed", status_message="Sorry, projektet nedlagt.")
    html = client.get(npage.url).content.decode()
    assert "Sorry, projektet nedlagt." in html and "Inga fler förslag." in html
    assert "<form" not in html


@pytest.mark.django_db
def test_closed_project_refuses_posts_clearly(client, npage):
    set_project(status="closed", status_message="Sorry, projektet nedlagt.")
    response = client.post(npage.url, nomination_post())
    assert response.status_code == 403
    assert "skickades inte" in response.content.decode()
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_paused_project_still_takes_nominations(client, npage):
    set_project(status="paused")
    assert client.post(npage.url, nomination_post()).status_code == 302


@pytest.mark.django_db
def test_nominators_email_is_never_shown_on_the_public_page(client, npage):
    response = client.post(npage.url, nomination_post(why=""))
    assert "per@example.com" in response.content.decode()  # only in their own form field
    client.post(npage.url, nomination_post())
    assert "per@example.com" not in client.get(thanks_url(npage)).content.decode()
    assert "per@example.com" not in client.get(npage.url).content.decode()


@pytest.mark.django_db
def test_page_runs_a_constant_number_of_queries(client, npage, django_assert_max_num_queries):
    from tests.factories import make_nomination

    client.get(npage.url)  # warm the site and settings caches
    with django_assert_max_num_queries(12) as few:
        client.get(npage.url)
    for n in range(30):
        make_nomination(page=npage, nominee_name=f"Gäst {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(npage.url)


@pytest.mark.django_db
def test_demo_has_a_nomination_page_and_a_survey(client):
    from django.core.management import call_command

    call_command("sochef_demo", "--running", verbosity=0)  # the history is closed: no form
    assert "Föreslå gärna gäst-twittrare" in client.get("/foresla/").content.decode()
    assert client.get("/utvardering/").status_code == 200


@pytest.mark.django_db
def test_the_form_asks_what_a_guest_would_post_when_the_relay_is_not_on_x_only(client):
    make_accounts(Platform.BLUESKY)
    page = make_nomination_page()
    html = client.get(page.url).content.decode()
    assert "Från vilket konto skulle personen posta?" in html
    assert "Vad skulle personen posta om?" in html and "twittra" not in html
