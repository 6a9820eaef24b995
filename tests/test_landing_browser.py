"""The demo's landing page in a real browser: Debian's chromium driven by Playwright."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import project_settings, site_root

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    site_root()  # the live server's database may have been emptied by an earlier browser test
    call_command("sochef_demo", verbosity=0)


def test_reader_finds_the_experiment_on_the_landing_page(live_server, page, demo):
    page.goto(f"{live_server.url}/sochef/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Om Twitter-experimentet SOchef")
    for heading in ("Stafettkontona", "Senaste nytt i bloggkategorin SOchef", "Press om projektet"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator(".sochef-press__item")).to_have_count(8)
    expect(page.get_by_role("heading", name="Vem driver experimentet")).to_be_visible()
    # The two accounts sit side by side, employer side first.
    accounts = page.locator(".sochef-account")
    expect(accounts).to_have_count(2)
    expect(accounts.nth(0)).to_contain_text("@ArbetsmiljoChef")
    first, second = accounts.nth(0).bounding_box(), accounts.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1 and first["x"] < second["x"]
    page.get_by_role("link", name="Se vilka som har twittrat och vad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vilka har twittrat och vad")


def test_browser_finds_the_blog_feed_from_the_page_head(live_server, page, demo):
    page.goto(f"{live_server.url}/sochef/")
    feeds = page.locator('head link[rel="alternate"][type="application/rss+xml"]')
    # The blog's feed once, beside the relay's posts (both accounts, and each account).
    link = feeds.and_(page.locator('[href$="/feeds/sochef/blog/rss/"]'))
    expect(link).to_have_count(1)
    expect(feeds).to_have_count(4)
    href = link.get_attribute("href")
    assert href == f"{live_server.url}/feeds/sochef/blog/rss/"
    feed = page.request.get(href)
    assert feed.ok and "Twitterstafetten SOchef startar" in feed.text()
    # A blog post listed on the landing page opens in the browser.
    page.get_by_role("link", name="Twitterstafetten SOchef startar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Twitterstafetten SOchef startar")


def test_closed_project_says_so_on_the_landing_page(live_server, page, demo):
    project_settings(status="closed", status_message="Sorry, projektet nedlagt.")
    page.goto(f"{live_server.url}/sochef/")
    expect(page.get_by_role("status")).to_contain_text("Sorry, projektet nedlagt.")
