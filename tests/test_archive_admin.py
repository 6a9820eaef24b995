"""The admin's "Import archive": upload → django-q2 task (sync in tests) → summary."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from sochef_wagtail.archive.models import ArchiveImport, ArchiveImportStatus, Tweet
from sochef_wagtail.archive.tasks import run_archive_import
from tests.archives import archive_tweet, current_archive, zip_bytes

pytestmark = pytest.mark.django_db

IMPORT_URL = "sochef_archive_import:index"


def make_editor(*codenames, username="redaktor"):
    """A Wagtail editor with admin access and the given permissions of the app."""
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="sochef_wagtail", codename__in=codenames
        ),
    )
    return user


def upload(content, name="twitter-archive.zip"):
    return SimpleUploadedFile(name, content, content_type="application/zip")


@pytest.fixture
def importer_client(client):
    client.force_login(make_editor("import_archive"))
    return client


def test_editor_without_the_permission_is_turned_away(client, accounts):
    client.force_login(make_editor())
    archive = zip_bytes(current_archive([archive_tweet(1)]))
    response = client.post(reverse(IMPORT_URL), {"archive": upload(archive)})
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert not ArchiveImport.objects.exists()
    assert not Tweet.objects.exists()


def test_menu_shows_import_only_to_those_who_may(client, accounts):
    client.force_login(make_editor())
    assert reverse(IMPORT_URL) not in client.get(reverse("wagtailadmin_home")).text
    client.force_login(make_editor("import_archive", username="importor"))
    assert reverse(IMPORT_URL) in client.get(reverse("wagtailadmin_home")).text


def test_upload_runs_the_import_and_shows_its_summary(importer_client, accounts):
    archive = zip_bytes(current_archive([archive_tweet(1), archive_tweet(2)]))
    response = importer_client.post(reverse(IMPORT_URL), {"archive": upload(archive)}, follow=True)
    assert response.status_code == 200
    job = ArchiveImport.objects.get()
    assert job.status == ArchiveImportStatus.DONE
    assert Tweet.objects.filter(account=accounts[1]).count() == 2
    assert "Importerade 2, redan sparade 0, media 0, för @Skyddsombud" in response.text
    assert job.percent == 100


def test_uploaded_archive_is_deleted_after_the_import(importer_client, accounts):
    archive = zip_bytes(current_archive([archive_tweet(1)]))
    importer_client.post(reverse(IMPORT_URL), {"archive": upload(archive)})
    assert ArchiveImport.objects.get().archive.name == ""


def test_bad_archive_shows_the_importers_message_and_writes_nothing(importer_client, accounts):
    members = current_archive([archive_tweet(1)])
    members["data/tweets.js"] = members["data/tweets.js"][:-10]
    response = importer_client.post(
        reverse(IMPORT_URL), {"archive": upload(zip_bytes(members))}, follow=True
    )
    job = ArchiveImport.objects.get()
    assert job.status == ArchiveImportStatus.FAILED
    assert "data/tweets.js" in job.error and job.error in response.text
    assert not Tweet.objects.exists()


def test_not_a_zip_is_a_form_error(importer_client, accounts):
    response = importer_client.post(reverse(IMPORT_URL), {"archive": upload(b"hej")})
    assert response.status_code == 200
    assert "varken en arkiv-ZIP" in str(response.context["form"].errors["archive"])
    assert not ArchiveImport.objects.exists()


def test_account_chosen_in_the_form_is_used_when_the_archive_does_not_say(
    importer_client, accounts
):
    archive = zip_bytes(current_archive([archive_tweet(1)], handle=None))
    importer_client.post(
        reverse(IMPORT_URL), {"archive": upload(archive), "account": "ArbetsmiljoChef"}
    )
    assert Tweet.objects.get().account == accounts[0]


def test_status_page_of_a_running_import_reloads_itself(importer_client, accounts):
    job = ArchiveImport.objects.create(
        file_name="a.zip", status=ArchiveImportStatus.RUNNING, phase="reading",
        progress_done=50, progress_total=200,
    )  # fmt: skip
    response = importer_client.get(reverse("sochef_archive_import:status", args=[job.pk]))
    assert 'value="25"' in response.text
    assert "sochef_wagtail/js/archive_import_status.js" in response.text


def test_task_delivered_twice_imports_once(importer_client, accounts):
    archive = zip_bytes(current_archive([archive_tweet(1)]))
    importer_client.post(reverse(IMPORT_URL), {"archive": upload(archive)})
    job = ArchiveImport.objects.get()
    assert run_archive_import(job.pk) == ""
    job.refresh_from_db()
    assert job.status == ArchiveImportStatus.DONE


def test_import_page_lists_recent_imports_with_their_result(importer_client, accounts):
    ArchiveImport.objects.create(
        file_name="gammalt.zip", status=ArchiveImportStatus.FAILED, error="data/tweets.js: fel"
    )
    response = importer_client.get(reverse(IMPORT_URL))
    assert response.status_code == 200
    assert "gammalt.zip" in response.text and "data/tweets.js: fel" in response.text


@pytest.mark.django_db(transaction=True)
def test_the_import_permission_of_an_existing_site_gets_its_new_name():
    """Django never renames a permission it created: migration 0027 does."""
    before = [("sochef_wagtail", "0026_tweet_media_download_failed")]
    after = MigrationExecutor(connection).loader.graph.leaf_nodes("sochef_wagtail")
    permission = Permission.objects.get(codename="import_archive")
    try:
        MigrationExecutor(connection).migrate(before)
        Permission.objects.filter(pk=permission.pk).update(name="Can import tweet archives")
        MigrationExecutor(connection).migrate(after)
    finally:
        MigrationExecutor(connection).migrate(after)
    assert Permission.objects.get(pk=permission.pk).name == "Can import archives of posts"
