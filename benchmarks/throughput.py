"""Throughput of SOchef's pages against a plain Wagtail page, under load.

Two gunicorn servers run side by side on the same database: one with SOchef's caches (as
installed: the page cache and the tweet cache), one without (every request renders the page's
SOchef content and the week's tweets). Each page is loaded in turn
for ``bench.duration`` seconds, ``bench.rounds`` times, so that a busy moment of the machine
touches every page alike; the ratio to the plain page is taken within each round.

Requests per second depend on whatever else the machine runs. The CPU time the server's
processes and their PostgreSQL backends spend per request depends much less on it, so it is
reported beside them as the page's cost.
"""

import statistics
from dataclasses import dataclass

from django.db import connection

from . import load
from .report import Section
from .server import THREADS, WORKERS, cpu_seconds, fetch, gunicorn

TITLE = "Throughput under load (gunicorn + PostgreSQL)"
WARM_UP = 20
#: Throughput ratios to the plain page to reach with SOchef's caches off (issue 13) and warm.
COLD_TARGETS = {"week": 1.0, "index": 0.8, "landing": 0.8, "search": 0.5}
WARM_TARGET = 2.0
#: Pages the response cache answers when warm; the search results are never cached (each query
#: a visitor types would be an entry), so warm they would run as cold: not measured twice.
CACHED_PAGES = ("week", "index", "landing")
PAGES = {
    "week": "week page, 50 tweets and a pair of guests",
    "index": "guest index (first of several pages of 20 weeks)",
    "landing": "landing page (this week's guests, blog posts, press)",
    "search": "search results (first page of 20 tweets)",
}


@dataclass
class Run:
    load: load.Load
    cpu_seconds: float

    @property
    def cpu_ms_per_request(self):
        return 1000 * self.cpu_seconds / max(self.load.requests, 1)


def database_pids():
    """PostgreSQL's backends serving the benchmark's database, this process's own left out."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def measured_run(server, url, seconds):
    """Load ``url`` for ``seconds``, with the CPU time gunicorn's workers and their database
    backends used meanwhile."""
    before = cpu_seconds(server.worker_pids() + database_pids())
    result = load.run(url, seconds)
    after = cpu_seconds(server.worker_pids() + database_pids())
    used = sum(total - before.get(pid, 0.0) for pid, total in after.items())
    return Run(result, used)


def cold_name(page):
    return f"{PAGES[page]}, SOchef caches off (cold)"


def warm_name(page):
    return f"{PAGES[page]}, SOchef caches warm"


def measure(bench):
    pages = bench.throughput_pages()
    with gunicorn() as cached, gunicorn(SOCHEF_BENCH_CACHES="off") as uncached:
        plain_name = "plain Wagtail page (BlogPage, the same 50 texts)"
        targets = {plain_name: (cached, pages["plain"], None)}
        for page in PAGES:
            targets[cold_name(page)] = (uncached, pages[page], COLD_TARGETS[page])
            if page in CACHED_PAGES:
                targets[warm_name(page)] = (cached, pages[page], WARM_TARGET)
        check_week_page(fetch(uncached.url + pages["week"]), len(pages["tweets"]))
        check_week_page(fetch(cached.url + pages["week"]), len(pages["tweets"]))
        for server, path, _target in targets.values():
            fetch(server.url + path, WARM_UP)  # Wagtail's caches, renditions, SOchef's caches
        runs = {name: [] for name in targets}
        for _ in range(bench.rounds):
            for name, (server, path, _target) in targets.items():
                runs[name].append(measured_run(server, server.url + path, bench.duration))

    section = Section(
        TITLE,
        [
            "page",
            "requests/s",
            "p50 ms",
            "p99 ms",
            "throughput ratio to plain page",
            "target",
            "CPU ms per request (app + DB)",
            "CPU cost ratio (plain / page)",
            "errors",
        ],
    )
    for name, page_runs in runs.items():
        pairs = list(zip(page_runs, runs[plain_name], strict=True))
        ratio = statistics.median(run.load.per_second / base.load.per_second for run, base in pairs)
        cost_ratio = statistics.median(
            base.cpu_ms_per_request / run.cpu_ms_per_request for run, base in pairs
        )
        is_plain = name == plain_name
        target = targets[name][2]
        section.add(
            name,
            f"{statistics.median(run.load.per_second for run in page_runs):.1f}",
            f"{statistics.median(run.load.p50_ms for run in page_runs):.1f}",
            f"{statistics.median(run.load.p99_ms for run in page_runs):.1f}",
            "1" if is_plain else f"{ratio:.2f}× ({spread(pairs)})",
            "–" if is_plain else f"≥ {target}× " + ("pass" if ratio >= target else "FAIL"),
            f"{statistics.median(run.cpu_ms_per_request for run in page_runs):.1f}",
            "1" if is_plain else f"{cost_ratio:.2f}×",
            sum(run.load.errors for run in page_runs),
        )
    median = {
        name: statistics.median(run.load.per_second for run in runs[name]) for name in targets
    }
    speedups = ", ".join(
        f"{page} {median[warm_name(page)] / median[cold_name(page)]:.1f}×" for page in CACHED_PAGES
    )
    section.notes += [
        f"SOchef caches: warm, the pages serve this many times the requests of the cold ones: "
        f"{speedups}. "
        "Warm = SOchef's caches as the example site installs them: the response cache "
        "answers the week page, the index and the landing page whole, before Wagtail's "
        "routing; the search results are never cached (each query typed would be an entry), "
        "so they are measured once, cold. "
        "Off = SOCHEF_CACHE_TIMEOUT = 0: nothing of SOchef's is cached, the worst case (right "
        "after a change only the page cache misses; a past week's tweets stay cached).",
        f"Medians of {bench.rounds} rounds of {bench.duration} s per page, pages taken in turn; "
        "a ratio is the median of the per-round ratios (their range in brackets). The target "
        "is judged on the measured throughput ratio. "
        f"gunicorn: {WORKERS} processes × {THREADS} threads (gthread) per server; the cache "
        "is Django's default (LocMemCache, one per process), so SOchef's entries live 60 s "
        "(its default for a per-process cache): each process misses about once a minute, "
        "counted in.",
        "CPU ms per request: the user + system CPU time of gunicorn's workers and of the "
        "PostgreSQL backends of the benchmark's database during a run, divided by its requests "
        "(from /proc); the load generator is not counted. Requests per second suffer from "
        "whatever else the machine runs; this cost much less.",
        f"Load generator: {load.generator_name()}, on the same cores as gunicorn and "
        "PostgreSQL (see the load averages above).",
    ]
    return section


def spread(pairs):
    ratios = [run.load.per_second / base.load.per_second for run, base in pairs]
    return f"{min(ratios):.2f}–{max(ratios):.2f}"


def check_week_page(body, tweets):
    """The measured week page shows what it should, lest the benchmark measure an error page."""
    shown = body.count(b'<article class="sochef-tweet ')
    if shown != tweets:
        raise RuntimeError(f"the week page shows {shown} tweets instead of {tweets}")
