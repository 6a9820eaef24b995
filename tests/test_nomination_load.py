"""200 nominations sent at once to a real server (gunicorn) on PostgreSQL: none lost or doubled."""

import concurrent.futures
import os
import re
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from sochef_wagtail.conf import app_settings
from sochef_wagtail.nominations.models import Nomination
from tests.factories import make_nomination_page, set_project
from tests.processes import database_url, gunicorn

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the load test needs PostgreSQL (set DATABASE_URL): SQLite takes one writer at a "
        "time, and a server process could not see the test's in-memory database",
    ),
]

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 200


@pytest.fixture
def server(transactional_db):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.load_settings",
    }
    # 2 processes x 8 threads: at most 16 database connections, the rest wait in the backlog.
    with gunicorn(env, workers=2, threads=8, options=["--backlog=1024"]) as (_process, url):
        yield url


def open_form(url):
    """A visitor's session with the form's CSRF and time-trap tokens."""
    session = requests.Session()
    # A new connection for each request: gunicorn closes idle keep-alive connections after 2 s,
    # and a POST on a connection the server has just closed is not retried by requests.
    session.headers["Connection"] = "close"
    html = session.get(url, timeout=60).text
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|started)" value="([^"]+)"', html))
    return session, fields


def nomination(n, tokens):
    return {
        **tokens,
        "nominee_name": f"Gäst nummer {n}",
        "side": "worker",
        "role": "safety_rep",
        "why": f"Skäl {n}",
        "nominator_name": f"Läsare {n}",
        "nominator_email": f"lasare{n}@example.com",
        "consent": "on",
        "website": "",
    }


def post_all_at_once(url, posts):
    """POST every (session, data) from its own thread, released together."""
    barrier = threading.Barrier(len(posts))

    def send(session_and_data):
        session, data = session_and_data
        barrier.wait()
        return session.post(url, data=data, allow_redirects=False, timeout=120).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(send, posts))


def test_200_concurrent_nominations_are_all_stored_once(server):
    from django_q.models import OrmQ

    page = make_nomination_page()
    set_project(notify_emails="redaktion@example.com")
    url = server + page.url
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        forms = list(pool.map(lambda _: open_form(url), range(CLIENTS)))
    time.sleep(app_settings.FORM_MIN_SECONDS + 0.5)  # past the time trap

    started = time.monotonic()
    statuses = post_all_at_once(
        url, [(session, nomination(n, tokens)) for n, (session, tokens) in enumerate(forms)]
    )
    elapsed = time.monotonic() - started
    print(f"\n{CLIENTS} concurrent POSTs answered in {elapsed:.1f} s")

    assert not [s for s in statuses if s >= 500], statuses
    assert statuses == [302] * CLIENTS
    assert Nomination.objects.count() == CLIENTS
    names = set(Nomination.objects.values_list("nominee_name", flat=True))
    assert names == {f"Gäst nummer {n}" for n in range(CLIENTS)}
    assert set(Nomination.objects.values_list("submission_count", flat=True)) == {1}
    # Each nomination queued its notification for django-q2 instead of making the visitor wait.
    assert OrmQ.objects.count() == CLIENTS

    # The same nomination sent from two tabs at the same moment is merged (each form's time-trap
    # token serves one post).
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        tabs = list(pool.map(lambda _: open_form(url), range(40)))
    time.sleep(app_settings.FORM_MIN_SECONDS + 0.5)
    doubled = [
        (session, {**nomination(n % 20, tokens), "nominee_name": f"Dubbel {n % 20}"})
        for n, (session, tokens) in enumerate(tabs)
    ]
    statuses = post_all_at_once(url, doubled)
    assert statuses == [302] * 40
    assert Nomination.objects.filter(nominee_name__startswith="Dubbel").count() == 20
    assert set(
        Nomination.objects.filter(nominee_name__startswith="Dubbel").values_list(
            "submission_count", flat=True
        )
    ) == {2}
