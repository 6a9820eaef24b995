"""axe-core on every public page type of the demo, in Chromium: no serious or critical violation.

axe-core comes from the npm registry into node_modules/ (`./run test` installs it when missing:
`npm install --no-save --prefix . axe-core@4`) and is injected into each page with Playwright.
"""

from pathlib import Path

import pytest
from django.apps import apps
from wagtail.models import Page

from sochef_wagtail.dates import current_week_start
from sochef_wagtail.public_forms.pages import PublicFormPage
from sochef_wagtail.weeks.pages import GuestWeekPage
from tests.factories import set_project

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


# Blog models that only tests/settings.py installs, for the blog adapters' tests: no demo page.
TEST_ONLY_APPS = {"testapp"}


def public_page_types(base=Page):
    """Every concrete page model of the site's apps based on ``base``, but Wagtail's Page."""
    return sorted(
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, base)
        and model is not Page
        and model._meta.app_label not in TEST_ONLY_APPS
    )


# Routes and states of the demo's pages that the page types alone do not reach. A new state
# worth checking is one line here; new page types are found by public_page_types().
# The demo's landing page is /sochef/, its guest index /sochef/vilka-har-twittrat/; its weeks
# are dated from today (the running relay), so {past}, {upcoming} and {year} are filled in by
# demo_path().
INDEX = "/sochef/vilka-har-twittrat/"
DEMO_STATES = [
    "/en/",
    "/en/sochef/",
    f"{INDEX}?side=worker&role=safety_rep&year={{year}}",
    f"{INDEX}sok/?q=arbetsmilj%C3%B6",
    f"{INDEX}sok/?q=ingentingalls",
    "{upcoming}",
    "/en{past}",
    "/foresla/tack/",
    "/utvardering/tack/",
]


def demo_path(state):
    """The path of ``state`` (one of DEMO_STATES) in the loaded demo."""
    this_week = current_week_start()
    weeks = GuestWeekPage.objects.live().order_by("week_start")
    past = weeks.filter(week_start__lt=this_week).last()
    return state.format(
        past=past.url,
        year=past.week_start.year,
        upcoming=weeks.filter(week_start__gt=this_week).first().url,
    )


def axe_violations(page):
    """axe's serious and critical violations on the loaded page, as readable lines."""
    if not AXE.exists():
        pytest.fail(
            f"axe-core is missing at {AXE}: run `npm install --no-save --prefix . axe-core@4`"
        )
    # Evaluated rather than added as a <script>: the site's Content Security Policy refuses
    # inline scripts, and the pages are checked as visitors get them.
    page.evaluate(AXE.read_text())
    result = page.evaluate("() => axe.run(document)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def first_live_url(label):
    model = apps.get_model(label)
    page = model.objects.live().public().order_by("path").first()
    assert page is not None, f"the demo has no live {label} page: add one to sochef_demo"
    return page.url


@pytest.mark.parametrize("label", public_page_types())
def test_page_type_has_no_serious_accessibility_violation(live_server, page, demo, label):
    page.goto(live_server.url + first_live_url(label))
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", DEMO_STATES)
def test_page_state_has_no_serious_accessibility_violation(live_server, page, demo, path):
    response = page.goto(live_server.url + demo_path(path))
    assert response.status == 200
    assert axe_violations(page) == []


@pytest.mark.parametrize("label", public_page_types(PublicFormPage))
def test_form_with_errors_has_no_serious_accessibility_violation(live_server, page, demo, label):
    page.goto(live_server.url + first_live_url(label))
    page.locator("button[type=submit]").click()
    page.wait_for_selector(".sochef-error-summary")
    assert axe_violations(page) == []


@pytest.mark.parametrize("label", public_page_types(PublicFormPage))
def test_closed_form_has_no_serious_accessibility_violation(live_server, page, demo, label):
    set_project(status="closed", status_message="SOchef är avslutat. Tack alla gäster!")
    page.goto(live_server.url + first_live_url(label))
    page.wait_for_selector(".sochef-closed")
    assert axe_violations(page) == []


def test_axe_check_reports_a_known_violation(page):
    page.set_content('<html lang="sv"><body><main><img src="x.png"></main></body></html>')
    assert any(line.startswith("image-alt (critical)") for line in axe_violations(page))
