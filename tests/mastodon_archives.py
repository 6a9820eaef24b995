"""Plain helper functions that build Mastodon archive ZIPs ("Request your archive") for tests.

The members are written as Mastodon's BackupService writes them: ``outbox.json``, an
ActivityPub OrderedCollection of the account's activities without their ``@context``, one
``Create`` of a Note per post and an ``Announce`` per boost; ``actor.json``, the account's
Person; ``media_attachments/files/…/original/<name>``, the posts' files, whose attachments'
``url`` is the path of their address.
"""

import datetime
import json
import zipfile

from tests.archives import PNG, zip_bytes

INSTANCE = "mastodon.social"
USER = "skyddsombud"
ACTOR_ID = f"https://{INSTANCE}/users/{USER}"
FOLLOWERS = f"{ACTOR_ID}/followers"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
#: Mastodon's ids are snowflakes: the time of their making in their high bits.
FIRST_ID = 113_520_000_000_000_000
START = datetime.datetime(2024, 11, 18, 8, 0, tzinfo=datetime.UTC)
#: The first bytes of an MP4 file: an ISO base media file's "ftyp" box.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 32

CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    {
        "ostatus": "http://ostatus.org#",
        "atomUri": "ostatus:atomUri",
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "toot": "http://joinmastodon.org/ns#",
        "blurhash": "toot:blurhash",
    },
]


def status_id(number):
    return str(FIRST_ID + number)


def note_uri(number, user=USER, instance=INSTANCE):
    return f"https://{instance}/users/{user}/statuses/{status_id(number)}"


def audience(visibility, mentioned=()):
    """``(to, cc)`` of a post of ``visibility`` as Mastodon addresses it."""
    mentioned = list(mentioned)
    return {
        "public": ([PUBLIC], [FOLLOWERS, *mentioned]),
        "unlisted": ([FOLLOWERS], [PUBLIC, *mentioned]),
        "private": ([FOLLOWERS], mentioned),
        "direct": (mentioned, []),
    }[visibility]


def note(number, content="<p>Hej från veckans gäst!</p>", visibility="public", **fields):
    """The Note of the account's post ``number`` (``number`` minutes after START)."""
    uri = note_uri(number)
    mentioned = [tag["href"] for tag in fields.get("tag", ()) if tag.get("type") == "Mention"]
    to, cc = audience(visibility, mentioned)
    published = (START + datetime.timedelta(minutes=number)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "id": uri,
        "type": "Note",
        "summary": None,
        "inReplyTo": None,
        "published": published,
        "url": f"https://{INSTANCE}/@{USER}/{status_id(number)}",
        "attributedTo": ACTOR_ID,
        "to": to,
        "cc": cc,
        "sensitive": False,
        "atomUri": uri,
        "inReplyToAtomUri": None,
        "conversation": f"tag:{INSTANCE},2024-11-18:objectId={number}:objectType=Conversation",
        "content": content,
        "contentMap": {"sv": content},
        "attachment": [],
        "tag": [],
        "replies": {
            "id": f"{uri}/replies",
            "type": "Collection",
            "first": {"type": "CollectionPage", "next": f"{uri}/replies?page=true", "items": []},
        },
        "likes": {"id": f"{uri}/likes", "type": "Collection", "totalItems": 5},
        "shares": {"id": f"{uri}/shares", "type": "Collection", "totalItems": 2},
        **fields,
    }


def create(post):
    """The Create activity of the Note ``post``, addressed as it is."""
    return {
        "id": f"{post['id']}/activity",
        "type": "Create",
        "actor": ACTOR_ID,
        "published": post["published"],
        "to": post["to"],
        "cc": post["cc"],
        "object": post,
    }


def post(number, content="<p>Hej från veckans gäst!</p>", visibility="public", **fields):
    """The Create activity of the account's post ``number``."""
    return create(note(number, content, visibility, **fields))


def announce(number, boosted):
    """The account's boost (number ``number``) of the post of id ``boosted``."""
    uri = note_uri(number)
    to, cc = audience("public")
    return {
        "id": f"{uri}/activity",
        "type": "Announce",
        "actor": ACTOR_ID,
        "published": (START + datetime.timedelta(minutes=number)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "to": to,
        "cc": [boosted.rsplit("/statuses/", 1)[0], *cc],
        "object": boosted,
        "atomUri": f"{uri}/activity",
    }


def mention_tag(user, instance=INSTANCE):
    """A Mention tag: Mastodon names a local account by its username only."""
    name = f"@{user}" if instance == INSTANCE else f"@{user}@{instance}"
    return {"type": "Mention", "href": f"https://{instance}/users/{user}", "name": name}


def mention_html(user, instance=INSTANCE):
    return (
        f'<span class="h-card" translate="no"><a href="https://{instance}/@{user}" '
        f'class="u-url mention">@<span>{user}</span></a></span>'
    )


def hashtag_tag(tag):
    return {"type": "Hashtag", "href": f"https://{INSTANCE}/tags/{tag}", "name": f"#{tag}"}


def hashtag_html(tag):
    return (
        f'<a href="https://{INSTANCE}/tags/{tag}" class="mention hashtag" rel="tag">'
        f"#<span>{tag}</span></a>"
    )


def media_path(number, name):
    """Where Mastodon keeps attachment ``number``'s original file: under its id, in parts."""
    return f"media_attachments/files/113/520/000/000/000/{number:03d}/original/{name}"


def attachment(number, name="b7c2f1e0a9d8c6b5.png", media_type="image/png", alt="", **fields):
    """An attachment of a Note; ``url`` is the path of its file's address, as an instance with
    its files in object storage writes it (a local storage's has no leading slash)."""
    return {
        "type": "Document",
        "mediaType": media_type,
        "url": "/" + media_path(number, name),
        "name": alt or None,
        "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IU%NxuWBRj",
        "width": 1600,
        "height": 1200,
        **fields,
    }


def actor(user=USER, instance=INSTANCE, **fields):
    """actor.json: the account's Person, with the archive's own names of its files."""
    actor_id = f"https://{instance}/users/{user}"
    return {
        "@context": CONTEXT,
        "id": actor_id,
        "type": "Person",
        "following": f"{actor_id}/following",
        "followers": f"{actor_id}/followers",
        "inbox": f"{actor_id}/inbox",
        "outbox": "outbox.json",
        "featured": f"{actor_id}/collections/featured",
        "preferredUsername": user,
        "name": "Skyddsombudet",
        "summary": "<p>Arbetsmiljö varje vecka</p>",
        "url": f"https://{instance}/@{user}",
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "published": "2022-11-07T00:00:00Z",
        "publicKey": {
            "id": f"{actor_id}#main-key",
            "owner": actor_id,
            "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----\n",
        },
        "icon": {"type": "Image", "mediaType": "image/png", "url": "avatar.png"},
        "likes": "likes.json",
        "bookmarks": "bookmarks.json",
        **fields,
    }


def outbox(activities):
    """outbox.json's collection of ``activities``."""
    return {
        "@context": CONTEXT,
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": len(activities),
        "orderedItems": list(activities),
    }


def mastodon_members(activities, account=True, media=None, folder="", extra=None):
    """The members of a Mastodon archive of ``activities``.

    ``account=False`` leaves actor.json out (or give the actor's JSON); ``media`` is
    ``{path in the archive: bytes}``; ``folder`` puts everything in one folder.
    """
    members = {"outbox.json": json.dumps(outbox(activities), ensure_ascii=False)}
    if account:
        members["actor.json"] = json.dumps(actor() if account is True else account)
        members["avatar.png"] = PNG
    members["likes.json"] = json.dumps(outbox([]) | {"id": "likes.json"})
    members["bookmarks.json"] = json.dumps(outbox([]) | {"id": "bookmarks.json"})
    members.update(media or {})
    members.update(extra or {})
    return {folder + name: content for name, content in members.items()}


def mastodon_zip(activities, **options):
    return zip_bytes(mastodon_members(activities, **options))


def write_large_outbox(path, count, padding=600):
    """A Mastodon archive of ``count`` public posts, its outbox.json written as a stream: for
    the test of the memory an import takes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("actor.json", json.dumps(actor()))
        with archive.open("outbox.json", "w", force_zip64=True) as out:
            head = json.dumps(outbox([]))
            opening, closing = head.rsplit("[]", 1)
            out.write(opening.encode() + b"[")
            for number in range(count):
                text = (
                    f"<p>Inlägg {number} om arbetsmiljö {'och skyddsombud ' * (padding // 16)}</p>"
                )
                out.write((b"," if number else b"") + json.dumps(post(number, text)).encode())
            out.write(b"]" + closing.encode())
    return path
