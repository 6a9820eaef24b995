"""The example site served by gunicorn, as in production, for the duration of a ``with``."""

import contextlib
import os
import urllib.request
from pathlib import Path

from tests.processes import gunicorn as serve

# One process per core, each with a few threads (gthread workers keep connections alive).
WORKERS = os.cpu_count() or 2
THREADS = 4


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    """CPU time (user + system) used so far by each of ``pids`` that still runs."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return used


def children(pid):
    """The processes whose parent is ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class Server:
    def __init__(self, url, pid):
        self.url, self.pid = url, pid

    def worker_pids(self):
        return children(self.pid)


@contextlib.contextmanager
def gunicorn(**environment):
    """Serve the site with the benchmark's settings (and ``environment``); yields a Server."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", **environment}
    options = ["--keep-alive=30", "--backlog=2048"]
    with serve(env, workers=WORKERS, threads=THREADS, options=options) as (process, url):
        yield Server(url, process.pid)


def fetch(url, times=1):
    """GET ``url`` ``times`` times (to warm caches); returns the last body."""
    body = b""
    for _ in range(times):
        with urllib.request.urlopen(url, timeout=60) as response:
            body = response.read()
    return body
