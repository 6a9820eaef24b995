"""Every SOchef page and route says what it is when found or shared: a meta description and
OpenGraph and card tags, escaped, with absolute URLs from the Site's root URL."""

import datetime
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import Site

from tests.factories import (
    make_evaluation_page,
    make_guest,
    make_image,
    make_landing,
    make_nomination_page,
    make_week,
    site_root,
)

NASTY = 'Anna <script>alert(1)</script> "&\x07\x1b ‮ 😀'


class HeadTags(HTMLParser):
    """The <meta> tags of a page: {name or property: [content, ...]}."""

    def __init__(self):
        super().__init__()
        self.tags = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = attrs.get("property") or attrs.get("name")
        if tag == "meta" and key:
            self.tags.setdefault(key, []).append(attrs.get("content"))


def meta_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    parser = HeadTags()
    parser.feed(html)
    return parser.tags, html


def one(tags, key):
    assert len(tags.get(key, [])) == 1, (key, tags.get(key))
    return tags[key][0]


@pytest.fixture
def site(db):
    site_root()
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port, site.site_name = "sochef.example", 443, "NyArbetsmiljö"
    site.save()
    yield site
    Site.clear_site_root_paths_cache()


@pytest.mark.django_db
def test_week_page_shares_its_guests_photo_and_names(client, site, index_page, accounts):
    employer, worker = accounts
    anna = make_guest("Anna Lindqvist", photo=make_image("Anna"))
    week = make_week(index_page, datetime.date(2012, 9, 3), [(employer, anna)])
    tags, html = meta_of(client, week.url)
    assert one(tags, "og:title") == week.title
    assert one(tags, "og:url") == f"https://sochef.example/sochef/{week.slug}/"
    assert one(tags, "og:site_name") == "NyArbetsmiljö"
    assert "Anna Lindqvist" in one(tags, "description") == one(tags, "og:description")
    image = one(tags, "og:image")
    assert image.startswith("https://sochef.example/media/images/") and ".fill-800x800" in image
    assert one(tags, "og:image:width") == one(tags, "og:image:height")
    assert one(tags, "twitter:card") == "summary"
    assert "noindex" not in html


@pytest.mark.django_db
def test_the_share_picture_is_made_once_not_on_every_request(
    client, site, index_page, accounts, monkeypatch
):
    # The guests' photos come with their renditions prefetched; a spec missing from that
    # prefetch made Wagtail build the share picture's file again (and throw it away) each time.
    from wagtail.images import get_image_model

    employer, _ = accounts
    anna = make_guest("Anna Lindqvist", photo=make_image("Anna"))
    week = make_week(index_page, datetime.date(2012, 9, 3), [(employer, anna)])
    first = one(meta_of(client, week.url)[0], "og:image")

    def no_new_file(image, filter):
        raise AssertionError(f"a rendition file was made again: {filter.spec}")

    monkeypatch.setattr(get_image_model(), "generate_rendition_file", no_new_file)
    with override_settings(SOCHEF_CACHE_TIMEOUT=0):
        assert one(meta_of(client, week.url)[0], "og:image") == first


@pytest.mark.django_db
def test_search_description_wins_and_the_default_picture_stands_in(client, site, index_page):
    index_page.search_description = "Alla gästtwittrare sedan 2012."
    index_page.save_revision().publish()
    tags, _ = meta_of(client, index_page.url)
    assert one(tags, "description") == "Alla gästtwittrare sedan 2012."
    assert one(tags, "og:image") == "https://sochef.example/static/sochef_wagtail/img/share.png"
    assert one(tags, "twitter:card") == "summary_large_image"


@pytest.mark.django_db
def test_every_page_type_has_the_tags_once(client, site, index_page, week):
    landing = make_landing(guest_index=index_page, intro="<p>Ett <b>experiment</b>.</p>")
    pages = [landing, index_page, week, make_nomination_page(), make_evaluation_page()]
    for page in pages:
        tags, _ = meta_of(client, page.url)
        for key in ("description", "og:title", "og:description", "og:url", "twitter:card"):
            one(tags, key)
        assert one(tags, "og:url") == page.get_full_url()
    tags, _ = meta_of(client, landing.url)
    assert one(tags, "description") == "Ett experiment."


@pytest.mark.django_db
def test_routes_describe_themselves(client, site, index_page):
    tags, html = meta_of(client, index_page.url + "sok/?q=arbetsmiljö")
    assert one(tags, "og:url") == "https://sochef.example/sochef/sok/"
    assert one(tags, "robots") == "noindex"
    assert "arbetsmiljö" not in one(tags, "og:title")
    nominate = make_nomination_page()
    tags, _ = meta_of(client, nominate.url + "tack/")
    assert one(tags, "og:url") == "https://sochef.example/foresla/tack/"
    assert one(tags, "robots") == "noindex"


@pytest.mark.django_db
def test_nasty_text_is_escaped_and_cleaned_in_every_tag(client, site, index_page, accounts):
    guest = make_guest(NASTY, photo=make_image(NASTY))
    week = make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], guest)], title=NASTY)
    tags, html = meta_of(client, week.url)
    metas = [line for line in html.splitlines() if line.startswith("<meta property")]
    assert metas and not any("<script>" in line or "\x07" in line for line in metas)
    assert one(tags, "og:title") == 'Anna <script>alert(1)</script> "& ‮ 😀'
    assert one(tags, "og:image:alt").startswith("Anna <script>")


@pytest.mark.django_db
def test_a_long_intro_is_cut_for_the_description(client, site, index_page):
    index_page.intro = "<p>" + "ord " * 3000 + "</p>"
    index_page.save_revision().publish()
    tags, _ = meta_of(client, index_page.url)
    assert len(one(tags, "description")) <= 200


@pytest.mark.django_db
def test_a_photo_without_its_file_falls_back_to_no_picture(client, site, index_page, accounts):
    photo = make_image("Borta")
    photo.file.delete(save=False)
    week = make_week(
        index_page, datetime.date(2012, 9, 3), [(accounts[0], make_guest("Anna", photo=photo))]
    )
    tags, _ = meta_of(client, week.url)
    assert "og:image" not in tags and one(tags, "twitter:card") == "summary"


@pytest.mark.django_db
@override_settings(SOCHEF_SHARE_IMAGE="")
def test_no_default_picture_when_the_setting_is_empty(client, site, index_page):
    tags, _ = meta_of(client, index_page.url)
    assert "og:image" not in tags


@pytest.mark.django_db
def test_the_tag_writes_nothing_on_other_pages():
    html = Template("{% load sochef_meta %}{% sochef_meta %}").render(Context({}))
    assert html.strip() == ""


@pytest.mark.django_db
def test_a_route_gives_its_own_meta(site, index_page):
    """How a route of another module plugs in: lazy_meta with its own values."""
    guest = make_guest("Bo Berg", photo=make_image("Bo"), bio="<p>Skyddsombud i Umeå.</p>")
    request = RequestFactory().get("/sochef/", HTTP_HOST="sochef.example")
    meta = index_page.lazy_meta(request, title=guest.name, description=guest.bio, image=guest.photo)
    assert meta.title == "Bo Berg" and meta.description == "Skyddsombud i Umeå."
    assert meta.image_url.startswith("https://sochef.example/media/images/")


@pytest.mark.django_db
@override_settings(SOCHEF_CACHE_TIMEOUT=0)
def test_week_page_meta_runs_a_constant_number_of_queries(client, site, index_page, accounts):
    def queries(page):
        client.get(page.url)  # the renditions are made on the first request
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page.url).status_code == 200
        return len(captured)

    employer, worker = accounts
    guests = [make_guest(name, photo=make_image(name)) for name in ("Anna", "Bo", "Cilla")]
    one_guest = make_week(index_page, datetime.date(2012, 9, 3), [(employer, guests[0])])
    pair = make_week(
        index_page, datetime.date(2012, 9, 10), [(employer, guests[1]), (worker, guests[2])]
    )
    assert queries(one_guest) == queries(pair)


@pytest.mark.django_db
def test_cached_pages_write_the_tags_without_reading_the_database(client, site, week):
    client.get(week.url)
    with CaptureQueriesContext(connection) as warm:
        tags, _ = meta_of(client, week.url)
    assert one(tags, "og:url") == week.get_full_url()
    assert not any("wagtailimages" in query["sql"] for query in warm.captured_queries)
    assert not any("sochef_wagtail_guestslot" in q["sql"] for q in warm.captured_queries)


@pytest.mark.django_db
def test_a_guest_page_shares_the_guests_name_bio_and_photo(client, site, index_page, accounts):
    employer, _ = accounts
    anna = make_guest("Anna <b>L</b>", photo=make_image("Anna"), bio="<p>Chef i Umeå &amp; HR</p>")
    make_week(index_page, datetime.date(2012, 9, 3), [(employer, anna)])
    tags, _ = meta_of(client, index_page.url + f"gaster/{anna.slug}/")
    assert one(tags, "og:title") == f"Anna <b>L</b> – {index_page.title}"
    assert one(tags, "description") == "Chef i Umeå & HR"
    assert one(tags, "og:url") == f"https://sochef.example/sochef/gaster/{anna.slug}/"
    assert ".fill-800x800" in one(tags, "og:image")
