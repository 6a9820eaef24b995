"""Plain helpers for tests that run the site in other processes: servers, q clusters, commands."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REDIS_DATABASES = 16  # Redis's default number of databases


def worker_redis_url(url, worker):
    """The Redis database of one pytest-xdist worker: each flushes its own, so worker gw<n> takes
    the n-th database after the one ``url`` names (gw0 and a run without xdist take that one)."""
    parts = urlsplit(url)
    first = int(parts.path.strip("/") or 0)
    number = (first + int(worker.removeprefix("gw") or 0)) % REDIS_DATABASES
    return parts._replace(path=f"/{number}").geturl()


REDIS_URL = worker_redis_url(
    os.environ.get("SOCHEF_TEST_REDIS_URL", "redis://127.0.0.1:6379/7"),
    os.environ.get("PYTEST_XDIST_WORKER", "gw0"),
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """The test database, for another process."""
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD'] or ''}"
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def redis_missing():
    """Why Redis cannot be used at REDIS_URL, or "" when it can."""
    try:
        import redis
    except ImportError:
        return "the redis package is not installed (pip install -e '.[test]')"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis does not answer at {REDIS_URL} ({error})"
    return ""


def flush_redis():
    """Empty the tests' own Redis database (REDIS_URL), and only it."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def site_env(media_root=None, settings_module="tests.redis_settings"):
    """The environment of a process of the site on the test database and this worker's Redis
    database (it is not a pytest-xdist worker itself)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST_")},
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SOCHEF_TEST_REDIS_URL": REDIS_URL,
        "PYTHONUNBUFFERED": "1",
    }
    if media_root:
        env["SOCHEF_TEST_MEDIA_ROOT"] = str(media_root)
    return env


def manage(*args, **popen_args):
    """``manage.py`` of the example site with ``args``, as a started process."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "example_site" / "manage.py"), *args], cwd=ROOT, **popen_args
    )


def python(code, env, **popen_args):
    """A new Python process running ``code`` after django.setup(), with ``env``."""
    return subprocess.Popen(
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=ROOT,
        env=env,
        **popen_args,
    )


@contextlib.contextmanager
def gunicorn(env, *, workers, threads, options=(), app="example_site.wsgi:application"):
    """The example site (or another WSGI ``app``) served by gunicorn (gthread workers) with
    ``env`` for the duration of a ``with``; yields its process and URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--worker-class=gthread",
            "--log-level=warning",
            *options,
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, process)
        yield process, url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def wait_until_serving(url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(url + "/", timeout=20).close()
            return
        except urllib.error.HTTPError:  # an error page is an answer all the same
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def wait_for(condition, timeout, interval=0.2, message="condition"):
    """Poll ``condition()`` until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


def needs_postgresql(
    why="other processes of the site cannot reach the test's in-memory SQLite database",
):
    """Skip the test, saying ``why``, unless it runs on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (set DATABASE_URL): {why}")


class Cluster:
    """A ``manage.py qcluster`` process, its log in a file."""

    def __init__(self, name, log_dir, env):
        self.name, self.log = name, log_dir / f"{name}.log"
        with self.log.open("w") as log:
            self.process = manage("qcluster", env=env, stdout=log, stderr=subprocess.STDOUT)

    def text(self):
        return self.log.read_text()

    def wait_until_running(self, timeout=90):
        wait_for(lambda: "running." in self.text(), timeout, message=f"{self.name} to start")
        return time.monotonic()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
