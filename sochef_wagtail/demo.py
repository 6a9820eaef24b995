"""Demo content: the seed's two relay accounts, fictional guests and their weeks.

Idempotent: anything that already exists (by handle, name or slug) is left as it is.
Other apps add their own demo content with the ``sochef_demo`` hook: a function taking
``(site_root, log)`` registered with ``@hooks.register("sochef_demo")``.
"""

import datetime

from django.db import transaction
from wagtail import hooks
from wagtail.models import Site

from .accounts import FollowerSnapshot, RelayAccount
from .choices import Role, Sector, Side
from .evaluation.pages import EvaluationPage
from .guests import Guest
from .nominations.pages import NominationPage
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


def load_demo(log=print):
    """Create the demo content under the default site's root page; returns what was created."""
    with transaction.atomic():
        created = {"accounts": 0, "guests": 0, "pages": 0}
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

        site_root = Site.objects.get(is_default_site=True).root_page
        index = GuestWeekIndexPage.objects.child_of(site_root).filter(slug="sochef").first()
        if index is None:
            index = site_root.add_child(
                instance=GuestWeekIndexPage(
                    title="Vilka har twittrat och vad",
                    slug="sochef",
                    intro="<p>Varje vecka tar en ny gäst över stafettkontona @ArbetsmiljoChef "
                    "och @Skyddsombud – ofta en chef och ett skyddsombud samma vecka.</p>",
                )
            )
            created["pages"] += 1

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

        created["pages"] += add_form_pages(site_root)

        for extend_demo in hooks.get_hooks("sochef_demo"):
            extend_demo(site_root, log)
    log(
        "Demo content: {accounts} accounts, {guests} guests and {pages} pages created.".format(
            **created
        )
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
    """The nomination and evaluation pages, below the site root; returns how many were added."""
    added = 0
    for page_class, slug, title, intro, thanks in FORM_PAGES:
        if page_class.objects.child_of(site_root).filter(slug=slug).exists():
            continue
        page = site_root.add_child(
            instance=page_class(title=title, slug=slug, intro=intro, thank_you_text=thanks)
        )
        page.save_revision().publish()
        added += 1
    return added
