"""SQL queries per page at two data sizes: a page must run the same number whatever the data.

Each page is a function ``(site, size) -> URL`` that adds what the page shows at that size; a
page whose code is not on this branch raises NotOnThisBranch. Add a page with a few lines:
a function here and a row in PAGES.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from example_site.blog.models import BlogPage
from sochef_wagtail.models import PressMention, SochefLandingPage
from tests.factories import make_blog_category, make_blog_posts, make_landing, make_press_mention

from .data import blog_index, search_results
from .report import NotOnThisBranch, Section

TITLE = "SQL queries per page at two data sizes"


@dataclass
class Size:
    name: str
    weeks: int
    tweets: int


SMALL = Size("small", weeks=3, tweets=10)
LARGE = Size("large", weeks=60, tweets=500)


def week_page(site, size):
    """A new past week with ``size.tweets`` tweets, every fifth with a picture."""
    return site.add_week(size.tweets, guest_photos=True, tweet_photos_every=5).url


def guest_index(site, size):
    """The index once it has ``size.weeks`` weeks (20 per page, so the large size paginates)."""
    site.add_weeks(max(size.weeks - site.week_count, 0))
    return site.index.url


def blog_feed(site, size):
    """The RSS feed once the blog's SOchef category holds ``size.weeks`` posts."""
    blog = blog_index()
    count = size.weeks - BlogPage.objects.filter(categories__slug="sochef").count()
    start = datetime.date(2012, 8, 27) + datetime.timedelta(weeks=size.weeks)
    make_blog_posts(blog, [make_blog_category()], count, start=start)
    return reverse("sochef_wagtail:blog_rss")


def landing_page(site, size):
    """The landing page once the weeks, posts and press mentions have grown to ``size``."""
    guest_index(site, size)
    blog_feed(site, size)
    for n in range(size.weeks - PressMention.objects.count()):
        make_press_mention(title=f"Artikel {n}", date=datetime.date(2013, 1, 1))
    landing = SochefLandingPage.objects.first() or make_landing(guest_index=site.index)
    return landing.url


def search_page(site, size):
    """The first page of search results once the weeks have ``size.tweets`` more tweets, a
    twelfth of which match (all tweets indexed)."""
    site.add_week(size.tweets, tweet_photos_every=5)
    return search_results(site)


PAGES = [
    ("week page", week_page),
    ("guest index", guest_index),
    ("blog feed (RSS)", blog_feed),
    ("landing page", landing_page),
    ("search results", search_page),
]


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def count_queries(client, url):
    """Queries of a second GET of ``url``: the first warms Wagtail's own caches."""
    client.get(url)
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return counter.count


def counts(client, url):
    """(queries with SOchef's caches off, queries with them warm)."""
    with override_settings(SOCHEF_CACHE_TIMEOUT=0):
        uncached = count_queries(client, url)
    return uncached, count_queries(client, url)


def measure(bench):
    section = Section(
        TITLE,
        [
            "page",
            f"{SMALL.name}: queries (SOchef caches off / warm)",
            f"{LARGE.name}: queries (SOchef caches off / warm)",
            "equal",
        ],
    )
    client = Client()
    results = {name: {} for name, _ in PAGES}
    absent = {}
    for size in (SMALL, LARGE):
        for name, page in PAGES:
            if name in absent:
                continue
            try:
                url = page(bench.site, size)
            except NotOnThisBranch as error:
                absent[name] = str(error)
                continue
            results[name][size.name] = counts(client, url)
    for name, _ in PAGES:
        if name in absent:
            section.add(name, "–", "–", f"not on this branch: {absent[name]}")
            continue
        small, large = results[name][SMALL.name], results[name][LARGE.name]
        section.add(
            name,
            " / ".join(map(str, small)),
            " / ".join(map(str, large)),
            "yes" if small == large else "NO",
        )
    section.notes += [
        f"Sizes: {SMALL.name} = a week page with {SMALL.tweets} tweets and an index of "
        f"{SMALL.weeks} weeks; {LARGE.name} = a week page with {LARGE.tweets} tweets and an index "
        f"of {LARGE.weeks} weeks (each with a pair of guests and 10 tweets). Every fifth tweet "
        "of the measured weeks has a picture; the guests have photos. The blog category and "
        "the press list hold as many posts and mentions as the index has weeks.",
        "Counted on the second GET of each page as an anonymous visitor (the first fills "
        "Wagtail's own caches); 'off' = SOCHEF_CACHE_TIMEOUT = 0, 'warm' = SOchef's caches "
        "filled: the week page, the index and the landing page come whole from the response "
        "cache, before any query.",
    ]
    if absent:
        section.notes.append(
            "Pages not on this branch are listed without figures; add them in "
            "benchmarks/queries.py (PAGES) once their code is merged."
        )
    return section
