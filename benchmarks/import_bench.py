"""The import of a 100,000-tweet archive: time against a baseline, peak memory, re-import.

The import runs in a fresh process (``python -m benchmarks.archive_import ARCHIVE``) so that
its peak resident memory is its own: first the import, then the same archive again (everything
present), then the baseline — the rows the import stored, deleted and written back with a plain
``bulk_create`` in one transaction: what storing them costs without reading, checking,
deduplicating and indexing an archive.

It needs the archive import (``sochef_wagtail.archive.importer``) and the archive generator
of its tests (``tests.archives.write_large_archive``); without them it says so.
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .report import Section

TITLE = "Import of a 100,000-tweet archive"
COUNT = 100_000
ROOT = Path(__file__).resolve().parent.parent


def available():
    return all(
        importlib.util.find_spec(name)
        for name in ("sochef_wagtail.archive.importer", "tests.archives")
    )


def measure(bench):
    if not available():
        return Section(
            TITLE,
            missing="the archive import (sochef_wagtail/archive/importer.py, command "
            "sochef_import_archive) and its archive generator (tests/archives.py) are not on "
            "this branch. Once they are merged this measurement runs as it is: import time "
            "against a plain bulk_create of the same rows, peak RSS, re-import time.",
        )
    from tests.archives import write_large_archive

    handle = bench.site.accounts[1].handle  # the archive is the worker side's
    with tempfile.TemporaryDirectory(prefix="sochef-bench-archive-") as folder:
        archive = write_large_archive(Path(folder) / "archive.zip", COUNT, handle=handle)
        size_mb = archive.stat().st_size / 1024 / 1024
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.archive_import", str(archive)],
            cwd=ROOT,
            env=os.environ,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    runs = json.loads(output.strip().splitlines()[-1])
    first, again, baseline = runs["import"], runs["reimport"], runs["baseline"]
    section = Section(TITLE, ["run", "tweets written", "seconds", "peak RSS", "ratio to baseline"])
    section.add(
        "baseline: bulk_create of the same rows",
        baseline["written"],
        f"{baseline['seconds']:.1f}",
        "–",
        "1",
    )
    for name, run in (("import", first), ("re-import of the same archive", again)):
        section.add(
            name,
            run["written"],
            f"{run['seconds']:.1f}",
            f"{run['peak_mb']:.0f} MB",
            f"{run['seconds'] / baseline['seconds']:.1f}×",
        )
    section.notes += [
        f"The archive: {COUNT:,} tweets in the current layout (tests/archives.py), "
        f"{size_mb:.1f} MB zipped; each tweet has a link, a mention and a hashtag.",
        "The import reads and checks the whole archive before writing, skips tweets already "
        "stored and indexes the new ones for search; the baseline only inserts.",
        "Peak RSS: the importing process's high-water mark (VmHWM), reset before each run.",
    ]
    return section


def peak_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak():
    Path("/proc/self/clear_refs").write_text("5")


def timed_import(path):
    from sochef_wagtail.archive.importer import import_archive

    reset_peak()
    started = time.perf_counter()
    result = import_archive(path)
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": peak_mb(),
        "written": result.imported,
    }


def timed_baseline(first_pk):
    """Delete the rows stored after ``first_pk`` and write them back with bulk_create."""
    from django.db import connection, transaction

    from sochef_wagtail.archive.models import Tweet, TweetMedia

    fields = [field.attname for field in Tweet._meta.concrete_fields if not field.primary_key]
    stored = Tweet.objects.filter(pk__gt=first_pk)
    rows = [Tweet(**dict(zip(fields, row, strict=True))) for row in stored.values_list(*fields)]
    with connection.cursor() as cursor:  # a raw DELETE: no signal per row
        cursor.execute(f"DELETE FROM {TweetMedia._meta.db_table} WHERE tweet_id > %s", [first_pk])
        cursor.execute(f"DELETE FROM {Tweet._meta.db_table} WHERE id > %s", [first_pk])
    started = time.perf_counter()
    with transaction.atomic():
        Tweet.objects.bulk_create(rows, batch_size=500)
    return {"seconds": time.perf_counter() - started, "written": len(rows)}


def main(path):
    import django

    django.setup()
    from django.db.models import Max

    from sochef_wagtail.archive.models import Tweet

    first_pk = Tweet.objects.aggregate(last=Max("pk"))["last"] or 0
    runs = {"import": timed_import(path), "reimport": timed_import(path)}
    runs["baseline"] = timed_baseline(first_pk)
    print(json.dumps(runs))


if __name__ == "__main__":
    main(sys.argv[1])
