"""Faults: an import killed half-way, a database connection lost during a fetch, a q worker
killed during a fetch. (X's rate limit is in test_fetch_tweets.py.)

Each runs against PostgreSQL: the killed processes are real ones on the test database, and
the lost connections are ended by PostgreSQL (``pg_terminate_backend``) from another one.
"""

import os
import re
import signal
import subprocess
import threading
from pathlib import Path

import psycopg
import pytest
import responses
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_q.models import Schedule, Task

from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.archive.models import Tweet, TweetMedia
from sochef_wagtail.archive.tasks import fetch_tweets_task
from tests.archives import write_archive_with_photos
from tests.cluster_tasks import FIRST_TIMELINE_ID, TWEETS_URL, timeline, timeline_answer
from tests.factories import make_accounts
from tests.processes import (
    manage,
    needs_postgresql,
    python,
    redis_missing,
    site_env,
    wait_for,
)

REDIS_MISSING = redis_missing()


@pytest.fixture(autouse=True)
def on_postgresql(settings):
    needs_postgresql(
        "the killed processes run on the test database, and the lost connections are ended "
        "by PostgreSQL's pg_terminate_backend"
    )
    settings.SOCHEF_X_BEARER_TOKEN = "test-token"
    with translation.override("en"):
        yield


def stored_files(media_root):
    return sorted(
        str(path.relative_to(media_root)) for path in Path(media_root).rglob("*") if path.is_file()
    )


def media_files_in_rows():
    return sorted(TweetMedia.objects.exclude(file="").values_list("file", flat=True))


# An import killed half-way ------------------------------------------------------------------

IMPORT_SIZE = 20_000
PHOTO_EVERY = 10


def phase_percent(line, label):
    """The percentage of a progress line of the phase ``label``, or None."""
    match = re.fullmatch(rf"{re.escape(label)}: (\d+) %", line.strip())
    return int(match[1]) if match else None


@pytest.mark.slow
def test_import_killed_while_writing_then_run_again_stores_each_tweet_and_file_once(
    transactional_db, tmp_path, settings
):
    make_accounts()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    archive = write_archive_with_photos(tmp_path / "big.zip", IMPORT_SIZE, PHOTO_EVERY)
    env = site_env(settings.MEDIA_ROOT)
    with translation.override(django_settings.LANGUAGE_CODE):
        # Batches are stored while the next ones are read: half-way through the reading, the
        # first half is being written.
        label = gettext("Reading the archive")

    killed = manage(
        "sochef_import_archive", str(archive), "--verbosity", "2",
        env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    for line in killed.stdout:
        if (phase_percent(line, label) or 0) >= 50:
            killed.send_signal(signal.SIGKILL)
            break
    killed.wait()
    assert killed.returncode == -signal.SIGKILL, "the import ended before it was killed"
    # PostgreSQL rolled back the transaction; the files it had stored are left behind.
    assert not Tweet.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) != []

    again = manage("sochef_import_archive", str(archive), env=env, stdout=subprocess.PIPE)
    assert again.wait(timeout=600) == 0
    assert Tweet.objects.count() == IMPORT_SIZE
    assert Tweet.objects.values("tweet_id").distinct().count() == IMPORT_SIZE
    assert TweetMedia.objects.count() == IMPORT_SIZE // PHOTO_EVERY
    assert stored_files(settings.MEDIA_ROOT) == media_files_in_rows()


# A database connection lost during a fetch --------------------------------------------------


def other_connection(**options):
    """A connection of its own to the test database, beside Django's."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        **options,
    )


def terminate(pid):
    """End the server process of connection ``pid``, as a restart or a network failure would."""
    with other_connection(autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def fetch_with(tweets, before_page):
    with responses.RequestsMock() as api:
        api.add_callback(responses.GET, TWEETS_URL, callback=timeline_answer(tweets, before_page))
        return fetch_tweets_task()


def fetched_ids():
    return sorted(int(tweet_id) for tweet_id in Tweet.objects.values_list("tweet_id", flat=True))


def test_connection_lost_while_x_answers_is_opened_again_and_each_tweet_stored_once(
    fetched_account, caplog
):
    tweets = timeline(150)

    def end_connection_once(offset):
        if offset == 0:
            terminate(connection.connection.info.backend_pid)

    summary = fetch_with(tweets, end_connection_once)
    assert "150 new posts" in summary
    assert fetched_ids() == sorted(int(tweet["id"]) for tweet in tweets)
    assert "database connection" in caplog.text

    assert "0 new posts" in fetch_with(tweets, None)
    assert Tweet.objects.count() == 150


def test_connection_lost_inside_the_storing_transaction_is_retried_and_stores_once(
    fetched_account,
):
    """The fetch's connection ends while its storing transaction waits for the account's lock."""
    tweets = timeline(120)
    fetch_pid, locked, failures = [], threading.Event(), []

    def hold_the_account_then_end_the_fetchs_connection():
        try:
            with other_connection() as locker, other_connection(autocommit=True) as admin:
                lock = f"SELECT 1 FROM {RelayAccount._meta.db_table} WHERE id = %s FOR UPDATE"
                locker.execute(lock, [fetched_account.pk])
                locked.set()
                pid = wait_for(lambda: fetch_pid, 60, message="the fetch")[0]
                waiting = "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s"
                wait_for(
                    lambda: admin.execute(waiting, [pid]).fetchone() == ("Lock",),
                    60,
                    message="the fetch to wait for the account's lock",
                )
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
                locker.rollback()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
            locked.set()

    helper = threading.Thread(target=hold_the_account_then_end_the_fetchs_connection)
    helper.start()
    locked.wait(60)

    def note_pid(offset):
        fetch_pid.append(connection.connection.info.backend_pid)

    summary = fetch_with(tweets, note_pid)
    helper.join(60)
    assert failures == []
    assert "120 new posts" in summary
    assert fetched_ids() == sorted(int(tweet["id"]) for tweet in tweets)


# A q worker killed during a fetch -----------------------------------------------------------


def schedule_fetch(**kwargs):
    """A one-off schedule of the fetch, due now, as the fetch's schedule is at each interval."""
    Schedule.objects.create(
        func="tests.cluster_tasks.fetch_timeline",
        kwargs=repr(kwargs),
        schedule_type=Schedule.ONCE,
        repeats=-1,
        next_run=timezone.now() - timezone.timedelta(seconds=1),
    )


def run_scheduler(env):
    """One tick of django-q2's scheduler, in another process of the site (on Redis)."""
    code = "from django_q.scheduler import scheduler\nscheduler()"
    process = python(code, env, stderr=subprocess.PIPE, text=True)
    assert process.wait(timeout=120) == 0, process.stderr.read()


def fetch_results():
    return list(
        Task.objects.filter(func="tests.cluster_tasks.fetch_timeline")
        .order_by("stopped")
        .values_list("success", "result")
    )


@pytest.mark.slow
@pytest.mark.skipif(bool(REDIS_MISSING), reason=REDIS_MISSING)
def test_worker_killed_during_a_fetch_then_the_next_run_stores_each_tweet_once(
    fetched_account, q_clusters, tmp_path
):
    (cluster,) = q_clusters(1)
    cluster.wait_until_running()
    env = site_env(tmp_path / "media")
    hold = tmp_path / "hold"
    hold.write_text("")

    schedule_fetch(count=250, hold_path=str(hold))
    run_scheduler(env)
    pid = wait_for(lambda: hold.read_text().strip(), 60, message="the fetch to reach page 2")
    os.kill(int(pid), signal.SIGKILL)
    hold.unlink()
    wait_for(lambda: "reincarnated worker" in cluster.text(), 30, message="a new worker")
    assert not Tweet.objects.exists()
    assert fetch_results() == []  # Redis keeps no receipt: the killed run is gone

    schedule_fetch(count=250)
    run_scheduler(env)
    wait_for(lambda: len(fetch_results()) == 1, 60, message="the next run")
    assert fetched_ids() == list(range(FIRST_TIMELINE_ID, FIRST_TIMELINE_ID + 250))

    schedule_fetch(count=250)
    run_scheduler(env)
    wait_for(lambda: len(fetch_results()) == 2, 60, message="one more run")
    assert Tweet.objects.count() == 250
    (first_ok, first), (second_ok, second) = fetch_results()
    # The cluster answers in the site's language: "@Skyddsombud: 250 nya tweets, …".
    assert first_ok and "@Skyddsombud: 250 " in first
    assert second_ok and "@Skyddsombud: 0 " in second
