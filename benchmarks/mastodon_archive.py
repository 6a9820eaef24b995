"""A generated Mastodon archive ("Request your archive") of a relay account, for the benchmark.

``write_mastodon_archive(path, count)`` writes a ZIP as Mastodon's BackupService does:
``outbox.json`` (an ActivityPub OrderedCollection, its activities without ``@context``, oldest
first), ``actor.json`` with ``avatar.png``, ``likes.json``, ``bookmarks.json`` and the files of
the few posts with a picture under ``media_attachments/files/…/original/``. The outbox is
written as a stream: 100,000 posts are about 250 MB of JSON.

The posts are ``count`` public (or unlisted) ones of mixed content, drawn from a seeded random
generator so that every run writes the same archive: Swedish or English paragraphs, links
written as Mastodon writes them (the scheme hidden, long ones cut with an ellipsis), mentions of
local and remote accounts, hashtags, replies in the account's own threads and to others, content
warnings, a few polls, edited posts and pictures; among them the activities an import skips:
posts for followers only, direct messages and boosts.
"""

import datetime
import json
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

INSTANCE = "mastodon.social"
USER = "skyddsombud"
HANDLE = f"{USER}@{INSTANCE}"
ACTOR_ID = f"https://{INSTANCE}/users/{USER}"
FOLLOWERS = f"{ACTOR_ID}/followers"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
#: The account's first post; the rest follow every 2 to 35 minutes (100,000 posts: ~3 years).
START = datetime.datetime(2022, 11, 7, 7, 30, tzinfo=datetime.UTC)
#: Shares of the posts (of all activities for the skipped kinds), as a relay account's look.
SHARES = {
    "link": 0.40,
    "mention": 0.30,
    "hashtag": 0.55,
    "thread_reply": 0.10,
    "reply_to_other": 0.06,
    "content_warning": 0.04,
    "unlisted": 0.03,
    "poll": 0.003,
    "edited": 0.02,
    "english": 0.15,
    "picture": 0.0005,
    "private": 0.015,
    "direct": 0.003,
    "boost": 0.03,
}
CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    {
        "ostatus": "http://ostatus.org#",
        "atomUri": "ostatus:atomUri",
        "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
        "conversation": "ostatus:conversation",
        "sensitive": "as:sensitive",
        "toot": "http://joinmastodon.org/ns#",
        "votersCount": "toot:votersCount",
        "blurhash": "toot:blurhash",
        "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
        "Hashtag": "as:Hashtag",
    },
]

_SWEDISH = (
    ("Skyddsombudet", "Chefen", "Vi på avdelningen", "Arbetsgivaren", "Facket", "Jag",
     "Veckans gäst", "Kollegorna", "HR &amp; ledningen", "Regionen", "Skolan"),
    ("pratar om", "följer upp", "ser över", "diskuterar", "har ansvar för", "planerar",
     "rapporterar om", "undersöker", "lyfter", "tar tag i"),
    ("arbetsmiljön", "skyddsronden", "den organisatoriska arbetsmiljön", "riskbedömningen",
     "OSA-föreskrifterna", "stressen i vården", "ergonomin på lagret", "rehabiliteringen",
     "tillbudsrapporterna", "arbetstiderna", "bemanningen i helgen", "hot och våld",
     "den sociala arbetsmiljön", "introduktionen av nyanställda", "buller i verkstaden"),
    ("i dag.", "den här veckan.", "på måndag.", "– vad tycker ni?", "innan semestern.",
     "tillsammans med HR.", "på APT i morgon.", "efter förra veckans tillbud.",
     "och det behövs verkligen.", "för tredje gången i år 😅", "– äntligen! 🦺"),
)  # fmt: skip
_ENGLISH = (
    ("The safety rep", "Our manager", "The union", "I", "This week&#39;s guest", "The team",
     "The employer"),
    ("talks about", "follows up on", "reviews", "is responsible for", "plans", "reports on"),
    ("the work environment", "the safety inspection", "workload and stress", "the risk "
     "assessment", "night shifts", "ergonomics in the warehouse", "&quot;psychosocial&quot; "
     "risks"),
    ("today.", "this week.", "– what do you think?", "before the holidays.", "again 🙄",
     "and it&#39;s about time."),
)  # fmt: skip
_LINKS = (
    "https://www.av.se/arbetsmiljoarbete-och-inspektioner/",
    "https://www.av.se/halsa-och-sakerhet/psykisk-ohalsa-stress-hot-och-vald/",
    "https://www.prevent.se/arbetsmiljoarbete/",
    "https://www.suntarbetsliv.se/nyheter/",
    "https://www.sverigesradio.se/artikel/",
    "https://www.dn.se/sverige/",
    "https://lo.se/start/nyheter/",
    "https://en.wikipedia.org/wiki/Occupational_safety_and_health",
    "https://www.youtube.com/watch?v=",
    "https://osha.europa.eu/en/publications/",
)
_SLUG_WORDS = (
    "arbetsmiljo", "stress", "skyddsombud", "rapport", "2024", "nya-regler", "vard", "skola",
    "bygg", "hot-och-vald", "ergonomi", "chefer", "sjukskrivningar", "statistik",
)  # fmt: skip
#: Accounts mentioned or replied to: (user, instance).
_ACCOUNTS = (
    ("arbetsmiljochef", INSTANCE), ("anna_l", INSTANCE), ("prevent", "mastodon.nu"),
    ("suntarbetsliv", "mastodon.nu"), ("johanna", "fikaverse.club"), ("erik", "social.kaos.se"),
    ("fackligt", "mastodon.online"), ("lisa", "mas.to"), ("osha_eu", "social.network.europa.eu"),
    ("mats.k", "hachyderm.io"),
)  # fmt: skip
_HASHTAGS = (
    "arbetsmiljö", "skyddsombud", "SOchef", "arbetsmiljo", "OSA", "vården", "stress", "facket",
    "ledarskap", "HR", "rehab", "ergonomi", "svpol", "WorkSafety",
)  # fmt: skip
_WARNINGS = (
    "Hot och våld på jobbet", "Självmord nämns", "Politik", "Lång tråd", "Sjukdom", "Olycka",
)  # fmt: skip
_POLL_OPTIONS = (("Ja", "Nej", "Vet inte"), ("Varje vecka", "Varje månad", "Aldrig"))


@dataclass
class ArchiveStats:
    """What the generated archive holds."""

    public: int = 0
    unlisted: int = 0
    kinds: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=lambda: {"private": 0, "direct": 0, "boost": 0})
    media_files: int = 0
    outbox_bytes: int = 0

    def count(self, kind):
        self.kinds[kind] = self.kinds.get(kind, 0) + 1

    @property
    def activities(self):
        return self.public + sum(self.skipped.values())


def write_mastodon_archive(path, count, seed=2022):
    """Write the archive of ``count`` public posts to ``path``; returns its ``ArchiveStats``."""
    posts = _Posts(random.Random(seed))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("actor.json", json.dumps(actor(), ensure_ascii=False))
        archive.writestr("avatar.png", png(4, 4))
        for name in ("likes.json", "bookmarks.json"):
            archive.writestr(name, json.dumps(collection(name, 0)))
        # The number of activities is known at the end: "totalItems" follows the array.
        head = collection("outbox.json", 0)
        del head["totalItems"]
        opening = json.dumps(head, separators=(",", ":")).removesuffix("[]}")
        with archive.open("outbox.json", "w", force_zip64=True) as out:
            written = out.write(opening.encode() + b"[")
            while posts.stats.public < count:
                activity = posts.next_activity()
                line = json.dumps(activity, ensure_ascii=False, separators=(",", ":")).encode()
                written += out.write((b"," if posts.number > 1 else b"") + line)
            written += out.write(f'],"totalItems":{posts.number}}}'.encode())
        for name, content in posts.files:
            archive.writestr(name, content)
    posts.stats.outbox_bytes = written
    return posts.stats


class _Posts:
    """The account's activities, one after the other."""

    def __init__(self, rng):
        self.rng = rng
        self.number = 0
        self.moment = START
        self.stats = ArchiveStats()
        self.last_public = None  # the id of the account's last public post: a thread goes on
        self.files = []

    def next_activity(self):
        rng, shares = self.rng, SHARES
        self.number += 1
        self.moment += datetime.timedelta(seconds=rng.randint(120, 2100))
        uri = f"{ACTOR_ID}/statuses/{self._snowflake()}"
        draw = rng.random()
        if draw < shares["boost"]:
            self.stats.skipped["boost"] += 1
            return self._announce(uri)
        draw -= shares["boost"]
        if draw < shares["private"] + shares["direct"]:
            visibility = "private" if draw < shares["private"] else "direct"
            self.stats.skipped[visibility] += 1
        elif rng.random() < shares["unlisted"]:
            visibility = "unlisted"
            self.stats.unlisted += 1
        else:
            visibility = "public"
        note = self._note(uri, visibility)
        if visibility in ("public", "unlisted"):
            self.stats.public += 1
            self.last_public = uri
        return {
            "id": f"{uri}/activity",
            "type": "Create",
            "actor": ACTOR_ID,
            "published": note["published"],
            "to": note["to"],
            "cc": note["cc"],
            "object": note,
        }

    def _snowflake(self, moment=None):
        """A Mastodon id: the milliseconds of its time in its high bits."""
        milliseconds = int((moment or self.moment).timestamp() * 1000)
        return str((milliseconds << 16) | (self.number & 0xFFFF))

    def _note(self, uri, visibility):
        rng, shares, counted = self.rng, SHARES, visibility in ("public", "unlisted")
        english = rng.random() < shares["english"]
        paragraphs, tags, mentioned = [], [], []
        reply_to = None
        if self.last_public and rng.random() < shares["thread_reply"]:
            reply_to = self.last_public  # the next post of the account's own thread
            kind = "thread_reply"
        elif rng.random() < shares["reply_to_other"] or visibility == "direct":
            user, instance = rng.choice(_ACCOUNTS)
            earlier = self.moment - datetime.timedelta(minutes=rng.randint(5, 600))
            reply_to = f"https://{instance}/users/{user}/statuses/{self._snowflake(earlier)}"
            mentioned.append((user, instance))
            kind = "reply_to_other"
        else:
            kind = None
        if kind:
            self._tally(kind, counted)
        if rng.random() < shares["mention"] and not mentioned:
            mentioned += rng.sample(_ACCOUNTS, rng.choice((1, 1, 1, 2)))
        words = " ".join(self._sentence(english) for _ in range(rng.randint(1, 3)))
        lead = " ".join(_mention_html(user, instance) for user, instance in mentioned)
        paragraphs.append(f"{lead} {words}" if lead else words)
        if rng.random() < 0.3:
            paragraphs.append(" ".join(self._sentence(english) for _ in range(rng.randint(1, 2))))
        if rng.random() < shares["link"]:
            paragraphs[-1] += " " + _link_html(self._link())
            self._tally("link", counted)
        if rng.random() < shares["hashtag"]:
            chosen = rng.sample(_HASHTAGS, rng.choice((1, 1, 2, 3)))
            paragraphs.append(" ".join(_hashtag_html(tag) for tag in chosen))
            tags += [_hashtag_tag(tag) for tag in chosen]
            self._tally("hashtag", counted)
        if mentioned:
            tags[:0] = [_mention_tag(user, instance) for user, instance in mentioned]
            self._tally("mention", counted)
        content = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        to, cc = _audience(visibility, [_account_uri(*account) for account in mentioned])
        status = uri.rsplit("/", 1)[1]
        warning = None
        if rng.random() < shares["content_warning"]:
            warning = rng.choice(_WARNINGS)
            self._tally("content_warning", counted)
        note = {
            "id": uri,
            "type": "Note",
            "summary": warning,
            "inReplyTo": reply_to,
            "published": self.moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "url": f"https://{INSTANCE}/@{USER}/{status}",
            "attributedTo": ACTOR_ID,
            "to": to,
            "cc": cc,
            "sensitive": warning is not None,
            "atomUri": uri,
            "inReplyToAtomUri": reply_to,
            "conversation": f"tag:{INSTANCE},{self.moment:%Y-%m-%d}:objectId="
            f"{400_000_000 + self.number}:objectType=Conversation",
            "content": content,
            "contentMap": {"en" if english else "sv": content},
            "attachment": [],
            "tag": tags,
            "replies": {
                "id": f"{uri}/replies",
                "type": "Collection",
                "first": {
                    "type": "CollectionPage",
                    "next": f"{uri}/replies?only_other_accounts=true&page=true",
                    "partOf": f"{uri}/replies",
                    "items": [],
                },
            },
            "likes": {"id": f"{uri}/likes", "type": "Collection", "totalItems": self._count(12)},
            "shares": {"id": f"{uri}/shares", "type": "Collection", "totalItems": self._count(4)},
        }
        if rng.random() < shares["edited"]:
            edited = self.moment + datetime.timedelta(minutes=rng.randint(1, 90))
            note["updated"] = edited.strftime("%Y-%m-%dT%H:%M:%SZ")
            self._tally("edited", counted)
        if rng.random() < shares["poll"]:
            self._make_poll(note)
            self._tally("poll", counted)
        if rng.random() < shares["picture"]:
            note["attachment"].append(self._picture(status))
            self._tally("picture", counted)
        return note

    def _tally(self, kind, counted):
        """Count a public post's ``kind`` of content (``counted``: the post is public)."""
        if counted:
            self.stats.count(kind)

    def _sentence(self, english):
        return " ".join(self.rng.choice(part) for part in (_ENGLISH if english else _SWEDISH))

    def _link(self):
        rng = self.rng
        base = rng.choice(_LINKS)
        if base.endswith("="):
            return base + "".join(rng.choice("abcdefghijkLMNOPQ0123456789_-") for _ in range(11))
        slug = "-".join(rng.sample(_SLUG_WORDS, rng.randint(1, 4)))
        return f"{base}{slug}-{rng.randint(1, 99999)}"

    def _count(self, typical):
        return int(self.rng.expovariate(1 / typical))

    def _make_poll(self, note):
        rng = self.rng
        note["type"] = "Question"
        note["endTime"] = (self.moment + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        note["votersCount"] = rng.randint(3, 400)
        note["oneOf"] = [
            {
                "type": "Note",
                "name": name,
                "replies": {"type": "Collection", "totalItems": rng.randint(0, 150)},
            }
            for name in rng.choice(_POLL_OPTIONS)
        ]

    def _picture(self, status):
        """An attachment whose file (a small PNG) is in the archive."""
        name = f"{zlib.crc32(status.encode()):08x}{self.number:08x}.png"
        digits = status.rjust(18, "0")[:18]
        path = "media_attachments/files/" + "/".join(
            digits[i : i + 3] for i in range(0, 18, 3)
        ) + f"/original/{name}"  # fmt: skip
        self.files.append((path, png(8, 6)))
        self.stats.media_files += 1
        return {
            "type": "Document",
            "mediaType": "image/png",
            "url": "/" + path,
            "name": "Skyddsronden på lagret: nödutgången är blockerad av pallar.",
            "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IU%NxuWBRj",
            "focalPoint": [0.0, 0.0],
            "width": 8,
            "height": 6,
        }

    def _announce(self, uri):
        user, instance = self.rng.choice(_ACCOUNTS[1:])
        earlier = self.moment - datetime.timedelta(minutes=self.rng.randint(1, 300))
        boosted = f"https://{instance}/users/{user}/statuses/{self._snowflake(earlier)}"
        to, cc = _audience("public", [])
        return {
            "id": f"{uri}/activity",
            "type": "Announce",
            "actor": ACTOR_ID,
            "published": self.moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "to": to,
            "cc": [_account_uri(user, instance), *cc],
            "object": boosted,
            "atomUri": f"{uri}/activity",
        }


def _audience(visibility, mentioned):
    """``(to, cc)`` of a post of ``visibility`` as Mastodon addresses it."""
    return {
        "public": ([PUBLIC], [FOLLOWERS, *mentioned]),
        "unlisted": ([FOLLOWERS], [PUBLIC, *mentioned]),
        "private": ([FOLLOWERS], mentioned),
        "direct": (mentioned, []),
    }[visibility]


def _account_uri(user, instance):
    return f"https://{instance}/users/{user}"


def _mention_tag(user, instance):
    """Mastodon names a local account by its username alone."""
    name = f"@{user}" if instance == INSTANCE else f"@{user}@{instance}"
    return {"type": "Mention", "href": _account_uri(user, instance), "name": name}


def _mention_html(user, instance):
    return (
        f'<span class="h-card" translate="no"><a href="https://{instance}/@{user}" '
        f'class="u-url mention">@<span>{user}</span></a></span>'
    )


def _hashtag_tag(tag):
    return {"type": "Hashtag", "href": f"https://{INSTANCE}/tags/{tag.lower()}", "name": f"#{tag}"}


def _hashtag_html(tag):
    return (
        f'<a href="https://{INSTANCE}/tags/{tag.lower()}" class="mention hashtag" rel="tag">'
        f"#<span>{tag}</span></a>"
    )


def _link_html(url):
    """A link as Mastodon writes it: the scheme (and www.) hidden, the rest cut after 30
    characters."""
    scheme, rest = url.split("://", 1)
    hidden = f"{scheme}://" + ("www." if rest.startswith("www.") else "")
    rest = rest.removeprefix("www.")
    if len(rest) > 30:
        shown = (
            f'<span class="ellipsis">{rest[:30]}</span><span class="invisible">{rest[30:]}</span>'
        )
    else:
        shown = f'<span class="">{rest}</span><span class="invisible"></span>'
    return (
        f'<a href="{url}" target="_blank" rel="nofollow noopener noreferrer" translate="no">'
        f'<span class="invisible">{hidden}</span>{shown}</a>'
    )


def actor():
    """actor.json: the account's Person, with the archive's own names of its files."""
    return {
        "@context": CONTEXT,
        "id": ACTOR_ID,
        "type": "Person",
        "following": f"{ACTOR_ID}/following",
        "followers": FOLLOWERS,
        "inbox": f"{ACTOR_ID}/inbox",
        "outbox": "outbox.json",
        "featured": f"{ACTOR_ID}/collections/featured",
        "featuredTags": f"{ACTOR_ID}/collections/tags",
        "preferredUsername": USER,
        "name": "Skyddsombudet – veckans gäst",
        "summary": "<p>Ett skyddsombud i veckan berättar om arbetsmiljön. #SOchef</p>",
        "url": f"https://{INSTANCE}/@{USER}",
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": True,
        "published": START.strftime("%Y-%m-%dT00:00:00Z"),
        "memorial": False,
        "publicKey": {
            "id": f"{ACTOR_ID}#main-key",
            "owner": ACTOR_ID,
            "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----\n",
        },
        "tag": [],
        "attachment": [
            {"type": "PropertyValue", "name": "Webb", "value": "sochef.example"},
        ],
        "endpoints": {"sharedInbox": f"https://{INSTANCE}/inbox"},
        "icon": {"type": "Image", "mediaType": "image/png", "url": "avatar.png"},
        "likes": "likes.json",
        "bookmarks": "bookmarks.json",
    }


def collection(name, total):
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": name,
        "type": "OrderedCollection",
        "totalItems": total,
        "orderedItems": [],
    }


def png(width, height):
    """A grey PNG of ``width`` × ``height`` pixels."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
