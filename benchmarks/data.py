"""The content the benchmarks measure, built with the test suite's factories.

Tweets read like the real ones: a link, a mention and a hashtag each (entities as the demo
builds them), threads of an account's own tweets and a dialogue between the two accounts.
"""

import datetime
import io
import itertools
import random

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.search.backends import get_search_backend

from example_site.blog.models import BlogIndexPage, BlogPage
from sochef_wagtail.archive.models import MediaKind, Tweet, TweetMedia, TweetSource
from sochef_wagtail.archive.store import pk_ranges
from sochef_wagtail.archive.tasks import render_posts
from sochef_wagtail.caching.tweets import invalidate_week_cache
from sochef_wagtail.choices import Role
from sochef_wagtail.dates import current_week_start
from sochef_wagtail.demo.builders import demo_entities
from sochef_wagtail.models import PressMention, SochefLandingPage
from tests.factories import (
    STOCKHOLM,
    make_accounts,
    make_blog_category,
    make_blog_posts,
    make_guest,
    make_index,
    make_landing,
    make_press_mention,
    make_week,
    site_root,
)

# The first week of the site; every other week follows it.
FIRST_WEEK = datetime.date(2012, 9, 3)
_tweet_numbers = itertools.count()
FIRST_TWEET_ID = 300_000_000_000_000_000


SUBJECTS = [
    "riskbedömningen",
    "skyddsronden",
    "ensamarbetet",
    "hot och våld i mötet med kunder",
    "bullret i verkstaden",
    "arbetstiderna i hemtjänsten",
    "introduktionen av nyanställda",
    "den sociala arbetsmiljön",
    "belastningsskadorna",
    "stressen inför bokslutet",
    "tillbudsrapporteringen",
    "friskvårdstimmen",
]
SENTENCES = [
    "Hur följer ni upp {subject} när schemat ändras?",
    "I dag tog vi upp {subject} på arbetsplatsträffen, och alla hade något att säga.",
    "Vem har egentligen ansvaret för {subject} när chefen sitter på ett annat kontor?",
    "Tre saker jag lärt mig om {subject} den här veckan.",
    "Vi har skrivit en ny rutin för {subject}. Den blev kortare än den gamla.",
    "Skyddsombudet och jag går igenom {subject} tillsammans på torsdag.",
    "Kan man begära en åtgärd om {subject} utan att gå via facket?",
    "Enkäten om {subject} fick svar från 80 procent av personalen!",
]
TAGS = ["arbetsmiljo", "sochef", "skyddsombud", "chef", "hr", "vard", "bygg"]


def tweet_text(n, handle):
    """A tweet of its own: a sentence on a subject, a mention, a link and a hashtag."""
    choose = random.Random(n).choice
    sentence = choose(SENTENCES).format(subject=choose(SUBJECTS))
    return f"{sentence} @{handle} vad säger ni? https://t.co/b{n:07d} #{choose(TAGS)}"


def tweet_link(n):
    return (
        f"https://t.co/b{n:07d}",
        f"https://www.nyarbetsmiljo.se/artikel/{n}",
        f"nyarbetsmiljo.se/artikel/{n}",
    )


class BenchSite:
    """The relay accounts, the guest index and its weeks in the benchmark's database."""

    def __init__(self):
        self.accounts = make_accounts()
        self.index = make_index()
        self.photo = guest_photo()
        self.week_count = 0

    def add_week(self, tweets=0, guest_photos=False, tweet_photos_every=0):
        """A past week with a pair of guests (with photos when asked) and ``tweets`` tweets
        (every ``tweet_photos_every``-th with a picture)."""
        monday = FIRST_WEEK + datetime.timedelta(weeks=self.week_count)
        n = self.week_count = self.week_count + 1
        photo = self.photo if guest_photos else None
        employer, worker = self.accounts
        slots = [
            (employer, make_guest(f"Chef {n}", Role.MANAGER, bio=BIO, photo=photo)),
            (worker, make_guest(f"Skyddsombud {n}", Role.SAFETY_REP, bio=BIO, photo=photo)),
        ]
        week = make_week(self.index, monday, slots, title=f"Vecka {n}: arbetsmiljö i vården")
        week.intro = INTRO
        week.save_revision().publish()
        if tweets:
            add_week_tweets(self.accounts, monday, tweets, tweet_photos_every)
        return week

    def add_weeks(self, count, tweets_per_week=10):
        """``count`` more past weeks; their tweets in bulk."""
        return [self.add_week(tweets_per_week, guest_photos=True) for _ in range(count)]

    def add_current_week(self):
        """This week, with a pair of guests with photos: what the landing page shows."""
        employer, worker = self.accounts
        slots = [
            (employer, make_guest("Chef i dag", Role.MANAGER, bio=BIO, photo=self.photo)),
            (worker, make_guest("Skyddsombud i dag", Role.SAFETY_REP, bio=BIO, photo=self.photo)),
        ]
        return make_week(self.index, current_week_start(), slots, title="Veckans gäster")


BIO = "<p>Arbetar med arbetsmiljöfrågor sedan många år och twittrar om vardagen.</p>"
INTRO = "<p>Veckans gäster svarar på frågor om arbetsmiljö från båda sidor.</p>"


def add_week_tweets(accounts, monday, count, photo_every=0):
    """``count`` tweets over the week, half per account; every fifth answers the previous tweet
    of its account (a thread), and the worker side answers the employer's first tweet (a
    dialogue). With ``photo_every``, every n-th tweet has a picture row."""
    employer, worker = accounts
    start = datetime.datetime.combine(monday, datetime.time(7), tzinfo=STOCKHOLM)
    step = datetime.timedelta(days=6, hours=14) / max(count, 1)
    tweets, last = [], {}
    for n in range(count):
        account = employer if n % 2 == 0 else worker
        other = worker if account is employer else employer
        number = next(_tweet_numbers)
        tweet_id = str(FIRST_TWEET_ID + number)
        text = tweet_text(number, other.handle)
        reply_to = None
        if n % 5 == 4 and account.pk in last:
            reply_to = last[account.pk]
        elif n == 1 and employer.pk in last:
            reply_to = last[employer.pk]
        tweets.append(
            Tweet(
                tweet_id=tweet_id,
                account=account,
                created_at=start + n * step,
                text=text,
                entities=demo_entities(text, tweet_link(number)),
                in_reply_to_tweet_id=reply_to.tweet_id if reply_to else "",
                in_reply_to_handle=reply_to.account.handle if reply_to else "",
                lang="sv",
                source=TweetSource.ARCHIVE,
            )
        )
        last[account.pk] = tweets[-1]
    tweets = Tweet.objects.bulk_create(tweets)
    for account in accounts:  # bulk_create sends no signal: tell the tweet cache
        invalidate_week_cache(account, monday, monday + datetime.timedelta(days=6))
    # What the app's task does after an import stored tweets in bulk: store their HTML.
    render_posts(pk_ranges([tweet.pk for tweet in tweets]))
    if photo_every:
        TweetMedia.objects.bulk_create(
            TweetMedia(
                tweet=tweet,
                media_key=f"3_{tweet.tweet_id}",
                kind=MediaKind.PHOTO,
                file=f"sochef/tweet_media/{tweet.tweet_id}.png",
                alt_text="En bild",
            )
            for tweet in tweets[::photo_every]
        )
    return tweets


def guest_photo():
    """A Wagtail image standing in for the guests' portraits."""
    picture = PILImage.new("RGB", (400, 400), "#dde6ef")
    data = io.BytesIO()
    picture.save(data, "PNG")
    return get_image_model().objects.create(
        title="Gäst", file=ImageFile(io.BytesIO(data.getvalue()), name="gast.png")
    )


def blog_index():
    """The example site's blog index, made when missing."""
    return BlogIndexPage.objects.first() or site_root().add_child(
        instance=BlogIndexPage(title="Blogg", slug="blogg")
    )


def plain_page(tweets):
    """A plain Wagtail page of the example site (a blog post) with the same text as ``tweets``:
    a paragraph and a link per tweet, no tweet block."""
    blog = blog_index()
    paragraphs = []
    for tweet in tweets:
        link = tweet.entities["urls"][0]
        paragraphs.append(
            f"<p>@{tweet.account.handle}: {tweet.text} "
            f'<a href="{link["expanded_url"]}">{link["display_url"]}</a></p>'
        )
    post = BlogPage(
        title="Veckans tweets som vanlig text",
        slug="veckans-tweets",
        date=datetime.date(2013, 3, 4),
        author="Redaktionen",
        summary="Samma text som en gästvecka, på en vanlig sida.",
        body="".join(paragraphs),
    )
    blog.add_child(instance=post)
    post.save_revision().publish()
    return post


# What the landing page lists besides this week's guests: the blog's latest posts (it shows 5)
# and the press mentions (all of them).
LANDING_POSTS = 20
LANDING_PRESS_MENTIONS = 20


def landing_page(site):
    """The landing page's URL, with this week's guests, blog posts of the SOchef category and
    press mentions."""
    site.add_current_week()
    blog = blog_index()
    posts = BlogPage.objects.filter(categories__slug="sochef").count()
    make_blog_posts(blog, [make_blog_category()], max(LANDING_POSTS - posts, 0))
    for n in range(LANDING_PRESS_MENTIONS - PressMention.objects.count()):
        make_press_mention(title=f"Artikel {n}", date=datetime.date(2013, 1, 1))
    landing = SochefLandingPage.objects.first() or make_landing(guest_index=site.index)
    return landing.url


#: What the measured search looks for: a word of about one tweet in twelve (SUBJECTS), so that
#: the results fill several pages of 20.
SEARCH_WORD = "skyddsronden"


def search_results(site):
    """The URL of the first page of the guest index's search results for SEARCH_WORD, every
    tweet indexed for search (the benchmark writes them in bulk, which indexes nothing)."""
    backend = get_search_backend()
    tweets = list(Tweet.objects.all())
    backend.add_bulk(Tweet, tweets)
    url = site.index.url + site.index.reverse_subpage("search")
    return f"{url}?q={SEARCH_WORD}"
