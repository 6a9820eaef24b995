"""What differs between the networks a relay account posts on: the web addresses of its
profiles, posts, tags and mentions, and what a post is called there.

A stored post's id is the one its platform names it by everywhere, so that a reply or a quote
finds the post it answers whatever account stored it, and the ids of two platforms never meet:

- X: the tweet's number (``1234567890``);
- Bluesky: the post's AT URI (``at://did:plc:…/app.bsky.feed.post/3kq…``), which replies,
  quotes and reposts name it by;
- Mastodon: the status's ActivityPub id (``https://mastodon.social/users/sochef/statuses/1…``),
  which its instance redirects a browser from to the post's page, and which an archive's
  ``inReplyTo`` names it by.
"""

import re
from urllib.parse import quote

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .choices import Platform
from .handles import HANDLE_PATTERNS, PLATFORM_ID_PATTERNS
from .text import safe_url

#: Room for a Mastodon status id: https:// + a domain of 253 + /users/<user of 64>/statuses/<id>.
POST_ID_MAX_LENGTH = 512
BLUESKY_DID = re.compile(PLATFORM_ID_PATTERNS[Platform.BLUESKY])
BLUESKY_POST = re.compile(
    r"^at://(did:[a-z]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/([A-Za-z0-9._:~-]{1,512})\Z"
)
_HANDLE_RULES = {platform: re.compile(pattern) for platform, pattern in HANDLE_PATTERNS.items()}


def _path(value):
    return quote(value, safe="")


class Network:
    """One platform's addresses and words. Handles and ids are the stored ones; an address is
    made only from a handle that follows the platform's rule, else it is ""."""

    platform = Platform.X
    #: What the platform calls a post shared again, and a post that may be sensitive.
    repost = _("Retweet")
    sensitive = _("This tweet may contain sensitive content: show it")
    quoted = _("Quoted tweet on X")

    @cached_property
    def label(self):
        return Platform(self.platform).label

    def is_handle(self, handle):
        return isinstance(handle, str) and bool(_HANDLE_RULES[self.platform].match(handle))

    def profile_url(self, handle):
        return f"https://x.com/{handle}" if self.is_handle(handle) else ""

    def post_url(self, handle, post_id):
        return f"https://x.com/{handle}/status/{post_id}"

    def reply_url(self, handle, post_id):
        """Where the post answered (``post_id``, "" when unknown) by ``handle`` is."""
        if post_id:
            return self.post_url(handle, post_id)
        return self.profile_url(handle)

    def quoted_url(self, post_id):
        return f"https://x.com/i/web/status/{post_id}"

    def mention_url(self, entity):
        """Where a mention in a post's text leads: its account's profile."""
        return self.profile_url(entity.get("handle"))

    def hashtag_url(self, tag, account_handle):
        return f"https://x.com/search?q={quote('#' + tag, safe='')}&src=hashtag_click"

    def cashtag_url(self, tag, account_handle):
        return f"https://x.com/search?q={quote('$' + tag, safe='')}&src=cashtag_click"


class Bluesky(Network):
    platform = Platform.BLUESKY
    repost = _("Repost")
    sensitive = _("This post may contain sensitive content: show it")
    quoted = _("Quoted post on Bluesky")

    def profile_url(self, handle):
        return f"https://bsky.app/profile/{handle}" if self.is_handle(handle) else ""

    def post_url(self, handle, post_id):
        match = BLUESKY_POST.match(post_id or "")
        if not match:
            return self.profile_url(handle)
        did, key = match.groups()
        return f"https://bsky.app/profile/{did}/post/{_path(key)}"

    def reply_url(self, handle, post_id):
        return self.post_url(handle, post_id)

    def quoted_url(self, post_id):
        return self.post_url("", post_id)

    def mention_url(self, entity):
        # A mention's facet names the account by its DID, which stays when the handle changes.
        did = entity.get("did")
        if isinstance(did, str) and BLUESKY_DID.match(did):
            return f"https://bsky.app/profile/{did}"
        return super().mention_url(entity)

    def hashtag_url(self, tag, account_handle):
        return f"https://bsky.app/hashtag/{_path(tag)}"

    def cashtag_url(self, tag, account_handle):
        return f"https://bsky.app/search?q={_path('$' + tag)}"


class Mastodon(Network):
    platform = Platform.MASTODON
    repost = _("Boost")
    sensitive = _("This post may contain sensitive content: show it")
    quoted = _("Quoted post on Mastodon")

    def profile_url(self, handle):
        if not self.is_handle(handle):
            return ""
        user, _at, instance = handle.partition("@")
        return f"https://{instance}/@{user}"

    def post_url(self, handle, post_id):
        # The status's id is its address: its instance sends a browser on to the page.
        url = safe_url(post_id)
        if url and url.startswith("https://"):
            return url
        return self.profile_url(handle)

    def reply_url(self, handle, post_id):
        return self.post_url(handle, post_id)

    def quoted_url(self, post_id):
        return self.post_url("", post_id)

    def mention_url(self, entity):
        # Mastodon gives the mentioned account's own address: a local user has no @instance.
        return safe_url(entity.get("url")) or super().mention_url(entity)

    def hashtag_url(self, tag, account_handle):
        # The tag's page on the account's own instance.
        instance = account_handle.partition("@")[2]
        return f"https://{instance}/tags/{_path(tag)}" if instance else ""

    cashtag_url = hashtag_url


NETWORKS = {network.platform: network for network in (Network(), Bluesky(), Mastodon())}


def network(platform):
    """The :class:`Network` of ``platform`` (X for an unknown value)."""
    return NETWORKS.get(platform, NETWORKS[Platform.X])
