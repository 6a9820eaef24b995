import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Site

from sochef_wagtail.choices import Side
from sochef_wagtail.models import GuestWeekPage, PressMention, RelayAccount, SochefLandingPage
from tests.factories import built_once, make_index


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"sochef_wagtail", "blog", "wagtailcore"}
    }


@pytest.mark.django_db
def test_demo_is_idempotent():
    call_command("sochef_demo", verbosity=0)
    before = row_counts()
    call_command("sochef_demo", verbosity=0)
    assert row_counts() == before


@pytest.mark.django_db
def test_demo_keeps_an_older_guest_index_at_sochef(client):
    make_index()  # where the demo put the guest index before the landing page existed
    call_command("sochef_demo", verbosity=0)
    landing = SochefLandingPage.objects.get()
    assert landing.url == "/om-sochef/" and landing.guest_index.url == "/sochef/"
    assert client.get("/om-sochef/").status_code == 200
    before = row_counts()
    call_command("sochef_demo", verbosity=0)
    assert row_counts() == before


@pytest.fixture(scope="class")
def demo_content(django_db_setup, django_db_blocker):
    """The demo, loaded once for the class and rolled back after its last test."""
    with built_once(django_db_blocker):
        call_command("sochef_demo", verbosity=0)
        yield
    Site.clear_site_root_paths_cache()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_content")
@pytest.mark.xdist_group("demo_content")  # one worker, so the demo is loaded once
class TestDemoContent:
    """Tests that only read the demo: it is loaded once for all of them."""

    def test_demo_content_matches_the_seed(self, client):
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

    def test_demo_weeks_show_archived_tweets_with_a_dialogue_and_a_picture(self, client):
        html = client.get("/sochef/vilka-har-twittrat/vecka-2012-36/").content.decode()
        assert html.count('class="sochef-dialogue"') == 1
        assert 'alt="Ett litet personlarm i handflatan, med en röd knapp."' in html
        assert 'href="https://www.av.se/arbetsmiljoarbete-och-inspektioner/"' in html
        assert "RT @Skyddsombud" not in html  # retweets are left out by default
        index = client.get("/sochef/vilka-har-twittrat/").content.decode()
        assert "7 tweets" in index

    def test_demo_enters_through_the_landing_page(self, client):
        landing = SochefLandingPage.objects.get(url_path__endswith="/sochef/")
        assert landing.live and landing.guest_index.get_parent().specific == landing
        html = client.get("/sochef/").content.decode()
        assert "Om Twitter-experimentet SOchef" in html
        assert "Twitterstafetten SOchef startar" in html  # the blog category, through the adapter
        assert "Nils Östergren, frilansskribent på NyArbetsmiljo.se" in html
        assert client.get(landing.guest_index.url).status_code == 200

    def test_demo_has_the_seeds_press_list(self, client):
        assert PressMention.objects.count() == 8
        assert PressMention.objects.filter(outlet="Du&jobbet", date__year=2012, date__month=10)
        assert "Vi måste utbyta erfarenheter" in client.get("/sochef/").content.decode()
