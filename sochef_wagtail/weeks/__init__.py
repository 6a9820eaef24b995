"""Guest weeks: slots and the booking rule (models), the week pages (pages), their forms and
what their templates show (views)."""

# The exception host code catches when a week may not go live, at the path the docs give.
from .models import AccountBooked

__all__ = ["AccountBooked"]
