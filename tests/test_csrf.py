"""CSRF protection on every public form: a post without Django's token is refused and stores
nothing; the same post with the token from the form goes through.

A new public form page type is one entry in PUBLIC_FORMS; a test fails until it is there.
"""

import re

import pytest
from django.apps import apps
from django.test import Client

from sochef_wagtail.evaluation.models import EvaluationResponse
from sochef_wagtail.nominations.models import Nomination
from sochef_wagtail.public_forms.pages import PublicFormPage
from tests.factories import (
    evaluation_post,
    make_evaluation_page,
    make_nomination_page,
    nomination_post,
)

pytestmark = pytest.mark.django_db

# page type: (make the page, valid POST data, the model a submission is stored in)
PUBLIC_FORMS = {
    "sochef_wagtail.NominationPage": (make_nomination_page, nomination_post, Nomination),
    "sochef_wagtail.EvaluationPage": (make_evaluation_page, evaluation_post, EvaluationResponse),
}


def csrf_client():
    return Client(enforce_csrf_checks=True)


def form_token(client, page):
    """The CSRF token of the form as a browser gets it (the cookie is set on the client)."""
    html = client.get(page.url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_every_public_form_page_type_is_checked():
    page_types = {
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, PublicFormPage) and not model._meta.abstract
    }
    assert page_types == set(PUBLIC_FORMS)


@pytest.mark.parametrize("page_type", PUBLIC_FORMS)
def test_post_without_csrf_token_is_refused_and_stores_nothing(page_type):
    make_page, post_data, model = PUBLIC_FORMS[page_type]
    response = csrf_client().post(make_page().url, post_data())
    assert response.status_code == 403
    assert not model.objects.exists()


@pytest.mark.parametrize("page_type", PUBLIC_FORMS)
def test_post_with_a_forged_csrf_token_is_refused_and_stores_nothing(page_type):
    make_page, post_data, model = PUBLIC_FORMS[page_type]
    page, client = make_page(), csrf_client()
    form_token(client, page)  # the visitor has a CSRF cookie, the attacker does not know it
    response = client.post(page.url, post_data(csrfmiddlewaretoken="x" * 64))
    assert response.status_code == 403
    assert not model.objects.exists()


@pytest.mark.parametrize("page_type", PUBLIC_FORMS)
def test_post_with_the_forms_csrf_token_is_stored(page_type):
    make_page, post_data, model = PUBLIC_FORMS[page_type]
    page, client = make_page(), csrf_client()
    response = client.post(page.url, post_data(csrfmiddlewaretoken=form_token(client, page)))
    assert response.status_code == 302
    assert model.objects.count() == 1
