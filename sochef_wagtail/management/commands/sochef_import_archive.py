import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sochef_wagtail.archive.formats import ArchiveError
from sochef_wagtail.archive.importer import READING, import_archive

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import an account's archive into its relay account: X's ZIP (either layout), "
        "Mastodon's export ZIP or Bluesky's repository (CAR file), told by its content."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive: a ZIP or a CAR file")
        parser.add_argument(
            "--account",
            default="",
            help="the relay account's handle; must be the archive's own, and is required when "
            "the archive does not say whose it is",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="read and check the archive, write nothing"
        )

    def handle(self, *args, path, account, dry_run, verbosity, **options):
        if not os.path.isfile(path):
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        progress = ProgressReport(self.stdout, verbosity)
        try:
            result = import_archive(path, handle=account, dry_run=dry_run, progress=progress)
        except ArchiveError as error:
            progress.close()
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            progress.close()  # the transaction is rolled back, the stored files deleted
            raise CommandError(_("Interrupted: nothing was written.")) from None
        progress.close()
        if verbosity >= 1:
            self.stdout.write(result.summary)


class ProgressReport:
    """A bar on a terminal; plain lines (every 25 %, or 5 % with -v 2) otherwise."""

    def __init__(self, out, verbosity):
        self.out, self.verbosity = out, verbosity
        self.tty = out.isatty()
        self.step = 5 if verbosity >= 2 else 25
        self.shown = None
        self.bar_open = False

    def __call__(self, phase, done, total):
        if self.verbosity < 1:
            return
        label = _("Reading the archive") if phase == READING else _("Saving new posts")
        percent = min(100 * done // total, 100) if total else 100
        if self.tty:
            if self.shown == (phase, percent):
                return
            self.shown = (phase, percent)
            filled = percent * BAR_WIDTH // 100
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            self.out.write(f"\r{label}: [{bar}] {percent:3d} %", ending="")
            self.out.flush()
            self.bar_open = percent < 100
            if not self.bar_open:
                self.out.write("")
        elif self.shown != (phase, percent // self.step):
            self.shown = (phase, percent // self.step)
            self.out.write(f"{label}: {percent} %")

    def close(self):
        if self.bar_open:
            self.out.write("")
            self.bar_open = False
