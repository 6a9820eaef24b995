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
from .handles import HANDLE_PATTERNS, PLATFORM_ID_PATTERNS, platform_of_handle
from .text import safe_url

#: Room for a Mastodon status id: https:// + a domain of 253 + /users/<user of 64>/statuses/<id>.
POST_ID_MAX_LENGTH = 512
BLUESKY_DID = re.compile(PLATFORM_ID_PATTERNS[Platform.BLUESKY])
BLUESKY_POST = re.compile(
    r"^at://(did:[a-z]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/([A-Za-z0-9._:~-]{1,512})\Z"
)
_HANDLE_RULES = {platform: re.compile(pattern) for platform, pattern in HANDLE_PATTERNS.items()}
# What editors paste to name a post: its id or its address, as each platform shows them.
_X_REFERENCE = re.compile(
    r"^(?:(?:https?://)?(?:www\.|mobile\.)?(?:x|twitter)\.com/\w+/status(?:es)?/)?(\d{1,25})"
    r"(?:[/?#]\S*)?\Z",
    re.IGNORECASE,
)
_BLUESKY_APP_POST = re.compile(
    r"^https://(?:www\.)?bsky\.app/profile/([^/?#\s]{1,253})/post/([A-Za-z0-9._:~-]{1,512})"
    r"(?:[?#]\S*)?\Z"
)
_MASTODON_WEB_POST = re.compile(
    r"^https://([a-z0-9.-]{1,253})/@([A-Za-z0-9_.-]{1,64})/(\d{1,25})(?:[?#]\S*)?\Z",
    re.IGNORECASE,
)
_MASTODON_STATUS = re.compile(
    r"^https://([a-z0-9.-]{1,253})/users/([A-Za-z0-9_.-]{1,64})/statuses/(\d{1,25})\Z",
    re.IGNORECASE,
)


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
    no_posts = _("No tweets.")

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

    def post_id_of(self, reference):
        """The id of the post that ``reference`` names (an id or a post's address, as an
        editor pastes it), or None when it names none of this platform's."""
        match = _X_REFERENCE.match(reference)
        return match[1] if match else None

    def cashtag_url(self, tag, account_handle):
        return f"https://x.com/search?q={quote('$' + tag, safe='')}&src=cashtag_click"


class _AddressedPosts(Network):
    """A platform whose post ids say where the post is (an AT URI, an ActivityPub id): a
    quoted post's address comes from its id alone. Its posts are "posts", not tweets."""

    sensitive = _("This post may contain sensitive content: show it")
    no_posts = _("No posts.")

    def quoted_url(self, post_id):
        return self.post_url("", post_id)


class Bluesky(_AddressedPosts):
    platform = Platform.BLUESKY
    repost = _("Repost")
    quoted = _("Quoted post on Bluesky")

    def profile_url(self, handle):
        return f"https://bsky.app/profile/{handle}" if self.is_handle(handle) else ""

    def post_url(self, handle, post_id):
        match = BLUESKY_POST.match(post_id or "")
        if not match:
            return self.profile_url(handle)
        did, key = match.groups()
        return f"https://bsky.app/profile/{did}/post/{_path(key)}"

    def mention_url(self, entity):
        # A mention's facet names the account by its DID, which stays when the handle changes.
        did = entity.get("did")
        if isinstance(did, str) and BLUESKY_DID.match(did):
            return f"https://bsky.app/profile/{did}"
        return super().mention_url(entity)

    def hashtag_url(self, tag, account_handle):
        return f"https://bsky.app/hashtag/{_path(tag)}"

    def post_id_of(self, reference):
        """An at:// URI as it is; a bsky.app address as the URI it shows, its account named
        as in the address (a DID, or a handle for the caller to turn into one)."""
        if BLUESKY_POST.match(reference):
            return reference
        match = _BLUESKY_APP_POST.match(reference)
        return f"at://{match[1]}/app.bsky.feed.post/{match[2]}" if match else None

    def cashtag_url(self, tag, account_handle):
        return f"https://bsky.app/search?q={_path('$' + tag)}"


class Mastodon(_AddressedPosts):
    platform = Platform.MASTODON
    repost = _("Boost")
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

    def mention_url(self, entity):
        # Mastodon gives the mentioned account's own address: a local user has no @instance.
        return safe_url(entity.get("url")) or super().mention_url(entity)

    def hashtag_url(self, tag, account_handle):
        # The tag's page on the account's own instance.
        instance = account_handle.partition("@")[2]
        return f"https://{instance}/tags/{_path(tag)}" if instance else ""

    cashtag_url = hashtag_url

    def post_id_of(self, reference):
        """A status's id (https://instance/users/user/statuses/n) from it or from its page on
        its own instance (https://instance/@user/n); a page of an account of another instance
        (@user@other) names a copy, not the status."""
        if match := _MASTODON_STATUS.match(reference) or _MASTODON_WEB_POST.match(reference):
            instance, user, number = match.groups()
            return f"https://{instance.lower()}/users/{user}/statuses/{number}"
        return None


NETWORKS = {network.platform: network for network in (Network(), Bluesky(), Mastodon())}


def on_x_only(accounts):
    """Whether the ``accounts`` are all X's: then posts are "tweets" in what readers see."""
    return all(account.platform == Platform.X for account in accounts)


def network(platform):
    """The :class:`Network` of ``platform`` (X for an unknown value)."""
    return NETWORKS.get(platform, NETWORKS[Platform.X])


def own_account_url(handle):
    """The profile address of a person's own account (a guest's, the organiser's), whatever its
    platform, told by the handle's form; "" for a blank or unknown handle."""
    platform = platform_of_handle(handle or "")
    return network(platform).profile_url(handle) if platform else ""


def post_id_of(reference):
    """The platform and id of the post ``reference`` names on any platform, or (None, None)."""
    reference = reference.strip()
    for platform, links in NETWORKS.items():
        post_id = links.post_id_of(reference)
        if post_id:
            return platform, post_id
    return None, None
