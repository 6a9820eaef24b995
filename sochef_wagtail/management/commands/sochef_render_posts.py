from django.core.management.base import BaseCommand
from django.db.models import Max, Min

from sochef_wagtail.archive.models import Tweet
from sochef_wagtail.archive.tasks import render_posts


class Command(BaseCommand):
    help = (
        "Make and store the HTML of every post whose stored HTML is not current: after an "
        "upgrade that changed the posts' markup, a change of SOCHEF_TIME_ZONE, or when the "
        "q cluster could not render an import. The pages show such posts correctly meanwhile, "
        "only more slowly."
    )

    def handle(self, *args, **options):
        found = Tweet.objects.aggregate(first=Min("pk"), last=Max("pk"))
        if found["first"] is None:
            self.stdout.write("No posts stored.")
            return
        verbose = options["verbosity"] >= 1

        def progress(done, total):
            if verbose:
                self.stdout.write(f"{done * 100 // total} % of the posts looked at", ending="\r")
                self.stdout.flush()

        report = render_posts([(found["first"], found["last"])], progress=progress)
        if verbose:
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"{report}."))
