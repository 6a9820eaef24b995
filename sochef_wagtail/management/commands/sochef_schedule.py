from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from sochef_wagtail.archive.tasks import ensure_schedules


class Command(BaseCommand):
    help = "Create or update the django-q2 schedule that fetches every active account's tweets."

    def handle(self, *args, verbosity, **options):
        schedule, created = ensure_schedules()
        if verbosity >= 1:
            message = (
                _("Created the schedule “%(name)s”: every %(minutes)s minutes.")
                if created
                else _("Updated the schedule “%(name)s”: every %(minutes)s minutes.")
            )
            self.stdout.write(message % {"name": schedule.name, "minutes": schedule.minutes})
