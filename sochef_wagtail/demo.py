"""Demo content: the seed's two relay accounts, fictional guests and their weeks, the
landing page (the entry point, at /sochef/, with the guest index below it), the seed's press
list and the project settings of the default site.

Idempotent: anything that already exists (by handle, name or slug) is left as it is.
Other apps add their own demo content with the ``sochef_demo`` hook: a function taking
``(site_root, log)`` registered with ``@hooks.register("sochef_demo")``.
"""

import datetime

from django.db import transaction
from wagtail import hooks
from wagtail.models import Site
from wagtail.rich_text import RichText

from .accounts import FollowerSnapshot, RelayAccount
from .choices import Role, Sector, Side
from .guests import Guest
from .landing import SochefLandingPage
from .press import PressMention
from .project import GuideLink, ProjectSettings
from .weeks import GuestWeekIndexPage, GuestWeekPage, current_week_start

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
        created = {"accounts": 0, "guests": 0, "pages": 0, "press": 0}
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
        if new_landing:
            landing.guest_index = index
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

        for extend_demo in hooks.get_hooks("sochef_demo"):
            extend_demo(site_root, log)
    log(
        "Demo content: {accounts} accounts, {guests} guests, {pages} pages and {press} press "
        "mentions created.".format(**created)
    )
    return created
