"""Pages holding a public form are never kept by a shared cache: every answer they give (the
form, the form shown again with errors, the rate-limit and closed answers, the redirect and
the thank-you text) says ``Cache-Control: private, no-store``."""

import pytest
from django.test import override_settings

from tests.factories import set_project
from tests.test_csrf import PUBLIC_FORMS

pytestmark = pytest.mark.django_db


def assert_not_stored(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


@pytest.mark.parametrize("page_type", PUBLIC_FORMS)
def test_form_error_redirect_and_thanks_are_not_stored(client, page_type):
    make_page, post_data, _model = PUBLIC_FORMS[page_type]
    page = make_page()
    shown = client.get(page.url)
    assert shown.status_code == 200 and 'name="csrfmiddlewaretoken"' in shown.content.decode()
    assert_not_stored(shown)
    invalid = client.post(page.url, post_data(started=""))
    assert invalid.status_code == 200 and invalid.context["form"].errors
    assert_not_stored(invalid)
    sent = client.post(page.url, post_data())
    assert sent.status_code == 302
    assert_not_stored(sent)
    thanks = client.get(sent["Location"])
    assert thanks.status_code == 200
    assert_not_stored(thanks)


@pytest.mark.parametrize("page_type", PUBLIC_FORMS)
@override_settings(SOCHEF_FORM_RATE_LIMIT=0)
def test_rate_limited_answer_is_not_stored(client, page_type):
    make_page, post_data, _model = PUBLIC_FORMS[page_type]
    response = client.post(make_page().url, post_data())
    assert response.status_code == 429
    assert_not_stored(response)


@pytest.mark.parametrize("page_type", PUBLIC_FORMS)
def test_closed_form_is_not_stored(client, page_type):
    make_page, post_data, _model = PUBLIC_FORMS[page_type]
    page = make_page()
    set_project(status="closed")
    assert_not_stored(client.get(page.url))
    refused = client.post(page.url, post_data())
    assert refused.status_code == 403
    assert_not_stored(refused)
