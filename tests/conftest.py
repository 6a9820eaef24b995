import os

import pytest

# Playwright runs an event loop in the test thread; Django would refuse its ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import make_accounts, make_index  # noqa: E402

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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, kept off the network it cannot reach here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()) and "live_server" in item.fixturenames:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def swedish_by_default():
    """A request under /en/ leaves English active in the thread: start each test in Swedish."""
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches: a rendering cached by one test must not be served to
    another whose rows got the same ids."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
