"""Press mentions: a snippet, and a block that lists them."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from sochef_wagtail.press import PressMention, PressMentionsBlock
from tests.factories import make_press_mention


def render_block(**value):
    block = PressMentionsBlock()
    with translation.override("sv"):
        return block.render(block.to_python({"heading": "", "limit": None, **value}))


@pytest.fixture
def press(db):
    make_press_mention("Twitterkonto till låns för SO", "Arbetsliv", datetime.date(2012, 9, 1))
    make_press_mention(
        "Chefer tysta i sociala medier",
        "Arbetsliv",
        datetime.date(2013, 5, 1),
        url="https://example.com/chefer-tysta",
        quote="Cheferna twittrar inte.",
    )
    make_press_mention("Vi måste utbyta erfarenheter", "Dagens Arbete", datetime.date(2013, 9, 1))


@pytest.mark.django_db
def test_url_and_quote_are_optional():
    mention = PressMention(title="Hallå där", outlet="Kommunalarbetaren", date="2012-11-01")
    mention.full_clean()


def test_block_lists_mentions_newest_first_with_outlet_and_month(press):
    html = render_block()
    assert "<h2>Press om projektet</h2>" in html
    assert html.index("Vi måste utbyta") < html.index("Chefer tysta") < html.index("Twitterkonto")
    assert "Dagens Arbete" in html and "september 2013" in html


def test_mention_links_to_the_article_when_its_url_is_known(press):
    html = render_block()
    assert '<a href="https://example.com/chefer-tysta" rel="noopener"><cite>Chefer tysta' in html
    assert "<cite>Vi måste utbyta erfarenheter</cite>" in html
    assert "Cheferna twittrar inte." in html


def test_block_takes_a_heading_and_a_limit(press):
    html = render_block(heading="I pressen", limit=2)
    assert "<h2>I pressen</h2>" in html
    assert "Vi måste utbyta" in html and "Chefer tysta" in html and "Twitterkonto" not in html


@pytest.mark.django_db
def test_mention_text_is_escaped():
    make_press_mention("<script>alert(1)</script>", "Du&jobbet")
    html = render_block()
    assert "<script>alert(1)" not in html
    assert "Du&amp;jobbet" in html


@pytest.mark.django_db
def test_editor_finds_press_mentions_under_sochef(client, press):
    client.force_login(get_user_model().objects.create_superuser("editor", "e@example.com", "pw"))
    response = client.get(reverse("wagtailsnippets_sochef_wagtail_pressmention:list"))
    assert response.status_code == 200
    assert "Chefer tysta i sociala medier" in response.content.decode()
