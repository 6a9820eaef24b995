"""Every model of the app, defined in the module of its concept."""

from .accounts import FollowerSnapshot, RelayAccount
from .archive.models import ArchiveImport, Tweet, TweetMedia
from .guests import Guest
from .project import ProjectSettings
from .weeks import GuestSlot, GuestWeekIndexPage, GuestWeekPage

__all__ = [
    "ArchiveImport",
    "FollowerSnapshot",
    "Guest",
    "GuestSlot",
    "GuestWeekIndexPage",
    "GuestWeekPage",
    "ProjectSettings",
    "RelayAccount",
    "Tweet",
    "TweetMedia",
]
