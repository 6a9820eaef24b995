"""The language switcher on the app's pages: the same address in the host's other languages."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.utils import translation

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
