"""The language switcher on the app's pages: the same address in the host's other languages."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.utils import translation
from wagtail.models import Locale

from sochef_wagtail.languages import language_links
from tests.factories import make_guest, make_week

pytestmark = pytest.mark.django_db

# A host without i18n_patterns: every language at the same address.
urlpatterns = []


def switcher(html):
    nav = re.search(r'<nav class="sochef-languages".*?</nav>', html, re.S)
    return nav.group(0) if nav else ""


def test_swedish_pages_link_to_english_and_back(client, index_page, accounts):
    week = make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], make_guest("Anna"))])
    url = week.url
    nav = switcher(client.get(url).content.decode())
    assert '<span aria-current="true">Svenska</span>' in nav
    assert f'<a href="/en{url}" hreflang="en" lang="en">English</a>' in nav
    nav = switcher(client.get(f"/en{url}").content.decode())
    assert f'<a href="{url}" hreflang="sv" lang="sv">Svenska</a>' in nav
    assert '<span aria-current="true">English</span>' in nav


def test_routes_are_kept_and_the_query_left_out(client, index_page):
    nav = switcher(client.get(f"{index_page.url}sok/?q=%3Cscript%3E&page=2").content.decode())
    assert f'href="/en{index_page.url}sok/"' in nav
    assert "script" not in nav


def test_the_guest_index_has_the_switcher(client, index_page):
    assert 'hreflang="en"' in switcher(client.get(index_page.url).content.decode())


def test_nothing_when_the_host_has_one_language(client, index_page, settings):
    settings.LANGUAGES = [("sv", "Svenska")]
    assert switcher(client.get(index_page.url).content.decode()) == ""


def render_switcher(path="/sochef/"):
    template = Template("{% load sochef_lang %}{% sochef_language_switcher %}")
    with translation.override("sv"):
        return template.render(Context({"request": RequestFactory().get(path)}))


@override_settings(ROOT_URLCONF=__name__)
def test_nothing_when_the_host_serves_every_language_at_one_address():
    assert render_switcher().strip() == ""


def test_the_switcher_costs_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert 'href="/en/sochef/"' in render_switcher()


@pytest.fixture
def localised(settings):
    """Wagtail's own localisation on, with an English locale beside the Swedish one."""
    settings.WAGTAIL_I18N_ENABLED = True
    settings.WAGTAIL_CONTENT_LANGUAGES = [("sv", "Svenska"), ("en", "English")]
    return Locale.objects.create(language_code="en")


def translate(page, locale, slug):
    """``page``'s published translation into ``locale`` (its parents copied as needed)."""
    translation = page.copy_for_translation(locale, copy_parents=True)
    translation.slug = slug
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


def test_a_translated_page_links_to_its_translation_and_back(client, index_page, localised):
    english = translate(index_page, localised, "who-tweeted")
    assert english.url == "/en/who-tweeted/"
    nav = switcher(client.get(index_page.url).content.decode())
    assert '<a href="/en/who-tweeted/" hreflang="en" lang="en">English</a>' in nav
    nav = switcher(client.get(english.url).content.decode())
    assert f'<a href="{index_page.url}" hreflang="sv" lang="sv">Svenska</a>' in nav


def test_a_route_below_a_translated_page_keeps_its_route(client, index_page, accounts, localised):
    week = make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], make_guest("Anna"))])
    translate(index_page, localised, "who-tweeted")
    translate(week, localised, "week-36-2012")
    nav = switcher(client.get(f"{index_page.url}gaster/anna/").content.decode())
    assert 'href="/en/who-tweeted/gaster/anna/"' in nav
    assert client.get("/en/who-tweeted/gaster/anna/").status_code == 200


def test_an_untranslated_page_links_to_its_nearest_translated_ancestor(
    client, index_page, accounts, localised
):
    week = make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], make_guest("Anna"))])
    translate(index_page, localised, "who-tweeted")
    # /en/ + the week's path would be a 404 in the English tree, which lacks the week.
    assert client.get(f"/en{week.url}").status_code == 404
    nav = switcher(client.get(week.url).content.decode())
    assert 'href="/en/who-tweeted/" hreflang="en"' in nav


def test_without_a_tree_in_the_language_the_same_page_under_its_prefix(
    client, index_page, localised
):
    nav = switcher(client.get(index_page.url).content.decode())
    assert f'<a href="/en{index_page.url}" hreflang="en" lang="en">English</a>' in nav
    assert client.get(f"/en{index_page.url}").status_code == 200


def test_a_draft_translation_is_not_linked(client, index_page, localised):
    index_page.copy_for_translation(localised, copy_parents=True)  # a draft, not published
    nav = switcher(client.get(index_page.url).content.decode())
    assert 'href="/en/" hreflang="en"' in nav  # the English home, which is live


@pytest.mark.parametrize("weeks", [1, 4])
def test_the_localised_switcher_costs_constant_queries(
    index_page, accounts, localised, django_assert_num_queries, weeks
):
    week = None
    for n in range(weeks):
        monday = datetime.date(2012, 9, 3) + datetime.timedelta(weeks=n)
        week = make_week(index_page, monday, [(accounts[0], make_guest(f"Gäst {n}"))])
    translate(week, localised, "week-en")
    request = RequestFactory().get(week.url)
    language_links(request, week)  # Wagtail's site root paths and the locales, read once
    with django_assert_num_queries(1):
        links = language_links(request, week)
    assert [link["url"] for link in links] == [week.url, "/en/sochef/week-en/"]
