"""The example site's Content Security Policy (django-csp, example_site/settings.py) in Chromium:
every public page type of the demo and the admin work under it, without a violation; SOchef's
and the example site's templates hold no inline script, style or event handler."""

import re
from pathlib import Path

import pytest
from django.db.models import Count
from django.urls import reverse
from playwright.sync_api import expect

from sochef_wagtail.archive.models import ArchiveImport, ArchiveImportStatus
from sochef_wagtail.models import GuestWeekPage
from sochef_wagtail.public_forms.pages import PublicFormPage
from tests.factories import make_user, site_root
from tests.test_accessibility import DEMO_STATES, demo_path, first_live_url, public_page_types

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "sochef_wagtail" / "templates", ROOT / "example_site" / "templates"]

# Each document records the violations of its policy from its first byte.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => window.cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "?"} at ${event.sourceFile}:`
    + event.lineNumber
));
"""


@pytest.fixture
def watched(page):
    """The page, recording every violation; the console's reports are kept too."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_reports = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.console_reports.append(message.text)
        ),
    )
    return page


def violations(page):
    """What the loaded document and the console reported so far (and forget the console's).
    Not "networkidle": the admin's editor pings the server while it is open."""
    page.wait_for_load_state("load")
    # Reports are events queued as tasks: read them a task later.
    found = page.evaluate(
        "() => new Promise((resolve) => setTimeout(() => resolve(window.cspViolations)))"
    )
    found += page.console_reports
    page.console_reports.clear()
    return found


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src 'self'" in response.headers.get("content-security-policy", ""), url
    return violations(page)


def test_every_public_page_type_and_state_works_under_the_policy(live_server, watched, demo):
    paths = [first_live_url(label) for label in public_page_types()]
    paths += [demo_path(state) for state in DEMO_STATES]
    found = {path: visit(watched, live_server.url + path) for path in paths}
    # A form sent empty comes back with its errors.
    for label in public_page_types(PublicFormPage):
        path = first_live_url(label)
        watched.goto(live_server.url + path)
        watched.locator("button[type=submit]").click()
        watched.wait_for_selector(".sochef-error-summary")
        found[f"{path} (errors)"] = violations(watched)
    assert {path: reports for path, reports in found.items() if reports} == {}


def log_in(page, live_server):
    make_user("redaktor", superuser=True)
    page.goto(live_server.url + reverse("wagtailadmin_login"))
    page.locator("#id_username").fill("redaktor")
    page.locator("#id_password").fill("pw")
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("wagtailadmin_home"))


def test_the_admin_works_under_its_allowances(live_server, watched, demo):
    log_in(watched, live_server)
    found = {"login and dashboard": violations(watched)}
    # A week with one guest, so that the editor may add another.
    week = GuestWeekPage.objects.live().annotate(guests=Count("slots")).filter(guests=1).first()

    found["week page editor"] = visit(
        watched, live_server.url + reverse("wagtailadmin_pages:edit", args=[week.pk])
    )
    # The date picker and the guest slots' inline panel start from inline scripts.
    watched.locator("input[name=week_start]").click()
    expect(watched.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
    watched.keyboard.press("Escape")
    slots = watched.locator("#id_slots-TOTAL_FORMS")
    before = int(slots.input_value())
    watched.get_by_role("button", name="Lägg till Gäst på ett konto").click()
    expect(slots).to_have_value(str(before + 1))
    found["week page editor, used"] = violations(watched)

    for name, url in [
        ("guest snippets", reverse("wagtailsnippets_sochef_wagtail_guest:list")),
        ("nominations", reverse("sochef_nominations:index")),
        ("statistics", reverse("sochef_statistics:index")),
    ]:
        found[name] = visit(watched, live_server.url + url)

    # An editor reading the site gets Wagtail's user bar, under the public pages' policy.
    found["week page with the user bar"] = visit(watched, live_server.url + week.url)
    expect(watched.locator("wagtail-userbar")).to_have_count(1)
    assert {name: reports for name, reports in found.items() if reports} == {}


def test_status_page_of_a_running_import_reloads_itself_under_the_policy(live_server, watched):
    site_root()
    log_in(watched, live_server)
    job = ArchiveImport.objects.create(file_name="a.zip", status=ArchiveImportStatus.RUNNING)
    visit(watched, live_server.url + reverse("sochef_archive_import:status", args=[job.pk]))
    with watched.expect_event("load", timeout=10_000):
        pass  # the page reloads itself, 2 seconds after it was shown
    assert violations(watched) == []


def test_public_pages_get_the_strict_policy_and_the_admin_its_allowances(client, db):
    site_root()
    public = client.get("/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in public and "data:" not in public
    client.force_login(make_user("redaktor", superuser=True))
    admin = client.get(reverse("wagtailadmin_home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in admin.split(";"))
    assert directives["script-src"] == "'self' 'unsafe-inline'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["img-src"] == "'self' data: blob:"


# What a policy without 'unsafe-inline' refuses: a script without src (JSON data is inert),
# a style element, a style attribute, an event handler attribute.
INLINE = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>"
    r"|<style\b|\sstyle\s*=|\son[a-z]+\s*=",
    re.I,
)


def test_templates_hold_no_inline_script_style_or_event_handler():
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}: {match.group()}"
        for directory in TEMPLATE_DIRS
        for path in sorted(directory.rglob("*.html"))
        for text in [path.read_text()]
        for match in INLINE.finditer(text)
    ]
    assert found == []
