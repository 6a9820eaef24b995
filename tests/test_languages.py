"""``lang`` attributes: the page's language on <html>, and a part's own language when it differs
(Swedish content on an English page, a tweet X detected in another language)."""

import datetime

import html5lib
import pytest

from sochef_wagtail.archive.rendering import tweet_language
from tests.factories import make_guest, make_nomination_page, make_tweet, make_week

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def by_class(root, class_name):
    return [e for e in root.iter() if class_name in e.get("class", "").split()]


@pytest.fixture
def week(index_page, accounts):
    employer, worker = accounts
    page = make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [
            (employer, make_guest("Anna Lindqvist", bio="<p>Verksamhetschef.</p>")),
            (worker, make_guest("Bo Eriksson")),
        ],
        title="Premiärveckan",
    )
    page.intro = "<p>Veckans gäster twittrar om ensamarbete.</p>"
    page.save()
    return page


def tweet_langs(client, url, accounts, x_lang):
    make_tweet(accounts[1], "Hej!", lang=x_lang)
    (text,) = by_class(parse(client.get(url)), "sochef-tweet__text")
    return text.get("lang")


@pytest.mark.parametrize("prefix, language", [("", "sv"), ("/en", "en")])
@pytest.mark.parametrize("view", ["home", "index", "week", "search", "nomination"])
def test_html_element_has_the_language_the_page_is_served_in(
    client, week, index_page, prefix, language, view
):
    path = {
        "home": "/",
        "index": index_page.url,
        "week": week.url,
        "search": f"{index_page.url}sok/?q=ensamarbete",
        "nomination": make_nomination_page().url,
    }[view]
    assert parse(client.get(prefix + path)).get("lang") == language


def test_tweet_in_another_language_than_the_page_gets_its_own_lang(client, week, accounts):
    assert tweet_langs(client, week.url, accounts, "en") == "en"


def test_tweet_in_the_pages_language_gets_no_lang_of_its_own(client, week, accounts):
    assert tweet_langs(client, week.url, accounts, "sv") is None


def test_swedish_tweet_on_the_english_page_is_marked_swedish(client, week, accounts):
    assert tweet_langs(client, "/en" + week.url, accounts, "sv") == "sv"


@pytest.mark.parametrize("x_lang", ["", "und", "qme", "qht", "zxx", "sv se"])
def test_tweet_without_a_detected_language_gets_no_lang(client, week, accounts, x_lang):
    assert tweet_langs(client, "/en" + week.url, accounts, x_lang) is None


@pytest.mark.parametrize("x_lang, tag", [("in", "id"), ("iw", "he"), ("en-gb", "en-gb")])
def test_x_language_codes_become_bcp47_tags(x_lang, tag):
    assert tweet_language(x_lang) == tag


def test_swedish_content_on_the_english_page_is_marked_swedish(client, week):
    root = parse(client.get("/en" + week.url))
    (title,) = root.iter("h1")
    (intro,) = by_class(root, "sochef-intro")
    (bio,) = by_class(root, "sochef-guest__bio")
    assert (title.get("lang"), intro.get("lang"), bio.get("lang")) == ("sv", "sv", "sv")
    # What the app itself says is translated: no lang of its own.
    assert all(heading.get("lang") is None for heading in root.iter("h2"))


def test_swedish_content_on_the_swedish_page_has_no_lang_of_its_own(client, week):
    root = parse(client.get(week.url))
    # The language switcher names each language in that language: "English" is in English.
    (switcher,) = by_class(root, "sochef-languages")
    in_switcher = {id(e) for e in switcher.iter()}
    marked = [e.tag for e in root.iter() if e.get("lang") and id(e) not in in_switcher]
    assert marked == ["html"]
    assert [e.get("lang") for e in switcher.iter() if e.get("lang")] == ["en"]


def test_week_titles_on_the_english_index_are_marked_swedish(client, week, index_page):
    root = parse(client.get("/en" + index_page.url))
    titles = [a for a in root.iter("a") if a.text == "Premiärveckan"]
    assert [a.get("lang") for a in titles] == ["sv"]


def test_form_page_texts_on_the_english_page_are_marked_swedish(client):
    page = make_nomination_page()
    root = parse(client.get("/en" + page.url))
    (title,) = root.iter("h1")
    (intro,) = by_class(root, "sochef-intro")
    assert (title.get("lang"), intro.get("lang")) == ("sv", "sv")
