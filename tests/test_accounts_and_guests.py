import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from sochef_wagtail.accounts import FollowerSnapshot, RelayAccount
from sochef_wagtail.choices import Platform, Role, Sector, Side
from sochef_wagtail.guests import Guest
from tests.factories import make_account, make_tweets


def build_account(handle, **fields):
    return RelayAccount(handle=handle, display_name="Konto", side=Side.WORKER, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("handle", ["Skyddsombud", "a", "A_b_9", "x" * 15])
def test_valid_handles_pass_validation(handle):
    build_account(handle).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("handle", ["", "x" * 16, "two words", "åsa", "semi;colon", "ab-c"])
def test_invalid_handles_are_refused_with_a_message(handle):
    with pytest.raises(ValidationError) as error:
        build_account(handle).full_clean()
    assert "handle" in error.value.message_dict


@pytest.mark.django_db
def test_handle_is_stored_without_at_sign():
    account = build_account("@Skyddsombud")
    account.full_clean()
    account.save()
    assert RelayAccount.objects.get().handle == "Skyddsombud"
    assert str(account) == "@Skyddsombud"


@pytest.mark.django_db
def test_handles_are_unique_whatever_their_case():
    make_account("Skyddsombud")
    with pytest.raises(ValidationError) as error:
        build_account("skyddsombud").full_clean()
    assert "Det finns redan ett stafettkonto" in str(error.value)


BLUESKY, MASTODON = Platform.BLUESKY, Platform.MASTODON


@pytest.mark.django_db
@pytest.mark.parametrize(
    "platform, written, stored, profile",
    [
        (Platform.X, "@Skyddsombud", "Skyddsombud", "https://x.com/Skyddsombud"),
        (Platform.X, "https://x.com/Skyddsombud", "Skyddsombud", "https://x.com/Skyddsombud"),
        (BLUESKY, "skyddsombud.bsky.social", None, "https://bsky.app/profile/{}"),
        (BLUESKY, "@SOchef.NyArbetsmiljo.se", "SOchef.NyArbetsmiljo.se", None),
        (BLUESKY, "https://bsky.app/profile/a-b.bsky.social", "a-b.bsky.social", None),
        (MASTODON, "@sochef@mastodon.social", "sochef@mastodon.social", None),
        (MASTODON, "https://mastodon.social/@sochef", "sochef@mastodon.social", None),
        (
            MASTODON,
            "Arbets.Miljo_1@social.vision.se",
            None,
            "https://social.vision.se/@Arbets.Miljo_1",
        ),
    ],
)
def test_each_platform_takes_its_own_handles(platform, written, stored, profile):
    account = build_account(written, platform=platform)
    account.full_clean()
    account.save()
    stored = stored or written
    assert RelayAccount.objects.get().handle == stored
    if profile:
        assert account.profile_url == profile.format(stored)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "platform, handle, message",
    [
        (Platform.X, "skyddsombud.bsky.social", "användarnamn på X"),
        (Platform.X, "sochef@mastodon.social", "användarnamn på X"),
        (BLUESKY, "Skyddsombud", "Bluesky"),
        (BLUESKY, "sochef@mastodon.social", "Bluesky"),
        (BLUESKY, "-a.bsky.social", "Bluesky"),
        (BLUESKY, "a.b" + ".c" * 130, "Bluesky"),
        (BLUESKY, "a.1com", "Bluesky"),
        (MASTODON, "Skyddsombud", "Mastodon"),
        (MASTODON, "sochef@", "Mastodon"),
        (MASTODON, "so chef@mastodon.social", "Mastodon"),
        (MASTODON, "sochef@mastodon.social/@x", "Mastodon"),
    ],
)
def test_a_handle_against_its_platforms_rule_is_refused_with_that_rule(platform, handle, message):
    with pytest.raises(ValidationError) as error:
        build_account(handle, platform=platform).full_clean()
    assert list(error.value.message_dict) == ["handle"]
    assert message in error.value.message_dict["handle"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "platform, platform_id, valid",
    [
        (Platform.X, "783214", True),
        (Platform.X, "did:plc:z72i7hdynmk6r22z27h6tvur", False),
        (BLUESKY, "did:plc:z72i7hdynmk6r22z27h6tvur", True),
        (BLUESKY, "did:web:sochef.nyarbetsmiljo.se", True),
        (BLUESKY, "783214", False),
        (MASTODON, "109302436954721982", True),
        (MASTODON, "sochef", False),
    ],
)
def test_the_account_id_must_be_one_of_its_platform(platform, platform_id, valid):
    handle = {Platform.X: "Sochef", BLUESKY: "sochef.bsky.social"}.get(platform, "s@m.social")
    account = build_account(handle, platform=platform, platform_id=platform_id)
    if valid:
        account.full_clean()
        return
    with pytest.raises(ValidationError) as error:
        account.full_clean()
    assert list(error.value.message_dict) == ["platform_id"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"platform": Platform.X, "handle": "skyddsombud.bsky.social"},
        {"platform": BLUESKY, "handle": "Skyddsombud"},
        {"platform": MASTODON, "handle": "sochef"},
        {"platform": "myspace", "handle": "Skyddsombud"},
        {"platform": BLUESKY, "handle": "s.bsky.social", "platform_id": "42"},
        {"platform": Platform.X, "handle": "Skyddsombud", "platform_id": "did:plc:abc"},
    ],
)
def test_the_database_keeps_the_rules_when_code_saves_an_account(fields):
    # What the admin's form says, the database holds to for every other way in.
    with pytest.raises(IntegrityError), transaction.atomic():
        RelayAccount.objects.create(display_name="Konto", side=Side.WORKER, **fields)


@pytest.mark.django_db
def test_handles_are_unique_across_platforms():
    build_account("Sochef.bsky.social", platform=BLUESKY).save()
    with pytest.raises(ValidationError) as error:
        build_account("sochef.BSKY.social", platform=BLUESKY).full_clean()
    assert "Det finns redan ett stafettkonto" in str(error.value)


@pytest.mark.django_db
def test_an_editor_adds_a_mastodon_account_and_sees_the_rule_when_wrong(admin_client):
    url = reverse("wagtailsnippets_sochef_wagtail_relayaccount:add")
    data = {
        "platform": "mastodon",
        "handle": "skyddsombud",
        "display_name": "Skyddsombud",
        "side": "worker",
        "description": "",
        "platform_id": "",
        "active": "on",
        "follower_snapshots-TOTAL_FORMS": "0",
        "follower_snapshots-INITIAL_FORMS": "0",
        "follower_snapshots-MIN_NUM_FORMS": "0",
        "follower_snapshots-MAX_NUM_FORMS": "1000",
    }
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and not RelayAccount.objects.exists()
    assert "användare@instans" in refused.content.decode()
    added = admin_client.post(url, {**data, "handle": "https://mastodon.social/@skyddsombud"})
    assert added.status_code == 302
    account = RelayAccount.objects.get()
    assert (account.platform, account.handle) == ("mastodon", "skyddsombud@mastodon.social")
    listing = admin_client.get(
        reverse("wagtailsnippets_sochef_wagtail_relayaccount:list"), {"platform": "mastodon"}
    )
    assert "skyddsombud@mastodon.social" in listing.content.decode()


@pytest.mark.django_db
def test_follower_snapshot_is_one_per_account_and_day():
    account = make_account()
    FollowerSnapshot.objects.create(account=account, date="2013-04-01", followers=1150)
    duplicate = FollowerSnapshot(account=account, date="2013-04-01", followers=1)
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def build_guest(**fields):
    return Guest(
        **{"name": "Bo Eriksson", "role": Role.SAFETY_REP, "sector": Sector.PUBLIC, **fields}
    )


@pytest.mark.django_db
def test_other_role_needs_a_description():
    with pytest.raises(ValidationError) as error:
        build_guest(role=Role.OTHER).full_clean()
    assert "role_other" in error.value.message_dict


@pytest.mark.django_db
def test_role_label_uses_the_free_text_for_other():
    guest = build_guest(role=Role.OTHER, role_other="Arbetsmiljöutbildare")
    guest.full_clean()
    assert guest.role_label == "Arbetsmiljöutbildare"


@pytest.mark.django_db
def test_free_text_role_is_dropped_for_a_listed_role():
    guest = build_guest(role_other="ignored")
    guest.full_clean()
    assert guest.role_other == ""


@pytest.mark.django_db
def test_guest_handle_is_optional_and_validated():
    build_guest().full_clean()
    guest = build_guest(handle="@bo_eriksson")
    guest.full_clean()
    assert guest.handle == "bo_eriksson"
    with pytest.raises(ValidationError):
        build_guest(handle="bo eriksson").full_clean()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_x_accounts_user_id_as_its_platform_id():
    executor = MigrationExecutor(connection)
    before = [("sochef_wagtail", "0017_imported_member")]
    after = executor.loader.graph.leaf_nodes("sochef_wagtail")
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("sochef_wagtail", "RelayAccount")
        old.objects.create(handle="Skyddsombud", display_name="S", side="worker", x_user_id="42")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        MigrationExecutor(connection).migrate(after)
    account = RelayAccount.objects.get()
    assert (account.platform, account.handle, account.platform_id) == ("x", "Skyddsombud", "42")


@pytest.mark.django_db
def test_code_that_updates_around_save_cannot_change_the_platform_of_an_account_with_posts():
    """The database holds the rule for .update() and raw SQL (migration 0025)."""
    account = make_account("Skyddsombud")
    change = RelayAccount.objects.filter(pk=account.pk)
    # No posts yet: the platform may change; then it may change back.
    change.update(platform=BLUESKY, handle="skyddsombud.bsky.social")
    change.update(platform=Platform.X, handle="Skyddsombud")
    make_tweets(account, 1, datetime.datetime(2013, 4, 1, 9, tzinfo=datetime.UTC))
    with pytest.raises(IntegrityError, match="its platform stays"), transaction.atomic():
        change.update(platform=BLUESKY, handle="skyddsombud.bsky.social")
    change.update(platform=Platform.X, display_name="Nytt namn")  # the same platform: allowed
    assert change.values_list("platform", "handle", "display_name").get() == (
        "x",
        "Skyddsombud",
        "Nytt namn",
    )


@pytest.mark.django_db
def test_an_account_with_stored_posts_keeps_its_platform():
    account = make_account("Skyddsombud")
    account.platform, account.handle = BLUESKY, "skyddsombud.bsky.social"
    account.full_clean()  # no posts yet: an editor may correct the platform
    account.refresh_from_db()
    make_tweets(account, 1, datetime.datetime(2013, 4, 1, 9, tzinfo=datetime.UTC))
    account.platform, account.handle = BLUESKY, "skyddsombud.bsky.social"
    with pytest.raises(ValidationError) as error:
        account.full_clean()
    assert error.value.message_dict == {
        "platform": ["Kontot har sparade inlägg från X: dess plattform kan inte ändras."]
    }
    with pytest.raises(ValidationError):  # saved by code, not through a form
        account.save()
    account.refresh_from_db()
    assert account.platform == "x"
    account.display_name = "Nytt namn"
    account.save(update_fields=["display_name"])
