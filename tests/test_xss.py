"""The XSS corpus (tests/xss_corpus.py) through every place that shows text from outside.

Each test stores or sends every hostile string, renders the page, e-mail or export that shows
it, parses the result as a browser would and finds no markup that came from the input, while
the strings themselves are shown as the same characters.
"""

import csv
import datetime
import io
import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from sochef_wagtail.evaluation.views import FIELDS as EVALUATION_FIELDS
from sochef_wagtail.guests import Guest
from sochef_wagtail.nominations.notify import notify_editors
from sochef_wagtail.nominations.views import EXPORT_FIELDS
from sochef_wagtail.public_forms.views import neutralise_csv_cell
from sochef_wagtail.text import clean_text
from tests import xss_corpus
from tests.factories import (
    evaluation_post,
    make_evaluation_page,
    make_evaluation_response,
    make_guest,
    make_nomination,
    make_nomination_page,
    make_tweet,
    make_user,
    make_week,
    nomination_post,
    set_project,
    stockholm,
)
from tests.xss_corpus import (
    ALL,
    MARKER,
    MARKUP,
    URLS,
    injected_markup,
    link_targets,
    not_shown_as_text,
)

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2012, 9, 3)


def assert_safe(html, payloads=ALL):
    assert injected_markup(html) == []
    hidden = not_shown_as_text(payloads, html)
    assert hidden == [], "payloads not shown as the same text (dropped or escaped twice)"


def assert_each_safe(render, payloads=ALL):
    """``render(payload)`` gives HTML for one payload: none of them gets through."""
    unsafe = {}
    for payload in payloads:
        html = render(payload)
        found = injected_markup(html)
        if found or not_shown_as_text([payload], html):
            unsafe[payload] = found or "not shown as the same text"
    assert unsafe == {}


@pytest.fixture
def superuser(client):
    client.force_login(make_user("admin", superuser=True))
    return client


@pytest.fixture
def week(index_page, accounts, settings):
    settings.SOCHEF_INDEX_PAGE_SIZE = 200
    employer, worker = accounts
    return make_week(
        index_page,
        WEEK,
        [(employer, make_guest("Anna Lindqvist")), (worker, make_guest("Bo Eriksson"))],
    )


def tweet_time(n):
    return stockholm(2012, 9, 3, 8) + datetime.timedelta(minutes=10 * n)


def test_corpus_payloads_fit_the_shortest_free_text_field():
    assert max(len(payload) for payload in ALL) <= xss_corpus.LONGEST


# -- Tweets ------------------------------------------------------------------------------------


def test_hostile_tweet_text_is_shown_as_text_on_the_week_page(client, week, accounts):
    for n, payload in enumerate(ALL):
        make_tweet(accounts[n % 2], payload, created_at=tweet_time(n))
    assert_safe(client.get(week.url).content)


def test_hostile_entity_urls_never_become_links(client, week, accounts):
    for n, payload in enumerate(URLS):
        text = "Läs https://t.co/abc mer"
        make_tweet(
            accounts[n % 2],
            text,
            created_at=tweet_time(n),
            entities={
                "urls": [
                    {
                        "start": 4,
                        "end": 20,
                        "url": payload,
                        "expanded_url": payload,
                        "display_url": payload,
                    }
                ]
            },
        )
    html = client.get(week.url).content
    assert_safe(html, URLS)
    assert [href for href in link_targets(html) if MARKER in href] == []


def test_hostile_mentions_and_hashtags_link_only_to_x(client, week, accounts):
    for n, payload in enumerate(ALL):
        make_tweet(
            accounts[n % 2],
            "@someone #tag",
            created_at=tweet_time(n),
            entities={
                "mentions": [{"start": 0, "end": 8, "handle": payload}],
                "hashtags": [{"start": 9, "end": 13, "tag": payload}],
            },
        )
    html = client.get(week.url).content
    assert injected_markup(html) == []
    tweet_links = [href for href in link_targets(html) if MARKER in href]
    assert tweet_links and all(href.startswith("https://x.com/search?q=") for href in tweet_links)


def test_hostile_tweets_are_shown_as_text_in_search_results(client, index_page, accounts):
    for n, payload in enumerate(ALL):
        make_tweet(accounts[n % 2], f"{payload} arbetsmiljö", created_at=tweet_time(n))
    response = client.get(f"{index_page.url}sok/", {"q": "arbetsmiljö"})
    assert injected_markup(response.content) == []
    assert response.content.decode().count("sochef-result-tweet") >= 20


def test_hostile_search_queries_are_shown_as_text(client, index_page):
    def search(payload):
        response = client.get(f"{index_page.url}sok/", {"q": payload})
        assert response.status_code == 200
        return response.content

    assert_each_safe(search)


# -- Guests ------------------------------------------------------------------------------------


def bio_contentstate(text, url):
    """A Draftail bio whose whole text is a link to ``url``, as the admin's editor posts it."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "bio00",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": len(text), "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {
                "0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": url}},
            },
        }
    )


def create_guests_in_the_admin(client, payloads):
    for n, payload in enumerate(payloads):
        response = client.post(
            reverse("wagtailsnippets_sochef_wagtail_guest:add"),
            {
                "name": f"{payload} {n}",
                "role": "other",
                "role_other": payload,
                "organisation": payload,
                "sector": "public",
                "bio": bio_contentstate(payload, URLS[n % len(URLS)]),
                "handle": "",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
    return list(Guest.objects.order_by("pk"))


def weeks_of(index_page, accounts, guests):
    """Weeks of two guests each (the last one alone when their number is odd)."""
    weeks = []
    for n in range(0, len(guests), 2):
        slots = list(zip(accounts, guests[n : n + 2], strict=False))
        weeks.append(
            make_week(index_page, WEEK + datetime.timedelta(weeks=n // 2), slots, title=f"V {n}")
        )
    return weeks


def test_hostile_guest_fields_and_bio_links_from_the_admin_are_escaped_on_week_pages(
    superuser, index_page, accounts
):
    guests = create_guests_in_the_admin(superuser, MARKUP)
    reader = Client()
    pages = [reader.get(week.url).content for week in weeks_of(index_page, accounts, guests)]
    html = b"".join(pages)
    assert injected_markup(html) == []
    assert not_shown_as_text(MARKUP, html) == []
    assert MARKER in html.decode()  # the bio text is there; its link is not


def test_hostile_guest_names_are_escaped_on_the_index_and_in_search(
    client, index_page, accounts, settings
):
    settings.SOCHEF_INDEX_PAGE_SIZE = 200
    guests = [make_guest(f"{payload} Lindqvist", organisation=payload) for payload in MARKUP]
    weeks_of(index_page, accounts, guests)
    assert_safe(client.get(index_page.url).content, MARKUP)
    found = client.get(f"{index_page.url}sok/", {"q": "Lindqvist"}).content
    assert injected_markup(found) == []
    assert found.decode().count("sochef-result-guest") >= 20


def test_hostile_guest_name_adds_no_line_to_the_calendar_feed(client, index_page, accounts):
    make_week(
        index_page,
        WEEK,
        [(accounts[0], make_guest("Anna\r\nATTACH:https://evil.example/x\r\nX-EVIL:1"))],
    )
    feed = client.get(f"{index_page.url}calendar/").content.decode()
    lines = feed.replace("\r\n ", "").split("\r\n")  # unfold continuation lines
    assert not any(line.startswith(("ATTACH", "X-EVIL")) for line in lines)


# -- Nominations -------------------------------------------------------------------------------

NOMINATION_TEXT_FIELDS = [
    "nominee_name",
    "role_other",
    "organisation",
    "why",
    "nominee_contact",
    "nominator_name",
    "nominator_email",
    "notes",
]


def hostile_nominations():
    return [
        make_nomination(role="other", **dict.fromkeys(NOMINATION_TEXT_FIELDS, payload))
        for payload in ALL
    ]


def listing_pages(client, url):
    """Every page of an admin listing, as HTML."""
    pages, number = [], 1
    while True:
        response = client.get(url, {"p": number})
        pages.append(response.content)
        if not response.context["page_obj"].has_next():
            return pages
        number += 1


def test_hostile_nominations_are_shown_as_text_when_the_public_form_is_shown_again(client):
    page = make_nomination_page()

    def send(payload):
        post = nomination_post(
            **{name: payload for name in NOMINATION_TEXT_FIELDS if name != "notes"},
            nominee_handle=payload,
            side=payload,
            role=payload,
            consent=None,
        )
        response = client.post(page.url, post)
        assert response.status_code == 200  # shown again with its errors
        return response.content

    assert_each_safe(send)


def test_hostile_nominations_are_escaped_in_the_admin_listing(superuser):
    hostile_nominations()
    html = b"".join(listing_pages(superuser, reverse("sochef_nominations:index")))
    assert_safe(html)


def test_hostile_search_in_the_nomination_listing_is_escaped(superuser):
    hostile_nominations()
    url = reverse("sochef_nominations:index")
    assert_each_safe(lambda payload: superuser.get(url, {"q": payload}).content)


def admin_view_of(client, view, objects):
    """``render(payload)``: the admin ``view`` of the object whose fields hold that payload."""
    by_payload = dict(zip(ALL, objects, strict=True))
    return lambda payload: client.get(reverse(view, args=[by_payload[payload].pk])).content


def test_hostile_nominations_are_escaped_in_the_inspect_view(superuser):
    assert_each_safe(admin_view_of(superuser, "sochef_nominations:inspect", hostile_nominations()))


def test_hostile_nominations_are_escaped_in_the_edit_view(superuser):
    assert_each_safe(admin_view_of(superuser, "sochef_nominations:edit", hostile_nominations()))


def csv_columns(response, fields):
    """{field: its cells} of a CSV export whose columns are ``fields``."""
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"  # never sniffed as HTML
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return dict(zip(fields, zip(*rows[1:], strict=True), strict=True))


def test_hostile_nominations_are_exported_as_inert_text(superuser):
    hostile_nominations()
    response = superuser.get(reverse("sochef_nominations:index"), {"export": "csv"})
    expected = sorted(neutralise_csv_cell(clean_text(payload)) for payload in ALL)
    columns = csv_columns(response, EXPORT_FIELDS)
    for field in ("why", "nominator_email"):
        assert sorted(columns[field]) == expected


def test_hostile_nomination_is_escaped_in_the_notification_email(db):
    page = make_nomination_page()
    set_project(notify_emails="redaktion@example.com")

    def notify(payload):
        nomination = make_nomination(page, **dict.fromkeys(NOMINATION_TEXT_FIELDS, payload))
        mail.outbox = []
        notify_editors(nomination.pk)
        (message,) = mail.outbox
        assert "\n" not in message.subject and "\r" not in message.subject
        return message.alternatives[0][0]

    assert_each_safe(notify)


# -- Evaluation answers ------------------------------------------------------------------------


def hostile_answers():
    return [
        make_evaluation_response(what_worked=payload, what_to_change=payload) for payload in ALL
    ]


def test_hostile_answers_are_escaped_in_the_admin_listing(superuser):
    hostile_answers()
    listing = b"".join(listing_pages(superuser, reverse("sochef_evaluation:index")))
    assert injected_markup(listing) == []


def test_hostile_answers_are_escaped_in_the_inspect_view(superuser):
    assert_each_safe(admin_view_of(superuser, "sochef_evaluation:inspect", hostile_answers()))


def test_hostile_search_in_the_evaluation_listing_is_escaped(superuser):
    hostile_answers()
    url = reverse("sochef_evaluation:index")
    assert_each_safe(lambda payload: superuser.get(url, {"q": payload}).content)


def test_hostile_answers_are_exported_as_inert_text(superuser):
    hostile_answers()
    response = superuser.get(reverse("sochef_evaluation:index"), {"export": "csv"})
    expected = sorted(neutralise_csv_cell(clean_text(payload)) for payload in ALL)
    columns = csv_columns(response, EVALUATION_FIELDS)
    for field in ("what_worked", "what_to_change"):
        assert sorted(columns[field]) == expected


def test_hostile_answers_are_shown_as_text_when_the_survey_is_shown_again(client):
    page = make_evaluation_page()

    def send(payload):
        post = evaluation_post(
            what_worked=payload, what_to_change=payload, respondent=payload, usefulness=""
        )
        response = client.post(page.url, post)
        assert response.status_code == 200
        return response.content

    assert_each_safe(send)
