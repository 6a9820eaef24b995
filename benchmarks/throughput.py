"""Throughput of the week page and the guest index against a plain Wagtail page, under load.

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
TARGET = 0.8
WARM_UP = 20


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


def measure(bench):
    pages = bench.throughput_pages()
    week, index, plain = pages["week"], pages["index"], pages["plain"]
    with gunicorn() as cached, gunicorn(SOCHEF_BENCH_CACHES="off") as uncached:
        targets = {
            "plain Wagtail page (BlogPage, the same 50 texts)": (cached, plain.url),
            "week page, 50 tweets, SOchef caches off (cold)": (uncached, week.url),
            "week page, 50 tweets, SOchef caches warm": (cached, week.url),
            "guest index (first of several pages of 20 weeks), SOchef caches off": (
                uncached,
                index.url,
            ),
            "guest index (first of several pages of 20 weeks), SOchef caches warm": (
                cached,
                index.url,
            ),
        }
        check_week_page(fetch(uncached.url + week.url), len(pages["tweets"]))
        check_week_page(fetch(cached.url + week.url), len(pages["tweets"]))
        for server, path in targets.values():
            fetch(server.url + path, WARM_UP)  # Wagtail's caches, renditions, SOchef's caches
        runs = {name: [] for name in targets}
        for _ in range(bench.rounds):
            for name, (server, path) in targets.items():
                runs[name].append(measured_run(server, server.url + path, bench.duration))

    plain_name = next(iter(targets))
    section = Section(
        TITLE,
        [
            "page",
            "requests/s",
            "p50 ms",
            "p99 ms",
            "throughput ratio to plain page",
            f"target ≥ {TARGET}×",
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
        section.add(
            name,
            f"{statistics.median(run.load.per_second for run in page_runs):.1f}",
            f"{statistics.median(run.load.p50_ms for run in page_runs):.1f}",
            f"{statistics.median(run.load.p99_ms for run in page_runs):.1f}",
            "1" if is_plain else f"{ratio:.2f}× ({spread(pairs)})",
            "–" if is_plain else ("pass" if ratio >= TARGET else "FAIL"),
            f"{statistics.median(run.cpu_ms_per_request for run in page_runs):.1f}",
            "1" if is_plain else f"{cost_ratio:.2f}×",
            sum(run.load.errors for run in page_runs),
        )
    names = list(targets)
    median = {name: statistics.median(run.load.per_second for run in runs[name]) for name in names}
    section.notes += [
        f"SOchef caches: warm, the week page serves {median[names[2]] / median[names[1]]:.1f}× "
        f"the requests of the cold one and the index {median[names[4]] / median[names[3]]:.1f}×. "
        "Warm = the SOchef content of the page (everything inside the host's base template) "
        "comes from the page cache; only Wagtail's routing and the host's base template run. "
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
