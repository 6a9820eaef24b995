"""The demo's relay planned week by week from data.py: guests, weeks, tweets, follower counts,
nominations and evaluation answers, as plain values for the builders.

Everything random comes from ``random.Random`` seeded with a fixed string, so two runs plan
the same content. The history is the experiment of 2012–14; the running relay is planned
around the current week.
"""

import datetime
import hashlib
import itertools
import random
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ..choices import Platform, Role, Side
from . import data

ZONE = ZoneInfo(data.TWEETS_TIME_ZONE)
X_EPOCH_MS = 1288834974657  # where X's tweet ids (snowflakes) count their milliseconds from
HANDLES = {Side.EMPLOYER: "ArbetsmiljoChef", Side.WORKER: "Skyddsombud"}
OTHER_SIDE = {Side.EMPLOYER: Side.WORKER, Side.WORKER: Side.EMPLOYER}
EMPLOYER_ROLES = {Role.MANAGER, Role.EMPLOYER, Role.HR}


@dataclass
class GuestPlan:
    key: str
    name: str
    role: str
    organisation: str
    sector: str
    bio: str
    handle: str


@dataclass
class WeekPlan:
    slug: str
    title: str
    monday: datetime.date
    guests: dict  # side -> guest key
    intro: str
    platform: str = Platform.X  # where the week's guests post


@dataclass
class TweetPlan:
    tweet_id: str
    side: str
    at: datetime.datetime
    text: str
    reply_to: str = ""  # the id of the tweet answered
    reply_handle: str = ""  # whom it answers (a relay account or a follower)
    link: tuple = ()  # (t.co URL, expanded URL, display URL)
    picture: tuple = ()  # (scene, alt text)
    platform: str = Platform.X


@dataclass
class Plan:
    weeks: list = field(default_factory=list)
    tweets: list = field(default_factory=list)


def lower_first(text):
    """``text`` with a lower-case first letter, unless it starts with an abbreviation (HR)."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def week_slug(monday):
    year, week, _day = monday.isocalendar()
    return f"vecka-{year}-{week:02d}"


def ascii_word(text):
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded if c.isalnum())


def guest_handle(name, side, taken):
    """An own X handle for a fictional guest: first name, surname initial and the side."""
    first, *rest = name.split()
    stem = ascii_word(first) + ascii_word(rest[-1])[:1]
    suffix = "_AM" if side == Side.EMPLOYER else "_SO"
    handle = f"{stem}{suffix}"[:15]
    for number in itertools.count(2):
        if handle.lower() not in taken:
            break
        handle = f"{stem}{number}{suffix}"[:15]
    taken.add(handle.lower())
    return handle


def _names():
    """Fictional names, in a fixed shuffled order, none of them a name the seed mentions."""
    pairs = list(itertools.product(data.FIRST_NAMES, data.SURNAMES))
    random.Random("guest names").shuffle(pairs)
    reserved = {spec[0] for spec in data.GUESTS.values()} | set(data.SEED_NAMES)
    firsts = set()
    for first, surname in pairs:
        name = f"{first} {surname}"
        if name not in reserved and first not in firsts:
            firsts.add(first)  # each first name once, so guests are easy to tell apart
            yield name


def side_of(role):
    return Side.EMPLOYER if role in EMPLOYER_ROLES else Side.WORKER


def guests():
    """Every demo guest, by key: the named ones of data.GUESTS and one generated guest per
    (role, organisation, sector) slot of the history's and the running relay's weeks."""
    taken = set()
    plans = {}
    for key, (name, role, organisation, sector, bio) in data.GUESTS.items():
        handle = guest_handle(name, side_of(role), taken)
        plans[key] = GuestPlan(key, name, role, organisation, sector, f"<p>{bio}</p>", handle)
    names = _names()
    for row in data.HISTORY_WEEKS + data.RUNNING_WEEKS:
        title = row[1]
        for spec in row[2:4]:
            if isinstance(spec, tuple):
                role, organisation, sector = spec
                name = next(names)
                bio = _bio(name, title)
                key = slot_key(row, spec)
                handle = guest_handle(name, side_of(spec[0]), taken)
                plans[key] = GuestPlan(key, name, role, organisation, sector, bio, handle)
    return plans


BIO_STARTS = [
    "Har arbetat med arbetsmiljöfrågor i {years} år.",
    "Ny i rollen sedan {year}, och nyfiken på hur andra gör.",
    "Engagerad i arbetsmiljöarbetet sedan {year}.",
    "Har suttit i skyddskommittén i {years} år.",
]


def _bio(name, title):
    """A generated guest's bio (the role and organisation are shown beside it)."""
    rng = random.Random(f"bio:{name}")
    start = rng.choice(BIO_STARTS).format(years=rng.randint(3, 25), year=rng.randint(2005, 2012))
    return f"<p>{start} Vill prata om {lower_first(title)} med både chefer och skyddsombud.</p>"


def slot_key(row, spec):
    """The key of a generated guest: its week and side."""
    return f"{row[0]}:{side_of(spec[0])}"


def _slot_guests(row):
    employer, worker = row[2], row[3]
    found = {}
    for side, spec in ((Side.EMPLOYER, employer), (Side.WORKER, worker)):
        if isinstance(spec, tuple):
            found[side] = slot_key(row, spec)
        elif spec:
            found[side] = spec
    return found


def history():
    """The experiment's 40 weeks, September 2012 to October 2014, and their tweets."""
    plan = Plan()
    people = guests()
    rows = data.HISTORY_WEEKS
    for number, row in enumerate(rows):
        monday = datetime.date.fromisoformat(row[0])
        following = rows[number + 1] if number + 1 < len(rows) else None
        week = _week(row, monday, people)
        plan.weeks.append(week)
        if row[5]:
            plan.tweets += _tweets(row, week, people, following)
    plan.tweets += handwritten()
    return plan


def running(this_monday, now):
    """The running relay: three weeks past, the current one with its tweets so far (none
    later than ``now``), and weeks to come, on Bluesky and Mastodon by turns (planned as
    tweets, made posts of their platform by the builders)."""
    plan = Plan()
    people = guests()
    rows = data.RUNNING_WEEKS
    for number, row in enumerate(rows):
        monday = this_monday + datetime.timedelta(weeks=row[0])
        following = rows[number + 1] if number + 1 < len(rows) else None
        week = _week(row, monday, people)
        week.platform = data.RUNNING_PLATFORMS[number % len(data.RUNNING_PLATFORMS)]
        plan.weeks.append(week)
        if row[5] and row[0] <= 0:
            tweets = [t for t in _tweets(row, week, people, following) if t.at <= now]
            for tweet in tweets:
                tweet.platform = week.platform
            plan.tweets += tweets
    return plan


def _week(row, monday, people):
    guests = _slot_guests(row)
    names = " och ".join(people[key].name for key in guests.values())
    title = row[1]
    intro = f"<p>{names} twittrar om {lower_first(title)}.</p>"
    return WeekPlan(week_slug(monday), title, monday, guests, intro)


def snowflake(moment, sequence):
    """A tweet id as X makes them: milliseconds since X's epoch, then a sequence number."""
    milliseconds = int(moment.timestamp() * 1000) - X_EPOCH_MS
    return str((milliseconds << 22) + sequence)


def tco(tweet_id, n=0):
    return "https://t.co/" + hashlib.sha256(f"{tweet_id}:{n}".encode()).hexdigest()[:10]


INTROS = [
    "God morgon! Jag heter {first} och är {title} på {organisation}. Den här veckan twittrar "
    "jag om {theme}. Fråga på! #{tag}",
    "Hej alla följare! {first} här, {title} på {organisation}. Veckans tema: {theme}. #{tag}",
    "Då är det min tur. Jag är {first}, {title} på {organisation}, och vill prata om "
    "{theme} med er. #{tag} #SOchef",
]
FAREWELLS = [
    "Tack för en rolig vecka! Följ mig gärna på @{handle}. {handover}",
    "Nu lämnar jag kontot. Tack för alla frågor – jag finns kvar på @{handle}. {handover}",
    "Sista tweeten från mig. Det här var lärorikt! Hör av er på @{handle}. {handover}",
]
THANKS = [
    "@{follower} Tack för tipset! Det tar jag med mig till nästa möte. #{tag}",
    "@{follower} Bra fråga. Kort svar: fråga skyddsombudet först, sedan chefen. #{tag}",
    "@{follower} Håller med. Och det gäller lika mycket i privat som offentlig sektor.",
]


def _tweets(row, week, people, following=None):
    """A week's tweets: introductions, a dialogue between the accounts (or a question to the
    followers and a thread), a tip with a link, maybe a picture, a reply to a follower, maybe a
    retweet, and the farewells."""
    rng = random.Random(f"tweets:{week.slug}")
    _monday, _title, _e, _w, tag, question, answer, follow_up, tip, link_key, picture = row
    theme = lower_first(week.title)
    sides = [side for side in (Side.EMPLOYER, Side.WORKER) if side in week.guests]
    tweets = []

    def add(side, day, hour, minute, text, **extra):
        at = datetime.datetime.combine(
            week.monday + datetime.timedelta(days=day), datetime.time(hour, minute), tzinfo=ZONE
        )
        tweet = TweetPlan(snowflake(at, len(tweets)), side, at, text, **extra)
        tweets.append(tweet)
        return tweet

    for offset, side in enumerate(sides):
        guest = people[week.guests[side]]
        add(
            side,
            0,
            7 + offset,
            rng.randint(0, 59),
            rng.choice(INTROS).format(
                first=guest.name.split()[0],
                title=lower_first(data.ROLE_TITLES[guest.role]),
                organisation=guest.organisation,
                theme=theme,
                tag=tag,
            ),
        )
    if len(sides) == 2:  # the experiment's point: the two sides talk
        asked = add(Side.EMPLOYER, 1, 9, rng.randint(0, 29), f"@Skyddsombud {question}")
        answered = add(
            Side.WORKER,
            1,
            10,
            rng.randint(0, 29),
            f"@ArbetsmiljoChef {answer}",
            reply_to=asked.tweet_id,
            reply_handle=HANDLES[Side.EMPLOYER],
        )
        add(
            Side.EMPLOYER,
            1,
            11,
            rng.randint(0, 29),
            f"@Skyddsombud {follow_up}",
            reply_to=answered.tweet_id,
            reply_handle=HANDLES[Side.WORKER],
        )
    else:
        side = sides[0]
        asked = add(side, 1, 9, rng.randint(0, 29), f"Fråga till er som följer: {question} #{tag}")
        add(
            side,
            1,
            13,
            rng.randint(0, 29),
            f"…själv tänker jag så här: {answer}",
            reply_to=asked.tweet_id,
            reply_handle=HANDLES[side],
        )
    tipper = Side.WORKER if Side.WORKER in week.guests else sides[0]
    expanded, display = data.LINKS[link_key]
    link_id = snowflake(datetime.datetime.combine(week.monday, datetime.time(), tzinfo=ZONE), 99)
    url = tco(link_id)
    add(tipper, 2, 12, rng.randint(0, 59), f"{tip} Läs mer: {url}", link=(url, expanded, display))
    if picture:
        scene, alt, caption = picture
        poster = sides[-1] if rng.random() < 0.5 else sides[0]
        add(poster, 2, 15, rng.randint(0, 59), f"{caption} {tco(link_id, 1)}", picture=(scene, alt))
    follower = rng.choice(data.FOLLOWERS)
    add(
        rng.choice(sides),
        3,
        14,
        rng.randint(0, 59),
        rng.choice(THANKS).format(follower=follower, tag=tag),
        reply_to=str(int(asked.tweet_id) + 7),
        reply_handle=follower,  # the follower's tweet
    )
    if len(sides) == 2 and rng.random() < 0.4:
        first_tweet = tweets[1]
        add(
            Side.EMPLOYER,
            3,
            16,
            rng.randint(0, 59),
            f"RT @Skyddsombud: {first_tweet.text}"[:140],
        )
    handover = "#SOchef"
    if following is not None and _slot_guests(following):
        next_names = " och ".join(people[k].name for k in _slot_guests(following).values())
        handover = f"Nästa vecka: {next_names}. #SOchef"
    for offset, side in enumerate(sides):
        guest = people[week.guests[side]]
        add(
            side,
            4,
            15 + offset,
            rng.randint(0, 59),
            rng.choice(FAREWELLS).format(handle=guest.handle, handover=handover),
        )
    return tweets


def follower_counts():
    """Monthly follower counts per side, September 2012 to October 2014, through
    data.FOLLOWER_ANCHORS (with a little seeded noise between the anchors)."""
    rng = random.Random("followers")
    anchors = [
        (datetime.date.fromisoformat(day), {Side.EMPLOYER: e, Side.WORKER: w})
        for day, e, w in data.FOLLOWER_ANCHORS
    ]
    counts = {Side.EMPLOYER: [], Side.WORKER: []}
    anchor_days = {day for day, _ in anchors}
    month = anchors[0][0]
    while month <= anchors[-1][0]:
        before = max(a for a in anchors if a[0] <= month)
        after = min(a for a in anchors if a[0] >= month)
        span = (after[0] - before[0]).days or 1
        share = (month - before[0]).days / span
        for side in counts:
            value = before[1][side] + (after[1][side] - before[1][side]) * share
            if month not in anchor_days:
                value += rng.randint(-12, 12)
            counts[side].append((month, round(value)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return counts


def history_nominations(weeks):
    """The history's nominations, in every status; scheduled ones led to a week's guest."""
    by_guest = {key: week for week in weeks for key in week.guests.values()}
    people = guests()
    found = []
    for key, days_before, nominator in (
        ("2012-10-01:employer", 24, ""),
        ("2013-01-28:worker", 30, "Lena på kansliet"),
        ("2013-11-18:employer", 21, ""),
        ("2014-09-01:worker", 40, "En kollega på bygget"),
        ("2014-04-21:worker", 18, ""),
    ):
        week, guest = by_guest[key], people[key]
        found.append(
            {
                "nominee_name": guest.name,
                "nominee_handle": guest.handle,
                "side": side_of(guest.role),
                "role": guest.role,
                "organisation": guest.organisation,
                "why": f"Brinner för {lower_first(week.title)} och twittrar redan.",
                "status": "scheduled",
                "created": _noon(week.monday - datetime.timedelta(days=days_before)),
                "guest": key,
                "week": week.slug,
                "nominator_name": nominator,
                "self": not nominator,
            }
        )
    found += [_other_nomination(row) for row in data.HISTORY_NOMINATIONS]
    return found


def running_nominations(weeks, today):
    """The running relay's nominations: scheduled for the weeks to come, the others in every
    other status, sent in the last weeks."""
    people = guests()
    found = []
    for week in weeks:
        if week.monday <= today:
            continue
        for key in week.guests.values():
            guest = people[key]
            found.append(
                {
                    "nominee_name": guest.name,
                    "nominee_handle": guest.handle,
                    "side": side_of(guest.role),
                    "role": guest.role,
                    "organisation": guest.organisation,
                    "why": "Har mycket att berätta om arbetsmiljöarbetet i vardagen.",
                    "status": "scheduled",
                    "created": _noon(week.monday - datetime.timedelta(days=35)),
                    "guest": key,
                    "week": week.slug,
                    "nominator_name": "",
                    "self": True,
                }
            )
    for row in data.RUNNING_NOMINATIONS:
        nomination = _other_nomination(row)
        nomination["created"] = _noon(today - datetime.timedelta(days=row[-1]))
        found.append(nomination)
    return found


def _other_nomination(row):
    name, side, role, organisation, why, status, nominator, sent = row
    return {
        "nominee_name": name,
        "nominee_handle": "",
        "side": side,
        "role": role,
        "organisation": organisation,
        "why": why,
        "status": status,
        "created": _noon(datetime.date.fromisoformat(sent)) if isinstance(sent, str) else None,
        "guest": "",
        "week": "",
        "nominator_name": nominator,
        "self": not nominator,
    }


def _noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=ZONE)


def answers():
    """The evaluation answers, sent during the experiment."""
    return [
        {
            "created": _noon(datetime.date.fromisoformat(day)),
            "respondent": respondent,
            "side": side,
            "usefulness": usefulness,
            "what_worked": worked,
            "what_to_change": change,
        }
        for day, respondent, side, usefulness, worked, change in data.ANSWERS
    ]


def handwritten():
    """The hand-written tweets of data.TWEETS (the first weeks' dialogue, thread and picture)."""
    sides = {spec["id"]: spec["side"] for spec in data.TWEETS}
    return [
        TweetPlan(
            spec["id"],
            spec["side"],
            datetime.datetime.fromisoformat(spec["at"]).replace(tzinfo=ZONE),
            spec["text"],
            reply_to=spec.get("reply_to", ""),
            reply_handle=HANDLES[sides[spec["reply_to"]]] if "reply_to" in spec else "",
            link=spec.get("link", ()),
            picture=("alarm", spec["picture"]) if "picture" in spec else (),
        )
        for spec in data.TWEETS
    ]
