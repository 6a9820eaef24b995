"""Every model of the app, defined in the module of its concept."""

from .accounts import FollowerSnapshot, RelayAccount
from .guests import Guest
from .weeks import GuestSlot, GuestWeekIndexPage, GuestWeekPage

__all__ = [
    "FollowerSnapshot",
    "Guest",
    "GuestSlot",
    "GuestWeekIndexPage",
    "GuestWeekPage",
    "RelayAccount",
]
