"""Plain helper functions that build test data."""

import base64
import contextlib
import datetime
import itertools
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, Locale, Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from example_site.blog.models import BlogCategory, BlogIndexPage, BlogPage
from sochef_wagtail.accounts import FollowerSnapshot, RelayAccount
from sochef_wagtail.archive.models import MediaKind, Tweet, TweetMedia, TweetSource
from sochef_wagtail.choices import Platform, Role, Sector, Side
from sochef_wagtail.dates import current_week_start
from sochef_wagtail.guests import Guest
from sochef_wagtail.landing import SochefLandingPage
from sochef_wagtail.press import PressMention
from sochef_wagtail.project import GuideLink, ProjectSettings
from sochef_wagtail.weeks.pages import GuestWeekIndexPage, GuestWeekPage


def make_account(handle="Skyddsombud", side=Side.WORKER, **fields):
    return RelayAccount.objects.create(
        handle=handle, display_name=fields.pop("display_name", handle), side=side, **fields
    )


#: The seed's two relay accounts' handles on each platform.
PLATFORM_HANDLES = {
    Platform.X: ("ArbetsmiljoChef", "Skyddsombud"),
    Platform.BLUESKY: ("arbetsmiljochef.bsky.social", "skyddsombud.bsky.social"),
    Platform.MASTODON: ("arbetsmiljochef@mastodon.social", "skyddsombud@mastodon.social"),
}


def make_accounts(platform=Platform.X):
    """The seed's two relay accounts on ``platform``: (employer, worker)."""
    employer, worker = PLATFORM_HANDLES[platform]
    fields = {"platform": platform}
    return (
        make_account(employer, Side.EMPLOYER, **fields, platform_id=platform_id(platform, 1)),
        make_account(worker, Side.WORKER, **fields, platform_id=platform_id(platform, 2)),
    )


def platform_id(platform, number):
    """An account id of ``platform``; none for X, whose accounts get theirs on the first fetch."""
    if platform == Platform.BLUESKY:
        return f"did:plc:{number:024d}"
    return "" if platform == Platform.X else str(number)


def post_id(account, number):
    """The id ``account``'s platform gives its post ``number`` (sochef_wagtail.platforms)."""
    if account.platform == Platform.BLUESKY:
        return f"at://{account.platform_id}/app.bsky.feed.post/3k{number:011d}"
    if account.platform == Platform.MASTODON:
        user, _at, instance = account.handle.partition("@")
        return f"https://{instance}/users/{user}/statuses/{number}"
    return str(number)


def make_guest(name="Anna Lindqvist", role=Role.MANAGER, sector=Sector.PUBLIC, **fields):
    return Guest.objects.create(name=name, role=role, sector=sector, **fields)


def site_root():
    """The default site's root page: the example site's home page as migrations make it, made
    again when a transactional test flushed the database."""
    from example_site.home.models import HomePage

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site:
        return site.root_page
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    tree_root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", locale=locale)
    )
    home = tree_root.add_child(instance=HomePage(title="NyArbetsmiljö", slug="home", locale=locale))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def make_index(title="Vilka har twittrat och vad", slug="sochef"):
    return site_root().add_child(instance=GuestWeekIndexPage(title=title, slug=slug))


def make_week(index, monday, slots, title=None, live=True, slug=None):
    """A week below `index`; `slots` is a list of (account, guest)."""
    page = GuestWeekPage(
        title=title or f"Vecka {monday.isocalendar().week} {monday.year}",
        slug=slug or f"vecka-{monday.isoformat()}",
        week_start=monday,
    )
    for account, guest in slots:
        page.slots.add(page.slots.model(account=account, guest=guest))
    return publish(index, page, live)


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


def week_form(title, week_start, slots, action=None, slot_ids=()):
    """POST data of the admin's guest week form; `slots` is a list of (account, guest).

    With `slot_ids` (of the slots in the page or revision edited) the slots are sent as the
    editor was shown them, as a browser sends slots that nobody touched."""
    items = [{"account": account.pk, "guest": guest.pk} for account, guest in slots]
    for n, slot_id in enumerate(slot_ids):
        items[n].update(id=slot_id, ORDER=str(n + 1))
    data = nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "week_start": week_start,
            "intro": rich_text("<p>Veckans gäster.</p>"),
            "body": streamfield([]),
            "slots": inline_formset(items, initial=len(slot_ids), min=1),
        }
    )
    if action:
        data[action] = "1"
    return data


STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A valid 1×1 PNG.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
_tweet_ids = itertools.count(250_000_000_000_000_000)


def stockholm(*args):
    """An aware datetime in Stockholm time: stockholm(2013, 3, 4, 9, 30)."""
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


def make_tweet(account, text="Hej från veckans gäst!", created_at=None, **fields):
    """A stored tweet; `created_at` defaults to Monday 2012-09-03 09:00 in Stockholm."""
    return Tweet.objects.create(
        tweet_id=fields.pop("tweet_id", None) or post_id(account, next(_tweet_ids)),
        account=account,
        text=text,
        created_at=created_at or stockholm(2012, 9, 3, 9, 0),
        source=fields.pop("source", TweetSource.ARCHIVE),
        **fields,
    )


def make_follower_snapshot(account, date, followers):
    return FollowerSnapshot.objects.create(account=account, date=date, followers=followers)


def make_reply(to, account, text="Svar!", minutes=5, **fields):
    """A tweet of `account` answering the tweet `to`, a few minutes later."""
    return make_tweet(
        account,
        text,
        created_at=to.created_at + datetime.timedelta(minutes=minutes),
        in_reply_to_tweet_id=to.tweet_id,
        in_reply_to_handle=to.account.handle,
        **fields,
    )


def make_tweets(account, count, start, step=datetime.timedelta(minutes=10)):
    """`count` plain tweets of `account` from `start`, in one INSERT (not search-indexed)."""
    return Tweet.objects.bulk_create(
        Tweet(
            tweet_id=post_id(account, next(_tweet_ids)),
            account=account,
            text=f"Tweet nummer {n} om arbetsmiljö",
            created_at=start + n * step,
            source=TweetSource.ARCHIVE,
        )
        for n in range(count)
    )


def make_media(tweet, alt_text="", kind=MediaKind.PHOTO, content=None, name="bild.png"):
    """A media file of `tweet` stored through Django's storage (a tiny PNG by default)."""
    media = TweetMedia(
        tweet=tweet,
        media_key=f"3_{tweet.tweet_id}_{tweet.media.count()}",
        kind=kind,
        alt_text=alt_text,
        position=tweet.media.count(),
    )
    media.file.save(name, ContentFile(content or TINY_PNG), save=False)
    media.save()
    return media


def tweet_block(**options):
    """A tweet archive block as raw StreamField data; `options` override the block's defaults."""
    value = {
        "accounts": [],
        "start_date": None,
        "end_date": None,
        "tweet_ids": [],
        "include_replies": True,
        "include_retweets": False,
        "order": "oldest",
        "layout": "columns",
    }
    value.update(options)
    return {"type": "tweet_archive", "value": value}


# -- Nominations and public forms ---------------------------------------------------------------


def make_nomination_page(parent=None, title="Föreslå en gäst", slug="foresla", **fields):
    from sochef_wagtail.nominations.pages import NominationPage

    page = NominationPage(
        title=title,
        slug=slug,
        intro=fields.pop("intro", "<p>Vem vill du läsa en vecka?</p>"),
        thank_you_text=fields.pop("thank_you_text", "<p>Tack för ditt förslag!</p>"),
        closed_text=fields.pop("closed_text", "<p>Inga fler förslag.</p>"),
        **fields,
    )
    return (parent or site_root()).add_child(instance=page)


def started_token(seconds_ago=60):
    """The time-trap field of a form shown `seconds_ago` seconds ago."""
    import time

    from sochef_wagtail.public_forms.forms import time_trap_token

    return time_trap_token(time.time() - seconds_ago)


def nomination_post(**overrides):
    """POST data of a valid public nomination form."""
    data = {
        "nominee_name": "Maja Berg",
        "nominee_handle": "@majaberg",
        "side": "worker",
        "role": "safety_rep",
        "role_other": "",
        "organisation": "Kommunal, Hemtjänsten Syd",
        "why": "Hon driver frågan om ensamarbete i hemtjänsten.",
        "nominee_contact": "maja@example.com",
        "nominator_name": "Per Holm",
        "nominator_email": "per@example.com",
        "consent": "on",
        "website": "",
        "started": started_token(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_nomination(page=None, **fields):
    from sochef_wagtail.nominations.models import Nomination

    values = {
        "nominee_name": "Maja Berg",
        "side": "worker",
        "role": "safety_rep",
        "why": "Hon driver frågan om ensamarbete.",
        "nominator_name": "Per Holm",
        "nominator_email": "per@example.com",
    }
    values.update(fields)
    return Nomination.objects.create(page=page, **values)


def make_user(username="redaktor", permissions=(), superuser=False):
    """A user who can log in to the Wagtail admin, with the given "app_label.codename" perms."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.com", "pw")
    user = User.objects.create_user(username, f"{username}@example.com", "pw")
    for perm in ("wagtailadmin.access_admin", *permissions):
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def set_project(site=None, **fields):
    """Update the site's ProjectSettings (status, status_message, notify_emails, ...)."""
    from sochef_wagtail.project import ProjectSettings

    settings_ = ProjectSettings.for_site(site or Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(settings_, name, value)
    settings_.save()
    return settings_


def make_evaluation_page(parent=None, title="Utvärdering", slug="utvardering", **fields):
    from sochef_wagtail.evaluation.pages import EvaluationPage

    page = EvaluationPage(
        title=title,
        slug=slug,
        intro=fields.pop("intro", "<p>Hjälp oss utvärdera SOchef.</p>"),
        thank_you_text=fields.pop("thank_you_text", "<p>Tack för dina svar!</p>"),
        **fields,
    )
    return (parent or site_root()).add_child(instance=page)


def evaluation_post(**overrides):
    """POST data of a valid evaluation form."""
    data = {
        "respondent": "follower",
        "side": "worker",
        "usefulness": "4",
        "what_worked": "Att båda sidor svarade på samma fråga.",
        "what_to_change": "Fler chefer.",
        "website": "",
        "started": started_token(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_evaluation_response(page=None, **fields):
    from sochef_wagtail.evaluation.models import EvaluationResponse

    values = {"respondent": "follower", "side": "worker", "usefulness": 4}
    values.update(fields)
    return EvaluationResponse.objects.create(page=page, **values)


def make_site(hostname, root_title="Andra sajten", slug="andra"):
    """A second site with its own root page beside the default one."""
    root = Page.get_first_root_node().add_child(instance=Page(title=root_title, slug=slug))
    return Site.objects.create(hostname=hostname, port=80, root_page=root)


def make_image(title="Bild", filename="bild.png"):
    """A Wagtail image with its file size recorded, as an upload in the admin records it."""
    # Images belong to the root collection, which Wagtail's migrations make: made again when a
    # transactional test flushed the database.
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    image = get_image_model().objects.create(
        title=title, file=get_test_image_file(filename), collection=collection
    )
    image.file_size = image.file.size
    image.save(update_fields=["file_size"])
    return image


def publish(parent, page, live=True):
    """Add `page` below `parent` and publish it through a revision, as an editor would."""
    page.live = False
    parent.add_child(instance=page)
    if live:
        page.save_revision().publish()
        page.refresh_from_db()  # publishing saved a copy made from the revision
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
    # tests.testapp is installed by tests/settings.py only; subprocesses use other settings.
    from tests.testapp.models import Category as EntryCategory

    return EntryCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def make_entry(parent, title, date, categories=(), **fields):
    """A post of the puput-style test blog: categories through an inline model, a date-time."""
    from tests.testapp.models import CategoryEntryPage, EntryPage

    entry = EntryPage(title=title, slug=slugify(title), date=date, **fields)
    entry.entry_categories = [CategoryEntryPage(category=category) for category in categories]
    return publish(parent, entry)


def make_tagged_post(parent, title, date, tags=(), **fields):
    """A post of the tag-based test blog."""
    from tests.testapp.models import TaggedPost

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


# -- Permissions and hostile input --------------------------------------------------------------


def grant_page_permission(user, page, codename="change_page"):
    """Give ``user`` (through a group of its own) a Wagtail page permission on ``page``."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group, _ = Group.objects.get_or_create(name=f"{user.get_username()} pages")
    GroupPagePermission.objects.create(
        group=group,
        page=page,
        permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
    )
    user.groups.add(group)
    return user


@contextlib.contextmanager
def built_once(django_db_blocker):
    """For a module- or class-scoped fixture of ``db`` tests: the rows built inside are there for
    every test of the scope (each test runs in a savepoint of its own, so what it changes goes
    away after it) and are rolled back when the scope ends. Not for ``transactional_db`` or
    ``live_server`` tests, which commit."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
