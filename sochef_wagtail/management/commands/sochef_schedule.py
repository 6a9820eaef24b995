from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sochef_wagtail.archive.fetch import FetchError
from sochef_wagtail.archive.tasks import ensure_schedules


class Command(BaseCommand):
    help = "Create or update the django-q2 schedule that fetches every active account's posts."

    def handle(self, *args, verbosity, **options):
        try:
            schedule, created = ensure_schedules()
        except FetchError as error:
            raise CommandError(
                _("%(error)s The fetch is not scheduled.") % {"error": error}
            ) from None
        if verbosity >= 1:
            message = (
                _("Created the schedule “%(name)s”: every %(minutes)s minutes.")
                if created
                else _("Updated the schedule “%(name)s”: every %(minutes)s minutes.")
            )
            self.stdout.write(message % {"name": schedule.name, "minutes": schedule.minutes})
