"""The example site as production runs it: DEBUG off, settings from the environment
(docs/operators/production.md), each case in a process of its own."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest

from tests.processes import ROOT

HOST = "sochef.example"


def production_env(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SOCHEF_")) and key != "DATABASE_URL"
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        **extra,
    }


def run(args, env):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def manage(env, *args):
    return run([sys.executable, "example_site/manage.py", *args], env)


HTTPS = {"DJANGO_HTTPS": "1", "DJANGO_SECURE_PROXY_SSL_HEADER": "1"}
CASES = {"HTTPS": HTTPS, "plain HTTP": {}}


def docs_deploy_warnings():
    """The check IDs the docs' production page explains, by the case it names."""
    page = (ROOT / "docs" / "operators" / "production.md").read_text()
    section = page[page.index("## Deploy checks") :]
    section = re.split(r"\n##+ ", section[4:])[0]
    table = re.findall(r"^\| `(\w+\.W\d+)` \| (HTTPS|plain HTTP) \|", section, re.M)
    return {case: {check for check, named in table if named == case} for case in CASES}


@pytest.mark.parametrize("case", CASES)
def test_check_deploy_warns_only_of_what_the_docs_explain(tmp_path, case):
    result = manage(production_env(tmp_path, **CASES[case]), "check", "--deploy")
    assert result.returncode == 0, result.stderr
    warned = set(re.findall(r"\((\w+\.W\d+)\)", result.stdout + result.stderr))
    assert warned == docs_deploy_warnings()[case], result.stdout + result.stderr


def test_with_redis_named_the_rate_limit_cache_draws_no_warning(tmp_path):
    """What the README's deploy table says removes sochef_wagtail.W002."""
    env = production_env(tmp_path, DJANGO_REDIS_URL="redis://127.0.0.1:6379/9", **HTTPS)
    result = manage(env, "check", "--deploy")
    assert result.returncode == 0, result.stderr
    warned = set(re.findall(r"\((sochef_wagtail\.W\d+)\)", result.stdout + result.stderr))
    assert warned == set(), result.stdout + result.stderr


def test_production_keeps_the_apps_retention_period(tmp_path):
    """Only the development site, the demo's, keeps what visitors sent for ever."""
    code = "from sochef_wagtail.conf import app_settings; print(app_settings.RETENTION_DAYS)"
    result = manage(production_env(tmp_path), "shell", "--verbosity", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "365"


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is not 1" in result.stderr


# A view that fails and one that sets the session and CSRF cookies, added in front of the
# example site's URLs; the answers are printed as one JSON line after a marker.
PROBE = """
import json
import django
django.setup()
from django.core.management import call_command
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import clear_url_caches, path
import example_site.urls

def fails(request):
    raise RuntimeError("the probe view fails on purpose")

def cookies(request):
    request.session["seen"] = True
    get_token(request)
    return HttpResponse("ok")

example_site.urls.urlpatterns[:0] = [path("probe/fails/", fails), path("probe/cookies/", cookies)]
clear_url_caches()
for app in ("django_q", "sessions"):  # the tables the probe uses
    call_command("migrate", app, verbosity=0)
client = Client(raise_request_exception=False, HTTP_HOST="%(host)s")
failed = client.get("/probe/fails/", headers={"X-Forwarded-Proto": "https"})
plain = client.get("/probe/cookies/")
secure = client.get("/probe/cookies/", headers={"X-Forwarded-Proto": "https"})
print("PROBE " + json.dumps({
    "failed": failed.status_code,
    "plain": [plain.status_code, plain.headers.get("Location")],
    "hsts": secure.headers.get("Strict-Transport-Security"),
    "cookies": {name: bool(cookie["secure"]) for name, cookie in secure.cookies.items()},
}))
"""


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path, DJANGO_ADMINS="ops@sochef.example", **HTTPS)
    result = run([sys.executable, "-c", PROBE % {"host": HOST}], env)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE ")), result


def test_an_error_is_logged_to_stderr_with_its_traceback(probed):
    answers, result = probed
    assert answers["failed"] == 500
    assert "ERROR django.request: Internal Server Error: /probe/fails/" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: the probe view fails on purpose" in result.stderr


def test_an_error_is_mailed_to_the_admins_given(probed):
    _, result = probed
    # The example site's e-mail backend is the console: the mail is on stdout.
    assert "To: ops@sochef.example" in result.stdout
    assert "Subject: [Django] ERROR" in result.stdout
    assert "the probe view fails on purpose" in result.stdout


def test_over_https_cookies_are_secure_and_hsts_is_sent(probed):
    answers, _ = probed
    assert answers["cookies"] == {"sessionid": True, "csrftoken": True}
    assert answers["hsts"] == "max-age=3600"


def test_plain_http_is_redirected_to_https(probed):
    answers, _ = probed
    assert answers["plain"] == [301, f"https://{HOST}/probe/cookies/"]
