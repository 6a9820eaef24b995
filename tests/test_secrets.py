"""No secret leaves through logs or error pages: the X bearer token, nominators' e-mails.

The token is a setting whose name contains TOKEN, which Django's error reporter
(SafeExceptionReporterFilter) hides in its list of settings and in the request's environment.
What visitors send through a public form is hidden from Django's error reports (the reports
mailed to ADMINS when DEBUG is off) by ``sensitive_post_parameters`` and ``sensitive_variables``.
"""

import logging

import django
import pytest
from django.core import mail
from django.test import Client
from django.views.debug import SafeExceptionReporterFilter

from sochef_wagtail.nominations.models import Nomination
from sochef_wagtail.weeks.pages import GuestWeekIndexPage
from tests.factories import make_nomination_page, nomination_post, set_project

TOKEN = "AAAAAAAAAAAAAAAAAAAAAsochef-test-bearer-token-0123456789"
EMAIL = "hemlig.nominator@example.com"
SECRETS = [TOKEN, EMAIL]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def token(settings):
    settings.SOCHEF_X_BEARER_TOKEN = TOKEN


@pytest.fixture
def crashing_index(index_page, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("the guest index broke")

    monkeypatch.setattr(GuestWeekIndexPage, "get_context", crash)
    return index_page


@pytest.fixture
def crashing_store(monkeypatch):
    """A nomination page whose database fails when a nomination is stored."""

    def crash(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Nomination, "save", crash)
    return make_nomination_page()


def crash_client():
    """A client that gets the 500 page instead of the exception; the token is in its
    environment as runserver would pass it (runserver copies os.environ into request.META)."""
    return Client(raise_request_exception=False, SOCHEF_X_BEARER_TOKEN=TOKEN)


def body_of(response):
    return response.content.decode()


def leaked(text):
    return [secret for secret in SECRETS if secret in text]


def logged_text(caplog):
    return "\n".join(
        f"{record.getMessage()} {record.exc_text or ''} {record.__dict__}"
        for record in caplog.records
    )


def test_bearer_token_setting_name_is_one_djangos_error_reporter_hides():
    safe = SafeExceptionReporterFilter().get_safe_settings()
    assert safe["SOCHEF_X_BEARER_TOKEN"] == SafeExceptionReporterFilter.cleansed_substitute


def test_debug_error_page_does_not_print_the_bearer_token(settings, crashing_index):
    settings.DEBUG = True
    response = crash_client().get(crashing_index.url)
    assert response.status_code == 500
    assert "the guest index broke" in body_of(response)  # Django's technical 500 page
    assert TOKEN not in body_of(response)


def test_error_page_without_debug_shows_no_token_or_email(crashing_store):
    response = crash_client().post(crashing_store.url, nomination_post(nominator_email=EMAIL))
    assert response.status_code == 500
    assert leaked(body_of(response)) == []


@pytest.fixture
def admins_get_html_reports(settings, monkeypatch):
    """Django's error e-mails to ADMINS, with the HTML report (variables of every frame)."""
    settings.ADMINS = (
        [("Admin", "admin@example.com")] if django.VERSION < (6,) else ["admin@example.com"]
    )
    handlers = [h for h in logging.getLogger("django").handlers if hasattr(h, "include_html")]
    assert handlers, "Django's default logging sends errors to ADMINS"
    for handler in handlers:
        monkeypatch.setattr(handler, "include_html", True)


def test_error_report_mailed_to_admins_shows_no_token_or_email(
    admins_get_html_reports, crashing_store
):
    crash_client().post(crashing_store.url, nomination_post(nominator_email=EMAIL))
    (report,) = [message for message in mail.outbox if "admin@example.com" in message.to]
    (html, _type) = report.alternatives[0]
    assert "the database went away" in html and "Local Vars" in html
    assert leaked(report.subject + report.body + html) == []


def send_nomination(client, commit):
    page = make_nomination_page()
    set_project(notify_emails="redaktion@example.com")
    with commit(execute=True):  # the notification task runs after the commit
        client.post(page.url, nomination_post(nominator_email=EMAIL))


def nomination_sent(client, settings, commit):
    send_nomination(client, commit)
    assert Nomination.objects.filter(nominator_email=EMAIL).exists() and mail.outbox


def notification_fails(client, settings, commit):
    settings.EMAIL_BACKEND = "tests.mail_backends.FailingEmailBackend"
    send_nomination(client, commit)
    assert Nomination.objects.filter(nominator_email=EMAIL).exists() and not mail.outbox


def storing_fails(client, settings, commit):
    client.raise_request_exception = False
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Nomination, "save", lambda *args, **kwargs: 1 / 0)
        send_nomination(client, commit)


# What the app does that logs; a new one (e.g. fetching tweets with the token) is one line here.
LOGGED_OPERATIONS = [nomination_sent, notification_fails, storing_fails]


@pytest.mark.parametrize("operation", LOGGED_OPERATIONS, ids=lambda f: f.__name__)
def test_logs_hold_no_token_or_email(
    client, settings, django_capture_on_commit_callbacks, caplog, operation
):
    caplog.set_level(logging.DEBUG)
    operation(client, settings, django_capture_on_commit_callbacks)
    assert caplog.records  # something was logged
    assert leaked(logged_text(caplog)) == []
