"""One builder per kind of demo content, from the values in data.py.

Each leaves alone what exists already (by handle, name or slug) and says how many it created.
"""

import datetime
import io
import re
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from wagtail.rich_text import RichText

from ..accounts import FollowerSnapshot, RelayAccount
from ..archive.models import MediaKind, Tweet, TweetMedia, TweetSource
from ..choices import Role, Side
from ..dates import current_week_start
from ..evaluation.pages import EvaluationPage
from ..guests import Guest
from ..landing import SochefLandingPage
from ..nominations.pages import NominationPage
from ..press import PressMention
from ..project import GuideLink, ProjectSettings
from ..weeks.pages import GuestWeekIndexPage, GuestWeekPage
from . import data

ACCOUNT_FIELDS = ("handle", "display_name", "side", "description")


def create_accounts():
    """The relay accounts by side, and how many were created."""
    accounts, created = {}, 0
    for spec in data.ACCOUNTS:
        account = RelayAccount.objects.filter(handle=spec["handle"]).first()
        if account is None:
            account = RelayAccount(**{field: spec[field] for field in ACCOUNT_FIELDS})
            account.follower_snapshots = [
                FollowerSnapshot(date=datetime.date.fromisoformat(date), followers=count)
                for date, count in spec["followers"]
            ]
            account.save()
            created += 1
        accounts[account.side] = account
    return accounts, created


def create_guests():
    """The guests by their key in data.GUESTS, and how many were created."""
    guests, created = {}, 0
    for key, (name, role, organisation, sector, bio) in data.GUESTS.items():
        guests[key], new = Guest.objects.get_or_create(
            name=name,
            defaults={
                "role": role,
                "organisation": organisation,
                "sector": sector,
                "bio": f"<p>{bio}</p>",
                "role_other": "Arbetsmiljöutbildare" if role == Role.OTHER else "",
            },
        )
        created += new
    return guests, created


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


def create_weeks(index, accounts, guests):
    """The past and upcoming guest weeks below ``index``, published; returns how many were
    created."""
    this_week = current_week_start()
    weeks = [
        (slug, title, datetime.date.fromisoformat(day), employer, worker)
        for slug, title, day, employer, worker in data.PAST_WEEKS
    ]
    weeks += [
        (slug, title, this_week + datetime.timedelta(weeks=ahead), employer, worker)
        for slug, title, ahead, employer, worker in data.UPCOMING_WEEKS
    ]
    existing = set(GuestWeekPage.objects.child_of(index).values_list("slug", flat=True))
    created = 0
    for slug, title, monday, employer, worker in weeks:
        if slug in existing:
            continue
        page = GuestWeekPage(
            title=title,
            slug=slug,
            week_start=monday,
            intro=f"<p>Veckans gäster twittrar om {title.lower()}.</p>",
        )
        for side, key in ((Side.EMPLOYER, employer), (Side.WORKER, worker)):
            if key:
                page.slots.add(page.slots.model(account=accounts[side], guest=guests[key]))
        index.add_child(instance=page)
        page.save_revision().publish()
        created += 1
    return created


def demo_picture():
    """A small PNG standing in for a tweet's photo."""
    picture = Image.new("RGB", (480, 270), "#dde6ef")
    draw = ImageDraw.Draw(picture)
    draw.rounded_rectangle((180, 60, 300, 220), radius=24, fill="#1f4e79")
    draw.ellipse((215, 110, 265, 160), fill="#c0392b")
    png = io.BytesIO()
    picture.save(png, "PNG")
    return png.getvalue()


def demo_entities(text, link):
    """Entities with code-point offsets for the mentions, hashtags and t.co links of `text`."""
    entities = {"mentions": [], "hashtags": [], "urls": [], "media": []}
    for match in re.finditer(r"@(\w{1,15})", text):
        entities["mentions"].append(
            {"start": match.start(), "end": match.end(), "handle": match[1]}
        )
    for match in re.finditer(r"#(\w+)", text):
        entities["hashtags"].append({"start": match.start(), "end": match.end(), "tag": match[1]})
    for match in re.finditer(r"https://t\.co/\w+", text):
        span = {"start": match.start(), "end": match.end(), "url": match[0]}
        if link and link[0] == match[0]:
            entities["urls"].append({**span, "expanded_url": link[1], "display_url": link[2]})
        else:
            entities["media"].append(span)
    return entities


def create_tweets(accounts):
    """The demo tweets that are not stored yet; returns how many were created."""
    zone = ZoneInfo(data.TWEETS_TIME_ZONE)
    sides = {spec["id"]: spec["side"] for spec in data.TWEETS}
    existing = set(Tweet.objects.filter(tweet_id__in=sides).values_list("tweet_id", flat=True))
    created = 0
    for spec in data.TWEETS:
        if spec["id"] in existing:
            continue
        reply_to = spec.get("reply_to", "")
        tweet = Tweet.objects.create(
            tweet_id=spec["id"],
            account=accounts[spec["side"]],
            created_at=datetime.datetime.fromisoformat(spec["at"]).replace(tzinfo=zone),
            text=spec["text"],
            entities=demo_entities(spec["text"], spec.get("link")),
            in_reply_to_tweet_id=reply_to,
            in_reply_to_handle=accounts[sides[reply_to]].handle if reply_to else "",
            is_retweet=spec["text"].startswith("RT @"),
            lang="sv",
            source=TweetSource.ARCHIVE,
        )
        if "picture" in spec:
            media = TweetMedia(
                tweet=tweet,
                media_key=f"3_{tweet.tweet_id}",
                kind=MediaKind.PHOTO,
                alt_text=spec["picture"],
                width=480,
                height=270,
            )
            media.file.save(f"{tweet.tweet_id}-larm.png", ContentFile(demo_picture()), save=False)
            media.save()
        created += 1
    return created
