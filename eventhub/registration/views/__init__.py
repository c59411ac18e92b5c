"""The registration pages, by audience: `public` (the form, the attendee's private page,
cancelling, the calendar file) and `organiser` (the list, its actions, the guest import and
the exports). Importing this package registers every route on the one blueprint."""

from eventhub.registration.views import organiser, public
from eventhub.registration.views.blueprint import bp

__all__ = ["bp", "organiser", "public"]
