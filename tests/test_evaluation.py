"""The evaluation survey: the same protection as nominations, results summarised in the admin."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from sochef_wagtail.evaluation.models import EvaluationResponse
from sochef_wagtail.evaluation.pages import EvaluationPage
from tests.factories import (
    evaluation_post,
    make_evaluation_page,
    make_evaluation_response,
    make_user,
    set_project,
    started_token,
)


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def survey(db):
    return make_evaluation_page()


@pytest.fixture
def analyst(client, db):
    client.force_login(make_user("analys", ["sochef_wagtail.view_evaluationresponse"]))
    return client


class TestEvaluationPageType(WagtailPageTestCase):
    def test_page_type(self):
        page = make_evaluation_page()
        self.assertCanCreateAt(Page, EvaluationPage)
        self.assertAllowedSubpageTypes(EvaluationPage, {})
        self.assertPageIsRenderable(page)
        self.assertPageIsRenderable(page, "tack/")


@pytest.mark.django_db
def test_answers_are_stored_then_redirected_to_the_thanks(client, survey):
    response = client.post(survey.url, evaluation_post())
    assert response.status_code == 302 and response["Location"] == survey.url + "tack/"
    answer = EvaluationResponse.objects.get()
    assert (answer.respondent, answer.side, answer.usefulness) == ("follower", "worker", 4)
    assert answer.page.specific == survey
    assert "Tack för dina svar!" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_form_asks_who_side_usefulness_and_two_open_questions(client, survey):
    html = client.get(survey.url).content.decode()
    for name in ("respondent", "side", "usefulness", "what_worked", "what_to_change"):
        assert f'name="{name}"' in html
    assert html.count("<fieldset") == 3  # the three radio groups
    assert 'value="5"' in html and "---------" not in html


@pytest.mark.django_db
def test_usefulness_must_be_one_to_five(client, survey):
    for bad in ("0", "6", ""):
        response = client.post(survey.url, evaluation_post(usefulness=bad))
        assert "usefulness" in response.context["form"].errors
    assert 'href="#id_usefulness"' in response.content.decode()
    assert not EvaluationResponse.objects.exists()


@pytest.mark.django_db
def test_free_text_has_a_length_limit(client, survey):
    response = client.post(survey.url, evaluation_post(what_to_change="x" * 2001))
    assert "what_to_change" in response.context["form"].errors


# The same protection as nominations, through the same code (public_forms).


@pytest.mark.django_db
def test_survey_needs_a_csrf_token(survey):
    response = Client(enforce_csrf_checks=True).post(survey.url, evaluation_post())
    assert response.status_code == 403 and not EvaluationResponse.objects.exists()


@pytest.mark.django_db
def test_survey_honeypot_stores_nothing(client, survey):
    response = client.post(survey.url, evaluation_post(website="x"))
    assert response.status_code == 302 and not EvaluationResponse.objects.exists()


@pytest.mark.django_db
def test_survey_time_trap(client, survey):
    client.post(survey.url, evaluation_post(started=started_token(seconds_ago=0)))
    assert not EvaluationResponse.objects.exists()


@pytest.mark.django_db
def test_survey_rate_limit_is_counted_apart_from_nominations(client, survey, settings):
    from tests.factories import make_nomination_page, nomination_post

    settings.SOCHEF_FORM_RATE_LIMIT = 1
    client.post(survey.url, evaluation_post())
    assert client.post(survey.url, evaluation_post()).status_code == 429
    assert EvaluationResponse.objects.count() == 1
    assert client.post(make_nomination_page().url, nomination_post()).status_code == 302


@pytest.mark.django_db
def test_closed_project_closes_the_survey(client, survey):
    set_project(status="closed", status_message="Projektet är avslutat.")
    assert "<form" not in client.get(survey.url).content.decode()
    response = client.post(survey.url, evaluation_post())
    assert response.status_code == 403 and not EvaluationResponse.objects.exists()


@pytest.mark.django_db
def test_purge_removes_old_free_text_but_keeps_the_ratings(db):
    old = make_evaluation_response(
        usefulness=2,
        what_worked="Anna på HR var bra",
        created_at=timezone.now() - datetime.timedelta(days=400),
    )
    recent = make_evaluation_response(what_worked="Bra")
    call_command("sochef_purge_nominations", verbosity=0)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.usefulness, old.what_worked) == (2, "") and old.anonymised_at
    assert recent.what_worked == "Bra"


# -- Results in the admin -----------------------------------------------------------------------


@pytest.mark.django_db
def test_summary_counts_averages_and_charts(analyst):
    for usefulness, respondent, side in [
        (5, "guest", "employer"),
        (4, "follower", "worker"),
        (4, "follower", "worker"),
        (1, "other", "neither"),
    ]:
        make_evaluation_response(usefulness=usefulness, respondent=respondent, side=side)
    response = analyst.get(reverse("sochef_evaluation:summary"))
    html = response.content.decode()
    summary = response.context["summary"]
    assert summary["count"] == 4 and summary["average"] == 3.5
    assert summary["scores"] == [(1, 1), (2, 0), (3, 0), (4, 2), (5, 1)]
    followers = next(g for g in summary["by_respondent"] if g["label"] == "Följare")
    assert (followers["count"], followers["average"]) == (2, 4)
    assert "<svg" in html and html.count("<rect") == 5
    assert "<caption>" in html
    assert re.search(r'<th scope="row">4</th>\s*<td>2</td>', html)


@pytest.mark.django_db
def test_summary_runs_a_constant_number_of_queries(analyst, django_assert_max_num_queries):
    url = reverse("sochef_evaluation:summary")
    make_evaluation_response()
    analyst.get(url)
    with django_assert_max_num_queries(30) as few:
        analyst.get(url)
    for n in range(20):
        make_evaluation_response(usefulness=n % 5 + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        analyst.get(url)


@pytest.mark.django_db
def test_results_are_listed_filtered_and_exported_safely(analyst):
    make_evaluation_response(respondent="guest", what_worked="=cmd|' /C calc'!A0")
    make_evaluation_response(respondent="follower", what_worked="Bra veckor")
    url = reverse("sochef_evaluation:index")
    listed = analyst.get(url, {"respondent": "guest"})
    assert listed.status_code == 200 and len(listed.context["object_list"]) == 1
    assert "Sammanställning" in analyst.get(url).content.decode()  # link to the summary
    export = analyst.get(url, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells and "Bra veckor" in cells


@pytest.mark.django_db
def test_results_are_closed_to_others(client):
    make_evaluation_response()
    urls = [reverse("sochef_evaluation:index"), reverse("sochef_evaluation:summary")]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login
    client.force_login(make_user("redaktor"))
    for url in urls:
        assert client.get(url).status_code in (302, 403)
