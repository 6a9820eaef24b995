"""Every model of the app, defined in the module of its concept."""

from .accounts import FollowerSnapshot, RelayAccount
from .archive.models import Tweet, TweetMedia
from .guests import Guest
from .nominations.models import Nomination
from .nominations.pages import NominationPage
from .project import ProjectSettings
from .weeks import GuestSlot, GuestWeekIndexPage, GuestWeekPage

__all__ = [
    "FollowerSnapshot",
    "Guest",
    "GuestSlot",
    "GuestWeekIndexPage",
    "GuestWeekPage",
    "Nomination",
    "NominationPage",
    "ProjectSettings",
    "RelayAccount",
    "Tweet",
    "TweetMedia",
]
