"""Tasks the q clusters of the scale-out and fault tests run: the app's scheduled fetch, with
X's API answered by ``responses`` inside the worker process.

tweepy 4.17 hard-codes ``https://api.twitter.com`` in ``Client.request``, so no stub server
can stand in for X without patching tweepy; ``responses``, started by the task itself, mocks
that host in the worker as it does in the test process, and tweepy's own code runs.
"""

import datetime
import json
import os
import secrets
import time

import responses

from sochef_wagtail.archive.tasks import fetch_tweets_task
from tests.archives import START, api_tweet

TWEETS_URL = "https://api.twitter.com/2/users/42/tweets"
PAGE_SIZE = 100
FIRST_TIMELINE_ID = 300_000_000_000_000_000


def fetch_one_new_tweet(label):
    """The scheduled fetch while X has one new tweet, labelled ``label``, with an id new to each
    run: every run stores a tweet of its own, so the stored tweets count the runs."""
    tweet_id = 10**18 + secrets.randbelow(9 * 10**18)
    created_at = datetime.datetime.now(datetime.UTC)
    page = {"data": [api_tweet(tweet_id, label, created_at)], "meta": {"result_count": 1}}
    with responses.RequestsMock() as api:
        api.get(TWEETS_URL, json=page)
        return fetch_tweets_task()


def timeline(count):
    """X's timeline of ``count`` tweets, newest first."""
    return [
        api_tweet(FIRST_TIMELINE_ID + n, f"Tweet {n}", START + datetime.timedelta(minutes=n))
        for n in reversed(range(count))
    ]


def timeline_answer(tweets, before_page=None):
    """A ``responses`` callback answering as X does for ``tweets`` (newest first): those after
    ``since_id``, ``PAGE_SIZE`` a page. ``before_page(offset)`` is called before each answer."""

    def answer(request):
        since = int(request.params.get("since_id") or 0)
        newer = [tweet for tweet in tweets if int(tweet["id"]) > since]
        start = int(request.params.get("pagination_token") or 0)
        if before_page:
            before_page(start)
        page = newer[start : start + PAGE_SIZE]
        meta = {"result_count": len(page)}
        if start + PAGE_SIZE < len(newer):
            meta["next_token"] = str(start + PAGE_SIZE)
        return 200, {}, json.dumps({"data": page, "meta": meta})

    return answer


def fetch_timeline(count, hold_path=""):
    """The scheduled fetch of a timeline of ``count`` tweets. While the file ``hold_path``
    exists, the second page is slow: the worker writes its process id into the file and waits
    there, for the test to kill it."""

    def hold(offset):
        if offset and hold_path and os.path.exists(hold_path):
            with open(hold_path, "w") as file:
                file.write(str(os.getpid()))
            time.sleep(120)

    with responses.RequestsMock() as api:
        api.add_callback(responses.GET, TWEETS_URL, callback=timeline_answer(timeline(count), hold))
        return fetch_tweets_task()


def import_noting_pid(import_id, pid_path):
    """The admin's archive import task, after writing the worker's process id into
    ``pid_path``, for the test to kill it."""
    from sochef_wagtail.archive.tasks import run_archive_import

    with open(pid_path, "w") as file:
        file.write(str(os.getpid()))
    return run_archive_import(import_id)
