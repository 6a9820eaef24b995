"""Posts of every platform shown with their platform's addresses and words (platforms.py): the
permalink, what a reply answers, a quoted post, mentions and tags, the label; and an address
made only of what is safe, whatever a stored id, handle or entity holds."""

import datetime

import pytest
from django.test.html import parse_html
from django.utils import translation

from sochef_wagtail.archive.html import archive_html, tweet_html
from sochef_wagtail.archive.rendering import Links, tweet_text_html
from sochef_wagtail.archive.timeline import tweet_archive
from sochef_wagtail.choices import Platform
from sochef_wagtail.platforms import network
from tests.factories import (
    make_accounts,
    make_guest,
    make_landing,
    make_reply,
    make_tweet,
    make_week,
    post_id,
)

DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
AT_URI = f"at://{DID}/app.bsky.feed.post/3kq2xyz7abc2s"
STATUS = "https://mastodon.social/users/skyddsombud/statuses/109302436954721982"


@pytest.mark.parametrize(
    ("platform", "handle", "post", "profile", "permalink"),
    [
        (
            Platform.X,
            "Skyddsombud",
            "123",
            "https://x.com/Skyddsombud",
            "https://x.com/Skyddsombud/status/123",
        ),
        (
            Platform.BLUESKY,
            "skyddsombud.bsky.social",
            AT_URI,
            "https://bsky.app/profile/skyddsombud.bsky.social",
            f"https://bsky.app/profile/{DID}/post/3kq2xyz7abc2s",
        ),
        (
            Platform.MASTODON,
            "skyddsombud@mastodon.social",
            STATUS,
            "https://mastodon.social/@skyddsombud",
            STATUS,
        ),
    ],
)
def test_each_platform_has_its_addresses(platform, handle, post, profile, permalink):
    links = network(platform)
    assert links.profile_url(handle) == profile
    assert links.post_url(handle, post) == permalink
    assert links.reply_url(handle, post) == permalink
    assert links.reply_url(handle, "") == profile
    assert links.label == Platform(platform).label


@pytest.mark.parametrize(
    ("platform", "post"),
    [
        (Platform.BLUESKY, "3kq2xyz7abc2s"),  # a record key alone, not its AT URI
        (Platform.BLUESKY, f"at://{DID}/app.bsky.feed.like/3kq2xyz7abc2s"),
        (Platform.BLUESKY, f"at://{DID}/app.bsky.feed.post/a/b"),
        (Platform.MASTODON, "javascript:alert(1)//https://"),
        (Platform.MASTODON, "http://mastodon.social/users/a/statuses/1"),
        (Platform.MASTODON, "https://mastodon.social/users/a/statuses/1\nx"),
        (Platform.MASTODON, "109302436954721982"),
    ],
)
def test_an_id_that_is_not_its_platforms_leads_to_the_profile(platform, post):
    links = network(platform)
    handle = {Platform.BLUESKY: "a.bsky.social", Platform.MASTODON: "a@mastodon.social"}[platform]
    assert links.post_url(handle, post) == links.profile_url(handle) != ""


@pytest.mark.parametrize("platform", [Platform.BLUESKY, Platform.MASTODON])
@pytest.mark.parametrize(
    "handle", ["", "a b", "evil.example/x?", "@", "a@b@c.example", "javascript:alert(1)"]
)
def test_a_handle_that_is_not_its_platforms_has_no_address(platform, handle):
    assert network(platform).profile_url(handle) == ""


def test_mentions_and_tags_lead_to_the_platform_of_the_post():
    text = "@skyddsombud.bsky.social #arbetsmiljö $VOLV"
    entities = {
        "mentions": [{"start": 0, "end": 24, "handle": "skyddsombud.bsky.social", "did": DID}],
        "hashtags": [{"start": 25, "end": 37, "tag": "arbetsmiljö"}],
        "cashtags": [{"start": 38, "end": 43, "tag": "VOLV"}],
    }
    bluesky = network(Platform.BLUESKY)
    assert tweet_text_html(text, entities, links=Links(bluesky, "a.bsky.social")) == (
        f'<a href="https://bsky.app/profile/{DID}" rel="noopener">@skyddsombud.bsky.social</a> '
        '<a href="https://bsky.app/hashtag/arbetsmilj%C3%B6" rel="noopener">#arbetsmiljö</a> '
        '<a href="https://bsky.app/search?q=%24VOLV" rel="noopener">$VOLV</a>'
    )


def test_a_mastodon_mention_leads_to_the_address_mastodon_gives_or_else_the_handles_profile():
    mastodon = network(Platform.MASTODON)
    text = "@anna @bo #skyddsrond"
    entities = {
        "mentions": [
            {
                "start": 0,
                "end": 5,
                "handle": "anna@mastodon.social",
                "url": "https://mastodon.social/@anna",
            },
            {"start": 6, "end": 9, "handle": "bo@fack.example", "url": "javascript:alert(1)"},
        ],
        "hashtags": [{"start": 10, "end": 21, "tag": "skyddsrond"}],
    }
    html = tweet_text_html(text, entities, links=Links(mastodon, "sochef@mastodon.social"))
    assert html == (
        '<a href="https://mastodon.social/@anna" rel="noopener">@anna</a> '
        '<a href="https://fack.example/@bo" rel="noopener">@bo</a> '
        '<a href="https://mastodon.social/tags/skyddsrond" rel="noopener">#skyddsrond</a>'
    )


def test_a_hostile_tag_is_one_path_segment():
    html = tweet_text_html(
        "#x",
        {"hashtags": [{"start": 0, "end": 2, "tag": '"><script>/../?a#b'}]},
        links=Links(network(Platform.MASTODON), "sochef@mastodon.social"),
    )
    assert html == (
        '<a href="https://mastodon.social/tags/%22%3E%3Cscript%3E%2F..%2F%3Fa%23b" '
        'rel="noopener">#x</a>'
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("platform", "label", "repost", "quoted"),
    [
        (Platform.X, "X", "Retweet", "Citerad tweet på X"),
        (Platform.BLUESKY, "Bluesky", "Repost", "Citerat inlägg på Bluesky"),
        (Platform.MASTODON, "Mastodon", "Boost", "Citerat inlägg på Mastodon"),
    ],
)
def test_a_post_shows_its_platform_its_words_and_its_addresses(platform, label, repost, quoted):
    employer, worker = make_accounts(platform)
    asked = make_tweet(employer, "Fråga")
    quoted_id = post_id(employer, 7)
    answer = make_reply(asked, worker, "Svar", is_quote=True, quoted_tweet_id=quoted_id)
    shared = make_tweet(worker, "Delat", is_retweet=True, possibly_sensitive=True)
    with translation.override("sv"):
        html = tweet_html(answer, show_context=True)
        shared_html = tweet_html(shared)
    links = network(platform)
    assert parse_html(f'<span class="sochef-tweet__platform">{label}</span>') in parse_html(html)
    assert f'href="{links.post_url(worker.handle, answer.tweet_id)}"' in html
    assert f'href="{links.post_url(employer.handle, asked.tweet_id)}"' in html  # answered
    assert f'href="{links.quoted_url(quoted_id)}"' in html and quoted in html
    assert repost in shared_html
    sensitive = "Den här tweeten" if platform == Platform.X else "Det här inlägget"
    assert f"{sensitive} kan ha känsligt innehåll" in shared_html
    if platform != Platform.X:
        assert "x.com" not in html + shared_html


@pytest.mark.django_db
def test_a_reply_to_a_handle_of_no_platform_names_it_without_a_link():
    employer, _worker = make_accounts(Platform.MASTODON)
    reply = make_tweet(employer, "Svar", in_reply_to_handle="<b>evil", in_reply_to_tweet_id="")
    html = tweet_html(reply, show_context=True)
    context = html.split('<p class="sochef-tweet__context">')[1].split("</p>")[0]
    assert "@&lt;b&gt;evil" in context and "<a" not in context


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("platform", "empty"), [(Platform.X, "Inga tweets."), (Platform.MASTODON, "Inga inlägg.")]
)
def test_an_empty_column_and_archive_say_posts_unless_every_account_is_on_x(platform, empty):
    employer, worker = make_accounts(platform)
    make_tweet(employer, "Bara arbetsgivaren")
    day = datetime.date(2012, 9, 3)
    with translation.override("sv"):
        columns = archive_html(
            tweet_archive(accounts=[employer, worker], first_day=day, last_day=day)
        )
        nothing = archive_html(tweet_archive(tweet_ids=["finns-inte"], layout="timeline"))
        on_bluesky = archive_html(
            tweet_archive(
                accounts=[make_accounts(Platform.BLUESKY)[0]], first_day=day, last_day=day
            )
        )
    assert f'<p class="sochef-tweets__empty">{empty}</p>' in columns
    assert "Inga arkiverade tweets att visa." in nothing
    assert "Inga arkiverade inlägg att visa." in on_bluesky


@pytest.mark.django_db
def test_a_relay_on_x_alone_still_tweets_on_the_guest_index(client, index_page):
    make_accounts(Platform.X)
    listing = client.get(index_page.url).content.decode()
    assert 'aria-label="Sök bland tweets och gäster"' in listing
    assert "Följ tweetsen i din flödesläsare:" in listing


@pytest.mark.django_db
def test_a_relay_on_bluesky_and_mastodon_posts_where_one_on_x_tweets(client, index_page):
    """The readers' words of the landing page, the week listings, a guest's page, the feeds
    and the calendar follow the accounts' platforms."""
    employer, worker = make_accounts(Platform.BLUESKY)
    *_, on_mastodon = make_accounts(Platform.MASTODON)
    karin = make_guest("Karin Berg")
    monday = datetime.date(2012, 9, 3)
    make_week(index_page, monday, [(worker, karin), (on_mastodon, karin)])
    make_tweet(worker, "Från Bluesky")
    landing = make_landing(guest_index=index_page)
    html = client.get(landing.url).content.decode()
    assert "Se vilka som har postat och vad" in html and "har twittrat" not in html
    assert "Följ kontona:" in html  # three accounts, not "both"
    listing = client.get(index_page.url).content.decode()
    assert "1 inlägg" in listing and "1 tweet" not in listing
    assert 'aria-label="Sök bland inlägg och gäster"' in listing
    assert 'for="id_q">Sök bland inlägg och gäster' in listing
    assert "Följ inläggen i din flödesläsare:" in listing
    assert 'title="Stafettkontonas inlägg (RSS)"' in listing
    assert "tweets och" not in listing and "tweetsen" not in listing
    search = client.get(f"{index_page.url}sok/?q=Bluesky").content.decode()
    assert "Sök bland inlägg och gäster –" in search
    assert "Sök bland inlägg och gäster i" in search
    guest_page = client.get(f"{index_page.url}gaster/{karin.slug}/").content.decode()
    assert "Postade från" in guest_page
    assert "Inlägg från @skyddsombud.bsky.social" in guest_page  # its feed's link
    calendar = client.get(f"{index_page.url}calendar/").content.decode()
    assert "Karin Berg" in calendar and "postar som @skyddsombud.bsky.social" in calendar
    assert employer.platform == Platform.BLUESKY


@pytest.mark.django_db
def test_the_two_sides_answering_each_other_across_platforms_form_one_dialogue(client, index_page):
    """A worker on Mastodon answering the employer's Bluesky post (through a bridge that names
    the post by its at:// URI), and the employer answering back: one dialogue of the week."""
    employer, _worker = make_accounts(Platform.BLUESKY)
    _employer, worker = make_accounts(Platform.MASTODON)
    week = make_week(
        index_page,
        datetime.date(2012, 9, 3),
        [(employer, make_guest("Anna")), (worker, make_guest("Karin"))],
    )
    question = make_tweet(employer, "Hur gör ni skyddsronden?")
    answer = make_reply(question, worker, "Tillsammans, varje kvartal.")
    make_reply(answer, employer, "Bra, vi gör likadant.", minutes=10)
    day = datetime.date(2012, 9, 3)
    (thread,) = tweet_archive(accounts=[employer, worker], first_day=day, last_day=day).threads
    assert thread.is_dialogue and len(thread.tweets) == 3
    html = client.get(week.url).content.decode()
    dialogue = html[html.index('class="sochef-dialogue"') :]
    dialogue = dialogue[: dialogue.index("</ol>")]
    assert dialogue.count('class="sochef-tweet__platform"') == 3
    assert dialogue.index("Hur gör ni") < dialogue.index("Tillsammans") < dialogue.index("Bra, vi")
    assert "Bluesky" in dialogue and "Mastodon" in dialogue
