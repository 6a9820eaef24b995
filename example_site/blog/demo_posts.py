"""The example blog's demo posts, written as the magazine's blog would have: a few paragraphs
each, by the organiser the seed names. Everyone else in them is fictional.

(slug, title, date, category slugs, summary, paragraphs)
"""

POSTS = [
    (
        "sochef-startar",
        "Twitterstafetten SOchef startar",
        "2012-08-28",
        ["sochef"],
        "Chefer och skyddsombud gästtwittrar en vecka i stöten "
        "på @ArbetsmiljoChef och @Skyddsombud.",
        [
            "På måndag startar ett experiment som jag har funderat på länge. Två twitterkonton, "
            "@ArbetsmiljoChef och @Skyddsombud, lånas ut en vecka i taget till en chef och ett "
            "skyddsombud. De twittrar om sitt arbetsmiljöarbete, svarar på frågor och – "
            "förhoppningsvis – pratar med varandra.",
            "Idén är enkel. Det finns redan stafettkonton där en ny person twittrar varje vecka. "
            "Men när båda parterna får varsitt konto samma vecka kan det uppstå något som liknar "
            "en paneldiskussion: frågor blir besvarade från två håll, och följarna ser hur olika "
            "förutsättningarna kan vara.",
            "Det finns inga regler utöver en: kontot får inte användas till propaganda. Du behöver "
            "inte vara expert. Är du ny som chef med arbetsmiljöuppgifter kan veckan vara ett "
            "tillfälle att ställa frågor till många arbetsmiljökunniga följare.",
            "Följ gärna båda kontona, och tipsa mig om gäster. Projektet är icke-kommersiellt och "
            "partsneutralt, och det lever på att folk ställer upp.",
        ],
    ),
    (
        "femton-par",
        "15 chefer och 15 skyddsombud har gästtwittrat",
        "2013-04-15",
        ["sochef"],
        "En halvtidsrapport från experimentet – och varför det är svårt att värva chefer.",
        [
            "I april 2013 har 15 chefer och 15 skyddsombud gästtwittrat i par. Vi har pratat om "
            "hemtjänstens körlistor, skyddsronder på verkstadsgolvet, hot och våld på "
            "akutmottagningen och halka på postrundan. Följarna är nu över 2 000 tillsammans.",
            "Det bästa har varit dialogerna. När en chef frågar hur skyddsombudet vill bli "
            "stöttad efter ett hot, och svaret kommer inom en halvtimme, händer något som sällan "
            "händer på ett möte: båda lyssnar.",
            "Det svåraste har varit att värva chefer, särskilt från näringslivet. Många tackar "
            "ja i princip men hittar aldrig en vecka. I fortsättningen kan det därför hända att "
            "bara ett av kontona är bemannat.",
            "Vet du en chef som gärna pratar arbetsmiljö? Tipsa mig – eller föreslå dig själv.",
        ],
    ),
    (
        "facebookgruppen",
        "SO CHEF finns nu även på Facebook",
        "2013-06-03",
        ["sochef"],
        "I Facebook-gruppen finns mer textutrymme för att ställa och besvara frågor.",
        [
            "140 tecken räcker långt, men inte alltid. Därför finns nu Facebook-gruppen SO CHEF, "
            "där man kan ställa längre frågor och få längre svar.",
            "Gruppen är ännu inte lika stor som stafettkontonas följarskara, och framför allt "
            "saknas chefer. Men de diskussioner som har startat där har redan gett flera tips som "
            "gästerna tagit med sig till Twitter.",
            "Gå gärna med, och berätta om gruppen för någon på andra sidan bordet.",
        ],
    ),
    (
        "buller-i-forskolan",
        "Buller i förskolan",
        "2013-10-21",
        ["arbetsmiljo"],
        "Ett inlägg utanför SOchef-kategorin, om ljudmiljö för barn och personal.",
        [
            "Ljudnivåerna i en förskola kan vara lika höga som på en verkstad. Skillnaden är att "
            "ingen bär hörselskydd, och att de som arbetar där sällan räknas till bullerutsatta "
            "yrken.",
            "Det går att göra mycket: ljudabsorbenter i taket, mjuka underlägg på borden, mindre "
            "grupper vid måltiderna. Men det börjar med att någon mäter och att resultatet tas "
            "upp i skyddskommittén.",
            "Har ni mätt bullret på er förskola? Berätta gärna hur det gick.",
        ],
    ),
    (
        "var-ar-cheferna",
        "Var är cheferna?",
        "2014-02-17",
        ["sochef"],
        "Skyddsombuden står i kö för att gästtwittra. Cheferna lyser med sin frånvaro.",
        [
            "Sedan i höstas har de flesta veckorna haft bara en gäst, och nästan alltid på "
            "@Skyddsombud. Det är inte för att skyddsombuden är fler eller mer pratglada, utan "
            "för att cheferna är svårare att få tag på.",
            "Jag har frågat varför. Svaren är ofta desamma: ont om tid, osäkerhet om vad "
            "arbetsgivaren tycker om att chefer twittrar, och en rädsla för att säga fel. Det är "
            "begripligt, men synd. Följarna efterfrågar chefernas perspektiv.",
            "Så en vädjan: du som är chef, HR-ansvarig eller arbetsgivare – låna @ArbetsmiljoChef "
            "en vecka. Du bestämmer själv vad du twittrar om.",
        ],
    ),
    (
        "ensamarbete",
        "Ensamarbete – en fråga som inte går över",
        "2014-05-05",
        ["arbetsmiljo"],
        "Från hemtjänsten till lantbruket: ensamarbetet återkommer vecka efter vecka.",
        [
            "Ingen fråga har kommit tillbaka lika ofta på stafettkontona som ensamarbetet. "
            "Hemtjänstens kvällspass, nattpersonalen på boendet, bussföraren på sista turen.",
            "Ensamarbete är inte förbjudet, men riskerna ska vara bedömda och det ska finnas "
            "någon att larma. Gästerna har visat att rutiner som att ringa in efter varje besök "
            "gör skillnad.",
        ],
    ),
    (
        "sochef-laggs-ner",
        "SOchef läggs ner",
        "2014-10-13",
        ["sochef"],
        "Efter två år och ett fyrtiotal veckor tar twitterstafetten slut.",
        [
            "Sorry, projektet nedlagt. Efter två år och ett fyrtiotal gästveckor tar SOchef slut. "
            "Det har blivit allt svårare att bemanna kontona, särskilt på chefssidan, och ett "
            "experiment ska kunna avslutas när det har visat vad det kan visa.",
            "Och det har det. Chefer och skyddsombud har pratat med varandra öppet, inför över "
            "2 000 följare, om allt från skyddsronder till mejl på kvällarna. Många frågor har "
            "fått svar från två håll.",
            "Tack till alla gäster, till alla som svarat på utvärderingen och till alla som följt "
            "kontona. Arkivet ligger kvar: där kan du läsa vilka som har twittrat och vad.",
        ],
    ),
]
