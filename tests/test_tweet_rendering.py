"""How one tweet's text, media and time are rendered: escaped once, entities as safe links."""

import datetime
import html
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from sochef_wagtail.archive.rendering import tweet_text_html
from sochef_wagtail.text import safe_url
from tests.factories import make_media, make_tweet, stockholm


def shown_text(markup):
    """What a reader sees: tags removed, entities decoded once, as a browser does."""
    return html.unescape(re.sub(r"<br>\n?", "\n", re.sub(r"<(?!br>)[^>]+>", "", markup)))


def render_tweet(tweet):
    return render_to_string("sochef_wagtail/includes/tweet.html", {"tweet": tweet})


def test_ampersand_is_escaped_exactly_once_and_reads_as_an_ampersand():
    # The archive's "&amp;" is stored as "&": the page escapes it once, never twice.
    markup = tweet_text_html("Lön & villkor <3", {})
    assert markup == "Lön &amp; villkor &lt;3"
    assert "&amp;amp;" not in markup
    assert shown_text(markup) == "Lön & villkor <3"


def test_text_is_shown_as_stored_not_unescaped_again():
    assert shown_text(tweet_text_html("Skriv &amp; när du menar &", {})) == (
        "Skriv &amp; när du menar &"
    )


def test_script_in_text_never_becomes_a_tag():
    markup = tweet_text_html('<script>alert("x")</script><img src=x onerror=alert(1)>', {})
    assert "<script" not in markup and "<img" not in markup
    assert markup.startswith("&lt;script&gt;")


def test_line_breaks_are_kept():
    assert tweet_text_html("Rad ett\nRad två\r\nRad tre", {}) == (
        "Rad ett<br>\nRad två<br>\nRad tre"
    )


def test_tco_link_is_replaced_by_the_expanded_url_with_display_text():
    text = "Läs mer https://t.co/abc123 nu"
    url = {
        "start": 8,
        "end": 27,
        "url": "https://t.co/abc123",
        "expanded_url": "https://www.av.se/arbetsmiljoarbete?a=1&b=2",
        "display_url": "av.se/arbetsmiljoar…",
    }
    markup = tweet_text_html(text, {"urls": [url]})
    assert markup == (
        'Läs mer <a href="https://www.av.se/arbetsmiljoarbete?a=1&amp;b=2" '
        'rel="nofollow noopener">av.se/arbetsmiljoar…</a> nu'
    )
    assert "t.co" not in markup


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "https:evil",
    ],
)
def test_only_http_and_https_urls_become_links(url):
    text = "Klicka https://t.co/evil"
    entity = {"start": 7, "end": 24, "url": url, "expanded_url": url, "display_url": url}
    markup = tweet_text_html(text, {"urls": [entity]})
    assert "<a" not in markup and "href" not in markup
    assert safe_url(url) is None


def test_a_bad_expanded_url_does_not_fall_back_to_a_link_of_its_display_text():
    entity = {"start": 0, "end": 12, "expanded_url": "data:,x", "display_url": "<b>hej</b>"}
    markup = tweet_text_html("https://t.co", {"urls": [entity]})
    assert markup == "&lt;b&gt;hej&lt;/b&gt;"


def test_mention_links_to_the_x_profile():
    markup = tweet_text_html(
        "Fråga @Skyddsombud!", {"mentions": [{"start": 6, "end": 18, "handle": "Skyddsombud"}]}
    )
    assert markup == 'Fråga <a href="https://x.com/Skyddsombud" rel="noopener">@Skyddsombud</a>!'


def test_mention_with_an_impossible_handle_is_not_linked():
    entity = {"start": 0, "end": 5, "handle": 'x" onclick="alert(1)'}
    assert tweet_text_html("@evil", {"mentions": [entity]}) == "@evil"


def test_hashtag_links_to_x_hashtag_search_with_swedish_letters():
    markup = tweet_text_html(
        "#arbetsmiljö är allas", {"hashtags": [{"start": 0, "end": 12, "tag": "arbetsmiljö"}]}
    )
    assert markup == (
        '<a href="https://x.com/search?q=%23arbetsmilj%C3%B6&amp;src=hashtag_click" '
        'rel="noopener">#arbetsmiljö</a> är allas'
    )


@pytest.mark.parametrize("prefix", ["😀 ", "🇸🇪 ", "👩‍🔧 ", "𝕏 ", "é "])
def test_astral_characters_before_an_entity_keep_the_offsets_right(prefix):
    # Offsets count code points: an emoji outside the BMP is one, not two UTF-16 units.
    text = f"{prefix}@Skyddsombud hej #SAM"
    start = len(prefix)
    entities = {
        "mentions": [{"start": start, "end": start + 12, "handle": "Skyddsombud"}],
        "hashtags": [{"start": start + 17, "end": start + 21, "tag": "SAM"}],
    }
    markup = tweet_text_html(text, entities)
    assert markup.startswith(f'{prefix}<a href="https://x.com/Skyddsombud" rel="noopener">')
    assert ">@Skyddsombud</a> hej <a " in markup
    assert markup.endswith(">#SAM</a>")


def test_malformed_out_of_range_and_overlapping_entities_are_shown_as_text():
    entities = {
        "mentions": [
            {"start": 0, "end": 4, "handle": "Anna"},
            {"start": 2, "end": 6, "handle": "Overlap"},
            {"start": "0", "end": "4", "handle": "Strings"},
            {"start": 40, "end": 50, "handle": "Outside"},
            "not an entity",
        ],
        "hashtags": {"start": 0},
        "urls": None,
    }
    markup = tweet_text_html("@Ann och Bo", entities)
    assert markup == '<a href="https://x.com/Anna" rel="noopener">@Ann</a> och Bo'
    assert tweet_text_html("Hej", None) == "Hej"


def test_media_link_is_left_out_of_the_text():
    text = "Bilden visar lyftet https://t.co/pic"
    media = {"start": 20, "end": 36, "url": "https://t.co/pic"}
    assert tweet_text_html(text, {"media": [media]}) == "Bilden visar lyftet "


@pytest.mark.django_db
def test_media_are_served_from_our_storage_with_their_alt_text(accounts):
    tweet = make_tweet(accounts[1], "Så här ser det ut")
    make_media(tweet, alt_text='Ett tungt lyft & "fel" teknik')
    markup = render_tweet(tweet)
    assert re.search(r'<img src="/media/sochef/tweet_media/bild[^"]*\.png"', markup)
    assert 'alt="Ett tungt lyft &amp; &quot;fel&quot; teknik"' in markup
    assert "twimg" not in markup


@pytest.mark.django_db
def test_tweet_has_a_permalink_and_its_time_in_stockholm(accounts, settings):
    settings.TIME_ZONE = "UTC"  # the server's zone does not matter
    tweet = make_tweet(
        accounts[1], created_at=datetime.datetime(2013, 6, 10, 7, 5, tzinfo=datetime.UTC)
    )
    markup = render_tweet(tweet)
    assert f'href="https://x.com/Skyddsombud/status/{tweet.tweet_id}"' in markup
    assert '<time datetime="2013-06-10T09:05:00+02:00">10 juni 2013 09:05</time>' in markup


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        # Summer time starts 2013-03-31 at 02:00 CET, ends 2013-10-27 at 03:00 CEST.
        ((2013, 3, 31, 0, 30), "2013-03-31T01:30:00+01:00"),
        ((2013, 3, 31, 1, 30), "2013-03-31T03:30:00+02:00"),
        ((2013, 10, 27, 0, 30), "2013-10-27T02:30:00+02:00"),
        ((2013, 10, 27, 1, 30), "2013-10-27T02:30:00+01:00"),
    ],
)
def test_time_is_shown_in_stockholm_across_daylight_saving_changes(accounts, settings, utc, shown):
    settings.TIME_ZONE = "America/New_York"
    tweet = make_tweet(accounts[0], created_at=datetime.datetime(*utc, tzinfo=datetime.UTC))
    assert f'<time datetime="{shown}">' in render_tweet(tweet)


@pytest.mark.django_db
def test_retweet_and_quote_are_marked(accounts):
    retweet = make_tweet(accounts[0], "RT @Skyddsombud: Bra fråga", is_retweet=True)
    quote = make_tweet(accounts[0], "Precis så", is_quote=True, quoted_tweet_id="123")
    assert "Retweet" in render_tweet(retweet)
    assert 'href="https://x.com/i/web/status/123"' in render_tweet(quote)


@pytest.mark.django_db
def test_tweet_text_is_escaped_once_in_the_rendered_tweet(accounts):
    tweet = make_tweet(
        accounts[1], "A & B <script>alert(1)</script>", created_at=stockholm(2013, 1, 1)
    )
    markup = render_tweet(tweet)
    assert "A &amp; B &lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "<script" not in markup


def test_cashtag_links_to_x_cashtag_search():
    markup = tweet_text_html("Köp $VOLV nu", {"cashtags": [{"start": 4, "end": 9, "tag": "VOLV"}]})
    assert markup == (
        'Köp <a href="https://x.com/search?q=%24VOLV&amp;src=cashtag_click" '
        'rel="noopener">$VOLV</a> nu'
    )


def test_cashtag_with_a_hostile_tag_is_escaped_in_the_link():
    entity = {"start": 0, "end": 5, "tag": '"><script>'}
    markup = tweet_text_html("$EVIL", {"cashtags": [entity]})
    assert "<script" not in markup and "%22%3E%3Cscript%3E" in markup


@pytest.mark.django_db
def test_possibly_sensitive_tweet_shows_its_text_and_media_behind_a_summary(accounts):
    tweet = make_tweet(accounts[1], "Bilder från olyckan", possibly_sensitive=True)
    make_media(tweet, alt_text="Olycksplatsen")
    with translation.override("en"):
        markup = render_tweet(tweet)
    details = markup[markup.index("<details") : markup.index("</details>")]
    assert "<summary>This tweet may contain sensitive content: show it</summary>" in details
    assert "Bilder från olyckan" in details and 'alt="Olycksplatsen"' in details
    assert " open" not in details.split(">")[0]  # closed until the reader opens it
    assert "<script" not in markup and "style=" not in markup


@pytest.mark.django_db
def test_tweet_not_marked_sensitive_shows_no_warning(accounts):
    assert "<details" not in render_tweet(make_tweet(accounts[1], "Vanlig tweet"))


@pytest.mark.django_db
def test_client_place_and_edit_are_shown_escaped(accounts):
    tweet = make_tweet(
        accounts[1],
        "Efter ändring",
        tweet_id="22",
        client="<b>Twitter</b> for iPhone",
        place_name="Stockholm & Solna",
        edited=True,
    )
    with translation.override("en"):
        markup = render_tweet(tweet)
    assert "via &lt;b&gt;Twitter&lt;/b&gt; for iPhone" in markup
    assert "Stockholm &amp; Solna" in markup
    assert '<span class="sochef-tweet__edited">Edited</span>' in markup
