"""The public forms attacked from outside, against gunicorn on PostgreSQL: bursts from one
address, one form replayed, junk queries to evict the counters, a worker killed after the commit.

Settings of the server: tests/attack_settings.py (the documented limit of 5 posts per address and
hour, counters in Redis unless the test asks for the per-process cache).
"""

import concurrent.futures
import datetime
import secrets
import time

import pytest
import requests
from django.core import mail
from django.utils import timezone

from sochef_wagtail.conf import app_settings
from sochef_wagtail.nominations.models import Nomination
from tests.factories import make_index, make_nomination_page, set_project
from tests.processes import flush_redis, gunicorn, needs_postgresql, redis_missing, site_env
from tests.test_nomination_load import nomination, open_form, post_all_at_once

pytestmark = pytest.mark.slow
LIMIT = 5


@pytest.fixture
def site(transactional_db):
    needs_postgresql()
    page = make_nomination_page()
    set_project(notify_emails="redaktion@example.com")
    return page


@pytest.fixture
def shared_counters():
    """The server's rate-limit counters in the tests' own Redis database, emptied."""
    if why := redis_missing():
        pytest.skip(why)
    flush_redis()
    yield
    flush_redis()


def open_forms(url, count):
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        forms = list(pool.map(lambda _: open_form(url), range(count)))
    time.sleep(app_settings.FORM_MIN_SECONDS + 0.5)  # past the time trap
    return forms


def post(url, session, data):
    return session.post(url, data=data, allow_redirects=False, timeout=60).status_code


def test_30_posts_at_once_from_one_address_store_the_limit(site, shared_counters):
    env = site_env(settings_module="tests.attack_settings")
    with gunicorn(env, workers=2, threads=8, options=["--backlog=256"]) as (_process, server):
        url = server + site.url
        forms = open_forms(url, 30)
        statuses = post_all_at_once(
            url, [(session, nomination(n, tokens)) for n, (session, tokens) in enumerate(forms)]
        )
    assert sorted(statuses) == [302] * LIMIT + [429] * (30 - LIMIT)
    assert Nomination.objects.count() == LIMIT


def test_one_form_serves_one_post_however_often_it_is_sent(site, shared_counters):
    env = site_env(settings_module="tests.attack_settings")
    with gunicorn(env, workers=2, threads=8) as (_process, server):
        url = server + site.url
        [(session, tokens)] = open_forms(url, 1)
        statuses = post_all_at_once(url, [(session, nomination(n, tokens)) for n in range(10)])
        # A post refused as a replay gave its slot back: the visitor can still send a new form.
        [(fresh_session, fresh_tokens)] = open_forms(url, 1)
        assert post(url, fresh_session, nomination(99, fresh_tokens)) == 302
    assert statuses.count(302) == 1, statuses
    assert Nomination.objects.count() == 2


def test_junk_queries_do_not_free_a_limited_address(site):
    """400 GETs of the guest index with made-up parameters (LocMemCache keeps 300 entries), then
    the limited address posts
    again: refused. One process, with the per-process caches of the example site."""
    index = make_index()
    env = {**site_env(settings_module="tests.attack_settings"), "SOCHEF_TEST_LOCAL_RATE_LIMIT": "1"}
    with gunicorn(env, workers=1, threads=8) as (_process, server):
        url = server + site.url
        forms = open_forms(url, LIMIT + 1)
        for n, (session, tokens) in enumerate(forms[:LIMIT]):
            assert post(url, session, nomination(n, tokens)) == 302
        index_url = server + index.url

        def junk(_):
            query = f"?utm_source={secrets.token_hex(8)}"
            return requests.get(index_url + query, timeout=60, headers={"Connection": "close"})

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            answers = [response.status_code for response in pool.map(junk, range(400))]
        assert set(answers) == {200}
        session, tokens = forms[LIMIT]
        assert post(url, session, nomination(LIMIT, tokens)) == 429
    assert Nomination.objects.count() == LIMIT


def test_a_worker_killed_between_the_commit_and_the_queueing_is_notified_once(site):
    from django_q.models import OrmQ

    from sochef_wagtail.nominations.notify import sweep_notifications

    env = site_env(settings_module="tests.attack_settings")
    env["SOCHEF_TEST_LOCAL_RATE_LIMIT"] = "1"
    with gunicorn(env, workers=1, threads=2, app="tests.crash_wsgi:application") as (_p, server):
        url = server + site.url
        [(session, tokens)] = open_forms(url, 1)
        with pytest.raises(requests.ConnectionError):
            post(url, session, nomination(1, tokens))
    nomination_row = Nomination.objects.get()  # committed before the worker died
    assert nomination_row.notified_at is None and not OrmQ.objects.exists()

    later = timezone.now() + datetime.timedelta(minutes=3)
    assert sweep_notifications(now=later) == 1
    assert len(mail.outbox) == 1 and "Gäst nummer 1" in mail.outbox[0].subject
    assert sweep_notifications(now=later) == 0
    assert len(mail.outbox) == 1
