"""The demo's content, in Swedish as the seed wrote it: plain values that the builders
(builders.py) turn into accounts, guests, pages, tweets, press mentions and settings."""

from ..choices import Role, Sector, Side

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
# "picture" a photo's alt text; times are local times in TWEETS_TIME_ZONE.
TWEETS_TIME_ZONE = "Europe/Stockholm"  # where they were tweeted, whatever SOCHEF_TIME_ZONE says
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
    # The body's one paragraph block.
    "body": (
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

# The guest index, below the landing page.
GUEST_INDEX = {
    "title": "Vilka har twittrat och vad",
    "slug": "vilka-har-twittrat",
    "intro": "<p>Varje vecka tar en ny gäst över stafettkontona @ArbetsmiljoChef "
    "och @Skyddsombud – ofta en chef och ett skyddsombud samma vecka.</p>",
}

# The nomination and evaluation pages, below the site root.
NOMINATION_PAGE = {
    "slug": "foresla",
    "title": "Föreslå en gäst",
    "intro": "<p>Föreslå gärna gäst-twittrare! Vi söker både chefer och skyddsombud – "
    "och du får gärna föreslå dig själv.</p>",
    "thank_you_text": "<p>Tack för ditt förslag! Redaktionen hör av sig till den du "
    "föreslagit.</p>",
}
EVALUATION_PAGE = {
    "slug": "utvardering",
    "title": "Hjälp oss utvärdera SOchef",
    "intro": "<p>Vad tyckte du om SOchef? Det tar två minuter att svara.</p>",
    "thank_you_text": "<p>Tack för dina svar!</p>",
}
