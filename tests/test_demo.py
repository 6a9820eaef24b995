import pytest
from django.apps import apps
from django.core.management import call_command

from sochef_wagtail.choices import Side
from sochef_wagtail.models import GuestWeekPage, RelayAccount


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"sochef_wagtail", "blog", "wagtailcore"}
    }


@pytest.mark.django_db
def test_demo_content_matches_the_seed(client):
    call_command("sochef_demo", verbosity=0)
    assert set(RelayAccount.objects.values_list("handle", "side")) == {
        ("ArbetsmiljoChef", Side.EMPLOYER),
        ("Skyddsombud", Side.WORKER),
    }
    weeks = GuestWeekPage.objects.live()
    past = [w for w in weeks if not w.is_upcoming]
    assert len(past) == 8 and weeks.count() == 10
    assert any(w.slots.count() == 1 for w in past)
    assert client.get("/sochef/").status_code == 200
    blog = client.get("/blogg/").content.decode()
    assert "SOchef" in blog


@pytest.mark.django_db
def test_demo_is_idempotent():
    call_command("sochef_demo", verbosity=0)
    before = row_counts()
    call_command("sochef_demo", verbosity=0)
    assert row_counts() == before
