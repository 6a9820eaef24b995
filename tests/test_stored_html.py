"""A post's HTML is made once, when it is stored (Tweet.html, archive/html.py), on every path
that stores or changes one: a save, an import or fetch in bulk (a task after the commit), an
account renamed; `sochef_render_posts` makes what is not current after an upgrade. What is not
current yet is made when shown (tests/test_tweet_html.py)."""

import io

import pytest
from django.core.management import call_command

from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.archive import html as html_module
from sochef_wagtail.archive import store, tasks
from sochef_wagtail.archive.html import archive_html, html_key, stored_html
from sochef_wagtail.archive.models import Tweet
from sochef_wagtail.archive.store import chunked_ranges, pk_ranges
from sochef_wagtail.archive.tasks import render_posts, store_html
from sochef_wagtail.archive.timeline import StoredTweetRow, account_tweet_rows, tweet_archive
from tests.archives import archive_tweet, current_archive, zip_bytes
from tests.factories import make_accounts, make_tweet, make_tweets, stockholm

pytestmark = pytest.mark.django_db


def current(tweet):
    tweet.refresh_from_db()
    return tweet.html == stored_html(tweet) and tweet.html_key == html_key(tweet.account)


def test_a_saved_post_stores_its_html_also_when_saving_some_fields():
    employer, _worker = make_accounts()
    tweet = make_tweet(employer, "Skyddsrond <i>i dag</i>")
    assert current(tweet) and "Skyddsrond &lt;i&gt;i dag&lt;/i&gt;" in tweet.html
    tweet.text = "Skyddsrond i morgon"
    tweet.save(update_fields=["text"])
    assert current(tweet) and "Skyddsrond i morgon" in tweet.html


def test_text_that_looks_like_a_marker_is_text():
    """The markers filled in when a post is shown (<sochef-…>) cannot come from outside: the
    text, client, place and warning are escaped before they are stored."""
    employer, worker = make_accounts()
    markers = "<sochef-side><sochef-media><sochef-w:edited><sochef-via>x</sochef-via>"
    fields = {"client": markers, "place_name": markers, "content_warning": markers}
    make_tweet(employer, markers, possibly_sensitive=True, **fields)
    rows = account_tweet_rows([employer, worker])
    made = archive_html(tweet_archive([employer, worker], rows=True))
    assert [type(row) for row in rows] == [StoredTweetRow]
    escaped = markers.replace("<", "&lt;").replace(">", "&gt;")
    assert made.count(escaped) == 4 and "<sochef" not in made


def test_a_post_saved_while_a_task_renders_it_keeps_what_it_saved(monkeypatch):
    employer, _worker = make_accounts()
    [tweet] = make_tweets(employer, 1, stockholm(2012, 9, 3, 9))  # bulk: no HTML yet
    make = tasks.stored_html

    def saved_meanwhile(read):
        """The task renders what it read; meanwhile the post is changed and saved."""
        saved = Tweet.objects.get(pk=read.pk)
        saved.text = "Sparad under tiden"
        saved.save()
        return make(read)

    monkeypatch.setattr(tasks, "stored_html", saved_meanwhile)
    store_html(Tweet.objects.filter(pk=tweet.pk))
    assert "Sparad under tiden" in Tweet.objects.get(pk=tweet.pk).html


def test_imported_posts_get_their_html_from_a_task_after_the_commit(
    tmp_path, django_capture_on_commit_callbacks
):
    make_accounts()
    path = tmp_path / "archive.zip"
    path.write_bytes(zip_bytes(current_archive([archive_tweet(1), archive_tweet(2, "Svar")])))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("sochef_import_archive", str(path), stdout=io.StringIO())
    # Stored in bulk: no HTML yet, the pages make it when they show the posts.
    assert set(Tweet.objects.values_list("html", flat=True)) == {""}
    for callback in callbacks:
        callback()  # the tests' django-q2 runs the queued tasks at once (sync)
    assert all(current(tweet) for tweet in Tweet.objects.all())
    tweet = Tweet.objects.first()
    rows = account_tweet_rows([tweet.account])
    assert [type(row) for row in rows] == [StoredTweetRow, StoredTweetRow]


def test_an_account_renamed_has_its_posts_html_made_again(django_capture_on_commit_callbacks):
    employer, worker = make_accounts()
    tweet = make_tweet(worker, "Hej")
    make_tweets(employer, 3, stockholm(2012, 9, 3, 9))
    worker.handle = "Skyddsombudet"
    with django_capture_on_commit_callbacks(execute=True):
        worker.save()
    assert current(tweet) and "@Skyddsombudet" in tweet.html


def test_an_account_saved_as_it_was_queues_nothing(monkeypatch, django_capture_on_commit_callbacks):
    employer, _worker = make_accounts()
    make_tweet(employer, "Hej")
    queued = []
    monkeypatch.setattr(
        "sochef_wagtail.archive.store.async_task", lambda *args: queued.append(args)
    )
    employer = RelayAccount.objects.get(pk=employer.pk)
    employer.description = "Chefssidan"
    with django_capture_on_commit_callbacks(execute=True):
        employer.save()
    assert queued == []


def test_a_broker_down_leaves_the_rename_saved_and_says_what_to_run(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    employer, _worker = make_accounts()
    make_tweet(employer, "Hej")

    def broker_down(*args, **kwargs):
        raise ConnectionError("the broker does not answer")

    monkeypatch.setattr("sochef_wagtail.archive.store.async_task", broker_down)
    employer.handle = "Chefen"
    with django_capture_on_commit_callbacks(execute=True):
        employer.save()
    assert RelayAccount.objects.get(pk=employer.pk).handle == "Chefen"
    assert "manage.py sochef_render_posts" in caplog.text


def test_the_command_makes_what_is_not_current_after_an_upgrade(monkeypatch):
    employer, worker = make_accounts()
    kept = make_tweet(employer, "Hej")
    made = make_tweets(worker, 2, stockholm(2012, 9, 3, 9))  # bulk: no HTML
    monkeypatch.setattr(html_module, "STORED_HTML_VERSION", html_module.STORED_HTML_VERSION + 1)
    out = io.StringIO()
    call_command("sochef_render_posts", stdout=out)
    assert "100 % of the posts looked at" in out.getvalue()
    assert out.getvalue().strip().endswith("3 posts rendered.")
    assert all(current(tweet) for tweet in [kept, *made])
    out = io.StringIO()
    call_command("sochef_render_posts", stdout=out)
    assert out.getvalue().strip().endswith("0 posts rendered.")


def test_the_command_with_no_posts_says_so():
    out = io.StringIO()
    call_command("sochef_render_posts", stdout=out)
    assert out.getvalue() == "No posts stored.\n"


def test_the_rendering_is_queued_in_tasks_short_enough_for_the_clusters_time_out(
    monkeypatch, django_capture_on_commit_callbacks
):
    """However many posts an import stores, each task covers RENDER_TASK_POSTS keys at most
    (one for a million would be killed by the q cluster's time-out), and together all."""
    assert chunked_ranges([(1, 5), (8, 8), (10, 14)], 4) == [
        [(1, 4)],
        [(5, 5), (8, 8), (10, 11)],
        [(12, 14)],
    ]
    assert chunked_ranges([(1, 8)], 4) == [[(1, 4)], [(5, 8)]]
    assert chunked_ranges([], 4) == []
    monkeypatch.setattr(store, "RENDER_TASK_POSTS", 2)
    queued = []
    monkeypatch.setattr(store, "async_task", lambda task, *args: queued.append((task, args)))
    employer, _worker = make_accounts()
    tweets = make_tweets(employer, 5, stockholm(2012, 9, 3, 9))
    with django_capture_on_commit_callbacks(execute=True):
        store._queue_rendering(pk_ranges([tweet.pk for tweet in tweets]))
    rendered = [args[0] for task, args in queued if task == store.RENDER_TASK]
    assert [sum(last - first + 1 for first, last in chunk) for chunk in rendered] == [2, 2, 1]
    for chunk in rendered:
        render_posts(chunk)
    assert all(current(tweet) for tweet in tweets)
