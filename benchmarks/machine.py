"""The machine and software a run measured."""

import datetime
import os
import platform
import shutil
import subprocess
from pathlib import Path

import django
import gunicorn
import wagtail
from django.db import connection


def _first(path, prefix):
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _output(*command):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def describe(load_generator, chromium):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory_kb = int(_first("/proc/meminfo", "MemTotal").split()[0])
    commit = _output("git", "rev-parse", "--short", "HEAD") or "unknown"
    if _output("git", "status", "--porcelain"):
        commit += " (with uncommitted changes)"
    return {
        "Date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": _first("/proc/cpuinfo", "model name"),
        "Cores": str(os.cpu_count()),
        "Load average at the start (1, 5, 15 min)": load_average(),
        "RAM": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "Wagtail": wagtail.__version__,
        "PostgreSQL": postgres,
        "gunicorn": gunicorn.__version__,
        "Load generator": load_generator,
        "Browser": chromium,
        "Commit": commit,
    }


def load_average():
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def chromium_version(path):
    if not shutil.which(path):
        return "not installed"
    return _output(path, "--version") or path
