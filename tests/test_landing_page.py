"""The SOchef landing page puts the experiment together as the seed did."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from sochef_wagtail.accounts import FollowerSnapshot
from sochef_wagtail.landing import SochefLandingPage
from tests.factories import (
    make_accounts,
    make_blog_category,
    make_blog_index,
    make_blog_post,
    make_blog_posts,
    make_guest,
    make_index,
    make_landing,
    make_press_mention,
    make_week,
    make_weeks,
    monday,
    project_settings,
    site_root,
)


class LandingPageTypeTest(WagtailPageTestCase):
    def setUp(self):
        self.landing = make_landing(guest_index=make_index())

    def test_landing_page_can_be_created_under_any_page(self):
        self.assertCanCreateAt(Page, SochefLandingPage)

    def test_landing_page_is_routable_renderable_and_previewable(self):
        self.assertPageIsRoutable(self.landing)
        self.assertPageIsRenderable(self.landing)
        # StreamField forms are built by JavaScript, so the preview data is given here.
        data = nested_form_data(
            {
                "title": "Om SOchef",
                "slug": "om-sochef",
                "intro": rich_text("<p>Ett experiment.</p>"),
                "body": streamfield([("paragraph", rich_text("<p>Mer.</p>"))]),
                "guest_index": self.landing.guest_index.pk,
                "blog_post_count": 5,
            }
        )
        self.assertPageIsPreviewable(self.landing, post_data=data)


@pytest.fixture
def landing(db):
    """A landing page with the guest index below it, and the two relay accounts."""
    landing = make_landing()
    landing.guest_index = make_index(slug="gaster")
    landing.save()
    return landing


def html_of(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_landing_shows_both_accounts_with_their_latest_follower_count(client, landing):
    employer, worker = make_accounts()
    for account, counts in ((employer, [410, 1040]), (worker, [520, 1390])):
        for day, followers in zip((1, 2), counts, strict=True):
            FollowerSnapshot.objects.create(
                account=account, date=datetime.date(2014, 3, day), followers=followers
            )
    html = html_of(client, landing)
    assert html.index("@ArbetsmiljoChef") < html.index("@Skyddsombud")
    assert "1040 följare" in html and "1390 följare" in html and "410 följare" not in html
    assert "Följ båda kontona:" in html


@pytest.mark.django_db
def test_landing_shows_the_follow_both_text(client, landing):
    make_accounts()
    project_settings(follow_both_text="Kontona följer varandras följare.")
    assert "Kontona följer varandras följare." in html_of(client, landing)


@pytest.mark.django_db
def test_landing_shows_this_weeks_guests_and_links_to_all_weeks(client, landing):
    employer, worker = make_accounts()
    make_week(landing.guest_index, datetime.date(2012, 9, 3), [(employer, make_guest("Förr"))])
    make_week(landing.guest_index, monday(0), [(worker, make_guest("Karin Olsson"))])
    make_week(landing.guest_index, monday(1), [(worker, make_guest("Per Lund"))])
    html = html_of(client, landing)
    assert "Veckans gäster" in html and "Karin Olsson" in html
    assert "Per Lund" not in html and "Förr" not in html
    assert f'href="{landing.guest_index.url}"' in html


@pytest.mark.django_db
def test_landing_shows_the_next_guests_when_no_one_tweets_this_week(client, landing):
    make_week(landing.guest_index, monday(2), [(make_accounts()[1], make_guest("Per Lund"))])
    html = html_of(client, landing)
    assert "Nästa gäster" in html and "Per Lund" in html


@pytest.mark.django_db
def test_landing_lists_the_latest_posts_of_the_blog_category(client, landing):
    index, sochef = make_blog_index(), make_blog_category()
    other = make_blog_category("Arbetsmiljö", "arbetsmiljo")
    make_blog_posts(index, [sochef], 6)
    make_blog_post(index, "Buller i förskolan", datetime.date(2014, 1, 1), [other])
    landing.blog_post_count = 3
    landing.save()
    posts = html_of(client, landing).split('class="sochef-blog"')[1]
    assert "Senaste nytt i bloggkategorin SOchef" in posts
    assert posts.count('class="sochef-post"') == 3
    assert "Inlägg 2012-08-27 5" in posts and "Inlägg 2012-08-27 2" not in posts
    assert "Buller i förskolan" not in posts
    assert 'href="http://testserver/feeds/sochef/blog/rss/"' in posts


@pytest.mark.django_db
def test_landing_leaves_out_the_blog_when_none_is_configured(client, landing, settings):
    make_blog_posts(make_blog_index(), [make_blog_category()], 1)
    settings.SOCHEF_BLOG = {}
    assert 'class="sochef-blog"' not in html_of(client, landing)


@pytest.mark.django_db
def test_landing_links_to_nomination_and_evaluation_pages(client, landing):
    landing.nominate_page = site_root().add_child(instance=Page(title="Tipsa", slug="tipsa"))
    landing.evaluation_page = site_root().add_child(instance=Page(title="Utvärdera", slug="utv"))
    landing.save()
    html = html_of(client, landing)
    assert 'href="/tipsa/"' in html and 'href="/utv/"' in html


@pytest.mark.django_db
def test_closed_project_hides_the_nomination_link_and_says_why(client, landing):
    landing.nominate_page = site_root().add_child(instance=Page(title="Tipsa", slug="tipsa"))
    landing.save()
    project_settings(status="closed", status_message="Sorry, projektet nedlagt.")
    html = html_of(client, landing)
    assert 'href="/tipsa/"' not in html
    assert "Sorry, projektet nedlagt." in html


@pytest.mark.django_db
def test_unpublished_linked_pages_are_left_out(client, landing):
    landing.nominate_page = site_root().add_child(
        instance=Page(title="Tipsa", slug="tipsa", live=False)
    )
    landing.save()
    assert 'href="/tipsa/"' not in html_of(client, landing)


@pytest.mark.django_db
def test_landing_shows_press_facebook_guides_and_organiser(client, landing):
    make_press_mention("Skyddsombud möts på Twitter", "Kommunalarbetaren")
    project_settings(
        facebook_group_url="https://www.facebook.com/groups/sochef",
        facebook_group_text="Mer textutrymme för frågor.",
        guides=[("Börja twittra", "https://help.x.com/")],
        organiser_name="Nils Östergren",
        organiser_role="frilansskribent på NyArbetsmiljo.se",
        organiser_handle="nilsostergren",
    )
    html = html_of(client, landing)
    assert "Press om projektet" in html and "Kommunalarbetaren" in html
    assert 'href="https://www.facebook.com/groups/sochef"' in html
    assert "Mer textutrymme för frågor." in html
    assert '<a href="https://help.x.com/" rel="noopener">Börja twittra</a>' in html
    assert "Nils Östergren, frilansskribent på NyArbetsmiljo.se" in html
    assert 'href="https://x.com/nilsostergren"' in html


@pytest.mark.django_db
def test_empty_sections_are_left_out(client, landing):
    html = html_of(client, landing)
    for section in ("sochef-press-section", "sochef-guides", "sochef-facebook", "sochef-organiser"):
        assert section not in html


@pytest.mark.django_db
def test_landing_runs_a_constant_number_of_queries(client, landing):
    accounts = make_accounts()
    blog, categories = make_blog_index(), [make_blog_category()]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            html_of(client, landing)
        return len(captured)

    def add(n, start):
        make_weeks(landing.guest_index, accounts, n, start=start)
        make_blog_posts(blog, categories, n, start=start)
        for i in range(n):
            make_press_mention(f"Artikel {start} {i}", "Arbetsliv", start)
            for account in accounts:
                FollowerSnapshot.objects.create(
                    account=account, date=start + datetime.timedelta(days=i), followers=i
                )

    make_week(landing.guest_index, monday(0), [(accounts[0], make_guest("Denna vecka"))])
    project_settings(guides=[("Guide", "https://a.se/")], organiser_name="Nils")
    add(2, datetime.date(2012, 9, 3))
    small = queries()
    add(12, datetime.date(2013, 1, 7))
    project_settings(guides=[(f"Guide {i}", "https://a.se/") for i in range(8)])
    assert queries() == small
