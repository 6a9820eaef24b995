"""Archive imports run by real q clusters (Redis, PostgreSQL) that end badly: a task past the
cluster's time-out, a worker killed with kill -9. Each leaves the import finished with a
message, and a new import runs."""

import os
import signal
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from sochef_wagtail.archive.models import ArchiveImport, ArchiveImportStatus, Tweet
from tests.archives import archive_tweet, current_archive, write_large_archive, zip_bytes
from tests.factories import make_accounts
from tests.processes import needs_postgresql, python, redis_missing, site_env, wait_for
from tests.test_archive_admin import make_editor

REDIS_MISSING = redis_missing()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(REDIS_MISSING), reason=REDIS_MISSING),
]


@pytest.fixture
def site(transactional_db, settings, tmp_path, client):
    """The relay accounts, the media folder the clusters use, and a client of an importer."""
    needs_postgresql("the q clusters run in other processes on the test database")
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the q_clusters fixture's
    make_accounts()
    client.force_login(make_editor("import_archive"))
    with translation.override("en"):
        yield client


def uploaded(content):
    job = ArchiveImport(file_name="archive.zip")
    job.archive.save("archive.zip", ContentFile(content), save=False)
    job.save()
    return job


def enqueue(tmp_path, func, *args, **options):
    """``async_task`` from another process of the site, as the admin's upload does."""
    code = f"from django_q.tasks import async_task\nasync_task({func!r}, *{args!r}, **{options!r})"
    process = python(code, site_env(tmp_path / "media"), stderr=subprocess.PIPE, text=True)
    assert process.wait(timeout=120) == 0, process.stderr.read()


def job_state(job):
    job.refresh_from_db()
    return job.status


def test_an_import_past_the_clusters_timeout_ends_failed_with_a_message(site, q_clusters, tmp_path):
    (cluster,) = q_clusters(1)
    cluster.wait_until_running()
    archive = write_large_archive(tmp_path / "large.zip", count=40_000, parts=1)
    job = uploaded(archive.read_bytes())
    enqueue(tmp_path, "sochef_wagtail.archive.tasks.run_archive_import", job.pk, timeout=2)
    wait_for(lambda: job_state(job) == ArchiveImportStatus.FAILED, 120, message="the time-out")
    assert "q-klustrets tidsgräns" in job.error  # the cluster speaks Swedish
    assert job.archive.name == "" and not any(Path(tmp_path / "media").rglob("*.zip"))
    assert not Tweet.objects.exists()
    page = site.get(reverse("sochef_archive_import:status", args=[job.pk])).text
    assert job.error in page and "window.location.reload" not in page


def test_an_import_whose_worker_is_killed_is_shown_failed_and_a_new_one_runs(
    site, q_clusters, tmp_path, settings
):
    settings.SOCHEF_IMPORT_HEARTBEAT_TIMEOUT = 3
    (cluster,) = q_clusters(1)
    cluster.wait_until_running()
    archive = write_large_archive(tmp_path / "large.zip", count=40_000, parts=1)
    job = uploaded(archive.read_bytes())
    pid_file = tmp_path / "worker.pid"
    enqueue(tmp_path, "tests.cluster_tasks.import_noting_pid", job.pk, str(pid_file))
    pid = int(wait_for(lambda: pid_file.exists() and pid_file.read_text(), 60, message="pid"))
    wait_for(
        lambda: ArchiveImport.objects.filter(pk=job.pk, progress_done__gt=0).exists(),
        60,
        message="the import's first heartbeat",
    )
    os.kill(pid, signal.SIGKILL)

    status_url = reverse("sochef_archive_import:status", args=[job.pk])
    page = wait_for(
        lambda: (text := site.get(status_url).text) and "dess worker stannade" in text and text,
        60,
        message="the status page to say the worker stopped",
    )
    assert "window.location.reload" not in page
    assert job_state(job) == ArchiveImportStatus.FAILED
    assert not any(Path(tmp_path / "media").rglob("*.zip"))  # the upload is deleted
    assert not Tweet.objects.exists()

    wait_for(lambda: "reincarnated worker" in cluster.text(), 30, message="a new worker")
    again = uploaded(zip_bytes(current_archive([archive_tweet(1), archive_tweet(2)])))
    enqueue(tmp_path, "sochef_wagtail.archive.tasks.run_archive_import", again.pk)
    wait_for(lambda: job_state(again) == ArchiveImportStatus.DONE, 60, message="a new import")
    assert Tweet.objects.count() == 2
