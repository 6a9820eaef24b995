"""A reader nominates a guest in Chromium with the keyboard only."""

import pytest
from playwright.sync_api import expect

from sochef_wagtail.nominations.models import Nomination
from tests.factories import make_accounts, make_nomination_page

pytestmark = pytest.mark.browser


def tab_to(page, selector, limit=40):
    """Press Tab until `selector` has the focus: it is reachable from the keyboard."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def focused(page):
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def test_reader_nominates_a_guest_with_the_keyboard_only(live_server, page, settings):
    # The keyboard here is faster than any minimum time: the time trap is test_nominations'.
    settings.SOCHEF_FORM_MIN_SECONDS = 0
    make_accounts()  # the side labels name the relay accounts
    nomination_page = make_nomination_page()
    page.goto(live_server.url + nomination_page.url)

    # Sending the empty form: the error summary at the top takes the focus.
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Något behöver rättas")
    assert focused(page) == "sochef-error-summary"
    expect(page).to_have_title("Fel: Föreslå en gäst – NyArbetsmiljö")
    expect(page.get_by_label("Varför ska personen bli gäst?")).to_have_attribute(
        "aria-invalid", "true"
    )

    # From the summary, a link leads to the field to correct.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{nomination_page.url}#id_nominee_name")

    tab_to(page, "#id_nominee_name")
    page.keyboard.type("Maja Berg")
    page.keyboard.press("Tab")
    page.keyboard.type("@majaberg")
    page.keyboard.press("Tab")  # into the side radio group, on its chosen button
    page.keyboard.press("ArrowUp")
    expect(page.get_by_label("Arbetstagarsidan (@Skyddsombud)")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused(page) == "id_role"
    page.keyboard.type("Skyddsombud")
    expect(page.locator("#id_role")).to_have_value("safety_rep")
    tab_to(page, "#id_why")
    page.keyboard.type("Hon driver frågan om ensamarbete.")
    tab_to(page, "#id_nominator_name")
    page.keyboard.type("Per Holm")
    page.keyboard.press("Tab")
    page.keyboard.type("per@example.com")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused(page) == "sochef-button"  # the honeypot is not in the tab order
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}{nomination_page.url}tack/")
    expect(page.get_by_role("status")).to_contain_text("Tack för ditt förslag!")
    nomination = Nomination.objects.get()
    assert (nomination.nominee_name, nomination.nominee_handle, nomination.side) == (
        "Maja Berg",
        "majaberg",
        "worker",
    )
    assert nomination.role == "safety_rep"
