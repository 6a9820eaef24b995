"""Plain helper functions that build X archive ZIPs (both layouts) and X API answers for tests."""

import datetime
import io
import json
import zipfile

START = datetime.datetime(2013, 3, 4, 7, 0, tzinfo=datetime.UTC)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0"
    b"\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def v1_date(moment):
    """``Wed Oct 10 20:19:24 +0000 2018``, as tweets.js writes dates."""
    return moment.strftime("%a %b %d %H:%M:%S +0000 %Y")


def grailbird_date(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S +0000")


def archive_tweet(tweet_id, text="Hej från skyddsombudet", created_at=START, **fields):
    """A tweet of a current archive's tweets.js: text HTML-escaped, numbers as strings."""
    tweet = {
        "id_str": str(tweet_id),
        "id": str(tweet_id),
        "full_text": text,
        "created_at": v1_date(created_at),
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
        "favorite_count": "3",
        "retweet_count": "1",
        "lang": "sv",
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "display_text_range": ["0", str(len(text))],
        "truncated": False,
    }
    tweet.update(fields)
    return tweet


def entity_tweet(tweet_id=1):
    """A current-archive tweet with an escaped ampersand, an emoji before its entities, and a
    mention, a hashtag and a link whose indices count code points of the escaped text."""
    return archive_tweet(
        tweet_id,
        "Q&amp;A med @ArbetsmiljoChef 🙂 #arbetsmiljo https://t.co/abc",
        entities={
            "user_mentions": [{"screen_name": "ArbetsmiljoChef", "indices": ["12", "28"]}],
            "hashtags": [{"text": "arbetsmiljo", "indices": ["31", "43"]}],
            "urls": [
                {
                    "url": "https://t.co/abc",
                    "expanded_url": "https://www.nyarbetsmiljo.se/a",
                    "display_url": "nyarbetsmiljo.se/a",
                    "indices": ["44", "60"],
                }
            ],
        },
    )


def grailbird_tweet(tweet_id, text="Hej från 2013", created_at=START, **fields):
    """A tweet of a Grailbird archive: integer indices, an inline user."""
    tweet = {
        "id_str": str(tweet_id),
        "id": int(tweet_id),
        "text": text,
        "created_at": grailbird_date(created_at),
        "entities": {"user_mentions": [], "media": [], "hashtags": [], "urls": []},
        "source": "web",
        "user": {"screen_name": "Skyddsombud", "id_str": "42", "name": "Skyddsombud"},
    }
    tweet.update(fields)
    return tweet


def photo(tweet_id, media_id, alt="", name=None, url="https://t.co/pic"):
    """An extended_entities.media item of a photo; its file is <tweet id>-<name>."""
    name = name or f"{media_id}.png"
    return {
        "id_str": str(media_id),
        "type": "photo",
        "url": url,
        "media_url_https": f"https://pbs.twimg.com/media/{name}",
        "indices": ["0", "0"],
        "ext_alt_text": alt,
        "sizes": {"large": {"w": "1", "h": "1", "resize": "fit"}},
    }


def js(variable, data):
    """A member as X writes it: a JavaScript assignment of JSON."""
    return f"{variable} = {json.dumps(data, ensure_ascii=False, indent=2)}"


def zip_bytes(members, compression=zipfile.ZIP_DEFLATED):
    """A ZIP of ``{name: str | bytes}``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def account_member(handle="Skyddsombud", account_id="42"):
    account = {"username": handle, "accountId": account_id, "accountDisplayName": handle}
    return {"data/account.js": js("window.YTD.account.part0", [{"account": account}])}


def current_archive(
    tweets,
    handle="Skyddsombud",
    notes=(),
    media=None,
    extra=None,
    community=(),
    community_media=None,
):
    """The members of a current archive with ``tweets`` (dicts of ``archive_tweet``).

    ``handle=None`` leaves account.js out; ``media`` is ``{file name: bytes}`` of tweets_media;
    ``community`` the posts in communities (community-tweet.js), ``community_media`` their files.
    """
    members = account_member(handle) if handle else {}
    members["data/tweets.js"] = js(
        "window.YTD.tweets.part0", [{"tweet": tweet} for tweet in tweets]
    )
    if notes:
        members["data/note-tweet.js"] = js(
            "window.YTD.note_tweet.part0", [{"noteTweet": note} for note in notes]
        )
    if community:
        members["data/community-tweet.js"] = js(
            "window.YTD.community_tweet.part0", [{"tweet": tweet} for tweet in community]
        )
    for name, content in (media or {}).items():
        members[f"data/tweets_media/{name}"] = content
    for name, content in (community_media or {}).items():
        members[f"data/community_tweet_media/{name}"] = content
    members.update(extra or {})
    return members


def note_tweet(text, created_at=START, note_id="1700000000000000001", urls=(), mentions=()):
    """An item of note-tweet.js: the whole text of a long post, its entities under ``core``
    with fromIndex/toIndex as strings, its own id (not the tweet's)."""
    return {
        "noteTweetId": note_id,
        "updatedAt": created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "lifecycle": {"value": "1", "name": "Created", "originalValue": "1"},
        "createdAt": created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "core": {
            "styletags": [],
            "urls": list(urls),
            "text": text,
            "mentions": list(mentions),
            "cashtags": [],
            "hashtags": [],
        },
    }


def edit_info(tweet_id, versions):
    """``edit_info`` of version ``tweet_id`` of a tweet whose versions are ``versions``: the
    first holds the list under ``initial``, each later one under ``edit.editControlInitial``."""
    control = {
        "editTweetIds": [str(v) for v in versions],
        "editableUntil": "2023-05-04T08:00:00.000Z",
        "editsRemaining": str(5 - len(versions)),
        "isEditEligible": True,
    }
    if str(tweet_id) == str(versions[0]):
        return {"initial": control}
    return {"edit": {"initialTweetId": str(versions[0]), "editControlInitial": control}}


def grailbird_archive(tweets_by_month, handle="Skyddsombud", extra=None):
    """The members of a Grailbird archive: ``{"2013_03": [tweets]}``."""
    members = {"tweets.csv": "tweet_id,text\n"}
    if handle:
        details = {"screen_name": handle, "id": "42", "full_name": handle}
        members["data/js/user_details.js"] = js("var user_details", details)
    for month, tweets in tweets_by_month.items():
        members[f"data/js/tweets/{month}.js"] = js(f"Grailbird.data.tweets_{month}", tweets)
    members.update(extra or {})
    return members


def write_archive(path, members):
    path.write_bytes(zip_bytes(members))
    return path


def write_large_archive(path, count=100_000, handle="Skyddsombud", parts=4, layout="current"):
    """An archive of ``count`` tweets, written as a stream (for the memory test and the
    benchmark); tweets link, mention and tag like real ones do.

    ``layout="current"``: ``data/tweets.js``, ``data/tweets-part1.js``, … on one line each;
    ``layout="2019"``: ``data/tweet.js``, ``data/tweet-part1.js``, … (``window.YTD.tweet.partN``)
    one entry a line as X wrote them from 2019 to mid 2022: the layout older tools read
    (twitter-to-sqlite, django-ditto). Both have X's profile.js and verified.js.
    """
    per_part = -(-count // parts)
    older = layout == "2019"
    kind = "tweet" if older else "tweets"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in account_member(handle).items():
            archive.writestr(name, content)
        profile = {"avatarMediaUrl": "https://pbs.twimg.com/profile_images/1/avatar.png"}
        archive.writestr("data/profile.js", js("window.YTD.profile.part0", [{"profile": profile}]))
        verified = {"accountId": "42", "verified": False}
        archive.writestr(
            "data/verified.js", js("window.YTD.verified.part0", [{"verified": verified}])
        )
        separator, opening = (b",\n", b"[\n") if older else (b",", b"[")
        for part in range(parts):
            member = f"data/{kind}.js" if part == 0 else f"data/{kind}-part{part}.js"
            with archive.open(member, "w", force_zip64=True) as out:
                out.write(f"window.YTD.{kind}.part{part} = ".encode() + opening)
                first = part * per_part
                for n in range(first, min(first + per_part, count)):
                    out.write(separator if n > first else b"")
                    out.write(json.dumps({"tweet": _large_tweet(n)}).encode())
                out.write(b"\n]" if older else b"]")
    return path


def _large_tweet(n):
    created = START + datetime.timedelta(minutes=7 * n)
    text = (
        f"Tweet {n} om arbetsmiljö &amp; skyddsombud, med @ArbetsmiljoChef och "
        f"#arbetsmiljo: https://t.co/a{n:07d}"
    )
    mention_at = text.index("@")
    tag_at = text.index("#")
    url_at = text.index("https://")
    return archive_tweet(
        100_000_000_000_000_000 + n,
        text,
        created,
        entities={
            "hashtags": [{"text": "arbetsmiljo", "indices": [str(tag_at), str(tag_at + 12)]}],
            "user_mentions": [
                {
                    "screen_name": "ArbetsmiljoChef",
                    "indices": [str(mention_at), str(mention_at + 16)],
                }
            ],
            "urls": [
                {
                    "url": f"https://t.co/a{n:07d}",
                    "expanded_url": f"https://www.nyarbetsmiljo.se/artikel/{n}",
                    "display_url": f"nyarbetsmiljo.se/artikel/{n}",
                    "indices": [str(url_at), str(len(text))],
                }
            ],
        },
    )


def api_tweet(tweet_id, text="Hej från API:t", created_at=START, **fields):
    """A tweet of the X API v2 as JSON (tweepy warns without edit_history_tweet_ids)."""
    tweet = {
        "id": str(tweet_id),
        "text": text,
        "created_at": created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "edit_history_tweet_ids": [str(tweet_id)],
        "author_id": "42",
        "lang": "sv",
        "public_metrics": {"like_count": 5, "retweet_count": 2, "reply_count": 0},
    }
    tweet.update(fields)
    return tweet


def write_archive_with_photos(path, count, every=10, handle="Skyddsombud"):
    """A current archive of ``count`` tweets like ``write_large_archive``'s, one in ``every``
    with a photo whose file is in the archive."""
    tweets, media = [], {}
    for n in range(count):
        tweet = _large_tweet(n)
        if n % every == 0:
            tweet["extended_entities"] = {"media": [photo(tweet["id_str"], n)]}
            media[f"{tweet['id_str']}-{n}.png"] = PNG
        tweets.append(tweet)
    return write_archive(path, current_archive(tweets, handle, media=media))
