from django.core.management.base import BaseCommand, CommandError

from sochef_wagtail.conf import app_settings
from sochef_wagtail.nominations.models import Nomination
from sochef_wagtail.public_forms.retention import purge_expired, retention_cutoff


class Command(BaseCommand):
    help = (
        "Delete or anonymise handled nominations and evaluation answers older than the "
        "retention period (SOCHEF_RETENTION_DAYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help=f"Retention period in days (default: SOCHEF_RETENTION_DAYS, now "
            f"{app_settings.RETENTION_DAYS}).",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        days = app_settings.RETENTION_DAYS if days is None else days
        if days is None:
            self.stdout.write(
                "SOCHEF_RETENTION_DAYS is None: nothing is purged. Pass --days N to purge what "
                "is older than N days."
            )
            return
        for name, (deleted, anonymised) in purge_expired(days=days).items():
            if options["verbosity"] >= 1:
                self.stdout.write(f"{name}: {deleted} deleted, {anonymised} anonymised.")
        waiting = Nomination.unhandled_before(retention_cutoff(days=days)).count()
        if waiting:
            self.stdout.write(
                self.style.WARNING(
                    f"{waiting} new nomination(s) are older than {days} days and were kept: "
                    "handle them in the admin (SOchef → Nominations), the next purge removes them."
                )
            )
