"""Throughput of the week page and the guest index against a plain Wagtail page, under load.

Two gunicorn servers run side by side on the same database: one with the tweet cache (as
installed), one without (every request renders the week's tweets). Each page is loaded in turn
for ``bench.duration`` seconds, ``bench.rounds`` times, so that a busy moment of the machine
touches every page alike; the ratio to the plain page is taken within each round.
"""

import statistics

from . import load
from .report import Section
from .server import THREADS, WORKERS, fetch, gunicorn

TITLE = "Throughput under load (gunicorn + PostgreSQL)"
TARGET = 0.8
WARM_UP = 20


def measure(bench):
    pages = bench.throughput_pages()
    week, index, plain = pages["week"], pages["index"], pages["plain"]
    with gunicorn() as cached, gunicorn(SOCHEF_BENCH_TWEET_CACHE="off") as uncached:
        targets = {
            "plain Wagtail page (BlogPage, the same 50 texts)": cached + plain.url,
            "week page, 50 tweets, tweet cache off (cold)": uncached + week.url,
            "week page, 50 tweets, tweet cache warm": cached + week.url,
            "guest index (first of several pages of 20 weeks)": cached + index.url,
        }
        check_week_page(fetch(uncached + week.url), len(pages["tweets"]))
        for url in targets.values():
            fetch(url, WARM_UP)  # Wagtail's caches, renditions, and the tweet cache when on
        runs = {name: [] for name in targets}
        for _ in range(bench.rounds):
            for name, url in targets.items():
                runs[name].append(load.run(url, bench.duration))

    plain_name = next(iter(targets))
    section = Section(
        TITLE,
        [
            "page",
            "requests/s",
            "p50 ms",
            "p99 ms",
            "ratio to plain page",
            f"target ≥ {TARGET}×",
            "errors",
        ],
    )
    for name, loads in runs.items():
        ratios = [
            run.per_second / base.per_second
            for run, base in zip(loads, runs[plain_name], strict=True)
        ]
        ratio = statistics.median(ratios)
        is_plain = name == plain_name
        section.add(
            name,
            f"{statistics.median(run.per_second for run in loads):.1f}",
            f"{statistics.median(run.p50_ms for run in loads):.1f}",
            f"{statistics.median(run.p99_ms for run in loads):.1f}",
            "1 (baseline)" if is_plain else f"{ratio:.2f}× ({spread(ratios)})",
            "–" if is_plain else ("pass" if ratio >= TARGET else "FAIL"),
            sum(run.errors for run in loads),
        )
    cold, warm = (
        statistics.median(run.per_second for run in runs[name]) for name in list(targets)[1:3]
    )
    section.notes += [
        f"Tweet cache: the warm week page serves {warm / cold:.1f}× the requests of the cold "
        "one (the rest of the page — guests, body, Wagtail's routing — is rendered on every "
        "request either way).",
        f"Medians of {bench.rounds} rounds of {bench.duration} s per page, pages taken in turn; "
        "the ratio is the median of the per-round ratios (range in brackets). "
        f"gunicorn: {WORKERS} processes × {THREADS} threads (gthread) per server; the cache "
        "is Django's default (LocMemCache, one per process).",
        f"Load generator: {load.generator_name()}. It shares the machine's cores with gunicorn "
        "and PostgreSQL (and, on the project's machines, with other jobs): compare the pages "
        "with each other rather than the absolute figures with other machines.",
    ]
    return section


def spread(values):
    return f"{min(values):.2f}–{max(values):.2f}"


def check_week_page(body, tweets):
    """The measured week page shows what it should, lest the benchmark measure an error page."""
    shown = body.count(b'<article class="sochef-tweet ')
    if shown != tweets:
        raise RuntimeError(f"the week page shows {shown} tweets instead of {tweets}")
