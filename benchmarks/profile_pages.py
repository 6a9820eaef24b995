"""Where a page's time goes: cProfile over requests of the throughput benchmark's pages.

``.venv/bin/python -m benchmarks.profile_pages [--database URL] [--requests N] [page ...]``
(re)creates the benchmark's PostgreSQL database (``--reuse``: keeps what a previous run built),
builds the pages ``throughput.py`` measures, then for each page asked (week, index, landing,
search, plain; all by default) requests it ``N`` times in this process with SOchef's caches off
(``--warm``: on and filled) and prints the CPU milliseconds per request (this process's, the
database's left out) and the top of the profile (``--pyinstrument``: its call tree, when
installed). No server and no load: a quick look between two changes, not a measurement (that
is ``./run bench``).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

from .database import DEFAULT_DATABASE

PAGES = ("week", "index", "landing", "search", "plain")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_pages")
    parser.add_argument("pages", nargs="*", metavar="page", help=f"of {', '.join(PAGES)}")
    parser.add_argument("--database", default=DEFAULT_DATABASE.replace("_bench", "_profile"))
    parser.add_argument("--requests", type=int, default=20, help="requests profiled per page")
    parser.add_argument("--warm", action="store_true", help="with SOchef's caches on and filled")
    parser.add_argument("--top", type=int, default=30, help="functions listed per profile")
    parser.add_argument(
        "--reuse", action="store_true", help="profile the pages a previous run left in the database"
    )
    parser.add_argument(
        "--pyinstrument", action="store_true", help="pyinstrument's call tree instead of cProfile"
    )
    parser.add_argument(
        "--sort", default="cumulative", choices=["cumulative", "tottime"], help="profile order"
    )
    args = parser.parse_args(argv)
    unknown = set(args.pages) - set(PAGES)
    if unknown:
        parser.error(f"no such page: {', '.join(sorted(unknown))} (pages: {', '.join(PAGES)})")
    args.pages = args.pages or list(PAGES)
    return args


def main(argv=None):
    args = parse_args(argv)
    os.environ["DATABASE_URL"] = args.database
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    if args.reuse:
        django.setup()
        urls = existing_pages()
    else:
        from .__main__ import Bench
        from .database import recreate

        recreate(args.database)
        urls = Bench(argparse.Namespace(duration=0, rounds=0)).throughput_pages()

    from django.test import Client
    from django.test.utils import override_settings

    client = Client()
    for name in args.pages:
        url = urls[name]
        caches = {} if args.warm else {"SOCHEF_CACHE_TIMEOUT": 0}
        with override_settings(**caches):
            for _ in range(3):  # Wagtail's own caches, renditions, SOchef's when warm
                response = client.get(url)
                if response.status_code != 200:
                    sys.exit(f"GET {url} answered {response.status_code}")
            started = time.process_time()
            for _ in range(args.requests):
                client.get(url)
            cpu_ms = 1000 * (time.process_time() - started) / args.requests
            print(f"==> {name} {url}: {cpu_ms:.1f} CPU ms per request (no profiler)")
            print(profiled(lambda url=url: [client.get(url) for _ in range(args.requests)], args))


def profiled(run, args):
    """The profile of ``run()`` as text."""
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        run()
        profiler.stop()
        return profiler.output_text(show_all=False)
    profile = cProfile.Profile()
    profile.runcall(run)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    return out.getvalue()


def existing_pages():
    """The URLs of the pages a previous run built, as ``Bench.throughput_pages()`` names them."""
    from example_site.blog.models import BlogPage
    from sochef_wagtail.models import GuestWeekIndexPage, GuestWeekPage, SochefLandingPage

    from .data import SEARCH_WORD

    index = GuestWeekIndexPage.objects.get()
    return {
        "week": GuestWeekPage.objects.order_by("week_start").first().url,
        "index": index.url,
        "landing": SochefLandingPage.objects.get().url,
        "search": f"{index.url}{index.reverse_subpage('search')}?q={SEARCH_WORD}",
        "plain": BlogPage.objects.get(slug="veckans-tweets").url,
    }


if __name__ == "__main__":
    main()
