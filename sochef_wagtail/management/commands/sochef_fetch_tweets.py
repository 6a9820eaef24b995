from django.core.management.base import BaseCommand, CommandError

from sochef_wagtail.archive.fetch import FetchError, FetchStopped, fetch_tweets


class Command(BaseCommand):
    help = (
        "Fetch the relay accounts' new posts: X through its API (SOCHEF_X_BEARER_TOKEN), "
        "Bluesky and Mastodon through their public APIs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--account", default="", help="only this relay account (default: every active one)"
        )

    def handle(self, *args, account, verbosity, **options):
        def report(result):
            if verbosity >= 1:
                self.stdout.write(result.summary)

        try:
            fetch_tweets(account, on_result=report)
        except (FetchError, FetchStopped) as error:
            raise CommandError(str(error)) from None
