import pytest
from django.core.exceptions import ValidationError

from sochef_wagtail.accounts import FollowerSnapshot, RelayAccount
from sochef_wagtail.choices import Role, Sector, Side
from sochef_wagtail.guests import Guest
from tests.factories import make_account


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
