from django.core.management.base import BaseCommand

from sochef_wagtail.demo import load_demo


class Command(BaseCommand):
    help = "Create SOchef demo content (relay accounts, guests, weeks); safe to run again."

    def handle(self, *args, **options):
        def log(message):
            if options["verbosity"] >= 1:
                self.stdout.write(message)

        load_demo(log)
