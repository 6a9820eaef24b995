"""The weeks' markup made in Python (weeks/html.py) is the includes' markup: compared with
week_summary.html and guest_card.html, with the nastiest text in every field; and a host's
override of either is what is rendered."""

import datetime
import re
from html import escape

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.html import parse_html
from django.utils import translation

from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.choices import Platform, Role, Side
from sochef_wagtail.meta import SHARE_IMAGE_SPEC
from sochef_wagtail.models import GuestWeekPage
from sochef_wagtail.weeks.html import (
    PHOTO_FILTER,
    guest_card,
    img_tag,
    list_slots,
    week_summary_html,
    with_listed_slots,
)
from sochef_wagtail.weeks.models import slots_queryset, week_slots, with_slots
from tests.factories import make_accounts, make_guest, make_image, make_index, make_week
from tests.xss_corpus import ALL, injected_markup

MONDAY = datetime.date(2012, 9, 3)


def listed_weeks(nasty="<b>&</b>", handle="a"):
    """A pair week with photos, a week of one guest with a role of its own; as listed."""
    employer, worker = make_accounts()
    index = make_index()
    photo = make_image()
    pair = [
        (employer, make_guest(nasty, Role.MANAGER, organisation=nasty, photo=photo, handle=handle)),
        (worker, make_guest("Karin", Role.OTHER, role_other=nasty)),
    ]
    make_week(index, MONDAY, pair, title=nasty)
    make_week(index, MONDAY + datetime.timedelta(weeks=1), [(worker, make_guest("Per"))])
    weeks = list(with_slots(GuestWeekPage.objects.order_by("week_start")))
    # As link_guests sets it: the first guest's name links to their page.
    weeks[0].slots.all()[0].guest_url = f"/sochef/gaster/{nasty}/"
    weeks[0].tweet_count = 1
    weeks[1].tweet_count = 0
    return weeks


def rendered(week, request, heading_level=None):
    context = {"week": week, "request": request, "heading_level": heading_level}
    return render_to_string("sochef_wagtail/includes/week_summary.html", context, request)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("heading_level", [None, 4])
def test_a_week_summary_is_the_templates_markup(language, heading_level):
    request = RequestFactory().get("/")
    weeks = listed_weeks()
    del weeks[1].tweet_count  # the landing page lists a week without its count
    with translation.override(language):
        for week in weeks:
            made = week_summary_html(week, request, heading_level)
            assert parse_html(made) == parse_html(rendered(week, request, heading_level))


@pytest.mark.django_db
@pytest.mark.parametrize("payload", ALL)
def test_hostile_text_is_escaped_as_the_template_escapes_it(payload):
    request = RequestFactory().get("/")
    for week in listed_weeks(payload[:150]):
        made = week_summary_html(week, request, 4)
        assert parse_html(made) == parse_html(rendered(week, request, 4))
        assert not injected_markup(made)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["week_summary.html", "guest_card.html"])
def test_a_host_template_overriding_an_include_is_rendered(host_templates, name):
    (host_templates / name).write_text("<p>HOST {{ week.title }}{{ slot.guest.name }}</p>")
    assert "<p>HOST" in week_summary_html(listed_weeks()[0], RequestFactory().get("/"))


def rendered_card(slot, heading_level, show_bio):
    context = {"slot": slot, "heading_level": heading_level, "show_bio": show_bio}
    return render_to_string("sochef_wagtail/includes/guest_card.html", context)


def cards_are_the_templates_markup(nasty, show_bio=True, handle="a"):
    weeks = listed_weeks(nasty, handle)
    # Rich text as Wagtail's editor stores it: the text escaped, the link its own.
    bio = f'<p>{escape(nasty)} <a href="https://example.com/?a=1&amp;b=2">länk</a></p>'
    weeks[0].slots.all()[0].guest.bio = bio
    for week in weeks:
        for slot in week.slots.all():
            made = guest_card(slot, 2, show_bio)
            assert parse_html(made) == parse_html(rendered_card(slot, 2, show_bio))
            assert not injected_markup(made)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("show_bio", [False, True])
def test_a_guest_card_with_its_bio_is_the_templates_markup(language, show_bio):
    with translation.override(language):
        cards_are_the_templates_markup("<b>&</b>", show_bio)


@pytest.mark.django_db
@pytest.mark.parametrize("handle", ["annal", "anna.bsky.social", "anna@mastodon.social"])
def test_a_guest_cards_own_account_on_any_platform_is_the_templates_markup(handle):
    cards_are_the_templates_markup("Anna", handle=handle)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", ALL)
def test_hostile_text_in_a_guest_card_is_escaped_as_the_template_escapes_it(payload):
    cards_are_the_templates_markup(payload[:150])


@pytest.mark.django_db
def test_a_guest_card_whose_photo_lost_its_file_is_the_templates_broken_image():
    employer, _worker = make_accounts()
    photo = make_image("Borta")
    photo.file.delete(save=False)
    make_week(make_index(), MONDAY, [(employer, make_guest("Anna", photo=photo))])
    [slot] = with_slots(GuestWeekPage.objects.all())[0].slots.all()
    made = guest_card(slot, 2, show_bio=True)
    assert parse_html(made) == parse_html(rendered_card(slot, 2, True))
    assert "not-found" in made


@pytest.mark.django_db
def test_a_host_guest_card_is_rendered_on_the_week_page(host_templates, client):
    (host_templates / "guest_card.html").write_text(
        "<p>HOST {{ slot.guest.name }} {{ show_bio }}</p>"
    )
    week = listed_weeks()[1]
    assert "<p>HOST Per True</p>" in client.get(week.url).content.decode()


@pytest.mark.django_db
def test_a_photo_tag_is_wagtails_img_tag():
    rendition = make_image(title="<b>\"&'</b>").get_rendition("fill-96x96")
    for extra in [{}, {"class": "a<b", "alt": ""}, {"loading": "lazy", "hidden": True, "x": None}]:
        assert img_tag(rendition, extra) == rendition.img_tag(extra)


@pytest.mark.django_db
def test_a_host_week_summary_on_the_index_reads_any_field_of_the_week(host_templates, client):
    (host_templates / "week_summary.html").write_text(
        "<li>HOST {{ week.slug }} {{ week.intro }}</li>"
    )
    weeks = listed_weeks()
    GuestWeekPage.objects.filter(pk=weeks[1].pk).update(intro="Om veckan")
    html = client.get(weeks[0].get_parent().url).content.decode()
    assert f"<li>HOST {weeks[1].slug} Om veckan</li>" in html


def slot_values(slot):
    """What a listing shows of a slot (ListedSlot or GuestSlot), its photo's renditions too."""
    account, guest, photo = slot.account, slot.guest, slot.guest.photo
    renditions = [
        (rendition.url, rendition.width, rendition.height, rendition.focal_point_key)
        for rendition in getattr(photo, "prefetched_renditions", [])
        if photo is not None and rendition_spec(rendition) == PHOTO_FILTER.spec
    ]
    focal_point = (
        (photo.pk, photo.focal_point_x, photo.focal_point_y)
        + (photo.focal_point_width, photo.focal_point_height)
        if photo
        else None
    )
    return (
        (slot.pk, slot.account_id, account.handle, account.side, account.profile_url)
        + (guest.name, guest.role, guest.role_other, guest.organisation, guest.sector)
        + (guest.handle, guest.slug, focal_point, sorted(renditions))
    )


def rendition_spec(rendition):
    return getattr(rendition, "filter_spec", PHOTO_FILTER.spec)  # a ListedRendition is one


@pytest.mark.django_db
def test_listed_slots_are_the_orms_slots_in_one_query(django_assert_num_queries):
    weeks = listed_weeks()
    employer, worker = weeks[0].slots.all()[0].account, weeks[1].slots.all()[0].account
    # A photo with renditions of two focal points and of other specs, and one with none yet.
    photo = make_image("Fokus")
    photo.get_rendition(PHOTO_FILTER)
    photo.get_rendition("fill-192x192")
    photo.focal_point_x, photo.focal_point_y = 10, 20
    photo.focal_point_width = photo.focal_point_height = 30
    photo.save()
    photo.get_rendition(PHOTO_FILTER)
    pair = [
        (employer, make_guest("Fia", photo=photo)),
        (worker, make_guest("Ny", photo=make_image())),
    ]
    index = weeks[0].get_parent()
    make_week(index, MONDAY + datetime.timedelta(weeks=2), pair)
    # An account of another platform: its profile is on that platform.
    mastodon = RelayAccount.objects.create(
        platform=Platform.MASTODON, handle="so@mastodon.social", display_name="S", side=Side.WORKER
    )
    make_week(index, MONDAY + datetime.timedelta(weeks=3), [(mastodon, make_guest("Mia"))])
    orm = with_slots(GuestWeekPage.objects.order_by("week_start"))
    expected = {week.pk: [slot_values(slot) for slot in week.slots.all()] for week in orm}
    with django_assert_num_queries(1):
        listed = list_slots(list(expected))
    assert {pk: [slot_values(slot) for slot in slots] for pk, slots in listed.items()} == expected
    assert list_slots([]) == {}


def model_values(instance):
    """Every stored field of a model, as the ORM gives it."""
    if instance is None:
        return None
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def week_slot_values(slot):
    photo = slot.guest.photo
    renditions = sorted(
        (model_values(rendition) for rendition in getattr(photo, "prefetched_renditions", [])),
        key=lambda values: values["id"],
    )
    return (
        model_values(slot),
        model_values(slot.account),
        model_values(slot.guest),
        model_values(photo),
        renditions,
    )


@pytest.mark.django_db
def test_a_weeks_slots_are_the_orms_models_in_one_query(django_assert_num_queries):
    """week_slots() (the week page's) gives what slots_queryset() gives, field for field: a
    pair with a photo shared by both guests, its renditions of both specs and of another, the
    same guest on two accounts, a guest without a photo, times and nasty text."""
    employer, worker = make_accounts()
    *_, mastodon = make_accounts(Platform.MASTODON)
    RelayAccount.objects.filter(pk=employer.pk).update(
        fetched_at=datetime.datetime(2024, 11, 18, 8, 0, 0, 123456, tzinfo=datetime.UTC),
        fetch_report="<b>&</b> 😀",
    )
    photo = make_image("Delad")
    for spec in (PHOTO_FILTER.spec, SHARE_IMAGE_SPEC, "fill-192x192"):
        photo.get_rendition(spec)
    nasty = "<script>'&\"</script> Åsa"
    anna = make_guest(nasty, photo=photo, bio=f"<p>{escape(nasty)}</p>", handle="a.bsky.social")
    index = make_index()
    pair = make_week(index, MONDAY, [(employer, anna), (worker, make_guest("Bo", photo=photo))])
    both = make_week(
        index, MONDAY + datetime.timedelta(weeks=1), [(worker, anna), (mastodon, anna)]
    )
    alone = make_week(index, MONDAY + datetime.timedelta(weeks=2), [(worker, make_guest("Per"))])
    for week in (pair, both, alone):
        expected = [week_slot_values(slot) for slot in slots_queryset().filter(page=week)]
        with django_assert_num_queries(1):
            made = week_slots(week.pk)
        assert [week_slot_values(slot) for slot in made] == expected
    slots = week_slots(pair.pk)
    with django_assert_num_queries(0):  # the photo's renditions come with it, image and all
        assert [slot.guest.photo.prefetched_renditions[0].image.title for slot in slots] == [
            "Delad",
            "Delad",
        ]
    assert week_slots(0) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_week_summary_of_listed_slots_is_the_templates_markup(language):
    request = RequestFactory().get("/")
    weeks = listed_weeks()
    # A photo without its listing rendition yet: made, as the template makes it.
    employer = weeks[0].slots.all()[0].account
    make_week(
        weeks[0].get_parent(),
        MONDAY + datetime.timedelta(weeks=2),
        [(employer, make_guest("Ny", photo=make_image()))],
    )
    listed = with_listed_slots(list(GuestWeekPage.objects.order_by("week_start")))
    weeks = with_slots(GuestWeekPage.objects.order_by("week_start"))
    with translation.override(language):
        for week, listed_week in zip(weeks, listed, strict=True):
            listed_week.tweet_count = week.tweet_count = 3
            made = week_summary_html(listed_week, request, 4)
            assert parse_html(made) == parse_html(rendered(week, request, 4))


@pytest.mark.django_db
def test_a_guest_on_two_platforms_of_a_side_is_one_card_naming_both_accounts(client):
    """A week's worker guest posts on Bluesky and on Mastodon: one card with both accounts,
    made alike by the template and in Python, on the week page and in the listings."""
    _, on_bluesky = make_accounts(Platform.BLUESKY)
    employer, on_mastodon = make_accounts(Platform.MASTODON)
    index = make_index()
    karin = make_guest("Karin Berg")
    week = make_week(
        index,
        MONDAY,
        [(on_bluesky, karin), (on_mastodon, karin), (employer, make_guest("Per Ek"))],
    )
    request = RequestFactory().get("/")
    (listed,) = with_listed_slots([GuestWeekPage.objects.get(pk=week.pk)])
    (with_models,) = with_slots(GuestWeekPage.objects.filter(pk=week.pk))
    made = week_summary_html(listed, request, 4)
    assert parse_html(made) == parse_html(rendered(with_models, request, 4))
    assert made.count('class="sochef-guest ') == 2 and "sochef-week--pair" in made
    assert made.count("Karin Berg") == 1
    for account in (on_bluesky, on_mastodon):
        assert f'href="{account.profile_url}" rel="noopener">@{account.handle}</a>' in made
    page = client.get(week.url).content.decode()
    assert page.count(">Karin Berg</a></h2>") == 1
    assert f"@{on_bluesky.handle}</a>" in page and f"@{on_mastodon.handle}</a>" in page


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(
    "data", [None, {"side": "worker", "role": "manager", "year": "2013"}, {"year": "<b>1"}]
)
def test_the_filters_selects_are_djangos_markup(language, data):
    """The guest index's filters (weeks/forms.py's PlainSelect) render what Django's Select
    renders: none chosen, each chosen, a value that is no choice; and hostile choices, in an
    option group too."""
    from django import forms

    from sochef_wagtail.weeks.forms import PlainSelect, WeekFilterForm

    with translation.override(language):
        form = WeekFilterForm(data, years=[2014, 2013, 2012])
        for field in form:
            django_markup = field.as_widget(widget=forms.Select(choices=field.field.choices))
            assert parse_html(str(field)) == parse_html(django_markup)
    for payload in ALL:
        choices = [("", payload), (payload, payload), (payload, [(f"{payload}2", payload)])]
        attrs = {"id": payload, "aria-invalid": True, "hidden": False}
        made = PlainSelect(choices=choices).render(payload, payload, attrs)
        # Character for character but for the line breaks between the tags: parse_html()
        # would take an unescaped <script> in an option for the escaped text.
        django_markup = forms.Select(choices=choices).render(payload, payload, attrs)
        assert re.sub(r">\s+<", "><", made) == re.sub(r">\s+<", "><", django_markup)
