"""The admin's "Import archive": upload a ZIP → a django-q2 task imports it → its summary."""

import datetime

from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task
from wagtail.admin.auth import permission_required
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSet

from .forms import ArchiveImportForm
from .importer import READING
from .models import ArchiveImport, ArchiveImportStatus
from .tasks import fail_stopped_imports, fail_unqueued_import, fetch_schedule_without_token

PERMISSION = "sochef_wagtail.import_archive"
RECENT_IMPORTS = 10
#: A q cluster that runs takes a queued import within seconds; after this the page says so.
WORKER_EXPECTED_WITHIN = datetime.timedelta(minutes=1)


class FetchWithoutTokenPanel(Component):
    """Tells the editors on the admin's dashboard that the scheduled fetch fails each time."""

    name = "sochef_fetch_without_token"
    order = 10  # above Wagtail's own panels
    template_name = "sochef_wagtail/admin/fetch_without_token_panel.html"

    def __init__(self, schedule):
        self.schedule = schedule

    def get_context_data(self, parent_context):
        return {"schedule": self.schedule}


def fetch_warning_panels(request, panels):
    """For the hook construct_homepage_panels: the warning, to those who can import archives."""
    if request.user.has_perm(PERMISSION) and (schedule := fetch_schedule_without_token()):
        panels.append(FetchWithoutTokenPanel(schedule))


@permission_required(PERMISSION)
def import_view(request):
    form = ArchiveImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["archive"]
        account = form.cleaned_data["account"]
        job = ArchiveImport(
            file_name=upload.name[:255],
            handle=account.handle if account else "",
            requested_by=request.user,
        )
        job.archive.save(upload.name, upload, save=False)
        job.save()
        try:
            async_task(
                "sochef_wagtail.archive.tasks.run_archive_import",
                job.pk,
                task_name=f"sochef-archive-import-{job.pk}",
            )
        except Exception as error:  # the broker (database, Redis) refused: nothing will run it
            fail_unqueued_import(job, error)
        return redirect("sochef_archive_import:status", job.pk)
    fail_stopped_imports()
    return TemplateResponse(
        request,
        "sochef_wagtail/admin/archive_import.html",
        {
            "page_title": _("Import archive"),
            "header_icon": "upload",
            "form": form,
            "imports": ArchiveImport.objects.select_related("requested_by")[:RECENT_IMPORTS],
            "fetch_schedule_without_token": fetch_schedule_without_token(),
        },
    )


@permission_required(PERMISSION)
def status_view(request, pk):
    fail_stopped_imports()
    job = get_object_or_404(ArchiveImport, pk=pk)
    return TemplateResponse(
        request,
        "sochef_wagtail/admin/archive_import_status.html",
        {
            "page_title": _("Import archive"),
            "page_subtitle": job.file_name,
            "header_icon": "upload",
            "job": job,
            "reading": job.phase == READING,
            "no_worker_yet": job.status == ArchiveImportStatus.QUEUED
            and job.created_at < timezone.now() - WORKER_EXPECTED_WITHIN,
            "index_url": reverse("sochef_archive_import:index"),
        },
    )


class ArchiveImportViewSet(ViewSet):
    """The import views, with a menu item in the SOchef menu for users who may import."""

    name = "sochef_archive_import"
    url_prefix = "sochef/import-archive"
    icon = "upload"
    menu_label = _("Import archive")

    @cached_property
    def menu_item_class(self):
        return ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", import_view, name="index"),
            path("<int:pk>/", status_view, name="status"),
        ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)
