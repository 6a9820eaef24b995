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


@pytest.mark.django_db
def test_demo_weeks_show_archived_tweets_with_a_dialogue_and_a_picture(client):
    call_command("sochef_demo", verbosity=0)
    html = client.get("/sochef/vecka-2012-36/").content.decode()
    assert html.count('class="sochef-dialogue"') == 1
    assert 'alt="Ett litet personlarm i handflatan, med en röd knapp."' in html
    assert 'href="https://www.av.se/arbetsmiljoarbete-och-inspektioner/"' in html
    assert "RT @Skyddsombud" not in html  # retweets are left out by default
    index = client.get("/sochef/").content.decode()
    assert "7 tweets" in index
