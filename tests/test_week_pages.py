import datetime
import re

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase

from sochef_wagtail.pages import public
from sochef_wagtail.weeks.pages import GuestWeekIndexPage, GuestWeekPage
from sochef_wagtail.weeks.views import neighbour_weeks
from tests.factories import (
    make_accounts,
    make_guest,
    make_image,
    make_index,
    make_week,
    make_weeks,
    monday,
    week_form,
)


class GuestWeekPageTypesTest(WagtailPageTestCase):
    def setUp(self):
        self.index = make_index()
        self.employer, self.worker = make_accounts()
        self.week = make_week(
            self.index,
            datetime.date(2012, 9, 3),
            [(self.employer, make_guest("Anna")), (self.worker, make_guest("Bo"))],
        )

    def test_index_can_be_created_under_any_page(self):
        self.assertCanCreateAt(Page, GuestWeekIndexPage)

    def test_week_lives_only_below_the_index(self):
        self.assertAllowedParentPageTypes(GuestWeekPage, {GuestWeekIndexPage})
        self.assertAllowedSubpageTypes(GuestWeekPage, set())
        self.assertAllowedSubpageTypes(GuestWeekIndexPage, {GuestWeekPage})

    def test_pages_are_routable_renderable_and_previewable(self):
        for page in (self.index, self.week):
            self.assertPageIsRoutable(page)
            self.assertPageIsRenderable(page)
        self.assertPageIsPreviewable(self.index)
        # StreamField forms are built by JavaScript, so the week's preview data is given here.
        data = week_form("Premiär", "2012-09-03", [(self.employer, make_guest("Cecilia"))])
        self.assertPageIsPreviewable(self.week, post_data=data)


@pytest.mark.django_db
def test_week_end_is_the_sunday_after_the_start():
    page = GuestWeekPage(week_start=datetime.date(2013, 3, 4))
    assert page.week_end == datetime.date(2013, 3, 10)
    assert page.week_number == 10


@pytest.mark.django_db
def test_week_page_shows_both_guests_employer_side_first(client, index_page, accounts):
    employer, worker = accounts
    week = make_week(
        index_page,
        datetime.date(2012, 9, 3),
        # Worker side given first on purpose: the page orders by side.
        [(worker, make_guest("Bo Eriksson")), (employer, make_guest("Anna Lindqvist"))],
    )
    html = client.get(week.url).content.decode()
    assert html.index("Anna Lindqvist") < html.index("Bo Eriksson")
    assert "@ArbetsmiljoChef" in html and "@Skyddsombud" in html
    assert "Arbetsgivarsidan" in html and "Arbetstagarsidan" in html


@pytest.mark.django_db
def test_single_staffed_week_renders(client, index_page, accounts):
    week = make_week(index_page, datetime.date(2013, 5, 13), [(accounts[1], make_guest("Karin"))])
    response = client.get(week.url)
    assert response.status_code == 200
    assert "Karin" in response.content.decode()


@pytest.mark.django_db
def test_guest_text_is_escaped(client, index_page, accounts):
    guest = make_guest("<script>alert(1)</script>", organisation="A & B")
    week = make_week(index_page, datetime.date(2013, 5, 13), [(accounts[1], guest)])
    html = client.get(week.url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@override_settings(SOCHEF_CACHE_TIMEOUT=0)  # rendering the page; cached: test_page_cache.py
def count_queries(client, url):
    client.get(url)  # warm Wagtail's site and rendition caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_week_page_runs_a_constant_number_of_queries(client, index_page, accounts):
    small = make_weeks(index_page, accounts, 1)[0]
    make_weeks(index_page, accounts, 30, start=datetime.date(2013, 1, 7))
    big = GuestWeekPage.objects.get(week_start=datetime.date(2013, 1, 7))
    assert count_queries(client, small.url) == count_queries(client, big.url)


@pytest.mark.django_db
def test_guest_photos_add_no_query_per_guest(client, index_page, accounts):
    def week_with_photos(monday, count):
        slots = [(account, make_guest(f"{account.handle} {monday}")) for account in accounts]
        for _, guest in slots[:count]:
            guest.photo = make_image()
            guest.save()
        return make_week(index_page, monday, slots)

    one = week_with_photos(datetime.date(2013, 1, 7), 1)
    two = week_with_photos(datetime.date(2013, 1, 14), 2)
    assert 'class="sochef-guest__photo"' in client.get(two.url).content.decode()
    assert count_queries(client, one.url) == count_queries(client, two.url)


@pytest.mark.django_db
def test_upcoming_week_is_marked(client, index_page, accounts):
    week = make_week(index_page, monday(2), [(accounts[0], make_guest("Rut"))])
    assert "Kommande" in client.get(week.url).content.decode()


def week_links(html):
    """(href, rel) of the links to the week before and after."""
    nav = re.search(r'<nav class="sochef-week-nav".*?</nav>', html, re.S)
    return re.findall(r'href="([^"]+)" rel="(prev|next)"', nav.group(0)) if nav else []


@pytest.mark.django_db
def test_week_pages_link_to_the_live_weeks_before_and_after(client, index_page, accounts):
    employer, worker = accounts
    first = make_week(index_page, datetime.date(2012, 9, 3), [(employer, make_guest("A"))])
    make_week(index_page, datetime.date(2012, 9, 10), [(employer, make_guest("B"))], live=False)
    middle = make_week(index_page, datetime.date(2012, 9, 17), [(employer, make_guest("C"))])
    # Another week on the same Monday, on the other account: both are reached, in page order.
    twin = make_week(
        index_page, datetime.date(2012, 9, 17), [(worker, make_guest("D"))], slug="tvilling"
    )
    upcoming = make_week(index_page, monday(1), [(employer, make_guest("E"))])
    other = make_index("Andra", slug="andra")
    make_week(other, datetime.date(2012, 9, 24), [(worker, make_guest("F"))])

    assert week_links(client.get(first.url).content.decode()) == [(middle.url, "next")]
    assert week_links(client.get(middle.url).content.decode()) == [
        (first.url, "prev"),
        (twin.url, "next"),
    ]
    assert week_links(client.get(twin.url).content.decode()) == [
        (middle.url, "prev"),
        (upcoming.url, "next"),
    ]
    assert week_links(client.get(upcoming.url).content.decode()) == [(twin.url, "prev")]


@pytest.mark.django_db
def test_a_lone_week_has_no_week_links(client, index_page, accounts):
    week = make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], make_guest("A"))])
    assert 'class="sochef-week-nav"' not in client.get(week.url).content.decode()


@pytest.mark.django_db
@override_settings(SOCHEF_CACHE_TIMEOUT=0)
def test_week_links_cost_the_same_queries_however_many_weeks(client, index_page, accounts):
    few = make_weeks(index_page, accounts, 3)
    many_index = make_index("Många", slug="manga")
    many = make_weeks(many_index, accounts, 40, start=datetime.date(2013, 1, 7))
    assert count_queries(client, few[1].url) == count_queries(client, many[20].url)


@pytest.mark.django_db
def test_a_week_with_a_view_restriction_is_neither_linked_nor_listed(client, index_page, accounts):
    employer = accounts[0]
    first = make_week(index_page, datetime.date(2012, 9, 3), [(employer, make_guest("A"))])
    hidden = make_week(index_page, datetime.date(2012, 9, 10), [(employer, make_guest("B"))])
    last = make_week(index_page, datetime.date(2012, 9, 17), [(employer, make_guest("C"))])
    PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.PASSWORD, password="hemligt"
    )

    assert week_links(client.get(first.url).content.decode()) == [(last.url, "next")]
    assert week_links(client.get(last.url).content.decode()) == [(first.url, "prev")]
    assert list(index_page.weeks()) == list(GuestWeekPage.objects.live().public())
    assert hidden not in index_page.weeks()


@pytest.mark.django_db
@pytest.mark.parametrize("restricted", ["none", "index", "week", "index and week", "root"])
def test_public_keeps_what_wagtails_public_keeps_in_one_query(index_page, accounts, restricted):
    weeks = [
        make_week(index_page, monday(n), [(accounts[0], make_guest(f"G{n}"))]) for n in range(3)
    ]
    pages = {"index": index_page, "week": weeks[1], "root": Page.objects.get(depth=2)}
    for name, page in pages.items():
        if name in restricted:
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.LOGIN
            )
    expected = set(Page.objects.public().values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        kept = set(public(Page.objects.all()).values_list("pk", flat=True))
    assert kept == expected and len(queries) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("restricted", ["none", "a neighbour", "the index"])
def test_the_neighbours_are_those_of_the_orm_in_one_query(index_page, accounts, restricted):
    # The statement written out (neighbour_weeks) against the ORM's way of saying it: weeks on
    # the same Monday (one per account) ordered by id, a draft, a private week, another index.
    employer, worker = accounts
    other = make_index("Andra", slug="andra")
    make_week(other, datetime.date(2012, 10, 1), [(employer, make_guest("Annan"))])
    weeks = [
        make_week(index_page, datetime.date(2012, 9, 3), [(employer, make_guest("A"))]),
        make_week(index_page, datetime.date(2012, 9, 10), [(employer, make_guest("B"))]),
        make_week(index_page, datetime.date(2012, 9, 10), [(worker, make_guest("C"))], slug="par"),
        make_week(
            index_page, datetime.date(2012, 9, 17), [(employer, make_guest("D"))], live=False
        ),
        make_week(index_page, datetime.date(2012, 9, 24), [(employer, make_guest("E"))]),
    ]
    restricted_page = {"a neighbour": weeks[2], "the index": index_page}.get(restricted)
    if restricted_page:
        PageViewRestriction.objects.create(
            page=restricted_page, restriction_type=PageViewRestriction.LOGIN
        )
    for week in weeks:
        siblings = public(GuestWeekPage.objects.sibling_of(week, inclusive=False).live())
        key = (week.week_start, week.pk)
        before = [w for w in siblings if (w.week_start, w.pk) < key]
        after = [w for w in siblings if (w.week_start, w.pk) > key]
        expected = [max(before, key=lambda w: (w.week_start, w.pk))] if before else []
        expected += [min(after, key=lambda w: (w.week_start, w.pk))] if after else []
        with CaptureQueriesContext(connection) as queries:
            found = [
                (w.pk, w.title, w.url_path, w.locale_id, w.week_start)
                for w in neighbour_weeks(week)
            ]
        assert found == [(w.pk, w.title, w.url_path, w.locale_id, w.week_start) for w in expected]
        assert len(queries) == 1


@pytest.mark.django_db
def test_a_view_restriction_on_the_index_hides_its_weeks_as_wagtails_public_does(
    index_page, accounts
):
    make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], make_guest("A"))])
    PageViewRestriction.objects.create(
        page=index_page, restriction_type=PageViewRestriction.PASSWORD, password="hemligt"
    )
    assert not index_page.weeks().exists()
    assert not GuestWeekPage.objects.live().public().exists()


@pytest.mark.django_db
def test_the_index_routes_to_its_weeks_as_wagtail_does_with_one_query_for_the_week(
    rf, index_page, accounts
):
    week = make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], make_guest("A"))])
    draft = make_week(
        index_page, datetime.date(2012, 9, 10), [(accounts[0], make_guest("B"))], live=False
    )
    # A week named as one of the index's routes is not reached: the route comes first.
    make_week(index_page, datetime.date(2012, 9, 17), [(accounts[1], make_guest("C"))], slug="sok")
    request = rf.get("/")

    def route(*components):
        try:
            result = index_page.route(request, list(components))
        except Http404:
            return "404"
        return result.page, result.args

    with CaptureQueriesContext(connection) as queries:
        page, args = route(week.slug)
    assert (page, type(page), list(args)) == (week, GuestWeekPage, [])
    assert page.get_parent() == index_page and len(queries) == 1
    assert route(draft.slug) == "404"
    assert route("ingen-sadan-vecka") == "404"
    assert route(week.slug, "mer") == "404"
    page, (view, _args, _kwargs) = route("sok")
    assert page == index_page and view.__name__ == "search_view"
