"""Every model of the app, defined in the module of its concept."""

from .accounts import FollowerSnapshot, RelayAccount
from .archive.models import ArchiveImport, ImportedMember, Tweet, TweetMedia
from .evaluation.models import EvaluationResponse
from .evaluation.pages import EvaluationPage
from .guests import Guest
from .handover.models import GuestHandover
from .landing import SochefLandingPage
from .nominations.models import Nomination
from .nominations.pages import NominationPage
from .pipeline.models import WeekNotice
from .press import PressMention
from .project import GuideLink, ProjectSettings
from .weeks.models import GuestSlot
from .weeks.pages import GuestWeekIndexPage, GuestWeekPage

__all__ = [
    "ArchiveImport",
    "EvaluationPage",
    "EvaluationResponse",
    "FollowerSnapshot",
    "Guest",
    "GuestHandover",
    "GuestSlot",
    "GuestWeekIndexPage",
    "GuestWeekPage",
    "Nomination",
    "NominationPage",
    "GuideLink",
    "ImportedMember",
    "PressMention",
    "ProjectSettings",
    "RelayAccount",
    "SochefLandingPage",
    "Tweet",
    "TweetMedia",
    "WeekNotice",
]
