"""Who reaches which SOchef admin URL: anonymous visitors, editors with one permission each, and
superusers, across every admin URL of the app.

A new admin URL is one entry in ADMIN_URLS with the permissions that open it on their own.
"""

import pytest
from django.urls import reverse

from tests.factories import (
    built_once,
    grant_page_permission,
    make_accounts,
    make_evaluation_response,
    make_guest,
    make_index,
    make_nomination,
    make_user,
    make_week,
    monday,
)

NOMINATION_ANY = {f"sochef_wagtail.{a}_nomination" for a in ("view", "add", "change", "delete")}
EVALUATION_ANY = {
    f"sochef_wagtail.{a}_evaluationresponse" for a in ("view", "add", "change", "delete")
}
GUEST_ANY = {f"sochef_wagtail.{a}_guest" for a in ("view", "add", "change", "delete")}
ACCOUNT_ANY = {f"sochef_wagtail.{a}_relayaccount" for a in ("view", "add", "change", "delete")}
EDIT_WEEKS = "pages: edit the guest weeks"  # Wagtail's change_page on the guest index
STATISTICS = "sochef_wagtail.view_statistics"

# name: (how to build the URL from the test's objects, the permissions that open it alone)
ADMIN_URLS = {
    "nominations": (lambda o: reverse("sochef_nominations:index"), NOMINATION_ANY),
    "nominations CSV": (
        lambda o: reverse("sochef_nominations:index") + "?export=csv",
        NOMINATION_ANY,
    ),
    "nomination inspect": (
        lambda o: reverse("sochef_nominations:inspect", args=[o["nomination"].pk]),
        NOMINATION_ANY,
    ),
    "nomination edit": (
        lambda o: reverse("sochef_nominations:edit", args=[o["nomination"].pk]),
        {"sochef_wagtail.change_nomination"},
    ),
    # Accepting needs two permissions (change nominations, add guests): none opens it alone.
    "nomination accept": (
        lambda o: reverse("sochef_nominations:accept", args=[o["nomination"].pk]),
        set(),
    ),
    "nomination status": (
        lambda o: (
            reverse("wagtail_bulk_action", args=["sochef_wagtail", "nomination", "set_status"])
            + f"?id={o['nomination'].pk}"
        ),
        {"sochef_wagtail.change_nomination"},
    ),
    "evaluation": (lambda o: reverse("sochef_evaluation:index"), EVALUATION_ANY),
    "evaluation CSV": (
        lambda o: reverse("sochef_evaluation:index") + "?export=csv",
        EVALUATION_ANY,
    ),
    "evaluation inspect": (
        lambda o: reverse("sochef_evaluation:inspect", args=[o["answer"].pk]),
        EVALUATION_ANY,
    ),
    "evaluation summary": (
        lambda o: reverse("sochef_evaluation:summary"),
        {
            "sochef_wagtail.view_evaluationresponse",
            "sochef_wagtail.change_evaluationresponse",
        },
    ),
    "statistics": (lambda o: reverse("sochef_statistics:index"), {STATISTICS}),
    "handover": (lambda o: reverse("sochef_handover", args=[o["week"].pk]), {EDIT_WEEKS}),
    "reminder and announcement": (
        lambda o: reverse("sochef_pipeline", args=[o["week"].pk]),
        {EDIT_WEEKS},
    ),
    "send a reminder (confirmation)": (
        lambda o: reverse("sochef_pipeline_send", args=[o["week"].pk, "reminder", o["guest"].pk]),
        {EDIT_WEEKS},
    ),
    "guests": (lambda o: reverse("wagtailsnippets_sochef_wagtail_guest:list"), GUEST_ANY),
    "guest add": (
        lambda o: reverse("wagtailsnippets_sochef_wagtail_guest:add"),
        {"sochef_wagtail.add_guest"},
    ),
    "guest edit": (
        lambda o: reverse("wagtailsnippets_sochef_wagtail_guest:edit", args=[o["guest"].pk]),
        {"sochef_wagtail.change_guest"},
    ),
    "relay accounts": (
        lambda o: reverse("wagtailsnippets_sochef_wagtail_relayaccount:list"),
        ACCOUNT_ANY,
    ),
    "relay account add": (
        lambda o: reverse("wagtailsnippets_sochef_wagtail_relayaccount:add"),
        {"sochef_wagtail.add_relayaccount"},
    ),
    "relay account edit": (
        lambda o: reverse(
            "wagtailsnippets_sochef_wagtail_relayaccount:edit", args=[o["account"].pk]
        ),
        {"sochef_wagtail.change_relayaccount"},
    ),
}

PERMISSIONS = sorted(NOMINATION_ANY | EVALUATION_ANY | GUEST_ANY | ACCOUNT_ANY) + [
    STATISTICS,
    EDIT_WEEKS,
]
USERS = ["anonymous", "editor without SOchef permissions", *PERMISSIONS, "superuser"]
SECRET = "hemlig.nominator@example.com"


@pytest.fixture(scope="module")
def objects(django_db_setup, django_db_blocker):
    """The objects the URLs name and a user of each kind, built once for the 420 cases."""
    with built_once(django_db_blocker):
        index = make_index()
        account = make_accounts()[1]
        guest = make_guest("Bo Eriksson")
        yield {
            "index": index,
            "account": account,
            "guest": guest,
            "week": make_week(index, monday(1), [(account, guest)]),
            "nomination": make_nomination(nominator_email=SECRET),
            "answer": make_evaluation_response(what_worked="Bra dialog"),
            "users": {kind: make_kind_of_user(kind, index) for kind in USERS},
        }


def make_kind_of_user(kind, index):
    if kind == "anonymous":
        return None
    if kind == "superuser":
        return make_user("admin", superuser=True)
    username = f"user-{USERS.index(kind)}"
    if kind == EDIT_WEEKS:
        return grant_page_permission(make_user(username), index)
    if kind.startswith("editor"):
        return make_user(username)
    return make_user(username, permissions=[kind])


def outcome(response):
    """allowed, login (sent to log in) or denied (sent to the dashboard, or 403)."""
    location = response.get("Location", "")
    if response.status_code == 200:
        return "allowed"
    if response.status_code == 302 and location.startswith(reverse("wagtailadmin_login")):
        return "login"
    if response.status_code == 403 or (
        response.status_code == 302 and location == reverse("wagtailadmin_home")
    ):
        return "denied"
    return f"{response.status_code} {location}"


def expected(kind, granting):
    if kind == "anonymous":
        return "login"
    if kind == "superuser" or kind in granting:
        return "allowed"
    return "denied"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ADMIN_URLS)
@pytest.mark.parametrize("kind", USERS)
def test_admin_url_opens_only_for_users_whose_permission_grants_it(client, objects, kind, url_name):
    build_url, granting = ADMIN_URLS[url_name]
    if objects["users"][kind]:
        client.force_login(objects["users"][kind])
    response = client.get(build_url(objects))
    assert outcome(response) == expected(kind, granting)
    if outcome(response) != "allowed":
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET.encode() not in body
