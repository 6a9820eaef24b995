"""The import at scale: 100,000 tweets in bounded memory, and two imports at once."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from sochef_wagtail.archive.importer import import_archive
from sochef_wagtail.archive.models import Tweet
from tests.archives import archive_tweet, current_archive, write_archive, write_large_archive
from tests.factories import make_accounts

ROOT = Path(__file__).resolve().parent.parent
MAX_PEAK_RSS_MB = 300

# Runs in a fresh process on a fresh SQLite file: migrate, then import twice, measuring the peak
# resident memory of each import alone (Linux resets the peak when told "5" in clear_refs).
MEASURE = """
import json, sys, time, django
django.setup()
from django.core.management import call_command
from tests.factories import make_accounts
from sochef_wagtail.archive.importer import import_archive

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

call_command("migrate", verbosity=0)
make_accounts()
runs = []
for _ in range(2):
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    started = time.perf_counter()
    result = import_archive(sys.argv[1])
    runs.append({"seconds": time.perf_counter() - started, "peak_mb": peak_mb(),
                 "imported": result.imported, "present": result.present})
print(json.dumps(runs))
"""


@pytest.mark.slow
@pytest.mark.db_independent  # its own SQLite file in tmp_path, whatever the suite's database
@pytest.mark.parametrize("debug", ["0", "1"], ids=["debug-off", "debug-on"])
def test_hundred_thousand_tweets_import_in_bounded_memory(tmp_path, debug):
    """Whatever the host's DEBUG (the example site's is on by default): Django's query log
    would otherwise keep the import's bulk inserts."""
    archive = write_large_archive(tmp_path / "large.zip", 100_000)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DJANGO_DEBUG": debug,
        # Production settings refuse to start without a key of their own.
        "DJANGO_SECRET_KEY": "test-only-archive-scale",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr
    first, again = json.loads(result.stdout.splitlines()[-1])
    print(f"\nfirst import: {first}\nre-import: {again}")
    assert (first["imported"], again["imported"], again["present"]) == (100_000, 0, 100_000)
    assert first["peak_mb"] < MAX_PEAK_RSS_MB
    assert again["peak_mb"] < MAX_PEAK_RSS_MB
    assert again["seconds"] < first["seconds"]


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_archive_at_once_store_each_tweet_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock matters on PostgreSQL")
    make_accounts()
    path = write_archive(
        tmp_path / "a.zip", current_archive([archive_tweet(n) for n in range(1, 1501)])
    )
    results, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            results.append(import_archive(path))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Tweet.objects.count() == 1500
    assert sorted(result.imported for result in results) == [0, 1500]
