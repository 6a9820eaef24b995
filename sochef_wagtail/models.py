"""Every model of the app, defined in the module of its concept."""

from .accounts import FollowerSnapshot, RelayAccount
from .archive.models import Tweet, TweetMedia
from .guests import Guest
from .landing import SochefLandingPage
from .press import PressMention
from .project import GuideLink, ProjectSettings
from .weeks import GuestSlot, GuestWeekIndexPage, GuestWeekPage

__all__ = [
    "FollowerSnapshot",
    "Guest",
    "GuestSlot",
    "GuestWeekIndexPage",
    "GuestWeekPage",
    "GuideLink",
    "PressMention",
    "ProjectSettings",
    "RelayAccount",
    "SochefLandingPage",
    "Tweet",
    "TweetMedia",
]
