"""What the views of several audiences share: the signed-in party, its meetings, and the
choices of the slot forms."""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from eventhub.events.models import Event
from eventhub.meetings.agenda import local_day
from eventhub.meetings.booking import find_meeting, party_of
from eventhub.meetings.models import Meeting
from eventhub.meetings.slots import tables_of
from eventhub.profiles.models import Investor, Startup
from eventhub.templating import day_label


def current_startup() -> Startup:
    startup = current_user.startup
    if startup is None:
        abort(403)
    return startup


def current_investor() -> Investor:
    investor = current_user.investor
    if investor is None:
        abort(403)
    return investor


def current_party() -> Startup | Investor:
    """The signed-in startup's or investor's profile (views for both roles only)."""
    return current_startup() if current_user.role == "startup" else current_investor()


def own_meeting(meeting_id: int) -> tuple[Meeting, str]:
    """The meeting and how the signed-in user takes part in it; 404 when it does not."""
    meeting = find_meeting(meeting_id)
    party = party_of(meeting, current_user) if meeting is not None else None
    if meeting is None or party is None:
        abort(404)
    return meeting, party


def agenda_redirect(meeting: Meeting, party: str) -> Response:
    """Back to where the party sees the meeting: its agenda on that day, or the report."""
    slug = meeting.event.slug
    if party == "organiser":
        return redirect(url_for("meetings.report", slug=slug))
    return redirect(url_for("meetings.agenda", slug=slug, day=local_day(meeting).isoformat()))


def day_choices(event: Event) -> list[tuple[str, str]]:
    return [(day.isoformat(), day_label(day)) for day in event.days]


def table_choices(event: Event) -> list[tuple[int, str]]:
    return [(0, _("No table")), *[(table.id, table.name) for table in tables_of(event)]]


def slot_state_labels() -> dict[str, str]:
    return {"free": _("Free"), "booked": _("Booked"), "unavailable": _("Unavailable")}
