import datetime
import io

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from PIL import Image
from wagtail.models import Site

from example_site import settings as example_settings
from sochef_wagtail.archive.models import Tweet, TweetMedia
from sochef_wagtail.choices import Platform, Side
from sochef_wagtail.dates import app_time_zone, current_week_start
from sochef_wagtail.demo import data, drawings, timeline
from sochef_wagtail.evaluation.models import EvaluationResponse
from sochef_wagtail.guests import Guest
from sochef_wagtail.models import GuestWeekPage, PressMention, RelayAccount, SochefLandingPage
from sochef_wagtail.nominations.models import Nomination, NominationStatus
from sochef_wagtail.pipeline.models import WeekNotice
from sochef_wagtail.pipeline.tasks import send_due_reminders
from sochef_wagtail.project import ProjectSettings, ProjectStatus
from sochef_wagtail.public_forms.retention import PURGE_SCHEDULE_NAME, purge_expired
from tests.factories import built_once, make_index

APRIL_2013_END = datetime.date(2013, 5, 1)


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"sochef_wagtail", "blog", "wagtailcore", "wagtailimages"}
    }


def demo(*args):
    """Run sochef_demo; returns what it said."""
    out = io.StringIO()
    call_command("sochef_demo", *args, stdout=out)
    return out.getvalue()


def project():
    return ProjectSettings.for_site(Site.objects.get(is_default_site=True))


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [(), ("--running",)])
def test_demo_is_idempotent(mode):
    demo(*mode)
    before = row_counts()
    said = demo(*mode)
    assert row_counts() == before
    assert "0 guests, 0 pages, 0 tweets" in said and "Removed" not in said


@pytest.mark.django_db
def test_demo_switches_between_the_history_and_the_running_relay():
    demo()
    history = row_counts()
    history_weeks = set(GuestWeekPage.objects.values_list("slug", flat=True))

    said = demo("--running")
    assert "Removed what the other mode" in said and "40 weeks" in said
    assert "Project status set to active." in said
    weeks = GuestWeekPage.objects.live()
    assert not weeks.filter(week_start__year__lt=2015).exists()
    assert not Tweet.objects.filter(created_at__year__lt=2015).exists()
    assert project().status == ProjectStatus.ACTIVE and not project().status_message

    said = demo()
    assert "Removed what the other mode" in said and "Project status set to closed." in said
    assert set(GuestWeekPage.objects.values_list("slug", flat=True)) == history_weeks
    assert not GuestWeekPage.objects.filter(week_start__year__gte=2015).exists()
    counts = row_counts()
    # Pages, revisions and log entries are new ones; what the demo shows is the same again.
    for label in (
        "sochef_wagtail.Tweet",
        "sochef_wagtail.Guest",
        "sochef_wagtail.Nomination",
        "sochef_wagtail.GuestSlot",
        "sochef_wagtail.TweetMedia",
    ):
        assert counts[label] == history[label], label


@pytest.mark.django_db
def test_demo_keeps_an_older_guest_index_at_sochef(client):
    make_index()  # where the demo put the guest index before the landing page existed
    demo()
    landing = SochefLandingPage.objects.get()
    assert landing.url == "/om-sochef/" and landing.guest_index.url == "/sochef/"
    assert client.get("/om-sochef/").status_code == 200
    before = row_counts()
    demo()
    assert row_counts() == before


def test_the_demo_is_planned_the_same_every_time():
    first, again = timeline.history(), timeline.history()
    assert [(t.tweet_id, t.text) for t in first.tweets] == [
        (t.tweet_id, t.text) for t in again.tweets
    ]
    assert drawings.portrait("Anna Lindqvist") == drawings.portrait("Anna Lindqvist")
    assert drawings.portrait("Anna Lindqvist") != drawings.portrait("Bo Eriksson")
    assert drawings.picture("ladder", "1") == drawings.picture("ladder", "1")
    assert all(len(t.text) <= 280 for t in first.tweets)


def test_generated_guests_are_fictional_and_have_handles():
    guests = timeline.guests().values()
    names = [g.name for g in guests]
    assert len(names) == len(set(names))
    assert not set(names) & set(data.SEED_NAMES)
    handles = [g.handle.lower() for g in guests]
    assert len(handles) == len(set(handles)) and all(0 < len(h) <= 15 for h in handles)


@pytest.fixture(scope="class")
def history(django_db_setup, django_db_blocker):
    """The history demo, loaded once for the class and rolled back after its last test."""
    with built_once(django_db_blocker):
        call_command("sochef_demo", verbosity=0)
        yield
    Site.clear_site_root_paths_cache()


@pytest.mark.django_db
@pytest.mark.usefixtures("history")
@pytest.mark.xdist_group("demo_content")  # one worker, so the demo is loaded once
class TestHistory:
    """Tests that only read the 2012–14 demo: it is loaded once for all of them."""

    def test_demo_content_matches_the_seed(self, client):
        assert set(RelayAccount.objects.values_list("handle", "side")) == {
            ("ArbetsmiljoChef", Side.EMPLOYER),
            ("Skyddsombud", Side.WORKER),
        }
        assert client.get("/sochef/").status_code == 200
        blog = client.get("/blogg/").content.decode()
        assert "SOchef" in blog

    def test_weeks_run_from_september_2012_to_october_2014(self):
        weeks = GuestWeekPage.objects.live().order_by("week_start")
        assert 36 <= weeks.count() <= 44
        assert weeks.first().week_start == datetime.date(2012, 9, 3)
        assert datetime.date(2014, 9, 1) <= weeks.last().week_start < datetime.date(2014, 11, 1)
        assert not any(week.is_upcoming for week in weeks)

    def test_fifteen_pairs_by_april_2013_then_often_one_account(self):
        weeks = list(GuestWeekPage.objects.live().prefetch_related("slots__account"))
        early = [w for w in weeks if w.week_start < APRIL_2013_END]
        sides = [sorted(s.account.side for s in w.slots.all()) for w in early]
        assert sides.count([Side.EMPLOYER, Side.WORKER]) == 15  # 15 managers, 15 safety reps
        later = [w for w in weeks if w.week_start >= APRIL_2013_END]
        assert sum(1 for w in later if w.slots.count() == 1) > len(later) / 2

    def test_a_few_hundred_tweets_with_dialogues_links_and_pictures(self):
        tweets = Tweet.objects.all()
        assert 200 <= tweets.count() <= 500
        weeks_with_tweets = {timeline.week_slug(t.created_at.date()) for t in tweets}
        assert len(weeks_with_tweets) >= 35
        between = tweets.filter(in_reply_to_handle__in=["ArbetsmiljoChef", "Skyddsombud"])
        assert between.exclude(account__handle=F("in_reply_to_handle")).count() >= 30
        entities = [t.entities for t in tweets]
        assert sum(1 for e in entities if e["urls"]) >= 30
        assert sum(1 for e in entities if e["hashtags"]) >= 100
        assert sum(1 for e in entities if e["mentions"]) >= 100
        assert TweetMedia.objects.count() >= 10
        media = TweetMedia.objects.first()
        with media.file.open() as file:
            assert Image.open(file).format == "PNG"

    def test_guests_have_drawn_portraits_and_own_handles(self):
        guests = list(apps.get_model("sochef_wagtail", "Guest").objects.select_related("photo"))
        assert len(guests) >= 50
        for guest in guests:
            assert guest.handle and guest.photo
            assert guest.photo.width == guest.photo.height == drawings.PORTRAIT_SIZE
        with guests[0].photo.file.open() as file:
            assert Image.open(file).format == "PNG"

    def test_followers_grow_to_over_2000_together(self):
        last = {
            account.side: account.follower_snapshots.order_by("date").last()
            for account in RelayAccount.objects.all()
        }
        assert sum(s.followers for s in last.values()) > 2000
        assert all(s.date.year == 2014 for s in last.values())
        first = RelayAccount.objects.get(side=Side.WORKER).follower_snapshots.order_by("date")
        assert first.first().date == datetime.date(2012, 9, 1)
        assert first.count() >= 20

    def test_nominations_in_every_status_and_evaluation_answers(self):
        statuses = set(Nomination.objects.values_list("status", flat=True))
        assert statuses == set(NominationStatus.values)
        scheduled = Nomination.objects.filter(status=NominationStatus.SCHEDULED)
        assert all(n.guest and n.week_page for n in scheduled)
        assert not Nomination.objects.filter(notified_at__isnull=True).exists()
        assert EvaluationResponse.objects.count() >= 10
        assert not EvaluationResponse.objects.filter(created_at__year__gt=2014).exists()

    def test_the_demo_sites_daily_purge_keeps_the_history(self, settings):
        from django_q.models import Schedule

        # The example site in development mode, the demo's: what its schedule runs.
        settings.SOCHEF_RETENTION_DAYS = example_settings.SOCHEF_RETENTION_DAYS
        schedule = Schedule.objects.get(name=PURGE_SCHEDULE_NAME)
        assert schedule.func == f"{purge_expired.__module__}.{purge_expired.__name__}"
        before = list(Nomination.objects.order_by("pk").values())
        answers = list(EvaluationResponse.objects.order_by("pk").values())
        assert purge_expired() == {}
        assert list(Nomination.objects.order_by("pk").values()) == before
        assert list(EvaluationResponse.objects.order_by("pk").values()) == answers
        statuses = set(Nomination.objects.values_list("status", flat=True))
        assert statuses == set(NominationStatus.values)

    def test_with_the_apps_retention_period_the_history_is_purged(self):
        # A real nomination of 2014 is long past the default 365 days.
        deleted, anonymised = purge_expired()["sochef_wagtail.Nomination"]
        assert deleted and anonymised
        assert not Nomination.objects.filter(
            status__in=[NominationStatus.DECLINED, NominationStatus.CONTACTED]
        ).exists()
        assert not Nomination.objects.filter(
            status=NominationStatus.ACCEPTED, anonymised_at__isnull=True
        ).exists()

    def test_project_closed_in_october_2014_with_the_seeds_message(self, client):
        settings = project()
        assert settings.status == ProjectStatus.CLOSED
        assert settings.status_date.isoformat().startswith("2014-10")
        assert settings.status_message == "Sorry, projektet nedlagt."
        assert settings.organiser_name == "Nils Östergren" and settings.facebook_group_text
        assert settings.guide_links.count() == 2
        landing = client.get("/sochef/").content.decode()
        assert "Sorry, projektet nedlagt." in landing
        assert "EDIT okt 2014: Sorry, projektet nedlagt." in landing  # the closing text
        assert "Nästa gäster" not in landing and "Veckans gäster" not in landing

    def test_demo_weeks_show_archived_tweets_with_a_dialogue_and_a_picture(self, client):
        html = client.get("/sochef/vilka-har-twittrat/vecka-2012-36/").content.decode()
        assert html.count('class="sochef-dialogue"') == 1
        assert 'alt="Ett litet personlarm i handflatan, med en röd knapp."' in html
        assert 'href="https://www.av.se/arbetsmiljoarbete-och-inspektioner/"' in html
        assert "RT @Skyddsombud" not in html  # retweets are left out by default
        index = client.get("/sochef/vilka-har-twittrat/").content.decode()
        assert "7 tweets" in index

    def test_a_generated_week_shows_its_guests_and_tweets(self, client):
        html = client.get("/sochef/vilka-har-twittrat/vecka-2012-38/").content.decode()
        assert "Cecilia Holm" in html and "David Nilsson" in html
        assert 'class="sochef-dialogue"' in html
        assert 'alt="En checklista för skyddsrond med några punkter avbockade."' in html

    def test_every_week_page_shows_its_guests(self, client):
        weeks = GuestWeekPage.objects.live().prefetch_related("slots__guest")
        for week in weeks:
            html = client.get(week.url).content.decode()
            assert all(slot.guest.name in html for slot in week.slots.all()), week.slug

    def test_demo_enters_through_the_landing_page(self, client):
        landing = SochefLandingPage.objects.get(url_path__endswith="/sochef/")
        assert landing.live and landing.guest_index.get_parent().specific == landing
        html = client.get("/sochef/").content.decode()
        assert "Om Twitter-experimentet SOchef" in html
        assert "SOchef läggs ner" in html  # the blog category, through the adapter
        assert "Nils Östergren, frilansskribent på NyArbetsmiljo.se" in html
        assert client.get(landing.guest_index.url).status_code == 200

    def test_blog_posts_read_like_the_magazines(self, client):
        from example_site.blog.models import BlogPage

        posts = BlogPage.objects.live()
        assert posts.count() >= 6
        assert all(post.body.count("<p>") >= 2 for post in posts)
        html = client.get(posts.get(slug="sochef-laggs-ner").url).content.decode()
        assert "Sorry, projektet nedlagt." in html

    def test_demo_has_the_seeds_press_list(self, client):
        assert PressMention.objects.count() == 8
        assert PressMention.objects.filter(outlet="Du&jobbet", date__year=2012, date__month=10)
        assert "Vi måste utbyta erfarenheter" in client.get("/sochef/").content.decode()


@pytest.mark.django_db
def test_running_relay_has_a_current_week_and_weeks_to_come(client):
    said = demo("--running")
    assert "the running relay" in said
    this_week = current_week_start()
    weeks = GuestWeekPage.objects.live()
    assert weeks.filter(week_start=this_week).exists()
    assert weeks.filter(week_start__gt=this_week).count() >= 3
    assert weeks.filter(week_start__lt=this_week).count() >= 2
    assert not Tweet.objects.filter(created_at__gt=datetime.datetime.now(datetime.UTC)).exists()
    assert project().status == ProjectStatus.ACTIVE
    scheduled = Nomination.objects.filter(status=NominationStatus.SCHEDULED)
    assert scheduled and all(n.week_page.week_start > this_week for n in scheduled)
    assert set(Nomination.objects.values_list("status", flat=True)) == set(NominationStatus.values)
    assert "Föreslå gärna gäst-twittrare" in client.get("/foresla/").content.decode()
    upcoming = weeks.filter(week_start__gt=this_week).order_by("week_start").first()
    assert client.get(upcoming.url).status_code == 200


@pytest.mark.django_db
def test_running_relay_posts_on_bluesky_and_mastodon_by_turns(client):
    demo("--running")
    active = RelayAccount.objects.filter(active=True)
    assert sorted(active.values_list("platform", "side")) == sorted(
        (platform, side) for platform in data.RUNNING_PLATFORMS for side in Side.values
    )
    assert not RelayAccount.objects.filter(platform=Platform.X, active=True).exists()
    weeks = GuestWeekPage.objects.live().order_by("week_start")
    platforms = [{slot.account.platform for slot in week.slots.all()} for week in weeks]
    assert all(len(on) == 1 for on in platforms)
    assert {platform for on in platforms for platform in on} == set(data.RUNNING_PLATFORMS)
    posts = Tweet.objects.select_related("account")
    assert {post.account.platform for post in posts} == set(data.RUNNING_PLATFORMS)
    assert all(
        post.permalink.startswith(("https://bsky.app/", "https://mastodon.example/"))
        for post in posts
    )
    # The sides answer each other on their platform: a reply names a stored post there.
    stored = set(posts.values_list("tweet_id", flat=True))
    answers = posts.exclude(in_reply_to_tweet_id="").filter(in_reply_to_tweet_id__in=stored)
    assert {answer.account.platform for answer in answers} == set(data.RUNNING_PLATFORMS)
    past = weeks.filter(week_start__lt=current_week_start()).first()
    html = client.get(past.url).content.decode()
    assert "Veckans inlägg" in html and "x.com" not in html.split("sochef-week-tweets")[-1]
    landing = client.get(SochefLandingPage.objects.live().get().url).content.decode()
    assert "@skyddsombud@mastodon.example" in landing and "@skyddsombud.sochef.example" in landing

    demo()  # the history again: X's accounts, and today's kept without posts
    assert set(RelayAccount.objects.filter(active=True).values_list("platform", flat=True)) == {
        Platform.X
    }
    assert not Tweet.objects.exclude(account__platform=Platform.X).exists()


@pytest.mark.django_db
def test_running_relay_reminds_the_guests_of_next_week():
    demo("--running")
    noon = timezone.localtime(timezone.now(), app_time_zone()).replace(hour=12)
    send_due_reminders(now=noon)
    next_week = GuestWeekPage.objects.live().get(
        week_start=current_week_start() + datetime.timedelta(weeks=1)
    )
    guests = [slot.guest for slot in next_week.slots.all()]
    assert guests
    # One reminder per guest of the week, each to an address that reaches nobody (RFC 2606).
    assert sorted(message.to for message in mail.outbox) == sorted(
        [f"{guest.slug}@example.com"] for guest in guests
    )
    assert not WeekNotice.objects.exclude(problem="").exists()


@pytest.mark.django_db
def test_demo_gives_its_guests_from_an_earlier_version_an_address():
    demo("--running")
    Guest.objects.update(email="")
    demo("--running")
    assert not Guest.objects.exclude(email__endswith="@example.com").exists()
    addresses = dict(Guest.objects.values_list("pk", "email"))
    demo("--running")
    assert dict(Guest.objects.values_list("pk", "email")) == addresses


@pytest.mark.django_db
def test_running_relay_moves_to_the_current_week(client, monkeypatch):
    demo("--running")
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(weeks=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    said = demo("--running")
    assert "Removed what the other mode (or an earlier running relay) made" in said
    this_week = current_week_start()
    weeks = GuestWeekPage.objects.live()
    assert weeks.filter(week_start=this_week).exists()
    assert weeks.count() == len(data.RUNNING_WEEKS)
