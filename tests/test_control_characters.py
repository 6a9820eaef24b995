"""Control characters and other text no format holds, through every input and every output.

The class (sochef_wagtail/text.py): NUL, the C0 controls but tab, LF and CR, DEL, the C1
controls, lone surrogates, U+FFFE and U+FFFF. Public forms remove them from every field; rows
that hold them anyway (stored by code, by an editor, by an older version) still give 200 and
well-formed XML, XLSX, CSV, iCal, HTML and e-mail. Lone surrogates cannot be stored (neither
database encodes them) and PostgreSQL refuses NUL: stored rows get the rest.
"""

import contextlib
import csv
import datetime
import email
import email.policy
import io
import json
import xml.etree.ElementTree as ElementTree
from xml.sax.saxutils import escape as xml_escape

import feedparser
import html5lib
import openpyxl
import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from sochef_wagtail.archive.models import Tweet
from sochef_wagtail.archive.normalize import TweetFormat, normalize_tweet
from sochef_wagtail.evaluation.forms import EvaluationForm
from sochef_wagtail.evaluation.views import FIELDS as EVALUATION_FIELDS
from sochef_wagtail.handover.mail import handover_message
from sochef_wagtail.nominations.forms import NominationForm
from sochef_wagtail.nominations.models import Nomination
from sochef_wagtail.nominations.notify import notify_editors
from sochef_wagtail.nominations.views import EXPORT_FIELDS
from sochef_wagtail.public_forms.views import neutralise_csv_cell
from sochef_wagtail.text import CONTROL_CHARACTERS, clean_text, single_line
from tests.archives import api_tweet, archive_tweet, grailbird_tweet
from tests.factories import (
    evaluation_post,
    make_accounts,
    make_blog_category,
    make_blog_index,
    make_blog_post,
    make_evaluation_page,
    make_evaluation_response,
    make_guest,
    make_index,
    make_nomination,
    make_nomination_page,
    make_tweet,
    make_user,
    make_week,
    monday,
    nomination_post,
    set_project,
)

CLASSES = {
    "NUL": ["\x00"],
    "C0": [chr(c) for c in range(1, 0x20) if chr(c) not in "\t\n\r"],
    "DEL": ["\x7f"],
    "C1": [chr(c) for c in range(0x80, 0xA0)],
    "lone surrogate": [chr(c) for c in range(0xD800, 0xE000)],
    "U+FFFE/U+FFFF": ["\ufffe", "\uffff"],
}

pytestmark = pytest.mark.django_db


def every_character(classes):
    return "".join(char for name in classes for char in CLASSES[name])


def hostile_text(classes):
    """Text around one to three characters of one of ``classes``; never empty once cleaned."""
    characters = st.sampled_from(classes).flatmap(
        lambda name: st.lists(st.sampled_from(CLASSES[name]), min_size=1, max_size=3)
    )
    words = st.text(alphabet="Annaå <&>;,\t\n\r", max_size=6)
    return st.tuples(words, characters, words).map(lambda t: f"Anna{t[0]}{''.join(t[1])}{t[2]}")


# Every character of every class in one string (of the surrogates both ends of each half).
EVERY = "Anna " + every_character(CLASSES).replace(
    every_character(["lone surrogate"]), "\ud800\udbff\udc00\udfff"
)
# What a database column takes: no lone surrogate anywhere, no NUL on PostgreSQL.
STORABLE = [
    name
    for name in CLASSES
    if name != "lone surrogate" and not (name == "NUL" and connection.vendor == "postgresql")
]
EVERY_STORABLE = "Anna " + every_character(STORABLE)

FORMS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Each example of an output stores rows and renders them: fewer, and every character anyway.
OUTPUTS = settings(FORMS, max_examples=8)


def stored_text(test):
    """Hypothesis over hostile text this database stores, every such character first."""
    return OUTPUTS(given(text=hostile_text(STORABLE))(example(text=EVERY_STORABLE)(test)))


@contextlib.contextmanager
def rolled_back():
    """One example's rows are gone after it, and nothing it rendered stays cached."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    for cache in caches.all():
        cache.clear()


def assert_clean(text):
    found = CONTROL_CHARACTERS.findall(text)
    assert found == [], f"control characters in the output: {found!r}"


# -- The definition ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", CLASSES)
def test_each_class_is_removed_and_tab_and_line_breaks_are_kept(name):
    text = "a\tb\r\nc" + "".join(CLASSES[name]) + "d"
    assert clean_text(text) == "a\tb\r\nc" + ("\n" * 2 if name == "C0" else "") + "d"


@FORMS
@given(
    st.text(st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from(EVERY)))
)
def test_clean_text_is_always_well_formed_xml_and_utf8(text):
    cleaned = clean_text(text)
    assert_clean(cleaned)
    ElementTree.fromstring(f"<t>{xml_escape(cleaned)}</t>".encode())


# -- Public forms: every field, every class ----------------------------------------------------

NOMINATION_FIELDS = [*NominationForm.Meta.fields, "consent", "website", "started"]
EVALUATION_FORM_FIELDS = [*EvaluationForm.Meta.fields, "website", "started"]
FREE_TEXT = {"nominee_name", "role_other", "organisation", "why", "nominee_contact"}
FREE_TEXT |= {"nominator_name", "what_worked", "what_to_change"}


def with_hostile(valid, field, text):
    """``valid`` POST data with ``text`` put into ``field`` (into the middle of its value)."""
    data = dict(valid)
    value = data.get(field, "")
    data[field] = value[: len(value) // 2] + text + value[len(value) // 2 :]
    return data


def assert_form_strips(form_class, data, field):
    form = form_class(data)
    valid = form.is_valid()
    if field in FREE_TEXT:
        assert valid, form.errors
        assert form.cleaned_data[field] == clean_text(data[field]).strip()
    for value in (form.cleaned_data if valid else form.data).values():
        if isinstance(value, str):
            assert_clean(value)


def valid_nomination():
    return nomination_post(role="other", role_other="Samordnare")


@pytest.mark.parametrize("field", NOMINATION_FIELDS)
def test_nomination_form_removes_every_character_from_each_field(field):
    assert_form_strips(NominationForm, with_hostile(valid_nomination(), field, EVERY), field)


@pytest.mark.parametrize("field", EVALUATION_FORM_FIELDS)
def test_evaluation_form_removes_every_character_from_each_field(field):
    assert_form_strips(EvaluationForm, with_hostile(evaluation_post(), field, EVERY), field)


@FORMS
@given(field=st.sampled_from(NOMINATION_FIELDS), text=hostile_text(list(CLASSES)))
def test_nomination_form_removes_any_mix_of_the_classes(field, text):
    assert_form_strips(NominationForm, with_hostile(valid_nomination(), field, text), field)


@FORMS
@given(field=st.sampled_from(EVALUATION_FORM_FIELDS), text=hostile_text(list(CLASSES)))
def test_evaluation_form_removes_any_mix_of_the_classes(field, text):
    assert_form_strips(EvaluationForm, with_hostile(evaluation_post(), field, text), field)


def test_hostile_text_sent_through_the_public_forms_is_stored_clean(client, db):
    """Every free-text field at once, over HTTP (which carries no lone surrogate), then the
    exports and the notification."""
    text = EVERY.replace("\ud800\udbff\udc00\udfff", "")
    set_project(notify_emails="redaktion@example.com")
    page = make_nomination_page()
    post = nomination_post(**{name: text for name in FREE_TEXT if name in NOMINATION_FIELDS})
    assert client.post(page.url, {**post, "role": "other"}).status_code == 302
    nomination = Nomination.objects.get()
    for name in FREE_TEXT & set(NOMINATION_FIELDS):
        assert getattr(nomination, name) == clean_text(text).strip()
    mail.outbox = []
    notify_editors(nomination.pk)
    assert_sound_email(mail.outbox[0])
    survey = make_evaluation_page()
    post = evaluation_post(what_worked=text, what_to_change=text)
    assert client.post(survey.url, post).status_code == 302
    superuser = Client()
    superuser.force_login(make_user("admin", superuser=True))
    for view in ("sochef_nominations:index", "sochef_evaluation:index"):
        for rows in (xlsx_rows(superuser, view), csv_rows(superuser, view)):
            for row in rows:
                assert_clean(" ".join(map(str, row)))


# -- Exports -----------------------------------------------------------------------------------


def xlsx_rows(client, view):
    response = client.get(reverse(view), {"export": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[cell if cell is not None else "" for cell in row] for row in workbook.active.values]


def csv_rows(client, view):
    response = client.get(reverse(view), {"export": "csv"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def as_xml_reads(text):
    """``text`` with its line ends as an XML parser (reading XLSX) gives them: LF only."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def column(rows, fields, field):
    return [row[fields.index(field)] for row in rows[1:]]


@pytest.fixture
def superuser(db):
    client = Client()
    client.force_login(make_user("admin", superuser=True))
    return client


NOMINATION_TEXT = ["nominee_name", "role_other", "organisation", "why", "nominee_contact"]
NOMINATION_TEXT += ["nominator_name", "notes"]


@stored_text
def test_nomination_exports_hold_no_control_character(text, superuser):
    with rolled_back():
        make_nomination(role="other", **dict.fromkeys(NOMINATION_TEXT, text))
        xlsx, csv_ = (
            xlsx_rows(superuser, "sochef_nominations:index"),
            csv_rows(superuser, "sochef_nominations:index"),
        )
        for name in NOMINATION_TEXT:
            assert column(xlsx, EXPORT_FIELDS, name) == [as_xml_reads(clean_text(text))]
            assert column(csv_, EXPORT_FIELDS, name) == [neutralise_csv_cell(clean_text(text))]


@stored_text
def test_evaluation_exports_hold_no_control_character(text, superuser):
    with rolled_back():
        make_evaluation_response(what_worked=text, what_to_change=text)
        xlsx = xlsx_rows(superuser, "sochef_evaluation:index")
        csv_ = csv_rows(superuser, "sochef_evaluation:index")
        for name in ("what_worked", "what_to_change"):
            assert column(xlsx, EVALUATION_FIELDS, name) == [as_xml_reads(clean_text(text))]
            assert column(csv_, EVALUATION_FIELDS, name) == [neutralise_csv_cell(clean_text(text))]


# -- Feeds, calendar and pages -----------------------------------------------------------------


def hostile_week(text, index=None, accounts=None, week_start=datetime.date(2012, 9, 3)):
    """A published week whose title, intro and guests hold ``text``, with a tweet of it."""
    index = index or make_index()
    employer, worker = accounts or make_accounts()
    guest = make_guest(text[:120], role="other", role_other=text[:100], organisation=text[:150])
    week = make_week(index, week_start, [(employer, guest)], title=text)
    week.intro = f"<p>{escape(text)}</p>"
    week.save_revision().publish()
    make_tweet(employer, text, created_at=datetime.datetime(2012, 9, 3, 9, tzinfo=datetime.UTC))
    return index, week


def fetch_feed(url):
    response = Client().get(url)
    assert response.status_code == 200, response.status_code
    ElementTree.fromstring(response.content)  # well-formed XML, or it raises
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@stored_text
def test_blog_feeds_are_well_formed_whatever_the_titles_hold(text, settings):
    with rolled_back():
        settings.SOCHEF_FEED_INCLUDE_WEEKS = True
        blog = make_blog_index()
        make_blog_post(
            blog,
            text,
            datetime.date(2012, 8, 28),
            [make_blog_category()],
            summary=text,
            author=text,
        )
        hostile_week(text)
        for url in ("/feeds/sochef/blog/rss/", "/feeds/sochef/blog/atom/"):
            feed = fetch_feed(url)
            assert len(feed.entries) == 2
            for entry in feed.entries:
                assert_clean(entry.title + entry.summary)
                assert "Anna" in entry.title


@stored_text
def test_calendar_is_well_formed_whatever_the_weeks_hold(text):
    with rolled_back():
        index, _week = hostile_week(text)
        response = Client().get(f"{index.url}calendar/")
        assert response.status_code == 200
        body = response.content.decode()
        assert_clean(body)
        assert all(line.endswith("\r") for line in body.split("\n")[:-1])  # no bare LF or CR
        (event,) = Calendar.from_ical(response.content).walk("VEVENT")
        assert str(event["summary"]).startswith("Anna")


def parse_html(response):
    assert response.status_code == 200, response.status_code
    return html5lib.parse(response.content, treebuilder="etree")


@stored_text
def test_public_pages_answer_whatever_the_rows_hold(text):
    with rolled_back():
        index, week = hostile_week(text)
        client = Client()
        for url in (week.url, index.url, f"{index.url}sok/?q=Anna"):
            parse_html(client.get(url))


# -- E-mail ------------------------------------------------------------------------------------


def assert_sound_email(message):
    """The message builds and serialises; every header is one clean line; bodies are clean."""
    raw = message.message().as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    for name, value in parsed.items():
        assert "\n" not in str(value) and "\r" not in str(value), name
        assert_clean(str(value))
    assert_clean(message.subject)
    assert_clean(message.body)
    for content, _mimetype in message.alternatives:
        assert_clean(content)


@stored_text
def test_notification_email_is_sound_whatever_the_nomination_holds(text):
    with rolled_back():
        set_project(notify_emails="redaktion@example.com")
        page = make_nomination_page()
        nomination = make_nomination(page, role="other", **dict.fromkeys(NOMINATION_TEXT, text))
        mail.outbox = []
        assert notify_editors(nomination.pk) == 1
        (message,) = mail.outbox
        assert message.subject.endswith(single_line(text, 80))
        assert_sound_email(message)


@stored_text
def test_handover_email_is_sound_whatever_the_week_holds(text):
    with rolled_back():
        set_project(organiser_name=text[:100])
        _index, week = hostile_week(text, week_start=monday(2))
        sender = make_user("admin", superuser=True)
        sender.first_name = text[:100]
        sender.save()
        message = handover_message(week, week.slots.get(), "anna@example.com", sender, note=text)
        assert_sound_email(message)


# -- Tweets from archives and the API ----------------------------------------------------------


@FORMS
@given(text=hostile_text(list(CLASSES)))
@example(text=EVERY)
def test_tweets_from_every_source_are_made_clean_with_offsets_kept(text):
    for raw, fmt in (
        (archive_tweet(1, text), TweetFormat.ARCHIVE),
        (grailbird_tweet(1, text), TweetFormat.GRAILBIRD),
        (api_tweet(1, text), TweetFormat.API),
    ):
        row = normalize_tweet(raw, fmt)
        assert_clean(row.text)
        assert len(row.text) == len(text)
        assert json.loads(json.dumps(row.model_fields(), default=str))["text"] == row.text


@pytest.mark.django_db
def test_tweet_rows_built_from_hostile_text_are_stored_on_every_database():
    (account, _other) = make_accounts()
    row = normalize_tweet(archive_tweet(7, EVERY), TweetFormat.ARCHIVE)
    Tweet.objects.create(account=account, **row.model_fields())
    assert Tweet.objects.get(tweet_id="7").text == row.text
