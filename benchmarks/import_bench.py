"""The import of a 100,000-tweet archive: time against the floor and the peers, memory, re-import.

Part of ``./run bench``, and runnable alone; on PostgreSQL and SQLite, a table each::

    .venv/bin/python -m benchmarks.import_bench [--count N] [--rounds R] [--database URL]...
        [--no-peers] [--ditto-count N] [--million]

An archive of N tweets is generated (``tests.archives``) in the layout X wrote from 2019 to mid
2022 (``data/tweet.js``), the one both peers read; then fresh processes, so that each peak
resident memory is its own, time in one run, R times in turn, each database in each round (the
machine's noise touches all alike):

- the floor: the archive's tweet members read, ``json.loads`` of each and one ``executemany``
  (SQLite) or ``COPY`` (PostgreSQL, psycopg's ``cursor.copy``) of the columns the import
  writes, straight from the JSON, in one transaction: what storing the tweets costs without
  checking, normalising, deduplicating and the media; its rows are deleted again;
- ``sochef_import_archive`` of the archive into the emptied table, the same command again when
  every tweet is present, and the search indexing task and the task storing the tweets' HTML
  the import queued (each run in the process and timed); its rows and index entries are
  deleted again.

In each round too, on the same archive, the peers, each in a virtualenv of its own under
``benchmarks/.venvs/`` (created on the first run, reused): ``twitter-to-sqlite import`` (it
writes SQLite only: in the SQLite table), and django-ditto's ``import_twitter_tweets`` into a
database of the same kind (its own project: ``benchmarks/ditto_settings.py``), which stores
tweet by tweet and so runs on the first ``--ditto-count`` tweets, its time scaled to N. Both
are also tried once on a small archive in the current layout (``data/tweets.js``).
``--million`` adds an import of 1,000,000 tweets on each database (one round; about 10
minutes here with the archive's generation).
"""

import argparse
import datetime
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from .report import Section

COUNT = 100_000
MILLION = 1_000_000
ROOT = Path(__file__).resolve().parent.parent
VENVS = Path(__file__).resolve().parent / ".venvs"
#: The targets of the issue.
MAX_FLOOR_RATIO, MAX_PEAK_MB, MAX_REIMPORT_RATIO, MAX_INDEX_RATIO = 1.5, 200, 0.2, 1.0
MAX_MILLION_PEAK_RATIO = 1.2
#: Floor and import are timed in turn this many times: the machine's noise touches both.
ROUNDS = 3
#: django-ditto saves tweet by tweet (~20 ms each): it imports this many, its time is scaled.
DITTO_COUNT = 1_000
#: The peers' packages, each installed into a virtualenv of its own.
PEERS = {
    "twitter-to-sqlite": ["twitter-to-sqlite"],
    "django-ditto": ["django-ditto", "psycopg[binary]"],
}
LAYOUT = "2019"
#: Of the current layout, to show which layouts the peers read.
CURRENT_LAYOUT_COUNT = 1_000


def measure(bench):
    """The import on the benchmark's PostgreSQL database and on a SQLite file made for it."""
    from django.db import connection

    with tempfile.TemporaryDirectory(prefix="sochef-bench-sqlite-") as folder:
        sqlite = f"sqlite:///{folder}/import.sqlite3"
        prepare_database(sqlite)
        return measure_import(
            bench.site.accounts[1].handle,  # the worker side's archive
            databases=[_database_url(connection.settings_dict), sqlite],
        )


def measure_import(
    handle, count=COUNT, rounds=ROUNDS, databases=(), peers=True, ditto_count=DITTO_COUNT,
    million=False,
):  # fmt: skip
    """Generate an archive of ``handle``, time its import against the floor ``rounds`` times
    on each of ``databases`` (URLs of databases with the account, migrated), and the peers in
    each round, in child processes; return a table per database."""
    from tests.archives import write_large_archive

    runs = {database: [] for database in databases}
    peer_rounds = {database: [] for database in databases}
    big = {}
    with tempfile.TemporaryDirectory(prefix="sochef-bench-archive-") as folder:
        folder = Path(folder)
        archive = write_large_archive(
            folder / "archive.zip", count, handle=handle, parts=1, layout=LAYOUT
        )
        size_mb = archive.stat().st_size / 1024 / 1024
        if peers:
            peer_archives = _peer_archives(folder, archive, handle, count, ditto_count)
        for number in range(rounds):
            # In the same round: the machine's noise touches the peers and both databases alike.
            for index, database in enumerate(databases):
                run = {}
                for step in ("floor", "import"):
                    run.update(_child_step(step, archive, handle, database))
                runs[database].append(run)
                if peers:
                    peer_rounds[database].append(
                        measure_peers(
                            folder / f"round-{number}-{index}",
                            peer_archives,
                            count,
                            database,
                            layouts=number == 0,
                        )
                    )
        if million:
            big_archive = write_large_archive(
                folder / "million.zip", MILLION, handle=handle, parts=1, layout=LAYOUT
            )
            for database in databases:
                big[database] = _child_step("import", big_archive, handle, database)
    return [
        section(runs[database], peer_rounds[database], big.get(database), count, size_mb)
        for database in databases
    ]


def prepare_database(url, module="benchmarks.import_bench"):
    """Make the database ``url`` afresh (dropped and created, or a new SQLite file), migrate
    it and add the relay accounts, in a child process (Django is set up for one database) of
    ``module``'s ``--child-prepare``; returns the handle of the account whose archive is
    imported."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--child-prepare", url],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"preparing {url} failed:\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def child_prepare(url):
    from .database import recreate

    recreate(url)  # sets Django up
    from tests.factories import make_accounts

    _employer, worker = make_accounts()
    print(worker.handle)


def _child_step(step, archive, handle, database):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.import_bench", "--child", step, str(archive)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DATABASE_URL": database,
            "SOCHEF_BENCH_HANDLE": handle,
        },
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"the {step} step failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def section(runs, peer_rounds, big, count, size_mb):
    median = statistics.median

    def spread(figures):
        return f"{median(figures):.2f}× ({min(figures):.2f}–{max(figures):.2f})"

    def seconds(name):
        return median(run[name]["seconds"] for run in runs)

    def peak(name):
        return max(run[name]["peak_mb"] for run in runs)

    def ratios(name, against):
        return [run[name]["seconds"] / run[against]["seconds"] for run in runs]

    sqlite = runs[0]["vendor"] == "sqlite"
    result = Section(
        f"Import of a {count:,}-tweet archive on {'SQLite' if sqlite else 'PostgreSQL'}",
        ["run", "tweets written", "seconds", "peak RSS", "ratio", "target", "met"],
    )
    result.add(
        f"floor: json.loads + one {'executemany' if sqlite else 'COPY'} of the same columns",
        runs[0]["floor"]["written"],
        f"{seconds('floor'):.1f}",
        f"{peak('floor'):.0f} MB",
        "1",
        "–",
        "–",
    )
    import_ratios = ratios("import", "floor")
    peer_ratios = {
        name: [
            peers[name]["seconds"] / run["import"]["seconds"]
            for run, peers in zip(runs, peer_rounds, strict=True)
            if peers[name].get("written")
        ]
        for name in (peer_rounds[0] if peer_rounds else {})
    }
    faster = all(median(figures) > 1 for figures in peer_ratios.values() if figures)
    result.add(
        "sochef_import_archive",
        runs[0]["import"]["written"],
        f"{seconds('import'):.1f}",
        f"{peak('import'):.0f} MB",
        f"{spread(import_ratios)} floor",
        f"≤ {MAX_FLOOR_RATIO}× floor, < the peers, ≤ {MAX_PEAK_MB} MB",
        _met(median(import_ratios) <= MAX_FLOOR_RATIO and faster and peak("import") <= MAX_PEAK_MB),
    )
    reimport_ratios = ratios("reimport", "import")
    result.add(
        "sochef_import_archive again (all present)",
        runs[0]["reimport"]["written"],
        f"{seconds('reimport'):.1f}",
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
        runs[0]["index"]["written"],
        f"{seconds('index'):.1f}",
        f"{peak('index'):.0f} MB",
        f"{spread(index_ratios)} first import",
        f"≤ {MAX_INDEX_RATIO}×",
        _met(median(index_ratios) <= MAX_INDEX_RATIO),
    )
    render_ratios = ratios("render", "import")
    result.add(
        "the task storing the tweets' HTML after the import",
        runs[0]["render"]["written"],
        f"{seconds('render'):.1f}",
        f"{peak('render'):.0f} MB",
        f"{spread(render_ratios)} first import",
        "–",
        "–",
    )
    for name, figures in peer_ratios.items():
        result.add(*_peer_row(name, [peers[name] for peers in peer_rounds], figures, spread))
    if big:
        big_ratio = big["import"]["peak_mb"] / peak("import")
        result.add(
            f"sochef_import_archive of {MILLION:,} tweets",
            big["import"]["written"],
            f"{big['import']['seconds']:.1f}",
            f"{big['import']['peak_mb']:.0f} MB",
            f"{big_ratio:.2f}× the peak of {count:,}",
            f"≤ {MAX_MILLION_PEAK_RATIO}×",
            _met(big_ratio <= MAX_MILLION_PEAK_RATIO),
        )
    result.notes += [
        f"The archive: {count:,} tweets in the layout of 2019 to mid 2022 (data/tweet.js in one "
        f"member, tests/archives.py), {size_mb:.1f} MB zipped; each tweet has a link, a mention "
        f"and a hashtag. Database: {runs[0]['database']}.",
        f"{len(runs)} rounds, each the floor then an import, a re-import and the indexing task, "
        "every one in a fresh process; seconds are medians, a ratio is the median of the "
        "per-round ratios (their range in brackets), the target is judged on it. Between runs "
        "the rows written are deleted again, so each one starts on the same table. The peers "
        "ran in each round, after the import, into databases of their own of the same kind"
        + (
            "."
            if sqlite
            else " (twitter-to-sqlite writes SQLite only: it is compared in the SQLite table)."
        ),
        "The import reads the archive batch by batch, normalises the tweets not stored yet "
        "(entities placed in the unescaped text, long posts, edits, media) while a writer "
        "thread stores the batch before, all in one transaction, and queues their search "
        "indexing and the storing of their HTML (what a cold page shows of them) as django-q2 "
        "tasks, timed here in the process. The floor parses and inserts "
        "the raw values (text left escaped, entities as X wrote them).",
        "Peak RSS: the measured process's high-water mark (VmHWM, reset before each run; for "
        "the peers their process's maximum resident set); the highest of the rounds.",
    ]
    if peer_rounds:
        result.notes += [peer["note"] for peer in peer_rounds[0].values() if peer.get("note")]
    return result


def _peer_row(name, runs, ratios, spread):
    """The row of a peer: its ``runs`` of the rounds, ``ratios`` to the import of each."""
    if not ratios:
        return name, 0, "–", "–", "–", "–", runs[0].get("error", "could not import")
    scaled = " (scaled)" if runs[0].get("scaled") else ""
    seconds = statistics.median(run["seconds"] for run in runs if run.get("written"))
    return (
        name,
        runs[0]["written"],
        f"{seconds:.1f}{scaled}",
        f"{max(run['peak_mb'] for run in runs):.0f} MB",
        f"{spread(ratios)} sochef_import_archive",
        "slower than sochef_import_archive",
        _met(statistics.median(ratios) > 1),
    )


def _met(ok):
    return "yes" if ok else "NO"


# The peers ------------------------------------------------------------------------------------


def peer_python(name):
    """The Python of the peer's own virtualenv, made and installed on the first use."""
    venv = VENVS / name
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *PEERS[name]],
            check=True,
            capture_output=True,
        )
        marker.write_text(" ".join(PEERS[name]) + "\n")
    return python


def _peer_archives(folder, archive, handle, count, ditto_count):
    """What the peers import: ``archive``, django-ditto's first ``ditto_count`` tweets of it,
    and (to see which layout each reads) a small archive of the current layout."""
    from tests.archives import write_large_archive

    sample = archive
    if ditto_count < count:
        sample = write_large_archive(
            folder / "ditto.zip", ditto_count, handle=handle, parts=1, layout=LAYOUT
        )
    current = write_large_archive(
        folder / "current.zip", CURRENT_LAYOUT_COUNT, handle=handle, parts=1
    )
    return {"archive": archive, "ditto": sample, "ditto_count": ditto_count, "current": current}


def measure_peers(folder, archives, count, database, layouts):
    """The peers that write to ``database``'s kind on the archive, in ``folder``; with
    ``layouts`` also on the small archive of the current layout."""
    folder.mkdir()
    runs, ditto_count = {}, archives["ditto_count"]
    if database.startswith("sqlite:"):  # it writes SQLite only
        t2s = runs["twitter-to-sqlite import"] = run_twitter_to_sqlite(
            folder / "t2s", archives["archive"]
        )
        if layouts:
            t2s["note"] = _layout_note(
                "twitter-to-sqlite",
                run_twitter_to_sqlite(folder / "t2s-current", archives["current"]),
                "it imports only a member named tweet.js",
            )
    ditto = run_ditto(folder / "ditto", archives["ditto"], database)
    if ditto.get("written") and ditto_count < count:
        ditto.update(seconds=ditto["seconds"] * count / ditto_count, scaled=True)
    runs["django-ditto import_twitter_tweets"] = ditto
    if layouts:
        ditto["note"] = _layout_note(
            "django-ditto",
            run_ditto(folder / "ditto-current", archives["current"], database),
            "it reads data/tweet.js and nothing else",
        ) + (
            f" It saves tweet by tweet: it imported the first {ditto_count:,} tweets of the "
            f"same generator and its time is scaled to {count:,} (`--ditto-count {count}` runs "
            "them all)."
            if ditto_count < count
            else ""
        )
    return runs


def _layout_note(name, on_current, why):
    return (
        f"{name} on an archive of the current layout (data/tweets.js): "
        f"{on_current.get('written', 0):,} of {CURRENT_LAYOUT_COUNT:,} tweets imported "
        f"({on_current.get('error') or 'no error'}): {why}, the name X used from 2019 to "
        "mid 2022; it reads the archive of that layout."
    )


def run_twitter_to_sqlite(folder, archive):
    folder.mkdir()
    program = peer_python("twitter-to-sqlite").parent / "twitter-to-sqlite"
    output = folder / "twitter.db"
    run = _timed_process([str(program), "import", str(output), str(archive)], {})
    if output.exists():
        with sqlite3.connect(output) as db:
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
            if "archive_tweet" in tables:
                run["written"] = db.execute("SELECT count(*) FROM archive_tweet").fetchone()[0]
    if not run.get("written"):
        run["error"] = run.get("error") or run["output"].strip().splitlines()[0]
    return run


def run_ditto(folder, archive, database):
    """django-ditto's import of ``archive`` unpacked (it reads a folder), into a database of
    its own beside the benchmark's."""
    python = peer_python("django-ditto")
    media = folder / "media"
    (folder / "archive").mkdir(parents=True)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(folder / "archive")
    env = {
        "DJANGO_SETTINGS_MODULE": "benchmarks.ditto_settings",
        "PYTHONPATH": str(ROOT),
        "SOCHEF_BENCH_DITTO_MEDIA": str(media),
        "SOCHEF_BENCH_DITTO_DB": _ditto_database(folder, database),
    }
    # ditto downloads the account's avatar before each tweet unless it has it (this machine
    # reaches no other host): the file it wants, where it looks.
    setup = (
        "import django, pathlib, sys; django.setup()\n"
        "from django.core.management import call_command\n"
        "from ditto.twitter.models import User\n"
        "call_command('migrate', verbosity=0)\n"
        "path = pathlib.Path(sys.argv[1]) / User(twitter_id=42).avatar_upload_path('avatar.png')\n"
        "path.parent.mkdir(parents=True, exist_ok=True); path.write_bytes(b'')\n"
    )
    subprocess.run(
        [str(python), "-c", setup, str(media)],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    run = _timed_process(
        [str(python), "-m", "django", "import_twitter_tweets", "--path", str(folder / "archive")],
        env,
    )
    count = (
        "import django; django.setup()\n"
        "from ditto.twitter.models import Tweet; print(Tweet.objects.count())"
    )
    counted = subprocess.run(
        [str(python), "-c", count], cwd=ROOT, env={**os.environ, **env}, capture_output=True
    )
    run["written"] = int(counted.stdout.strip() or 0)
    _drop_ditto_database(env["SOCHEF_BENCH_DITTO_DB"])
    if not run["written"]:
        lines = [line for line in run["output"].strip().splitlines() if line.strip()]
        run["error"] = lines[-1] if lines else "nothing imported"
    return run


def _ditto_database(folder, database):
    if database.startswith(("postgres://", "postgresql://")):
        import psycopg
        from psycopg import sql

        url = database.rsplit("/", 1)[0]
        name = f"{database.rsplit('/', 1)[1]}_ditto_{folder.name.replace('-', '_')}"
        with psycopg.connect(f"{url}/postgres", autocommit=True) as maintenance:
            maintenance.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return f"{url}/{name}"
    return str(folder / "ditto.sqlite3")


def _drop_ditto_database(url):
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg
        from psycopg import sql

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as maintenance:
            maintenance.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _timed_process(command, env):
    """Run ``command`` in a child that reports its time and the command's peak memory."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.import_bench", "--child-process", json.dumps(command)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"timing {command[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_process(command):
    """Time ``command``; its peak RSS is the only child's maximum resident set."""
    import resource

    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    output = done.stdout + done.stderr
    run = {"seconds": seconds, "peak_mb": peak, "output": output[-2000:]}
    if done.returncode:
        run["error"] = (
            f"exit status {done.returncode}: " + (output.strip().splitlines() or [""])[-1][:200]
        )
    print(json.dumps(run))


# The child process ---------------------------------------------------------------------------


def peak_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak():
    Path("/proc/self/clear_refs").write_text("5")


def timed_command(path, account):
    from django.core.management import call_command

    from sochef_wagtail.archive.models import Tweet

    before = Tweet.objects.filter(account=account).count()
    reset_peak()
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("sochef_import_archive", str(path), stdout=quiet)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mb": peak_mb(),
        "written": Tweet.objects.filter(account=account).count() - before,
    }


def timed_tasks(queued, task):
    """Run the tasks ``task`` the import queued (of ``queued``), as the q cluster would."""
    from django.utils.module_loading import import_string

    mine = [args for func, args in queued if func == task]
    reset_peak()
    started = time.perf_counter()
    for args in mine:
        import_string(task)(*args)
    done = sum(last - first + 1 for (ranges,) in mine for first, last in ranges)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "written": done}


#: The columns the floor writes, from the JSON as X wrote it (the rest: their defaults).
_FLOOR_FIELDS = {
    "tweet_id": lambda tweet: tweet["id_str"],
    "created_at": lambda tweet: _created_at(tweet["created_at"]),
    "text": lambda tweet: tweet["full_text"],
    "entities": lambda tweet: json.dumps(tweet["entities"]),
    "in_reply_to_tweet_id": lambda tweet: tweet.get("in_reply_to_status_id_str", ""),
    "in_reply_to_handle": lambda tweet: tweet.get("in_reply_to_screen_name", ""),
    "in_reply_to_user_id": lambda tweet: tweet.get("in_reply_to_user_id_str", ""),
    "lang": lambda tweet: tweet["lang"],
    "like_count": lambda tweet: int(tweet["favorite_count"]),
    "retweet_count": lambda tweet: int(tweet["retweet_count"]),
    "client": lambda tweet: tweet["source"],
}
_MONTHS = {m: n for n, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def _created_at(value):
    """``Wed Oct 10 20:19:24 +0000 2018``, always UTC in X's archives."""
    _day, month, day, clock, _offset, year = value.split()
    hour, minute, second = clock.split(":")
    return datetime.datetime(
        int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second),
        tzinfo=datetime.UTC,
    )  # fmt: skip


def floor_values(account, floor_fields):
    """The tweet table's columns and, per column, how the floor reads its value from one post
    of the archive (``floor_fields``; the rest: the account's constants and the defaults)."""
    from django.db import connection
    from django.utils import timezone

    from sochef_wagtail.archive.models import Tweet, TweetSource

    fields = [field for field in Tweet._meta.concrete_fields if not field.primary_key]
    constants = {
        "account": account.pk,
        "source": TweetSource.ARCHIVE.value,
        "imported_at": timezone.now(),
    }
    values = []
    for field in fields:
        if field.name in floor_fields:
            values.append(floor_fields[field.name])
        else:
            value = constants.get(field.name, field.get_default())
            values.append(lambda post, value=value: value)
    if connection.vendor == "sqlite":  # Django's SQLite backend stores datetimes as naive UTC
        values = [
            (lambda post, v=v: str(v(post).replace(tzinfo=None)))
            if field.get_internal_type() == "DateTimeField"
            else v
            for field, v in zip(fields, values, strict=True)
        ]
    return fields, values


def write_floor(fields, rows):
    """One executemany (SQLite) or COPY (PostgreSQL) of ``rows`` in one transaction."""
    from django.db import connection, transaction

    from sochef_wagtail.archive.models import Tweet

    table = Tweet._meta.db_table
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["?"] * len(fields))
            cursor.cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        else:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


def timed_floor(path, account):
    """json.loads of the archive's tweet members and one executemany / COPY of the columns."""
    fields, values = floor_values(account, _FLOOR_FIELDS)
    reset_peak()
    started = time.perf_counter()
    rows = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("data/tweet") and name.endswith(".js"):
                content = archive.read(name)
                for item in json.loads(content[content.index(b"=") + 1 :]):
                    tweet = item["tweet"]
                    rows.append(tuple([value(tweet) for value in values]))
    write_floor(fields, rows)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "written": len(rows)}


def delete_tweets_after(last_pk):
    """Delete the tweets stored after ``last_pk``, their search index entries and the archive
    members recorded with raw DELETEs (no signal per row, so the members are deleted here), and
    let PostgreSQL reclaim the space so that the next run starts on tables as empty as the
    first one's."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.search.models import IndexEntry

    from sochef_wagtail.archive.models import ImportedMember, Tweet

    index = IndexEntry._meta.db_table
    content_type = ContentType.objects.get_for_model(Tweet).pk
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Tweet._meta.db_table} WHERE id > %s", [last_pk])
        cursor.execute(f"DELETE FROM {ImportedMember._meta.db_table}")
        cursor.execute(
            f"DELETE FROM {index} WHERE content_type_id = %s AND CAST(object_id AS BIGINT) > %s",
            [content_type, last_pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {Tweet._meta.db_table}")
            cursor.execute(f"VACUUM ANALYZE {index}")


def child(step, path):
    """Run one ``step`` of the measurement and print its figures as JSON."""
    import django

    django.setup()
    measured_step(
        step,
        path,
        os.environ["SOCHEF_BENCH_HANDLE"],
        timed_floor,
        timed_command,
        delete_tweets_after,
    )


def measured_step(step, path, handle, floor, import_once, delete_after):
    """In a child process with Django set up: the floor, or an import, a re-import and the
    indexing task they queued, of ``path`` into the account ``handle``; printed as JSON, and
    the rows written deleted again by ``delete_after(last primary key before)``."""
    from django.db import connection
    from django.db.models import Max

    from sochef_wagtail.accounts import RelayAccount
    from sochef_wagtail.archive import store
    from sochef_wagtail.archive.models import Tweet

    account = RelayAccount.objects.get(handle=handle)
    last_pk = Tweet.objects.aggregate(last=Max("pk"))["last"] or 0
    if step == "floor":
        runs = {"floor": floor(path, account)}
    else:
        queued = []
        store.async_task = lambda func, *args: queued.append((func, args))
        runs = {"import": import_once(path, account)}
        runs["reimport"] = import_once(path, account)
        runs["index"] = timed_tasks(queued, store.INDEX_TASK)
        runs["render"] = timed_tasks(queued, store.RENDER_TASK)
        runs["database"] = f"{connection.vendor} ({connection.settings_dict['NAME']})"
    runs["vendor"] = connection.vendor
    delete_after(last_pk)
    print(json.dumps(runs))


# Alone: python -m benchmarks.import_bench -----------------------------------------------------


def _database_url(settings):
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    return f"postgres://{settings['USER']}@{host}/{settings['NAME']}"


def main(argv=None):
    from .database import DEFAULT_DATABASE

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.import_bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--count", type=int, default=COUNT, help="tweets (%(default)s)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds (%(default)s)")
    parser.add_argument(
        "--database",
        action="append",
        help="a PostgreSQL URL (the database is dropped and created again) or sqlite:///PATH; "
        "repeat it for several (default: $SOCHEF_BENCH_DATABASE_URL or "
        f"{DEFAULT_DATABASE}, and a SQLite file in a temporary directory)",
    )
    parser.add_argument("--no-peers", action="store_true", help="leave the peers out")
    parser.add_argument(
        "--ditto-count",
        type=int,
        default=DITTO_COUNT,
        help="tweets django-ditto imports, its time scaled to --count (%(default)s)",
    )
    parser.add_argument(
        "--million", action="store_true", help=f"add an import of {MILLION:,} tweets"
    )
    parser.add_argument("--child", nargs=2, metavar=("STEP", "ARCHIVE"), help=argparse.SUPPRESS)
    parser.add_argument("--child-prepare", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--child-process", metavar="COMMAND", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    if args.child_prepare:
        child_prepare(args.child_prepare)
        return
    if args.child_process:
        child_process(json.loads(args.child_process))
        return
    from .report import as_text

    with tempfile.TemporaryDirectory(prefix="sochef-bench-sqlite-") as folder:
        databases = args.database or [
            os.environ.get("SOCHEF_BENCH_DATABASE_URL", DEFAULT_DATABASE),
            f"sqlite:///{folder}/import.sqlite3",
        ]
        handles = {prepare_database(database) for database in databases}
        tables = measure_import(
            handles.pop(),
            args.count,
            args.rounds,
            databases=databases,
            peers=not args.no_peers,
            ditto_count=min(args.ditto_count, args.count),
            million=args.million,
        )
    print("\n".join(as_text(table) for table in tables))


if __name__ == "__main__":
    main()
