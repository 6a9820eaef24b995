"""The project's benchmarks: ``./run bench`` (``python -m benchmarks``) writes results.md.

One module per measurement, each with ``measure(bench) -> report.Section``: ``queries`` (SQL
queries per page at two sizes), ``throughput`` (gunicorn + PostgreSQL under wrk, against a plain
Wagtail page), ``page_weight`` (Chromium, against X's embed code) and ``import_bench`` (the
100,000-tweet import, also runnable alone). ``data`` builds the content they measure.
"""
