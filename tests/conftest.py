import datetime
import ipaddress
import os
import socket

import pytest

# Playwright runs an event loop in the test thread; Django would refuse its ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.core.management import call_command  # noqa: E402
from django.utils import translation  # noqa: E402
from wagtail.models import Site  # noqa: E402

from tests.factories import (  # noqa: E402
    make_accounts,
    make_guest,
    make_index,
    make_site,
    make_week,
    site_root,
)
from tests.processes import REDIS_URL, Cluster, flush_redis, needs_postgresql, site_env  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# Headless, and kept off the network it cannot reach here (the benchmark uses these too).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def accounts(db):
    return make_accounts()


@pytest.fixture
def index_page(db):
    return make_index()


@pytest.fixture
def week(index_page, accounts):
    """The published week of 3 September 2012: Anna on the employer side, Bo on the worker
    side (test modules may define a week of their own)."""
    employer, worker = accounts
    return make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [(employer, make_guest("Anna")), (worker, make_guest("Bo"))],
    )


@pytest.fixture
def demo(live_server):
    """The demo content on the example site's home page: the running relay (sochef_demo
    --running), whose forms are open and which has weeks to come, unlike the closed history."""
    site_root()
    call_command("sochef_demo", "--running", verbosity=0)


@pytest.fixture
def other_site(db, settings):
    """A second site at andra.example. Wagtail caches the sites' root paths outside the
    database, so the cache is cleared when the test's transaction has taken the site away."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "andra.example"]
    yield make_site("andra.example")
    Site.clear_site_root_paths_cache()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, kept off the network it cannot reach here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


def pytest_configure(config):
    # pytest-xdist registers it, but a run with -p no:xdist must still collect the modules using it.
    config.addinivalue_line("markers", "xdist_group(name): keep these tests on one xdist worker")


@pytest.hookimpl(tryfirst=True)  # before -m selects by these marks
def pytest_collection_modifyitems(config, items):
    for item in items:
        refuse_a_parameter_named_page(item)
        if "page" in getattr(item, "fixturenames", ()) and "live_server" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
        # What the browser shows comes through the app's own code either way: one pass is enough.
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.db_independent)


def refuse_a_parameter_named_page(item):
    """A test parametrizing an argument named ``page`` (pytest-playwright's fixture) still gets
    the session-scoped ``browser_name`` parameter; pytest then runs it beside the browser
    tests, which pulls those (live_server, whose flush empties the database) ahead of database
    tests that need the site and groups the migrations made: 20 failures on PostgreSQL."""
    if "page" in getattr(getattr(item, "callspec", None), "params", {}):
        raise pytest.UsageError(
            f"{item.nodeid}: a parametrized argument named 'page' is taken for pytest-playwright's "
            "fixture and moves the browser tests; give it another name"
        )


LOCAL_NAMES = {"localhost", "testserver"}


@pytest.fixture(autouse=True)
def no_name_lookups_off_this_machine(monkeypatch):
    """No test reaches the network: looking up the name of a host off this machine fails, as
    it would here (the media downloads look a host up before asking it; HTTP itself is mocked
    with responses and respx)."""
    lookup = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host in LOCAL_NAMES or _is_address(host):
            return lookup(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, f"{host}: no network in the tests")

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


def _is_address(host):
    try:
        ipaddress.ip_address(host if isinstance(host, str) else host.decode())
    except ValueError:
        return False
    return True


@pytest.fixture(autouse=True)
def swedish_by_default():
    """A request under /en/ leaves English active in the thread, and Wagtail builds page URLs in
    the active language: every test starts in Swedish, the default."""
    translation.activate("sv")
    yield
    translation.deactivate()


@pytest.fixture
def host_templates(tmp_path, settings):
    """A host site's templates folder, searched before the app's own: returns its
    ``sochef_wagtail/includes/``, where a test writes the includes the host overrides."""
    folder = tmp_path / "templates"
    (folder / "sochef_wagtail" / "includes").mkdir(parents=True)
    engine = {**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]
    return folder / "sochef_wagtail" / "includes"


@pytest.fixture(autouse=True)
def settings_restored():
    """A test must leave the settings as it found them. Django's @override_settings on a test
    that also changes pytest-django's ``settings`` restores them in the wrong order, and the
    decorator's values stay for every later test (a cache timeout of 0 hid the caches so)."""
    from django.conf import settings

    before = settings._wrapped
    yield
    assert settings._wrapped is before, "this test left its settings overrides in place"


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches: a rendering cached by one test must not be served to
    another whose rows got the same ids."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def fetched_account(transactional_db):
    """Only @Skyddsombud is fetched; its X user id is known, so X is asked for its tweets only."""
    employer, worker = make_accounts()
    employer.active = False
    employer.save()
    worker.platform_id = "42"
    worker.save()
    return worker


@pytest.fixture
def redis():
    """The tests' own Redis database, empty before and after the test."""
    flush_redis()
    yield REDIS_URL
    flush_redis()


@pytest.fixture
def q_clusters(tmp_path, redis):
    """Start q clusters on Redis and PostgreSQL: ``q_clusters(2)``; all stop after the test,
    and their logs are printed (pytest shows them when the test fails)."""
    needs_postgresql()
    started = []

    def start(count):
        env = site_env(tmp_path / "media")
        new = [Cluster(f"cluster-{len(started) + n}", tmp_path, env) for n in range(count)]
        started.extend(new)
        return new

    yield start
    for cluster in started:
        cluster.stop()
    for cluster in started:
        print(f"--- {cluster.name} ---\n{cluster.text()}")
