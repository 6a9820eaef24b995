"""django-q2 tasks of the archive: they call the same functions as the management commands."""

import logging
import time

from django.utils import timezone
from django.utils.translation import gettext as _

from .formats import ArchiveError
from .importer import import_archive
from .models import ArchiveImport, ArchiveImportStatus

logger = logging.getLogger(__name__)

# Seconds between two progress writes of a running import.
PROGRESS_INTERVAL = 1.0


def run_archive_import(import_id):
    """Import the archive uploaded as ``ArchiveImport`` ``import_id``, then delete the upload."""
    job = ArchiveImport.objects.get(pk=import_id)
    job.status = ArchiveImportStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        with job.archive.open("rb") as archive:
            result = import_archive(archive, handle=job.handle, progress=_ProgressWriter(job))
    except ArchiveError as error:
        job.status, job.error = ArchiveImportStatus.FAILED, str(error)
    except Exception as error:
        logger.exception("Archive import %s failed", job.pk)
        job.status = ArchiveImportStatus.FAILED
        job.error = _("The import stopped on an unexpected error (%(error)s).") % {
            "error": type(error).__name__
        }
    else:
        job.status, job.summary = ArchiveImportStatus.DONE, result.summary
    finally:
        job.archive.delete(save=False)
        job.finished_at = timezone.now()
        job.save()
    return job.summary or job.error


class _ProgressWriter:
    """Writes an import's progress to its row, at most once a second and at each new phase."""

    def __init__(self, job):
        self.job, self.phase, self.written = job, "", 0.0

    def __call__(self, phase, done, total):
        now = time.monotonic()
        if phase == self.phase and done < total and now - self.written < PROGRESS_INTERVAL:
            return
        self.phase, self.written = phase, now
        ArchiveImport.objects.filter(pk=self.job.pk).update(
            phase=phase, progress_done=done, progress_total=total
        )
        self.job.phase, self.job.progress_done, self.job.progress_total = phase, done, total
