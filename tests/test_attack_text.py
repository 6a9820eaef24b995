"""Hostile text against a real server (gunicorn, PostgreSQL, DEBUG off), sent from outside.

A visitor posts every control character (and bytes that are no UTF-8) into every field of both
public forms; an editor has typed them into a blog post, a guest week and its guest. Then every
output is fetched over HTTP as a reader, a calendar app and an editor would: each answers 200
and parses (XML, feedparser, iCal, XLSX, CSV, html5lib), with no control character in it.
"""

import csv
import datetime
import io
import re
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree

import feedparser
import html5lib
import openpyxl
import pytest
import requests
from icalendar import Calendar

from sochef_wagtail.conf import app_settings
from sochef_wagtail.evaluation.models import EvaluationResponse
from sochef_wagtail.nominations.models import Nomination
from sochef_wagtail.text import CONTROL_CHARACTERS
from tests.factories import (
    make_accounts,
    make_blog_category,
    make_blog_index,
    make_blog_post,
    make_evaluation_page,
    make_guest,
    make_index,
    make_nomination_page,
    make_user,
    make_week,
)
from tests.processes import gunicorn, needs_postgresql, site_env

pytestmark = pytest.mark.slow

# Every control character a form can carry (HTTP carries no lone surrogate as text).
HOSTILE = "Anna " + "".join(
    chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF] if chr(c) not in "\t\n\r"
)
# What an editor can store: PostgreSQL refuses NUL.
STORABLE = HOSTILE.replace("\x00", "")
# A UTF-8-encoded surrogate and a stray continuation byte: no valid UTF-8, percent-encoded.
BROKEN_UTF8 = "Anna%ED%A0%80%80Lind"


@pytest.fixture
def server(transactional_db):
    needs_postgresql()
    with gunicorn(site_env(settings_module="tests.load_settings"), workers=1, threads=4) as (
        _process,
        url,
    ):
        yield url


def assert_clean(text):
    assert CONTROL_CHARACTERS.findall(text) == []


def form_tokens(session, url):
    html = session.get(url, timeout=60).text
    return dict(re.findall(r'name="(csrfmiddlewaretoken|started)" value="([^"]+)"', html))


def post_raw(session, url, fields, raw=""):
    """POST ``fields`` form-encoded, with ``raw`` (already percent-encoded) appended."""
    body = urllib.parse.urlencode(fields) + raw
    return session.post(
        url,
        data=body.encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": url},
        allow_redirects=False,
        timeout=60,
    )


def test_hostile_text_from_outside_gives_well_formed_outputs(server):
    nomination_page, survey = make_nomination_page(), make_evaluation_page()
    blog = make_blog_index()
    make_blog_post(
        blog, STORABLE, datetime.date(2012, 8, 28), [make_blog_category()], summary=STORABLE
    )
    index = make_index()
    employer, _worker = make_accounts()
    guest = make_guest(STORABLE, role="other", role_other=STORABLE, organisation=STORABLE)
    make_week(index, datetime.date(2012, 9, 3), [(employer, guest)], title=STORABLE)
    make_user("redaktor", superuser=True)

    visitor = requests.Session()
    tokens = form_tokens(visitor, server + nomination_page.url)
    survey_tokens = form_tokens(visitor, server + survey.url)
    time.sleep(app_settings.FORM_MIN_SECONDS + 0.5)  # past the time trap
    nomination = {
        **tokens,
        **dict.fromkeys(["nominee_name", "role_other", "organisation", "why"], HOSTILE),
        **dict.fromkeys(["nominee_contact", "nominator_name"], HOSTILE),
        "nominee_handle": "@majaberg\x07",
        "side": "worker\x00",
        "role": "other",
        "nominator_email": "per@exa\x1bmple.com",
        "consent": "on",
    }
    response = post_raw(visitor, server + nomination_page.url, nomination, f"&why={BROKEN_UTF8}")
    assert response.status_code == 302, response.text[:2000]
    answers = {**survey_tokens, "respondent": "follower", "side": "worker", "usefulness": "4"}
    answers |= {"what_worked": HOSTILE, "what_to_change": HOSTILE}
    response = post_raw(visitor, server + survey.url, answers, f"&what_worked={BROKEN_UTF8}")
    assert response.status_code == 302, response.text[:2000]
    stored = Nomination.objects.get()
    assert stored.nominator_email == "per@example.com"
    for value in [*vars(stored).values(), *vars(EvaluationResponse.objects.get()).values()]:
        if isinstance(value, str):
            assert_clean(value)

    reader = requests.Session()
    for feed in ("/feeds/sochef/blog/rss/", "/feeds/sochef/blog/atom/"):
        response = reader.get(server + feed, timeout=60)
        assert response.status_code == 200
        ElementTree.fromstring(response.content)
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo and parsed.entries[0].title.startswith("Anna")
    response = reader.get(f"{server}{index.url}calendar/", timeout=60)
    assert response.status_code == 200
    assert_clean(response.text)
    assert Calendar.from_ical(response.content).walk("VEVENT")
    for url in (index.url, f"{index.url}vecka-2012-09-03/", nomination_page.url, survey.url):
        response = reader.get(server + url, timeout=60)
        assert response.status_code == 200, url
        html5lib.parse(response.content)

    editor = requests.Session()
    login = server + "/admin/login/"
    tokens = dict(
        re.findall(r'name="(csrfmiddlewaretoken)" value="([^"]+)"', editor.get(login).text)
    )
    response = editor.post(
        login,
        {**tokens, "username": "redaktor", "password": "pw"},
        headers={"Referer": login},
        timeout=60,
    )
    assert response.status_code == 200 and "/admin/login/" not in response.url
    for listing in ("/admin/sochef/nominations/", "/admin/sochef/evaluation/"):
        xlsx = editor.get(server + listing, params={"export": "xlsx"}, timeout=60)
        assert xlsx.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        cells = [str(cell) for row in sheet.values for cell in row if cell is not None]
        assert any(cell.startswith("Anna") for cell in cells)
        assert_clean(" ".join(cells))
        exported = editor.get(server + listing, params={"export": "csv"}, timeout=60)
        assert exported.status_code == 200
        rows = list(csv.reader(io.StringIO(exported.content.decode())))
        assert len(rows) == 2
        assert_clean(" ".join(" ".join(row) for row in rows))
