"""Plain helper functions that build test data."""

import datetime

from django.conf import settings
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale, Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from example_site.blog.models import BlogCategory, BlogIndexPage, BlogPage
from sochef_wagtail.accounts import RelayAccount
from sochef_wagtail.choices import Role, Sector, Side
from sochef_wagtail.guests import Guest
from sochef_wagtail.landing import SochefLandingPage
from sochef_wagtail.press import PressMention
from sochef_wagtail.project import GuideLink, ProjectSettings
from sochef_wagtail.weeks import GuestWeekIndexPage, GuestWeekPage, current_week_start
from tests.testapp.models import Category as EntryCategory
from tests.testapp.models import CategoryEntryPage, EntryPage, TaggedPost


def make_account(handle="Skyddsombud", side=Side.WORKER, **fields):
    return RelayAccount.objects.create(
        handle=handle, display_name=fields.pop("display_name", handle), side=side, **fields
    )


def make_accounts():
    """The seed's two relay accounts: (employer, worker)."""
    return (
        make_account("ArbetsmiljoChef", Side.EMPLOYER),
        make_account("Skyddsombud", Side.WORKER),
    )


def make_guest(name="Anna Lindqvist", role=Role.MANAGER, sector=Sector.PUBLIC, **fields):
    return Guest.objects.create(name=name, role=role, sector=sector, **fields)


def site_root():
    """The default site's root page, made again when a transactional test flushed it."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site:
        return site.root_page
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    tree_root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", locale=locale)
    )
    home = tree_root.add_child(instance=Page(title="Hem", slug="home", locale=locale))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def make_index(title="Vilka har twittrat och vad", slug="sochef"):
    return site_root().add_child(instance=GuestWeekIndexPage(title=title, slug=slug))


def make_week(index, monday, slots, title=None, live=True):
    """A week below `index`; `slots` is a list of (account, guest)."""
    page = GuestWeekPage(
        title=title or f"Vecka {monday.isocalendar().week} {monday.year}",
        slug=f"vecka-{monday.isoformat()}",
        week_start=monday,
        live=live,
    )
    for account, guest in slots:
        page.slots.add(page.slots.model(account=account, guest=guest))
    index.add_child(instance=page)
    return page


def monday(weeks_from_now=0):
    return current_week_start() + datetime.timedelta(weeks=weeks_from_now)


def make_weeks(index, accounts, count, start=datetime.date(2012, 9, 3)):
    """`count` consecutive past weeks with a pair of new guests each."""
    employer, worker = accounts
    weeks = []
    for n in range(count):
        week_start = start + datetime.timedelta(weeks=n)
        weeks.append(
            make_week(
                index,
                week_start,
                [
                    (employer, make_guest(f"Chef {n}", Role.MANAGER)),
                    (worker, make_guest(f"Skyddsombud {n}", Role.SAFETY_REP)),
                ],
            )
        )
    return weeks


def week_form(title, week_start, slots, action=None):
    """POST data of the admin's guest week form; `slots` is a list of (account, guest)."""
    data = nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "week_start": week_start,
            "intro": rich_text("<p>Veckans gäster.</p>"),
            "body": streamfield([]),
            "slots": inline_formset(
                [{"account": account.pk, "guest": guest.pk} for account, guest in slots], min=1
            ),
        }
    )
    if action:
        data[action] = "1"
    return data


def make_site(hostname, root_title="Andra sajten", slug="andra"):
    """A second site with its own root page beside the default one."""
    root = Page.get_first_root_node().add_child(instance=Page(title=root_title, slug=slug))
    return Site.objects.create(hostname=hostname, port=80, root_page=root)


def make_image(title="Bild", filename="bild.png"):
    """A Wagtail image with its file size recorded, as an upload in the admin records it."""
    image = get_image_model().objects.create(title=title, file=get_test_image_file(filename))
    image.file_size = image.file.size
    image.save(update_fields=["file_size"])
    return image


def publish(parent, page, live=True):
    """Add `page` below `parent` and publish it through a revision, as an editor would."""
    page.live = False
    parent.add_child(instance=page)
    if live:
        page.save_revision().publish()
    return page


def make_blog_index(parent=None, slug="blogg"):
    return (parent or site_root()).add_child(instance=BlogIndexPage(title="Blogg", slug=slug))


def make_blog_category(name="SOchef", slug="sochef"):
    return BlogCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def make_blog_post(index, title, date, categories=(), live=True, **fields):
    """A post of the example site's blog."""
    fields.setdefault("author", "Nils Östergren")
    post = BlogPage(
        title=title, slug=slugify(title), date=date, categories=list(categories), **fields
    )
    return publish(index, post, live)


def make_blog_posts(index, categories, count, start=datetime.date(2012, 8, 27), **fields):
    """`count` posts in `categories`, a week apart from `start`."""
    return [
        make_blog_post(
            index,
            f"Inlägg {start.isoformat()} {n}",
            start + datetime.timedelta(weeks=n),
            categories,
            summary=f"Sammanfattning {n}",
            **fields,
        )
        for n in range(count)
    ]


def make_entry_category(name="SOchef", slug="sochef"):
    """A category of the puput-style test blog."""
    return EntryCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def make_entry(parent, title, date, categories=(), **fields):
    """A post of the puput-style test blog: categories through an inline model, a date-time."""
    entry = EntryPage(title=title, slug=slugify(title), date=date, **fields)
    entry.entry_categories = [CategoryEntryPage(category=category) for category in categories]
    return publish(parent, entry)


def make_tagged_post(parent, title, date, tags=(), **fields):
    """A post of the tag-based test blog."""
    post = TaggedPost(title=title, slug=slugify(title), date=date, **fields)
    post.tags.add(*tags)
    return publish(parent, post)


def make_press_mention(
    title="Skyddsombud möts på Twitter",
    outlet="Kommunalarbetaren",
    date=datetime.date(2012, 10, 1),
    **fields,
):
    return PressMention.objects.create(title=title, outlet=outlet, date=date, **fields)


def make_landing(parent=None, title="Om SOchef", slug="om-sochef", **fields):
    page = SochefLandingPage(title=title, slug=slug, **fields)
    return (parent or site_root()).add_child(instance=page)


def project_settings(site=None, guides=(), **fields):
    """The site's SOchef settings (the default site's if none) with `fields` set and saved;
    `guides` is a list of (title, url)."""
    settings = ProjectSettings.for_site(site or site_root().get_site())
    for name, value in fields.items():
        setattr(settings, name, value)
    if guides:
        settings.guide_links = [GuideLink(title=title, url=url) for title, url in guides]
    settings.save()
    return settings
