"""The CSV and XLSX exports of nominations and evaluation answers read as the admin does:
choice labels, yes and no, related objects by name and times in SOCHEF_TIME_ZONE to the
second, not codes and UTC microseconds; their cells stay inert (see test_xss and
test_control_characters for hostile text)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from sochef_wagtail.evaluation.views import FIELDS as EVALUATION_FIELDS
from sochef_wagtail.nominations.views import EXPORT_FIELDS
from tests.factories import (
    make_evaluation_response,
    make_nomination,
    make_nomination_page,
    make_user,
    stockholm,
)

pytestmark = pytest.mark.django_db

# 9:30:15 in Stockholm on a winter day: 8:30:15 UTC.
SENT = stockholm(2013, 3, 4, 9, 30, 15, 123456)


@pytest.fixture
def superuser():
    client = Client()
    client.force_login(make_user("admin", superuser=True))
    return client


def csv_rows(client, view):
    response = client.get(reverse(view), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], rows[0]


def xlsx_rows(client, view):
    response = client.get(reverse(view), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], rows[0]


@pytest.fixture
def nomination():
    return make_nomination(
        make_nomination_page(title="Föreslå <en> gäst"),
        nominee_name="Anna Chef",
        status="contacted",
        side="worker",
        role="safety_rep",
        is_self_nomination=True,
        created_at=SENT,
    )


def test_nomination_csv_has_labels_and_local_times(superuser, nomination):
    (row,), headings = csv_rows(superuser, "sochef_nominations:index")
    assert len(headings) == len(EXPORT_FIELDS)
    assert row["Skickad (Europe/Stockholm)"] == "2013-03-04 09:30:15"
    assert row["Status"] == "Kontaktad"
    assert row["Sida"] == str(nomination.get_side_display())
    assert row["Roll"] == str(nomination.get_role_display()) != "safety_rep"
    assert row["Föreslår sig själv"] == "Ja"


def test_nomination_xlsx_has_labels_and_local_times(superuser, nomination):
    (row,), _ = xlsx_rows(superuser, "sochef_nominations:index")
    assert row["Skickad (Europe/Stockholm)"] == datetime.datetime(2013, 3, 4, 9, 30, 15)
    assert row["Status"] == "Kontaktad"
    assert row["Föreslår sig själv"] == "Ja"


def test_evaluation_exports_have_labels_and_local_times(superuser):
    make_evaluation_response(respondent="guest", side="employer", usefulness=4, created_at=SENT)
    for rows, _ in (
        csv_rows(superuser, "sochef_evaluation:index"),
        xlsx_rows(superuser, "sochef_evaluation:index"),
    ):
        (row,) = rows
        assert row["Nytta"] == "4 – ganska stor nytta"
        assert row["Svarande"] == "Gäst"
        assert str(row["Skickad (Europe/Stockholm)"]) == "2013-03-04 09:30:15"
        assert len(row) == len(EVALUATION_FIELDS)


def test_a_summer_time_is_local_too(superuser):
    make_evaluation_response(created_at=stockholm(2013, 7, 1, 0, 5))  # 22:05 UTC the day before
    (row,), _ = csv_rows(superuser, "sochef_evaluation:index")
    assert row["Skickad (Europe/Stockholm)"] == "2013-07-01 00:05:00"
