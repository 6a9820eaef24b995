"""Account handles: one rule per platform for every place that stores one.

X handles are 1–15 letters, digits or underscores; a Bluesky handle is a domain name
(skyddsombud.bsky.social); a Mastodon handle is a user at an instance
(skyddsombud@mastodon.social). The three never look alike, so a handle alone names an account
whatever its platform.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Platform

#: X's rule, compiled once: it runs for every mention of every tweet shown.
HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}\Z")

# The patterns are written so that Python's re and PostgreSQL's regular expressions read them
# alike: the database checks them too (RelayAccount's constraints).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = rf"(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?"
#: The longest handle any platform allows: a Mastodon user at a domain of 253 characters.
ACCOUNT_HANDLE_MAX_LENGTH = 320
HANDLE_PATTERNS = {
    Platform.X: HANDLE.pattern,
    # atproto's handle syntax: a domain name of at most 253 characters.
    Platform.BLUESKY: rf"^(?=.{{3,253}}\Z){_DOMAIN}\Z",
    # Mastodon's username rule (letters, digits, underscores, dots and hyphens inside) @ a domain.
    Platform.MASTODON: (
        r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?"
        rf"@(?=.{{3,253}}\Z){_DOMAIN}\Z"
    ),
}
#: Room for a DID: did:plc ids are 32 characters, did:web ones a domain name and a path.
PLATFORM_ID_MAX_LENGTH = 2048
#: What each platform calls an account's id: X's and Mastodon's are numbers, Bluesky's a DID.
PLATFORM_ID_PATTERNS = {
    Platform.X: r"^[0-9]{1,25}\Z",
    # PostgreSQL repeats at most 255 times: the column's length bounds a DID instead.
    Platform.BLUESKY: r"^did:[a-z]+:[A-Za-z0-9._:%-]+\Z",
    Platform.MASTODON: r"^[0-9]{1,25}\Z",
}
_HANDLE_RULES = {platform: re.compile(pattern) for platform, pattern in HANDLE_PATTERNS.items()}
_ID_RULES = {platform: re.compile(pattern) for platform, pattern in PLATFORM_ID_PATTERNS.items()}

HANDLE_MESSAGES = {
    Platform.X: _("Enter an X handle of 1–15 letters A–Z, digits or underscores, without spaces."),
    Platform.BLUESKY: _(
        "Enter a Bluesky handle: a domain name such as skyddsombud.bsky.social, without @."
    ),
    Platform.MASTODON: _(
        "Enter a Mastodon handle as user@instance, such as skyddsombud@mastodon.social."
    ),
}
PLATFORM_ID_MESSAGES = {
    Platform.X: _("An X user id is a number, such as 783214."),
    Platform.BLUESKY: _(
        "A Bluesky account's id is its DID, such as did:plc:z72i7hdynmk6r22z27h6tvur."
    ),
    Platform.MASTODON: _("A Mastodon account id is a number, such as 109302436954721982."),
}

OWN_ACCOUNT_MESSAGE = _(
    "Enter a handle on X (Skyddsombud), Bluesky (skyddsombud.bsky.social) or Mastodon "
    "(skyddsombud@mastodon.social), or the profile's address."
)

# A profile's address pasted instead of its handle: https://bsky.app/profile/<handle>,
# https://<instance>/@<user>, https://x.com/<handle>.
_PROFILE_URLS = (
    (re.compile(r"^https?://(?:www\.)?bsky\.app/profile/([^/?#]+)/?\Z", re.I), "{0}"),
    (re.compile(r"^https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/([^/?#]+)/?\Z", re.I), "{0}"),
    (re.compile(r"^https?://([^/?#@]+)/@([^/?#@]+)/?\Z", re.I), "{1}@{0}"),
)


def normalize_handle(value):
    """Strip spaces and a leading @, so "@Skyddsombud" is stored as "Skyddsombud"."""
    return (value or "").strip().removeprefix("@")


def normalize_account_handle(value):
    """:func:`normalize_handle`, and a profile's address taken for its handle
    ("https://mastodon.social/@sochef" is "sochef@mastodon.social")."""
    value = (value or "").strip()
    for pattern, handle in _PROFILE_URLS:
        match = pattern.match(value)
        if match:
            return handle.format(*match.groups())
    return normalize_handle(value)


def validate_account_handle(platform, handle):
    """Raise ValidationError unless ``handle`` follows ``platform``'s rule."""
    rule = _HANDLE_RULES.get(platform)
    if rule is not None and not rule.match(handle):
        raise ValidationError(HANDLE_MESSAGES[platform], code="invalid_handle")


def platform_of_handle(handle):
    """The platform whose rule ``handle`` follows, or None (the rules never overlap)."""
    for platform, rule in _HANDLE_RULES.items():
        if rule.match(handle):
            return platform
    return None


def validate_own_account(handle):
    """Raise ValidationError unless ``handle`` is a handle of one of the platforms."""
    if platform_of_handle(handle) is None:
        raise ValidationError(OWN_ACCOUNT_MESSAGE, code="invalid_handle")


def validate_platform_id(platform, value):
    """Raise ValidationError unless ``value`` (blank or an id) is an id of ``platform``."""
    rule = _ID_RULES.get(platform)
    if value and rule is not None and not rule.match(value):
        raise ValidationError(PLATFORM_ID_MESSAGES[platform], code="invalid_platform_id")


class HandleField(models.CharField):
    """A person's own account on X, Bluesky or Mastodon, stored as its handle without @: its
    platform is told by its form (:func:`platform_of_handle`). A pasted profile address is
    taken for its handle."""

    default_validators = [validate_own_account]
    default_max_length = ACCOUNT_HANDLE_MAX_LENGTH
    #: Room for a pasted profile address, turned into the handle before validation.
    form_max_length = 2000
    normalize = staticmethod(normalize_account_handle)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", self.default_max_length)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return self.normalize(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": self.form_max_length, **kwargs})


class AccountHandleField(HandleField):
    """A relay account's handle on its platform; the model checks it against its platform's
    rule (:func:`validate_account_handle`), which a field alone cannot see."""

    default_validators = []
