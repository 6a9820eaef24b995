"""The load generator: wrk when it is installed, else a small Python one with the same output."""

import http.client
import json
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CONNECTIONS = 8
WRK_THREADS = 1
# wrk prints this line at the end of a run: the figures we need, exactly, in microseconds.
WRK_REPORT = Path(__file__).with_name("wrk_report.lua")


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def per_second(self):
        return self.requests / self.seconds


def generator_name():
    if shutil.which("wrk"):
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
        name = version.split(" [")[0].strip() or "wrk"
        return f"{name}, {WRK_THREADS} thread(s), {CONNECTIONS} connections"
    return f"Python (benchmarks/load.py), {CONNECTIONS} connections"


def run(url, seconds):
    """Send GET ``url`` from CONNECTIONS keep-alive connections for ``seconds``."""
    if shutil.which("wrk"):
        return _wrk(url, seconds)
    return _python(url, seconds)


def _wrk(url, seconds):
    output = subprocess.run(
        [
            "wrk",
            f"--threads={WRK_THREADS}",
            f"--connections={CONNECTIONS}",
            f"--duration={seconds}s",
            "--timeout=30s",
            f"--script={WRK_REPORT}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    return Load(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=figures["errors"] + figures["non2xx"],
    )


def _python(url, seconds):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, errors = [], []
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(response.status)
            except (OSError, http.client.HTTPException) as error:
                errors.append(error)
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            latencies.append(time.perf_counter() - started)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    percentiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return Load(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentiles[49] * 1000,
        p99_ms=percentiles[98] * 1000,
        errors=len(errors),
    )
