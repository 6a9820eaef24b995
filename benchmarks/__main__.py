"""``python -m benchmarks`` (what ``./run bench`` runs): measure, print a table, write results.md.

Each measurement is a function ``measure(bench)`` in its own module, listed in ``run()``,
that returns a Section, or a list of them (the imports: one per database); one whose code is not
on this branch returns a Section saying so.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .database import DEFAULT_DATABASE

RESULTS = Path(__file__).with_name("results.md")
# The guest index measured: three pages of 20 weeks (as the SQL query count's large size).
INDEX_WEEKS = 60


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="./run bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("SOCHEF_BENCH_DATABASE_URL", DEFAULT_DATABASE),
        help="PostgreSQL database to (re)create for the run; everything in it is dropped "
        "(default: $SOCHEF_BENCH_DATABASE_URL or %(default)s)",
    )
    parser.add_argument("--duration", type=int, default=6, help="seconds per load run")
    parser.add_argument("--rounds", type=int, default=5, help="load runs per page")
    parser.add_argument(
        "--only",
        action="append",
        choices=["queries", "throughput", "page-weight", "import", "import-mastodon", "search"],
        help="run only these measurements (results.md is then left alone unless --output)",
    )
    parser.add_argument("--output", type=Path, help=f"where to write the results ({RESULTS})")
    return parser.parse_args(argv)


def prepare_environment(args):
    """Environment for this process and the servers it starts, before Django is set up."""
    if not args.database.startswith(("postgres://", "postgresql://")):
        sys.exit("run bench: the benchmark needs a PostgreSQL database URL")
    os.environ["DATABASE_URL"] = args.database
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["SOCHEF_BENCH_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="sochef-bench-media-")
    # Playwright runs an event loop in this thread; Django would refuse the ORM calls after it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


class Bench:
    """What the measurements share: options, and the content built once for all of them."""

    def __init__(self, args):
        self.duration = args.duration
        self.rounds = args.rounds
        self._site = None
        self._pages = None

    @property
    def site(self):
        from .data import BenchSite

        if self._site is None:
            self._site = BenchSite()
        return self._site

    def throughput_pages(self):
        """The week page with 50 tweets and a pair of guests, the index (several pages of 20
        weeks), the landing page, a page of search results, and a plain page with the same
        text as the week page."""
        from sochef_wagtail.archive.models import Tweet
        from sochef_wagtail.archive.timeline import tweet_filter

        from .data import landing_page, plain_page, search_results
        from .database import analyze

        if self._pages is None:
            week = self.site.add_week(50, guest_photos=True)
            shown = tweet_filter(self.site.accounts, week.week_start, week.week_end)
            tweets = list(
                Tweet.objects.filter(shown).select_related("account").order_by("created_at")
            )
            self.site.add_weeks(max(INDEX_WEEKS - self.site.week_count, 0))
            self._pages = {
                "week": week.url,
                "index": self.site.index.url,
                "landing": landing_page(self.site),
                "search": search_results(self.site),
                "plain": plain_page(tweets).url,
                "tweets": tweets,
            }
            analyze()
        return self._pages


def main(argv=None):
    args = parse_args(argv)
    prepare_environment(args)
    try:
        run(args)
    finally:
        shutil.rmtree(os.environ["SOCHEF_BENCH_MEDIA_ROOT"], ignore_errors=True)


def run(args):
    from .database import recreate

    print(f"==> A fresh database: {args.database}", file=sys.stderr)
    recreate(args.database)

    from tests.conftest import CHROMIUM

    from . import import_bench, mastodon_import, page_weight, queries, search_bench, throughput
    from .load import generator_name
    from .machine import chromium_version, describe, load_average
    from .report import as_text, write_results

    measurements = {
        "queries": queries.measure,
        "throughput": throughput.measure,
        "page-weight": page_weight.measure,
        "import": import_bench.measure,
        "import-mastodon": mastodon_import.measure,
        "search": search_bench.measure,
    }
    machine = describe(generator_name(), chromium_version(CHROMIUM))
    print("\n".join(f"{key}: {value}" for key, value in machine.items()))
    bench = Bench(args)
    sections = []
    for name, measure in measurements.items():
        if args.only and name not in args.only:
            continue
        print(f"==> Measuring: {name}", file=sys.stderr)
        started = time.monotonic()
        measured = measure(bench)
        print(f"    ({time.monotonic() - started:.0f} s)", file=sys.stderr)
        for section in measured if isinstance(measured, list) else [measured]:
            print(as_text(section), flush=True)
            sections.append(section)
    machine["Load average at the end"] = load_average()
    output = args.output or (None if args.only else RESULTS)
    if output:
        write_results(output, machine, sections, "./run bench")
        print(f"\nWritten: {output}")


if __name__ == "__main__":
    main()
