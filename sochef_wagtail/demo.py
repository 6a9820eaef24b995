"""Demo content: the seed's two relay accounts, fictional guests and their weeks, the
landing page (the entry point, at /sochef/, with the guest index below it), the seed's press
list and the project settings of the default site.

Idempotent: anything that already exists (by handle, name or slug) is left as it is.
Other apps add their own demo content with the ``sochef_demo`` hook: a function taking
``(site_root, log)`` registered with ``@hooks.register("sochef_demo")``.
"""

import datetime
import io
import re
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw
from wagtail import hooks
from wagtail.models import Site
from wagtail.rich_text import RichText

from .accounts import FollowerSnapshot, RelayAccount
from .archive.models import MediaKind, Tweet, TweetMedia, TweetSource
from .choices import Role, Sector, Side
from .dates import current_week_start
from .evaluation.pages import EvaluationPage
from .guests import Guest
from .landing import SochefLandingPage
from .nominations.pages import NominationPage
from .press import PressMention
from .project import GuideLink, ProjectSettings
from .weeks.pages import GuestWeekIndexPage, GuestWeekPage

ACCOUNTS = [
    {
        "handle": "ArbetsmiljoChef",
        "display_name": "Arbetsmiljöchef",
        "side": Side.EMPLOYER,
        "description": "Representanter för arbetsgivarsidan – arbetsgivare, chefer med "
        "arbetsmiljöuppgifter, HR-personal – gästtwittrar en vecka i stöten.",
        "followers": [("2012-10-01", 410), ("2013-04-01", 880), ("2014-03-01", 1040)],
    },
    {
        "handle": "Skyddsombud",
        "display_name": "Skyddsombud",
        "side": Side.WORKER,
        "description": "Skyddsombud, arbetsmiljöombud, huvudskyddsombud, regionala skyddsombud, "
        "studerandeskyddsombud och ledamöter av skyddskommittéer gästtwittrar en vecka i stöten.",
        "followers": [("2012-10-01", 520), ("2013-04-01", 1150), ("2014-03-01", 1390)],
    },
]

# (name, role, organisation, sector, bio)
GUESTS = {
    "anna": (
        "Anna Lindqvist",
        Role.MANAGER,
        "Vårdcentralen Solbacka",
        Sector.PUBLIC,
        "Verksamhetschef i primärvården sedan 2009.",
    ),
    "bo": (
        "Bo Eriksson",
        Role.SAFETY_REP,
        "Kommunal, Hemtjänsten Norr",
        Sector.PUBLIC,
        "Skyddsombud i hemtjänsten och engagerad i ensamarbete.",
    ),
    "cecilia": (
        "Cecilia Holm",
        Role.HR,
        "Verkstadsbolaget AB",
        Sector.PRIVATE,
        "HR-chef med ansvar för det systematiska arbetsmiljöarbetet.",
    ),
    "david": (
        "David Nilsson",
        Role.HEAD_SAFETY_REP,
        "IF Metall, Verkstadsbolaget",
        Sector.PRIVATE,
        "Huvudskyddsombud på en verkstad med 400 anställda.",
    ),
    "eva": (
        "Eva Berg",
        Role.EMPLOYER,
        "Bergs Bygg & Måleri",
        Sector.PRIVATE,
        "Driver ett byggföretag med tolv anställda.",
    ),
    "fredrik": (
        "Fredrik Sandberg",
        Role.REGIONAL_SAFETY_REP,
        "Byggnads Mälardalen",
        Sector.OTHER,
        "Regionalt skyddsombud för småföretag inom bygg.",
    ),
    "gunilla": (
        "Gunilla Ek",
        Role.MANAGER,
        "Stadsbiblioteket",
        Sector.PUBLIC,
        "Biblioteksansvarig som fått arbetsmiljöuppgifter fördelade.",
    ),
    "hassan": (
        "Hassan Ali",
        Role.STUDENT_SAFETY_REP,
        "Gymnasieskolan Norra",
        Sector.PUBLIC,
        "Studerandeskyddsombud i årskurs tre.",
    ),
    "ingrid": (
        "Ingrid Svensson",
        Role.MANAGER,
        "Logistikcentralen AB",
        Sector.PRIVATE,
        "Ny som chef med arbetsmiljöansvar på ett lager.",
    ),
    "johan": (
        "Johan Karlsson",
        Role.SAFETY_REP,
        "Kommunal, Sjukhuset i Väst",
        Sector.PUBLIC,
        "Skyddsombud på en akutmottagning.",
    ),
    "karin": (
        "Karin Olsson",
        Role.WORK_ENV_REP,
        "Unionen, Konsultbyrån",
        Sector.PRIVATE,
        "Arbetsmiljöombud som skriver om stress och gränslöst arbete.",
    ),
    "lars": (
        "Lars Persson",
        Role.SAFETY_COMMITTEE,
        "Pappersbruket",
        Sector.PRIVATE,
        "Ledamot i skyddskommittén sedan tjugo år.",
    ),
    "maria": (
        "Maria Åberg",
        Role.MANAGER,
        "Förskolan Tallkotten",
        Sector.PUBLIC,
        "Förskolechef som vill bolla idéer om buller och lyft.",
    ),
    "nils": (
        "Nils Ström",
        Role.SAFETY_REP,
        "Lärarförbundet, Östra skolan",
        Sector.PUBLIC,
        "Skyddsombud bland lärare och fritidspedagoger.",
    ),
    "olga": (
        "Olga Petrova",
        Role.HR,
        "Regionen",
        Sector.PUBLIC,
        "HR-strateg med fokus på rehabilitering.",
    ),
    "per": (
        "Per Lund",
        Role.HEAD_SAFETY_REP,
        "Vision, Regionen",
        Sector.PUBLIC,
        "Huvudskyddsombud i en stor region.",
    ),
    "rut": (
        "Rut Mattsson",
        Role.MANAGER,
        "Regionen",
        Sector.PUBLIC,
        "Enhetschef som arbetar med rehabilitering och återgång i arbete.",
    ),
    "sven": (
        "Sven Hedlund",
        Role.OTHER,
        "Arbetsmiljöutbildarna",
        Sector.OTHER,
        "Arbetsmiljöutbildare som utbildar skyddsombud i hela landet.",
    ),
}

# (slug, title, Monday, employer guest or None, worker guest or None)
PAST_WEEKS = [
    ("vecka-2012-36", "Premiärveckan", "2012-09-03", "anna", "bo"),
    ("vecka-2012-38", "Verkstadsgolvet", "2012-09-17", "cecilia", "david"),
    ("vecka-2012-41", "Bygget", "2012-10-08", "eva", "fredrik"),
    ("vecka-2012-45", "Bibliotek och skola", "2012-11-05", "gunilla", "hassan"),
    ("vecka-2013-10", "Lagret", "2013-03-04", "ingrid", "johan"),
    ("vecka-2013-20", "Stress och gränslöst arbete", "2013-05-13", None, "karin"),
    ("vecka-2013-37", "Skyddskommittén", "2013-09-09", "olga", "lars"),
    ("vecka-2014-11", "Förskolan", "2014-03-10", "maria", "nils"),
]
# (slug, title, weeks from now, employer guest or None, worker guest or None)
UPCOMING_WEEKS = [
    ("kommande-1", "Rehabilitering i regionen", 1, "rut", "per"),
    ("kommande-2", "Utbildning för skyddsombud", 2, None, "sven"),
]

# Fictional tweets of some past weeks, to show the tweet rendering: threads, a dialogue
# between the sides, links, mentions, hashtags, an emoji, a picture and a retweet.
# "reply_to" is the id of the tweet answered, "link" a t.co link's (url, expanded, display),
# "picture" a photo's alt text; times are Stockholm time.
TWEETS = [
    {
        "id": "243000000000000001",
        "side": Side.WORKER,
        "at": "2012-09-03 08:12",
        "text": "God morgon! Jag heter Bo och är skyddsombud i hemtjänsten. Den här veckan "
        "twittrar jag om ensamarbete. Fråga på! #arbetsmiljö",
    },
    {
        "id": "243000000000000002",
        "side": Side.EMPLOYER,
        "at": "2012-09-03 08:40",
        "text": "Hej från Anna, verksamhetschef på en vårdcentral. @Skyddsombud, hur gör ni när "
        "någon måste jobba ensam på kvällen?",
    },
    {
        "id": "243000000000000003",
        "side": Side.WORKER,
        "at": "2012-09-03 09:05",
        "text": "@ArbetsmiljoChef Vi gör en riskbedömning för varje brukare och ringer in när "
        "besöket är klart. Utan den rutinen skulle jag begära en åtgärd.",
        "reply_to": "243000000000000002",
    },
    {
        "id": "243000000000000004",
        "side": Side.EMPLOYER,
        "at": "2012-09-03 09:31",
        "text": "@Skyddsombud Bra! Vi har larm men ingen som ringer upp. Det tar jag med till "
        "skyddskommittén 👍",
        "reply_to": "243000000000000003",
    },
    {
        "id": "243000000000000005",
        "side": Side.WORKER,
        "at": "2012-09-04 12:15",
        "text": "Arbetsmiljöverket har bra stöd om ensamarbete: https://t.co/demo0001\n"
        "Läs särskilt avsnittet om hot och våld.",
        "link": (
            "https://t.co/demo0001",
            "https://www.av.se/arbetsmiljoarbete-och-inspektioner/",
            "av.se/arbetsmiljoarb…",
        ),
    },
    {
        "id": "243000000000000006",
        "side": Side.WORKER,
        "at": "2012-09-04 12:20",
        "text": "…och glöm inte att skyddsombudet ska vara med när riskerna bedöms. #SAM",
        "reply_to": "243000000000000005",
    },
    {
        "id": "243000000000000007",
        "side": Side.EMPLOYER,
        "at": "2012-09-05 16:02",
        "text": "Så här ser vårt nya larm ut. Enkelt att bära, men räcker det? "
        "https://t.co/demo0002",
        "picture": "Ett litet personlarm i handflatan, med en röd knapp.",
    },
    {
        "id": "243000000000000008",
        "side": Side.EMPLOYER,
        "at": "2012-09-06 10:00",
        "text": "RT @Skyddsombud: God morgon! Jag heter Bo och är skyddsombud i hemtjänsten.",
    },
    {
        "id": "247000000000000001",
        "side": Side.EMPLOYER,
        "at": "2013-03-04 07:45",
        "text": "Ingrid här, ny chef på ett lager. Vad ska jag tänka på när det gäller tunga "
        "lyft? #arbetsmiljö",
    },
    {
        "id": "247000000000000002",
        "side": Side.WORKER,
        "at": "2013-03-04 08:20",
        "text": "@ArbetsmiljoChef Börja med att fråga dem som lyfter! Och ta in skyddsombudet "
        "tidigt.",
        "reply_to": "247000000000000001",
    },
    {
        "id": "247000000000000003",
        "side": Side.EMPLOYER,
        "at": "2013-03-04 08:55",
        "text": "@Skyddsombud Tack, vi bokar en skyddsrond på torsdag.",
        "reply_to": "247000000000000002",
    },
    {
        "id": "251000000000000001",
        "side": Side.WORKER,
        "at": "2013-05-14 09:30",
        "text": "Stress och gränslöst arbete: när mejlen kommer kl 22 är det en arbetsmiljöfråga, "
        "inte en personlig svaghet. #stress",
    },
]


def demo_picture():
    """A small PNG standing in for a tweet's photo."""
    picture = Image.new("RGB", (480, 270), "#dde6ef")
    draw = ImageDraw.Draw(picture)
    draw.rounded_rectangle((180, 60, 300, 220), radius=24, fill="#1f4e79")
    draw.ellipse((215, 110, 265, 160), fill="#c0392b")
    data = io.BytesIO()
    picture.save(data, "PNG")
    return data.getvalue()


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


def create_demo_tweets(accounts):
    """The demo tweets that are not stored yet; returns how many were created."""
    zone = ZoneInfo("Europe/Stockholm")
    sides = {spec["id"]: spec["side"] for spec in TWEETS}
    existing = set(Tweet.objects.filter(tweet_id__in=sides).values_list("tweet_id", flat=True))
    created = 0
    for spec in TWEETS:
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


# The seed's press list: (title, outlet, month). No URLs are known.
PRESS_MENTIONS = [
    ("Hallå där Tina Tenggren", "Lärarnas Nyheter", "2012-11"),
    ("Hallå där Johan Karlsson", "Kommunalarbetaren", "2012-11"),
    ("Skyddsombud möts på Twitter", "Kommunalarbetaren", "2012-10"),
    ("Arbetsmiljöparter sammanförs", "Kvalitetsmagasinet", "2012-10"),
    ("SOn och chefer möts på Twitter", "Du&jobbet", "2012-10"),
    ("Twitterkonto till låns för SO", "Arbetsliv", "2012-09"),
    ("Chefer tysta i sociala medier", "Arbetsliv", "2013-05"),
    ("Vi måste utbyta erfarenheter", "Dagens Arbete", "2013-09"),
]

# The landing page's texts, from the seed.
LANDING_PAGE = {
    "title": "Om Twitter-experimentet SOchef",
    "intro": "<p>Det pågår en twitterstafett som syftar till att sprida kunskap om arbetsmiljö "
    "och bygga ett nätverk av arbetsmiljöintresserade i sociala medier. Twitter-projektet kallas "
    "SOchef – ett icke-kommersiellt och partsneutralt experiment som drivs av Nils Östergren, "
    "frilansskribent på NyArbetsmiljo.se.</p><p>Sedan september 2012 gästtwittrar chefer och "
    "skyddsombud (och motsvarande) en vecka i stöten på stafettkontona @ArbetsmiljoChef och "
    "@Skyddsombud. Gästerna twittrar om arbetsmiljöarbete i vardagen, svarar på frågor och "
    "utbyter erfarenheter med varandra och med följarna.</p>",
    "body": [
        (
            "paragraph",
            RichText(
                "<p>Det finns flera stafettkonton som sprider kunskap och opinion på Twitter. "
                "Projektet SOchef försöker gå ett steg längre för att främja dialog och förståelse "
                "genom att sammanföra twittrare som representerar parterna. Därmed blir frågor mer "
                "allsidigt besvarade och ibland uppstår något som liknar en paneldiskussion mellan "
                "experter.</p><p>Du måste inte vara arbetsmiljöexpert för att gästtwittra:</p><ul>"
                "<li>Du kanske är ny som chef med arbetsmiljöuppgifter och vill ställa frågor och "
                "bolla idéer med de många arbetsmiljökunniga följarna.</li><li>Du är kanske "
                "regionalt skyddsombud och vill dela med dig av dina kunskaper.</li><li>Eller så "
                "vill du bara twittra om ditt arbetsmiljöarbete en vecka, som en dagbok.</li></ul>"
            ),
        )
    ],
}

PROJECT_SETTINGS = {
    "organiser_name": "Nils Östergren",
    "organiser_role": "frilansskribent på NyArbetsmiljo.se",
    "follow_both_text": "De två stafettkontona följer varandras följare och bildar därmed ett "
    "mångfacetterat nätverk – en guldgruva för den som letar efter arbetsmiljöintresserade i alla "
    "läger att följa. Följ alltså båda kontona.",
    "facebook_group_text": "Flera följare har också gått med i Facebook-gruppen SO CHEF, där det "
    "finns mer textutrymme för att ställa och besvara frågor.",
}
GUIDES = [
    ("Börja twittra: en guide till Twitter", "https://help.x.com/"),
    ("Arbetsmiljöverket: Vem gör vad i arbetsmiljöarbetet?", "https://www.av.se/"),
]


def create_press_mentions():
    """The seed's press list; returns how many mentions were created."""
    created = 0
    for title, outlet, month in PRESS_MENTIONS:
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
    for field, value in PROJECT_SETTINGS.items():
        setattr(settings, field, value)
    settings.guide_links = [GuideLink(title=title, url=url) for title, url in GUIDES]
    settings.save()


def load_demo(log=print):
    """Create the demo content under the default site's root page; returns what was created."""
    with transaction.atomic():
        created = {"accounts": 0, "guests": 0, "pages": 0, "tweets": 0, "press": 0}
        accounts = {}
        for spec in ACCOUNTS:
            account = RelayAccount.objects.filter(handle=spec["handle"]).first()
            if account is None:
                account = RelayAccount(
                    **{k: spec[k] for k in ("handle", "display_name", "side", "description")}
                )
                account.follower_snapshots = [
                    FollowerSnapshot(date=datetime.date.fromisoformat(date), followers=count)
                    for date, count in spec["followers"]
                ]
                account.save()
                created["accounts"] += 1
            accounts[account.side] = account
        guests = {}
        for key, (name, role, organisation, sector, bio) in GUESTS.items():
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
            created["guests"] += new

        site = Site.objects.get(is_default_site=True)
        site_root = site.root_page
        landing = SochefLandingPage.objects.child_of(site_root).first()
        new_landing = landing is None
        if new_landing:
            # A database from before the landing page has the guest index at /sochef/.
            taken = site_root.get_children().filter(slug="sochef").exists()
            landing = site_root.add_child(
                instance=SochefLandingPage(
                    slug="om-sochef" if taken else "sochef", **LANDING_PAGE, live=False
                )
            )
            created["pages"] += 1
        index = GuestWeekIndexPage.objects.descendant_of(site_root).first()
        if index is None:
            index = landing.add_child(
                instance=GuestWeekIndexPage(
                    title="Vilka har twittrat och vad",
                    slug="vilka-har-twittrat",
                    intro="<p>Varje vecka tar en ny gäst över stafettkontona @ArbetsmiljoChef "
                    "och @Skyddsombud – ofta en chef och ett skyddsombud samma vecka.</p>",
                )
            )
            created["pages"] += 1
        (nominate_page, evaluation_page), added = add_form_pages(site_root)
        created["pages"] += added
        if new_landing:
            landing.guest_index = index
            landing.nominate_page = nominate_page
            landing.evaluation_page = evaluation_page
            landing.save_revision().publish()
        created["press"] = create_press_mentions()
        fill_project_settings(site)

        this_week = current_week_start()
        weeks = [
            (slug, title, datetime.date.fromisoformat(d), e, w)
            for slug, title, d, e, w in PAST_WEEKS
        ]
        weeks += [
            (slug, title, this_week + datetime.timedelta(weeks=ahead), e, w)
            for slug, title, ahead, e, w in UPCOMING_WEEKS
        ]
        existing = set(GuestWeekPage.objects.child_of(index).values_list("slug", flat=True))
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
            created["pages"] += 1

        created["tweets"] = create_demo_tweets(accounts)

        for extend_demo in hooks.get_hooks("sochef_demo"):
            extend_demo(site_root, log)
    log(
        "Demo content: {accounts} accounts, {guests} guests, {pages} pages, {tweets} tweets and "
        "{press} press mentions created.".format(**created)
    )
    return created


FORM_PAGES = [
    (
        NominationPage,
        "foresla",
        "Föreslå en gäst",
        "<p>Föreslå gärna gäst-twittrare! Vi söker både chefer och skyddsombud – "
        "och du får gärna föreslå dig själv.</p>",
        "<p>Tack för ditt förslag! Redaktionen hör av sig till den du föreslagit.</p>",
    ),
    (
        EvaluationPage,
        "utvardering",
        "Hjälp oss utvärdera SOchef",
        "<p>Vad tyckte du om SOchef? Det tar två minuter att svara.</p>",
        "<p>Tack för dina svar!</p>",
    ),
]


def add_form_pages(site_root):
    """The nomination and evaluation pages below the site root, made when missing.

    Returns the two pages (nomination, evaluation) and how many were added.
    """
    pages, added = [], 0
    for page_class, slug, title, intro, thanks in FORM_PAGES:
        page = page_class.objects.child_of(site_root).filter(slug=slug).first()
        if page is None:
            page = site_root.add_child(
                instance=page_class(title=title, slug=slug, intro=intro, thank_you_text=thanks)
            )
            page.save_revision().publish()
            added += 1
        pages.append(page)
    return pages, added
