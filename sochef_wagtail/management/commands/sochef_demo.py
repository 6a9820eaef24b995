from django.core.management.base import BaseCommand

from sochef_wagtail.demo import load_demo


class Command(BaseCommand):
    help = (
        "Create SOchef demo content: the experiment of 2012–14 as it was, or with --running a "
        "live relay around the current week. Safe to run again; switching modes removes what "
        "the other mode made."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--running",
            action="store_true",
            help="A running relay (weeks past, the current week and weeks to come, dated from "
            "today; the project active) instead of the closed 2012–14 history.",
        )

    def handle(self, *args, **options):
        def log(message):
            if options["verbosity"] >= 1:
                self.stdout.write(message)

        load_demo(log, running=options["running"])
