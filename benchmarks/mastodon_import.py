"""The import of a 100,000-post Mastodon archive: time against a floor, memory, re-import.

Part of ``./run bench`` (``--only import-mastodon`` runs it alone there), and runnable alone; on
PostgreSQL and SQLite, a table each::

    .venv/bin/python -m benchmarks.mastodon_import [--count N] [--rounds R] [--database URL]...

An archive of N public posts of the relay account skyddsombud@mastodon.social is generated
(``benchmarks.mastodon_archive``: mixed content, and the followers-only posts, direct messages
and boosts an import skips), each database made afresh and migrated with that relay account;
then, R times in turn, each database in each round (the machine's noise touches all alike),
in fresh processes so that each peak resident memory is its own, as the X archive's import
(``benchmarks.import_bench``) is measured:

- the floor: outbox.json read and ``json.loads`` whole, its public Create activities kept, and
  one ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) of the columns the import writes,
  straight from each Note (content left as HTML, tags as they are), in one transaction;
- ``sochef_import_archive`` of the archive, the same command again when every post is present,
  and the search indexing task the import queued (run in the process and timed).

Between the runs the rows written (and the media files) are deleted again.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from io import StringIO
from pathlib import Path

from .import_bench import (
    MAX_INDEX_RATIO,
    MAX_PEAK_MB,
    MAX_REIMPORT_RATIO,
    _database_url,
    _met,
    delete_tweets_after,
    floor_values,
    measured_step,
    peak_mb,
    reset_peak,
    write_floor,
)
from .import_bench import prepare_database as import_bench_prepare
from .mastodon_archive import HANDLE, write_mastodon_archive
from .report import Section

COUNT = 100_000
ROUNDS = 3
ROOT = Path(__file__).resolve().parent.parent
#: The bench's PostgreSQL database with this suffix is the one ``./run bench`` makes for this.
DATABASE_SUFFIX = "_mastodon"
PUBLIC = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})


def measure(bench):
    """The import on a PostgreSQL database of its own beside the benchmark's, and on a SQLite
    file made for it."""
    from django.db import connection

    postgres = _database_url(connection.settings_dict) + DATABASE_SUFFIX
    with tempfile.TemporaryDirectory(prefix="sochef-bench-sqlite-") as folder:
        databases = [postgres, f"sqlite:///{folder}/mastodon.sqlite3"]
        for database in databases:
            prepare_database(database)
        return measure_import(databases=databases)


def measure_import(count=COUNT, rounds=ROUNDS, databases=()):
    """Generate the archive, time its floor and its import ``rounds`` times on each of
    ``databases`` (URLs of databases prepared by ``prepare_database``), in child processes;
    return a table per database."""
    from .machine import load_average

    load_at_start = load_average()
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    runs = {database: [] for database in databases}
    with tempfile.TemporaryDirectory(prefix="sochef-bench-mastodon-") as folder:
        folder = Path(folder)
        started = time.perf_counter()
        archive = folder / "mastodon-archive.zip"
        stats = write_mastodon_archive(archive, count)
        generated = time.perf_counter() - started
        size_mb = archive.stat().st_size / 1024 / 1024
        media = folder / "media"
        for _number in range(rounds):
            for database in databases:
                run = {}
                for step in ("floor", "import"):
                    run.update(_child_step(step, archive, database, media))
                runs[database].append(run)
    measured = {
        "date": date,
        "load": (load_at_start, load_average()),
        "stats": stats,
        "size_mb": size_mb,
        "generated": generated,
    }
    return [section(runs[database], count, measured) for database in databases]


def prepare_database(url):
    """``import_bench.prepare_database`` for the Mastodon account of the archive."""
    return import_bench_prepare(url, "benchmarks.mastodon_import")


def child_prepare(url):
    from .database import recreate

    recreate(url)  # sets Django up
    from sochef_wagtail.accounts import RelayAccount
    from sochef_wagtail.choices import Platform, Side

    account = RelayAccount.objects.create(
        platform=Platform.MASTODON,
        handle=HANDLE,
        display_name="Skyddsombudet",
        side=Side.WORKER,
    )
    print(account.handle)


def _child_step(step, archive, database, media):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.mastodon_import", "--child", step, str(archive)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DATABASE_URL": database,
            "SOCHEF_BENCH_MEDIA_ROOT": str(media),
        },
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"the {step} step failed on {database}:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# The table ------------------------------------------------------------------------------------


def section(runs, count, measured):
    median = statistics.median

    def spread(figures, unit="×"):
        return f"{median(figures):.2f}{unit} ({min(figures):.2f}–{max(figures):.2f})"

    def seconds(name):
        figures = [run[name]["seconds"] for run in runs]
        return f"{median(figures):.1f} ({min(figures):.1f}–{max(figures):.1f})"

    def peak(name):
        return max(run[name]["peak_mb"] for run in runs)

    def ratios(name, against):
        return [run[name]["seconds"] / run[against]["seconds"] for run in runs]

    def written(name):
        figures = {run[name]["written"] for run in runs}
        return "/".join(str(figure) for figure in sorted(figures))

    sqlite = runs[0]["vendor"] == "sqlite"
    result = Section(
        f"Import of a {count:,}-post Mastodon archive on {'SQLite' if sqlite else 'PostgreSQL'}",
        ["run", "posts written", "seconds", "peak RSS", "ratio", "target", "met"],
    )
    result.add(
        f"floor: json.loads of outbox.json + one {'executemany' if sqlite else 'COPY'} of the "
        "same columns",
        written("floor"),
        seconds("floor"),
        f"{peak('floor'):.0f} MB",
        "1",
        "–",
        "–",
    )
    result.add(
        "sochef_import_archive",
        written("import"),
        seconds("import"),
        f"{peak('import'):.0f} MB",
        f"{spread(ratios('import', 'floor'))} floor",
        f"≤ {MAX_PEAK_MB} MB, {count:,} written",
        _met(peak("import") <= MAX_PEAK_MB and all(r["import"]["written"] == count for r in runs)),
    )
    reimport_ratios = ratios("reimport", "import")
    result.add(
        "sochef_import_archive again (all present)",
        written("reimport"),
        seconds("reimport"),
        f"{peak('reimport'):.0f} MB",
        f"{spread(reimport_ratios)} first import",
        f"≤ {MAX_REIMPORT_RATIO}×, 0 written",
        _met(
            median(reimport_ratios) <= MAX_REIMPORT_RATIO
            and all(run["reimport"]["written"] == 0 for run in runs)
        ),
    )
    index_ratios = ratios("index", "import")
    result.add(
        "the search indexing task of the import",
        written("index"),
        seconds("index"),
        f"{peak('index'):.0f} MB",
        f"{spread(index_ratios)} first import",
        f"≤ {MAX_INDEX_RATIO}× (as for X)",
        _met(median(index_ratios) <= MAX_INDEX_RATIO),
    )
    stats = measured["stats"]

    def share(kind):
        return f"{100 * stats.kinds.get(kind, 0) / stats.public:.1f} %"

    load_start, load_end = measured["load"]
    result.notes += [
        f"The archive (benchmarks/mastodon_archive.py, generated in {measured['generated']:.0f} "
        f"s): {stats.activities:,} activities of {HANDLE} in outbox.json "
        f"({stats.outbox_bytes / 1024 / 1024:.0f} MB; {measured['size_mb']:.1f} MB zipped with "
        f"actor.json and the media files): {stats.public:,} public posts ({stats.unlisted:,} "
        f"of them unlisted), Swedish and English (15 %) HTML paragraphs, {share('link')} with "
        f"a link, {share('mention')} mentions (local and remote accounts), {share('hashtag')} "
        f"hashtags, {share('thread_reply')} replies in the account's own threads and "
        f"{share('reply_to_other')} to others, {share('content_warning')} content warnings, "
        f"{share('edited')} edited, {stats.kinds.get('poll', 0)} polls, "
        f"{stats.kinds.get('picture', 0)} with a picture ({stats.media_files} small PNG files); "
        f"and {sum(stats.skipped.values()):,} activities an import skips: "
        f"{stats.skipped['private']:,} followers-only posts, {stats.skipped['direct']:,} direct "
        f"messages, {stats.skipped['boost']:,} boosts. Database: {runs[0]['database']}, made "
        "afresh and migrated for this section.",
        f"{len(runs)} rounds, each the floor then an import, a re-import and the indexing task, "
        "every one in a fresh process; seconds are the median of the rounds (their range in "
        "brackets), a ratio is the median of the per-round ratios (range in brackets), the "
        "target is judged on it. Between runs the rows written are deleted again, so each one "
        "starts on the same empty table.",
        "The floor (chosen as X's: the least any import of this archive does) reads "
        "outbox.json whole and parses it with one json.loads, keeps the Create activities "
        "addressed to everyone, and inserts each Note's id, published time, content (HTML as "
        "it is), tags, reply, language, counts and warning in one transaction. The import reads "
        "outbox.json as a stream, activity by activity, turns each post's HTML into plain text "
        "and entities (links, mentions, hashtags), stores the posts in one transaction and "
        "queues their search indexing (timed here in the process). No target is set on the "
        "ratio to the floor for Mastodon.",
        f"The import's summary (first round): {runs[0]['import']['summary']}",
        "Peak RSS: the measured process's high-water mark (VmHWM, reset before each run), the "
        "highest of the rounds. Before the first import the process (Python, Django, Wagtail "
        f"and the site set up) held {max(run['import']['start_mb'] for run in runs):.0f} MB; "
        "the modules the import loads (the readers of every kind of archive and their "
        "libraries) count in its peak, as in the X tables.",
        f"Measured {measured['date']}; load average (1, 5, 15 min) at the start of this "
        f"section {load_start}, at its end {load_end} ({os.cpu_count()} cores).",
    ]
    return result


# The child process ---------------------------------------------------------------------------


def timed_import(path, account):
    """``sochef_import_archive`` of ``path``: its time, peak memory, rows written and summary."""
    from django.core.management import call_command
    from django.utils import translation

    from sochef_wagtail.archive.models import Tweet

    before = Tweet.objects.filter(account=account).count()
    output = StringIO()
    at_start = resident_mb()
    reset_peak()
    started = time.perf_counter()
    with translation.override("en"):  # the summary, quoted in results.md
        call_command("sochef_import_archive", str(path), stdout=output)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mb": peak_mb(),
        "start_mb": at_start,
        "written": Tweet.objects.filter(account=account).count() - before,
        "summary": output.getvalue().strip().splitlines()[-1],
    }


def resident_mb():
    """The process's resident memory now (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _published(value):
    """Mastodon's ``2024-11-18T08:00:00Z``."""
    return datetime.datetime.fromisoformat(value)


def _audience(note):
    return {*note["to"], *note["cc"]}


#: The columns the floor writes, from the Note as Mastodon wrote it (the rest: their defaults).
_FLOOR_FIELDS = {
    "tweet_id": lambda note: note["id"],
    "created_at": lambda note: _published(note["published"]),
    "text": lambda note: note["content"],
    "entities": lambda note: json.dumps(note["tag"]),
    "in_reply_to_tweet_id": lambda note: note["inReplyTo"] or "",
    "lang": lambda note: next(iter(note["contentMap"])),
    "like_count": lambda note: note["likes"]["totalItems"],
    "retweet_count": lambda note: note["shares"]["totalItems"],
    "possibly_sensitive": lambda note: note["sensitive"],
    "content_warning": lambda note: note["summary"] or "",
}


def timed_floor(path, account):
    """json.loads of outbox.json and one executemany / COPY of the public posts' columns."""
    fields, values = floor_values(account, _FLOOR_FIELDS)
    reset_peak()
    started = time.perf_counter()
    with zipfile.ZipFile(path) as archive:
        outbox = json.loads(archive.read("outbox.json"))
    rows = [
        tuple([value(activity["object"]) for value in values])
        for activity in outbox["orderedItems"]
        if activity["type"] == "Create" and _audience(activity["object"]) & PUBLIC
    ]
    write_floor(fields, rows)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "written": len(rows)}


def delete_posts_after(last_pk):
    """``import_bench.delete_tweets_after``, the media rows of those posts and their files
    first."""
    from sochef_wagtail.archive.models import TweetMedia

    media = TweetMedia.objects.filter(tweet_id__gt=last_pk)
    for media_file in media.exclude(file="").values_list("file", flat=True):
        TweetMedia._meta.get_field("file").storage.delete(media_file)
    media.delete()
    delete_tweets_after(last_pk)


def child(step, path):
    """Run one ``step`` of the measurement and print its figures as JSON."""
    import django

    django.setup()
    measured_step(step, path, HANDLE, timed_floor, timed_import, delete_posts_after)


# Alone: python -m benchmarks.mastodon_import --------------------------------------------------


def main(argv=None):
    from .database import DEFAULT_DATABASE

    default_postgres = (
        os.environ.get("SOCHEF_BENCH_DATABASE_URL", DEFAULT_DATABASE) + DATABASE_SUFFIX
    )
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.mastodon_import", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--count", type=int, default=COUNT, help="public posts (%(default)s)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds (%(default)s)")
    parser.add_argument(
        "--database",
        action="append",
        help="a PostgreSQL URL (the database is dropped and created again) or sqlite:///PATH; "
        f"repeat it for several (default: {default_postgres} and a SQLite file in a temporary "
        "directory)",
    )
    parser.add_argument("--child", nargs=2, metavar=("STEP", "ARCHIVE"), help=argparse.SUPPRESS)
    parser.add_argument("--child-prepare", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    if args.child_prepare:
        child_prepare(args.child_prepare)
        return
    from .report import as_text

    with tempfile.TemporaryDirectory(prefix="sochef-bench-sqlite-") as folder:
        # The children's media root (benchmarks.settings makes one per process otherwise).
        os.environ.setdefault("SOCHEF_BENCH_MEDIA_ROOT", f"{folder}/media")
        databases = args.database or [default_postgres, f"sqlite:///{folder}/mastodon.sqlite3"]
        for database in databases:
            prepare_database(database)
        tables = measure_import(args.count, args.rounds, databases=databases)
    print("\n".join(as_text(table) for table in tables))


if __name__ == "__main__":
    main()
