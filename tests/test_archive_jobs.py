"""Long archive jobs end in a state a person can read: entries too large are refused at once,
and an admin import ends finished with a message however its task ends."""

import datetime
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse
from django.utils import timezone, translation
from django_q.exceptions import TimeoutException

from sochef_wagtail.archive import tasks
from sochef_wagtail.archive.formats import ArchiveError
from sochef_wagtail.archive.importer import SAVING, import_archive
from sochef_wagtail.archive.models import ArchiveImport, ArchiveImportStatus, Tweet
from sochef_wagtail.archive.tasks import _Heartbeat, run_archive_import
from sochef_wagtail.management.commands.sochef_import_archive import Command
from tests.archives import archive_tweet, current_archive, zip_bytes
from tests.processes import wait_for
from tests.test_archive_admin import make_editor, upload

pytestmark = pytest.mark.django_db

STATUS_URL = "sochef_archive_import:status"
# The status page of a running import reloads itself with this script.
RELOAD_SCRIPT = "sochef_wagtail/js/archive_import_status.js"


@pytest.fixture(autouse=True)
def english(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with translation.override("en"):
        yield


@pytest.fixture
def importer_client(client):
    client.force_login(make_editor("import_archive"))
    return client


def long_string_archive(path, length):
    """An archive whose one tweet has a text of ``length`` characters, stored uncompressed."""
    members = current_archive([archive_tweet(1, "x" * length)])
    path.write_bytes(zip_bytes(members, compression=zipfile.ZIP_STORED))
    return path


# Entries too large -------------------------------------------------------------------------


def test_a_string_larger_than_the_entry_limit_is_refused_before_it_is_read(tmp_path, accounts):
    path = long_string_archive(tmp_path / "long.zip", 8 * 1024**2)
    read = []
    with pytest.raises(ArchiveError) as refused:
        import_archive(path, progress=lambda phase, done, total: read.append((done, total)))
    assert str(refused.value) == (
        "data/tweets.js, entry number 1: larger than 1048576 bytes "
        "(SOCHEF_ARCHIVE_MAX_ENTRY_SIZE), which no tweet of X is; refusing the archive."
    )
    done, total = max(read)
    assert total > 8 * 1024**2 and done < 2 * 1024**2  # stopped after the limit, not at the end
    assert not Tweet.objects.exists()


def test_the_command_refuses_a_large_entry_in_one_line_with_status_1(
    tmp_path, accounts, settings, capsys, monkeypatch
):
    settings.SOCHEF_ARCHIVE_MAX_ENTRY_SIZE = 100_000
    path = long_string_archive(tmp_path / "long.zip", 300_000)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "sochef_import_archive", str(path)])
    assert exited.value.code == 1
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "entry number 1" in error and "100000" in error
    assert not Tweet.objects.exists()


def test_a_long_post_within_the_limit_imports(tmp_path, accounts):
    path = long_string_archive(tmp_path / "long.zip", 200_000)
    call_command("sochef_import_archive", str(path), stdout=io.StringIO())
    assert len(Tweet.objects.get().text) == 200_000


def test_the_upload_form_refuses_a_member_over_the_size_limit_at_once(
    importer_client, accounts, settings
):
    settings.SOCHEF_ARCHIVE_MAX_MEMBER_SIZE = 1000
    archive = zip_bytes(current_archive([archive_tweet(n) for n in range(1, 20)]))
    response = importer_client.post(
        reverse("sochef_archive_import:index"), {"archive": upload(archive)}
    )
    assert response.status_code == 200
    assert "SOCHEF_ARCHIVE_MAX_MEMBER_SIZE" in str(response.context["form"].errors["archive"])
    assert not ArchiveImport.objects.exists()


# However the task ends -----------------------------------------------------------------------


def queued_import(content):
    job = ArchiveImport(file_name="archive.zip")
    job.archive.save("archive.zip", ContentFile(content), save=False)
    job.save()
    return job


def test_a_task_stopped_by_the_q_clusters_timeout_leaves_the_import_failed_with_a_message(
    accounts, monkeypatch
):
    """django-q2's time-out raises TimeoutException (a SystemExit) wherever the task is: here
    while it stores its tweets. (A real cluster's time-out: tests/test_attack_archive.py; a
    SIGALRM in this process can land in a finaliser, which swallows it.)"""
    job = queued_import(zip_bytes(current_archive([archive_tweet(1), archive_tweet(2)])))
    real_import = tasks.import_archive

    def timed_out_while_saving(*args, progress, **kwargs):
        def progress_until_the_timeout(phase, done, total):
            progress(phase, done, total)
            if phase == SAVING and done:
                raise TimeoutException("Task exceeded maximum timeout value (300 seconds)")

        return real_import(*args, progress=progress_until_the_timeout, **kwargs)

    monkeypatch.setattr(tasks, "import_archive", timed_out_while_saving)
    with pytest.raises(TimeoutException):
        run_archive_import(job.pk)
    job.refresh_from_db()
    assert job.status == ArchiveImportStatus.FAILED and job.finished
    assert "time-out of the q cluster" in job.error and "Q_CLUSTER" in job.error
    assert job.archive.name == "" and job.finished_at is not None
    assert not Tweet.objects.exists()


def test_a_task_interrupted_otherwise_leaves_the_import_failed(accounts, monkeypatch):
    job = queued_import(zip_bytes(current_archive([archive_tweet(1)])))

    def shut_down(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sochef_wagtail.archive.tasks.import_archive", shut_down)
    with pytest.raises(KeyboardInterrupt):
        run_archive_import(job.pk)
    job.refresh_from_db()
    assert job.status == ArchiveImportStatus.FAILED
    assert "stopped before it had finished (KeyboardInterrupt)" in job.error


def running_import(heartbeat_age, **fields):
    job = queued_import(zip_bytes(current_archive([archive_tweet(1)])))
    beat = timezone.now() - datetime.timedelta(seconds=heartbeat_age)
    ArchiveImport.objects.filter(pk=job.pk).update(
        status=ArchiveImportStatus.RUNNING, heartbeat_at=beat, phase="saving",
        progress_done=74, progress_total=100, **fields,
    )  # fmt: skip
    job.refresh_from_db()
    return job


def test_an_import_whose_heartbeat_stopped_is_shown_failed_and_the_page_stops_polling(
    importer_client, accounts
):
    job = running_import(heartbeat_age=61)
    response = importer_client.get(reverse(STATUS_URL, args=[job.pk]))
    assert "dess worker stannade" in response.text
    assert RELOAD_SCRIPT not in response.text
    job.refresh_from_db()
    assert job.status == ArchiveImportStatus.FAILED and job.finished_at is not None
    assert job.archive.name == ""  # the copy of someone's personal data is gone


def test_the_import_listing_shows_a_stopped_import_as_failed(importer_client, accounts):
    running_import(heartbeat_age=3600)
    response = importer_client.get(reverse("sochef_archive_import:index"))
    assert "dess worker stannade" in response.text
    assert ArchiveImport.objects.get().status == ArchiveImportStatus.FAILED


def test_an_import_with_a_recent_heartbeat_keeps_running(importer_client, accounts, settings):
    settings.SOCHEF_IMPORT_HEARTBEAT_TIMEOUT = 600
    job = running_import(heartbeat_age=300)
    response = importer_client.get(reverse(STATUS_URL, args=[job.pk]))
    assert RELOAD_SCRIPT in response.text and 'value="74"' in response.text
    assert ArchiveImport.objects.get().status == ArchiveImportStatus.RUNNING


def test_a_running_import_without_a_heartbeat_is_judged_by_its_age(importer_client, accounts):
    """Rows left running before heartbeats were written (or by a worker that never wrote one)."""
    job = running_import(heartbeat_age=0)
    created = timezone.now() - datetime.timedelta(hours=2)
    ArchiveImport.objects.filter(pk=job.pk).update(heartbeat_at=None, created_at=created)
    importer_client.get(reverse(STATUS_URL, args=[job.pk]))
    assert ArchiveImport.objects.get().status == ArchiveImportStatus.FAILED


def test_a_stopped_import_does_not_keep_a_new_one_from_running(importer_client, accounts):
    running_import(heartbeat_age=3600)
    archive = zip_bytes(current_archive([archive_tweet(1)]))
    importer_client.post(reverse("sochef_archive_import:index"), {"archive": upload(archive)})
    assert Tweet.objects.count() == 1
    assert ArchiveImport.objects.first().status == ArchiveImportStatus.DONE  # the newest


def test_the_heartbeat_writes_progress_and_time_from_its_own_connection(transactional_db, accounts):
    job = running_import(heartbeat_age=3600)
    with _Heartbeat(job) as heartbeat:
        heartbeat.progress("reading", 5, 10)
        row = wait_for(
            lambda: ArchiveImport.objects.filter(pk=job.pk, progress_done=5).first(),
            10,
            message="the heartbeat",
        )
    assert timezone.now() - row.heartbeat_at < datetime.timedelta(seconds=10)
    assert (row.phase, row.progress_total) == ("reading", 10)


def test_the_command_interrupted_by_ctrl_c_ends_in_one_line(tmp_path, accounts, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(
        "sochef_wagtail.management.commands.sochef_import_archive.import_archive", interrupted
    )
    path = tmp_path / "archive.zip"
    path.write_bytes(zip_bytes(current_archive([archive_tweet(1)])))
    with pytest.raises(CommandError, match="^Interrupted: nothing was written.$"):
        call_command("sochef_import_archive", str(path), stdout=io.StringIO())


def test_a_queued_import_no_worker_took_says_the_q_cluster_must_run(importer_client, accounts):
    job = queued_import(zip_bytes(current_archive([archive_tweet(1)])))
    status = reverse(STATUS_URL, args=[job.pk])
    assert "qcluster" not in importer_client.get(status).text  # just queued: a worker comes
    created = timezone.now() - datetime.timedelta(minutes=5)
    ArchiveImport.objects.filter(pk=job.pk).update(created_at=created)
    response = importer_client.get(status)
    assert "Ingen worker har tagit importen på 5" in response.text
    assert "python manage.py qcluster" in response.text and RELOAD_SCRIPT in response.text
    assert ArchiveImport.objects.get().status == ArchiveImportStatus.QUEUED  # it may still run


def test_an_import_the_broker_refuses_to_queue_ends_failed_without_its_upload(
    importer_client, accounts, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr("sochef_wagtail.archive.views.async_task", broker_down)
    archive = zip_bytes(current_archive([archive_tweet(1)]))
    response = importer_client.post(
        reverse("sochef_archive_import:index"), {"archive": upload(archive)}, follow=True
    )
    assert response.status_code == 200
    job = ArchiveImport.objects.get()
    assert job.status == ArchiveImportStatus.FAILED and job.finished_at is not None
    assert "kunde inte köas" in response.text and "ConnectionError" in response.text
    assert job.archive.name == "" and Tweet.objects.count() == 0
