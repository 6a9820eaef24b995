"""One builder per kind of demo content, from the values in data.py and the plans of
timeline.py.

Each leaves alone what exists already (by handle, name, slug or tweet id) and says how many it
created; the ``remove_*`` ones take away what the other mode of the demo made.
"""

import datetime
import io
import re

from django.core.files.images import ImageFile
from django.db.models import Q
from wagtail.images import get_image_model
from wagtail.models import Collection, ReferenceIndex
from wagtail.rich_text import RichText
from wagtail.search.backends import get_search_backends
from wagtail.utils.file import hash_filelike

from ..accounts import FollowerSnapshot, RelayAccount
from ..archive.models import MediaKind, Tweet, TweetSource
from ..archive.normalize import MediaRow, TweetRow
from ..archive.store import store_tweets
from ..choices import Platform, Role
from ..evaluation.models import EvaluationResponse
from ..evaluation.pages import EvaluationPage
from ..guests import Guest, free_slug
from ..landing import SochefLandingPage
from ..nominations.models import Nomination
from ..nominations.pages import NominationPage
from ..press import PressMention
from ..project import GuideLink, ProjectSettings, ProjectStatus
from ..weeks.pages import GuestWeekIndexPage, GuestWeekPage
from . import data, drawings, timeline

ACCOUNT_FIELDS = ("handle", "display_name", "side", "description")
RUNNING_FIELDS = ("platform", "platform_id")
# The running relay's weeks are dated around today, the history's in 2012–14: the demo's weeks
# from this day on are the running relay's.
RUNNING_FROM = datetime.date(2015, 1, 1)
# Upcoming weeks of the demo before the history (dated from the day it ran).
OLD_UPCOMING_SLUGS = ("kommande-1", "kommande-2")
WEEK_SLUG = r"^vecka-\d{4}-\d{2}$"


def create_accounts(running=False):
    """The relay accounts by (platform, side), and how many were created: X's of 2012–14 and,
    for the running relay, Bluesky's and Mastodon's (those of an earlier running relay too,
    so that the history can remove their posts). The mode's accounts are the active ones.
    X's get the monthly follower counts of 2012–14 they lack."""
    accounts, created = {}, 0
    counts = timeline.follower_counts()
    for spec in data.ACCOUNTS + data.RUNNING_ACCOUNTS:
        platform = spec.get("platform", Platform.X)
        account = RelayAccount.objects.filter(handle=spec["handle"]).first()
        if account is None:
            if platform != Platform.X and not running:
                continue  # the history needs none of today's accounts
            fields = (*ACCOUNT_FIELDS, *RUNNING_FIELDS)
            account = RelayAccount(**{field: spec[field] for field in fields if field in spec})
            created += 1
        changed = account.pk is None
        if platform == Platform.X:
            known = {snapshot.date for snapshot in account.follower_snapshots.all()}
            missing = [(day, n) for day, n in counts[account.side] if day not in known]
            for day, followers in missing:
                account.follower_snapshots.add(FollowerSnapshot(date=day, followers=followers))
            changed = changed or bool(missing)
        active = running == (platform != Platform.X)
        if account.active != active:
            account.active, changed = active, True
        if changed:
            account.save()
        accounts[platform, account.side] = account
    return accounts, created


def create_guests():
    """Every demo guest by its key in timeline.guests(), and how many were created. A demo
    guest without a photo gets a portrait drawn for it.

    Guests and portraits are created in bulk and indexed for search once: saving them one by
    one, each indexed on its own, took most of the demo's time.
    """
    plans = timeline.guests()
    guests = {g.name: g for g in Guest.objects.filter(name__in=[p.name for p in plans.values()])}
    new = [
        Guest(
            name=plan.name,
            role=plan.role,
            organisation=plan.organisation,
            sector=plan.sector,
            bio=plan.bio,
            handle=plan.handle,
            role_other=data.ROLE_TITLES[Role.OTHER] if plan.role == Role.OTHER else "",
        )
        for plan in plans.values()
        if plan.name not in guests
    ]
    without_photo = [g for g in guests.values() if g.photo_id is None]
    # Wagtail's migrations make the root collection; a flushed test database may lack it.
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    portraits = [portrait_image(guest.name, collection) for guest in new + without_photo]
    image_model = get_image_model()
    image_model.objects.bulk_create(portraits)
    for guest, image in zip(new + without_photo, portraits, strict=True):
        guest.photo = image
    # bulk_create skips Guest.save, which gives a new guest its slug.
    taken = set(Guest.objects.values_list("slug", flat=True))
    for guest in new:
        guest.slug = free_slug(guest.name, taken)
    # The running relay's reminders need an address (a demo of an earlier version made its
    # guests without one); example.com reaches nobody (RFC 2606).
    without_email = [g for g in guests.values() if not g.email]
    for guest in new + without_email:
        guest.email = demo_email(guest)
    Guest.objects.bulk_create(new)
    Guest.objects.bulk_update(without_photo, ["photo"])
    Guest.objects.bulk_update(without_email, ["email"])
    for model, objects in ((image_model, portraits), (Guest, new + without_photo)):
        if objects:
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(model, objects)
    for guest in new + without_photo:
        ReferenceIndex.create_or_update_for_object(guest)
    guests.update((guest.name, guest) for guest in new)
    return {key: guests[plan.name] for key, plan in plans.items()}, len(new)


def demo_email(guest):
    """A demo guest's address, the same on every run: their slug at example.com."""
    return f"{guest.slug}@example.com"


def portrait_image(name, collection):
    """An unsaved image of ``name``'s drawn portrait, its file stored."""
    drawing = drawings.portrait(name)
    image = get_image_model()(title=f"{name} (ritat porträtt)", collection=collection)
    file_name = f"sochef-demo-{timeline.ascii_word(name).lower()}.png"
    image.file.save(file_name, ImageFile(io.BytesIO(drawing)), save=False)
    # What saving one image would fill in, known here without reading the file again.
    image.width = image.height = drawings.PORTRAIT_SIZE
    image.file_size = len(drawing)
    image.file_hash = hash_filelike(io.BytesIO(drawing))
    return image


def create_landing_page(site_root):
    """The landing page below the site root, and whether it is new (then still a draft: it is
    published by :func:`publish_landing_page` once the pages it links to exist)."""
    landing = SochefLandingPage.objects.child_of(site_root).first()
    if landing is not None:
        return landing, False
    # A database from before the landing page has the guest index at /sochef/.
    taken = site_root.get_children().filter(slug="sochef").exists()
    fields = {**data.LANDING_PAGE, "body": [("paragraph", RichText(data.LANDING_PAGE["body"]))]}
    landing = SochefLandingPage(slug="om-sochef" if taken else "sochef", **fields, live=False)
    return site_root.add_child(instance=landing), True


def publish_landing_page(landing, guest_index, nominate_page, evaluation_page):
    landing.guest_index = guest_index
    landing.nominate_page = nominate_page
    landing.evaluation_page = evaluation_page
    landing.save_revision().publish()


def create_guest_index(site_root, landing):
    """The guest index (anywhere below the site root, or made below the landing page), and
    whether it is new."""
    index = GuestWeekIndexPage.objects.descendant_of(site_root).first()
    if index is not None:
        return index, False
    return landing.add_child(instance=GuestWeekIndexPage(**data.GUEST_INDEX)), True


def add_form_pages(site_root):
    """The nomination and evaluation pages below the site root, made when missing.

    Returns the two pages (nomination, evaluation) and how many were added.
    """
    pages, added = [], 0
    for page_class, fields in (
        (NominationPage, data.NOMINATION_PAGE),
        (EvaluationPage, data.EVALUATION_PAGE),
    ):
        page = page_class.objects.child_of(site_root).filter(slug=fields["slug"]).first()
        if page is None:
            page = site_root.add_child(instance=page_class(**fields))
            page.save_revision().publish()
            added += 1
        pages.append(page)
    return pages, added


def create_press_mentions():
    """The seed's press list; returns how many mentions were created."""
    created = 0
    for title, outlet, month in data.PRESS_MENTIONS:
        _mention, new = PressMention.objects.get_or_create(
            title=title,
            outlet=outlet,
            defaults={"date": datetime.date.fromisoformat(f"{month}-01")},
        )
        created += new
    return created


def fill_project_settings(site):
    """The organiser, texts and guides, unless an editor has filled them in already."""
    settings = ProjectSettings.for_site(site)
    if settings.organiser_name or settings.guide_links.exists():
        return
    for field, value in data.PROJECT_SETTINGS.items():
        setattr(settings, field, value)
    settings.guide_links = [GuideLink(title=title, url=url) for title, url in data.GUIDES]
    settings.save()


def set_project_status(site, running):
    """Closed in October 2014 with the seed's message, or active for the running relay;
    returns the new status when it changed, else None."""
    settings = ProjectSettings.for_site(site)
    fields = ["status", "status_date", "status_message", "closing_text"]
    if running:
        wanted = (ProjectStatus.ACTIVE, None, "", "")
    else:
        closed_on = datetime.date.fromisoformat(data.CLOSED_ON)
        wanted = (ProjectStatus.CLOSED, closed_on, data.CLOSING_MESSAGE, data.CLOSING_TEXT)
    if tuple(getattr(settings, field) for field in fields) == wanted:
        return None
    for field, value in zip(fields, wanted, strict=True):
        setattr(settings, field, value)
    settings.save(update_fields=fields)
    return settings.status


def create_weeks(index, accounts, guests, weeks):
    """The planned ``weeks`` below ``index`` that are missing there, live; returns how many
    were created.

    They are saved live without a revision: publishing each one (a revision, its log entry,
    its signals) would triple the demo's time, and an editor's first edit makes the revision.
    """
    existing = set(GuestWeekPage.objects.child_of(index).values_list("slug", flat=True))
    created = 0
    for week in weeks:
        if week.slug in existing:
            continue
        published = datetime.datetime.combine(
            week.monday - datetime.timedelta(days=7), datetime.time(9), tzinfo=timeline.ZONE
        )
        page = GuestWeekPage(
            title=week.title,
            slug=week.slug,
            week_start=week.monday,
            intro=week.intro,
            live=True,
            first_published_at=published,
            last_published_at=published,
        )
        for side, key in week.guests.items():
            account = accounts[week.platform, side]
            page.slots.add(page.slots.model(account=account, guest=guests[key]))
        index.add_child(instance=page)
        created += 1
    return created


def remove_weeks(index, weeks):
    """Remove the demo's weeks below ``index`` that are not among the planned ``weeks`` (by
    slug and title): the other mode's, or the running relay's of another current week (whose
    dates now hold other weeks). Returns how many were removed."""
    planned = {(week.slug, week.title) for week in weeks}
    demo = GuestWeekPage.objects.child_of(index).filter(demo_weeks())
    removed = 0
    for page in demo:
        if (page.slug, page.title) not in planned:
            page.delete()
            removed += 1
    return removed


def demo_weeks():
    """The weeks the demo makes: the history's, the running relay's (``vecka-YYYY-WW`` from
    RUNNING_FROM on) and an older demo's upcoming ones."""
    history = [
        timeline.week_slug(datetime.date.fromisoformat(row[0])) for row in data.HISTORY_WEEKS
    ]
    return (
        Q(slug__in=history)
        | Q(week_start__gte=RUNNING_FROM, slug__regex=WEEK_SLUG)
        | Q(slug__in=OLD_UPCOMING_SLUGS)
    )


def demo_entities(text, link, taken=()):
    """Entities with code-point offsets for the mentions, hashtags and t.co links of `text`;
    ``taken``: mention entities made already, which no other mention overlaps."""
    entities = {"mentions": list(taken), "hashtags": [], "urls": [], "media": []}
    for match in re.finditer(r"@(\w{1,15})", text):
        if not any(m["start"] <= match.start() < m["end"] for m in taken):
            entities["mentions"].append(
                {"start": match.start(), "end": match.end(), "handle": match[1]}
            )
    entities["mentions"].sort(key=lambda mention: mention["start"])
    for match in re.finditer(r"#(\w+)", text):
        entities["hashtags"].append({"start": match.start(), "end": match.end(), "tag": match[1]})
    for match in re.finditer(r"https://t\.co/\w+", text):
        span = {"start": match.start(), "end": match.end(), "url": match[0]}
        if link and link[0] == match[0]:
            entities["urls"].append({**span, "expanded_url": link[1], "display_url": link[2]})
        else:
            entities["media"].append(span)
    return entities


def tweet_row(plan, accounts):
    """The ``TweetRow`` of a planned tweet, as a post of its platform: there its id, the id it
    answers and its mentions of the relay accounts are that platform's."""
    if plan.platform != Platform.X:
        return _platform_row(plan, accounts)
    return TweetRow(
        tweet_id=plan.tweet_id,
        created_at=plan.at,
        text=plan.text,
        entities=demo_entities(plan.text, plan.link),
        source=TweetSource.ARCHIVE,
        in_reply_to_tweet_id=plan.reply_to,
        in_reply_to_handle=plan.reply_handle,
        is_retweet=plan.text.startswith("RT @"),
        lang="sv",
        media=_picture(plan),
    )


def _picture(plan):
    if not plan.picture:
        return []
    width, height = drawings.PICTURE_SIZE
    return [
        MediaRow(
            media_key=f"3_{plan.tweet_id}",
            kind=MediaKind.PHOTO,
            position=0,
            alt_text=plan.picture[1],
            width=width,
            height=height,
        )
    ]


def post_id(account, number):
    """The id ``account``'s platform gives its post of (the planned) ``number``."""
    if account.platform == Platform.BLUESKY:
        return f"at://{account.platform_id}/app.bsky.feed.post/3k{number}"
    user, _at, instance = account.handle.partition("@")
    return f"https://{instance}/users/{user}/statuses/{number}"


def _platform_row(plan, accounts):
    relay = {timeline.HANDLES[side]: accounts[plan.platform, side] for side in timeline.HANDLES}
    account = relay[timeline.HANDLES[plan.side]]
    repost = plan.text.startswith("RT @")
    text = plan.text.removeprefix("RT ") if repost else plan.text
    answered = relay.get(plan.reply_handle)
    if answered:
        reply = (post_id(answered, plan.reply_to), answered.handle, answered.platform_id)
    elif plan.reply_handle:  # a follower, whose post the demo does not hold
        reply = ("", follower_handle(plan.platform, plan.reply_handle), "")
    else:
        reply = ("", "", "")
    text, mentions = _relay_mentions(text, relay)
    entities = demo_entities(text, plan.link, taken=mentions)
    return TweetRow(
        tweet_id=post_id(account, plan.tweet_id),
        created_at=plan.at,
        text=text,
        entities=entities,
        source=TweetSource.ARCHIVE,
        in_reply_to_tweet_id=reply[0],
        in_reply_to_handle=reply[1],
        in_reply_to_user_id=reply[2],
        is_retweet=repost,
        lang="sv",
        media=_picture(plan),
    )


def follower_handle(platform, name):
    """A follower of the demo on ``platform``, under a reserved name."""
    if platform == Platform.BLUESKY:
        return f"{name.lower().replace('_', '-')}.bsky.example"
    return f"{name.lower()}@mastodon.example"


def _relay_mentions(text, relay):
    """``text`` with its mentions of the X accounts as mentions of the platform's accounts
    (``relay``: X handle → account), and their mention entities."""
    mentions = []
    parts, position = [], 0
    for match in re.finditer(r"@(ArbetsmiljoChef|Skyddsombud)\b", text):
        account = relay[match[1]]
        shown = "@" + (
            account.handle.partition("@")[0]
            if account.platform == Platform.MASTODON
            else account.handle
        )
        parts.append(text[position : match.start()])
        start = sum(map(len, parts))
        parts.append(shown)
        mention = {"start": start, "end": start + len(shown), "handle": account.handle}
        if account.platform == Platform.BLUESKY:
            mention["did"] = account.platform_id
        else:
            mention["url"] = account.profile_url
        mentions.append(mention)
        position = match.end()
    parts.append(text[position:])
    return "".join(parts), mentions


def create_tweets(accounts, tweets):
    """The planned ``tweets`` that are not stored yet, through the archive's storing function
    (in bulk, like an import), each a post of its platform; returns how many were created."""
    rows = {id(plan): tweet_row(plan, accounts) for plan in tweets}
    scenes = {rows[id(t)].tweet_id: (t.tweet_id, t.picture[0]) for t in tweets if t.picture}

    def open_picture(row, media, taken):
        number, scene = scenes[row.tweet_id]
        picture = drawings.picture(scene, number)
        return f"{number}-{scene}.png", io.BytesIO(picture)

    created = 0
    for (platform, side), account in accounts.items():
        mine = [rows[id(t)] for t in tweets if (t.platform, t.side) == (platform, side)]
        if mine:
            created += store_tweets(account, mine, open_media=open_picture).created
    return created


def planned_ids(accounts, tweets):
    """The ids the planned ``tweets`` are stored under."""
    return [tweet_row(plan, accounts).tweet_id for plan in tweets]


def remove_tweets(accounts, keep, history_ids):
    """Remove the demo's tweets that are not among the ids ``keep`` planned now: the other
    mode's (the history's ids, or anything from RUNNING_FROM on). Returns how many were
    removed."""
    demo = Q(tweet_id__in=history_ids) | Q(created_at__date__gte=RUNNING_FROM)
    stale = Tweet.objects.filter(demo, account__in=accounts.values()).exclude(tweet_id__in=keep)
    removed = stale.count()
    if removed:
        stale.delete()
    return removed


def create_nominations(nomination_page, nominations, guests, index):
    """The planned ``nominations`` that are missing (by nominee and day sent); returns how
    many were created."""
    existing = set(Nomination.objects.values_list("nominee_name", "created_at"))
    weeks = {w.slug: w for w in GuestWeekPage.objects.child_of(index)}
    created = 0
    for plan in nominations:
        if (plan["nominee_name"], plan["created"]) in existing:
            continue
        nominator = plan["nominator_name"]
        Nomination.objects.create(
            page=nomination_page,
            created_at=plan["created"],
            nominee_name=plan["nominee_name"],
            nominee_handle=plan["nominee_handle"],
            side=plan["side"],
            role=plan["role"],
            role_other=data.ROLE_TITLES[Role.OTHER] if plan["role"] == Role.OTHER else "",
            organisation=plan["organisation"],
            why=plan["why"],
            is_self_nomination=plan["self"],
            nominator_name=nominator or plan["nominee_name"],
            nominator_email=f"{timeline.ascii_word(nominator or plan['nominee_name']).lower()}"
            "@example.org",
            status=plan["status"],
            guest=guests.get(plan["guest"]),
            week_page=weeks.get(plan["week"]),
            # Sent long ago: the editors were told then, not now.
            notified_at=plan["created"],
        )
        created += 1
    return created


def remove_nominations(keep):
    """Remove the demo's nominations that are not planned now (``keep``: (nominee, sent)
    pairs), e.g. the other mode's; returns how many were removed."""
    names = {row[0] for row in data.HISTORY_NOMINATIONS + data.RUNNING_NOMINATIONS}
    names |= {plan.name for plan in timeline.guests().values()}
    stale = [
        pk
        for pk, name, sent in Nomination.objects.filter(nominee_name__in=names).values_list(
            "pk", "nominee_name", "created_at"
        )
        if (name, sent) not in keep
    ]
    Nomination.objects.filter(pk__in=stale).delete()
    return len(stale)


def create_answers(evaluation_page):
    """The evaluation answers not stored yet (by day sent); returns how many were created."""
    plans = timeline.answers()
    existing = set(
        EvaluationResponse.objects.filter(created_at__in=[a["created"] for a in plans]).values_list(
            "created_at", flat=True
        )
    )
    new = [
        EvaluationResponse(page=evaluation_page, created_at=plan.pop("created"), **plan)
        for plan in plans
        if plan["created"] not in existing
    ]
    EvaluationResponse.objects.bulk_create(new)
    return len(new)
