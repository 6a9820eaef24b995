"""Scale-out: two q clusters on Redis share the schedules, the cache is shared between processes.

The clusters are real ``qcluster`` processes with settings of their own (tests/redis_settings.py)
on the PostgreSQL test database. Their scheduled task is the app's fetch with X's API mocked
inside the worker (tests/cluster_tasks.py): each run stores one tweet of its own, labelled with
its schedule, so the tweets stored count the runs.
"""

import re
import subprocess
import time

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone
from django_q.models import Schedule, Task

from sochef_wagtail.archive.models import Tweet
from sochef_wagtail.public_forms.rate_limit import take_slot
from tests.processes import (
    REDIS_URL,
    python,
    redis_missing,
    site_env,
    wait_for,
)

REDIS_MISSING = redis_missing()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(REDIS_MISSING), reason=REDIS_MISSING)]

# django-q2's sentinel runs the scheduler every 30 seconds, the first time 30 s after it starts.
SCHEDULER_PERIOD = 30
FETCH = "tests.cluster_tasks.fetch_one_new_tweet"
REDIS_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}


def tweets_by_label():
    labels = {}
    for text in Tweet.objects.values_list("text", flat=True):
        labels[text] = labels.get(text, 0) + 1
    return labels


def test_two_clusters_on_redis_run_each_scheduled_fetch_exactly_once(fetched_account, q_clusters):
    due = timezone.now() - timezone.timedelta(minutes=1)
    labels = [f"once-{n}" for n in range(6)] + [f"every-minute-{n}" for n in range(2)]
    for label in labels:
        once = label.startswith("once")
        Schedule.objects.create(
            name=label,
            func=FETCH,
            kwargs=repr({"label": label}),
            schedule_type=Schedule.ONCE if once else Schedule.MINUTES,
            minutes=None if once else 1,
            repeats=-1,
            next_run=due,
        )
    first, second = q_clusters(2)
    running = max(first.wait_until_running(), second.wait_until_running())

    wait_for(lambda: len(tweets_by_label()) == len(labels), 120, 1, "every schedule to run")
    # Both sentinels have run their scheduler by now; give a second run time to show up.
    time.sleep(max(0, running + SCHEDULER_PERIOD + 10 - time.monotonic()))
    wait_for(lambda: Task.objects.count() >= len(labels), 30, 1, "the results to be saved")

    assert tweets_by_label() == {label: 1 for label in labels}
    results = Task.objects.filter(func=FETCH)
    assert sorted(results.values_list("group", flat=True)) == sorted(labels)
    assert set(results.values_list("success", flat=True)) == {True}
    assert not Schedule.objects.filter(name__startswith="once").exists()
    later = Schedule.objects.filter(name__startswith="every-minute")
    assert all(schedule.next_run > due for schedule in later)
    logs = first.text() + second.text()
    assert len(re.findall(r"from schedule \[(?:once|every-minute)-", logs)) == len(labels)
    assert logs.count(f"'{FETCH}' [") == len(labels)


def test_rate_limit_of_the_public_forms_counts_across_processes(redis):
    """Two processes take slots of one address at once: together they get the limit (5), and the
    test's process, a third, finds none left in the Redis cache."""
    code = (
        "from django.test import RequestFactory\n"
        "from sochef_wagtail.public_forms.rate_limit import take_slot\n"
        "request = RequestFactory().post('/', REMOTE_ADDR='203.0.113.9')\n"
        "print(sum(take_slot(request, 'nomination') is not None for _ in range(4)))\n"
    )
    processes = [
        python(code, site_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    taken = 0
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        taken += int(out.split()[-1])
    assert taken == 5

    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    with override_settings(CACHES=REDIS_CACHES):
        assert take_slot(request, "nomination") is None
        other = RequestFactory().post("/", REMOTE_ADDR="203.0.113.10")
        assert take_slot(other, "nomination") is not None
