"""No-shows (recorded once, told at once) and the standby list taking a freed slot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventhub.deals.tables import checkin as logic
from eventhub.deals.tables.checkin import TableError
from eventhub.deals.tables.models import TableCheckin
from eventhub.deals.tables.standby import offers_for, standby_requests, take_freed_slot
from eventhub.deals.tables.tasks import record_no_shows
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
from eventhub.notifications.models import MailMessage
from tests.deals.tables.conftest import meeting_at, standby
from tests.support import factories

pytestmark = pytest.mark.usefixtures("logic_in_english")


def refused(code: str, call, *args, **kwargs) -> TableError:
    with pytest.raises(TableError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert caught.value.code == code, caught.value.message
    return caught.value


def mails(kind: str) -> list[MailMessage]:
    return list(db.session.scalars(select(MailMessage).where(MailMessage.kind == kind)))


def investor_waits(room, minutes_after_start: int = 12):
    """The investor checked in; the startup never came; `minutes_after_start` later."""
    logic.scan_as_party(room.event, room.table, room.investor, now=room.now)
    db.session.commit()
    return room.meeting.starts_at + timedelta(minutes=minutes_after_start)


def test_the_absent_startup_is_a_no_show_after_n_minutes_once(room):
    investor_waits(room)
    start = room.meeting.starts_at
    assert logic.sweep_no_shows(room.event, start + timedelta(minutes=9, seconds=59)) == []
    recorded = logic.sweep_no_shows(room.event, start + timedelta(minutes=10))
    db.session.commit()
    assert [(n.meeting_id, n.absent) for n in recorded] == [(room.meeting.id, "startup")]
    assert logic.sweep_no_shows(room.event, start + timedelta(minutes=11)) == []
    row = db.session.get(TableCheckin, room.meeting.id)
    assert row.no_show_party == "startup"
    meeting = db.session.get(Meeting, room.meeting.id)
    assert (meeting.status, meeting.outcome) == ("confirmed", "no_show")
    # the investor is told (once), each standby startup's team is offered the slot
    told = mails("tables.no_show")
    assert [m.recipient for m in told] == [room.investor.email]
    assert told[0].language == (room.investor.preferred_language or "fr")
    offered = sorted(m.recipient for m in mails("tables.standby_offer"))
    assert offered == sorted(user.email for user in room.standby)
    # the late startup is refused, nothing recorded
    refused(
        "no_show_recorded",
        logic.scan_as_party,
        room.event,
        room.table,
        room.startup,
        now=start + timedelta(minutes=12),
    )


def test_the_delay_is_the_events_setting(room):
    logic.save_no_show_minutes(room.event, 3)
    investor_waits(room)
    start = room.meeting.starts_at
    assert logic.sweep_no_shows(room.event, start + timedelta(minutes=3))


def test_an_absent_investor_is_recorded_and_the_slot_not_offered(room):
    logic.scan_as_party(room.event, room.table, room.startup, now=room.now)
    recorded = logic.sweep_no_shows(room.event, room.meeting.starts_at + timedelta(minutes=10))
    db.session.commit()
    assert [n.absent for n in recorded] == ["investor"]
    assert [m.recipient for m in mails("tables.no_show")] == [room.startup.email]
    assert mails("tables.standby_offer") == []
    assert offers_for(room.event, room.standby[0].startup, room.now) == []


def test_nobody_checked_in_is_not_a_no_show(room):
    assert logic.sweep_no_shows(room.event, room.meeting.starts_at + timedelta(minutes=30)) == []
    assert db.session.get(Meeting, room.meeting.id).outcome is None


def test_the_periodic_task_sweeps_every_event(room):
    logic.save_no_show_minutes(room.event, 1)
    investor_waits(room)
    # the meeting started 2 minutes ago: the task, at the real time, records it. `run` is
    # the task's body in this test's app: calling the task pushes the context of the app
    # Celery was last set up for, which another test (a migration's) may have built.
    assert record_no_shows.run() == 1
    assert record_no_shows.run() == 0


def test_the_first_standby_startup_takes_the_slot_the_others_are_told_taken(room):
    now = investor_waits(room)
    logic.sweep_no_shows(room.event, now)
    db.session.commit()
    first, second = room.standby
    slot_id = room.meeting.slot_id
    assert [f.meeting.id for f in offers_for(room.event, first.startup, now)] == [room.meeting.id]
    taken = take_freed_slot(room.event, room.meeting.id, first.startup, by_user=first, now=now)
    db.session.commit()
    assert (taken.slot_id, taken.startup_id, taken.status) == (
        slot_id,
        first.startup.id,
        "confirmed",
    )
    old = db.session.get(Meeting, room.meeting.id)
    assert (old.slot_id, old.status, old.outcome) == (None, "confirmed", "no_show")
    assert db.session.get(TableCheckin, old.id).replacement_meeting_id == taken.id
    # the investor is here already: the new meeting starts when the startup arrives
    new_row = db.session.get(TableCheckin, taken.id)
    assert new_row.from_standby and new_row.investor_arrived_at is not None
    refused("standby_taken", take_freed_slot, room.event, room.meeting.id, second.startup, now=now)
    assert offers_for(room.event, second.startup, now) == []
    arrival = logic.scan_as_party(room.event, room.table, first, now=now + timedelta(minutes=1))
    assert arrival.state == "started"
    # a latecomer taking the slot is never itself a no-show
    assert logic.sweep_no_shows(room.event, now + timedelta(minutes=5)) == []
    # it is no longer on the standby list
    assert first.startup.id not in [
        r.startup_id for r in standby_requests(room.event, room.investor.investor.id)
    ]


def test_taking_refusals(room):
    now = investor_waits(room)
    outsider = factories.create_startup()
    # not freed yet
    refused(
        "offer_not_found",
        take_freed_slot,
        room.event,
        room.meeting.id,
        room.standby[0].startup,
        now=now,
    )
    logic.sweep_no_shows(room.event, now)
    db.session.commit()
    refused("not_startup", take_freed_slot, room.event, room.meeting.id, None, now=now)
    refused("offer_not_found", take_freed_slot, room.event, 999_999, outsider.startup, now=now)
    refused(
        "offer_not_found",
        take_freed_slot,
        room.other_event,
        room.meeting.id,
        outsider.startup,
        now=now,
    )
    refused(
        "not_on_standby", take_freed_slot, room.event, room.meeting.id, outsider.startup, now=now
    )
    refused(
        "own_meeting", take_freed_slot, room.event, room.meeting.id, room.startup.startup, now=now
    )
    late = room.meeting.ends_at
    refused(
        "offer_expired",
        take_freed_slot,
        room.event,
        room.meeting.id,
        room.standby[0].startup,
        now=late,
    )
    # a standby startup busy at that time elsewhere
    busy = room.standby[1]
    other_investor = factories.create_investor()
    meeting_at(room.event, other_investor, busy, None, room.meeting.starts_at)
    assert offers_for(room.event, busy.startup, now) == []
    refused("startup_busy", take_freed_slot, room.event, room.meeting.id, busy.startup, now=now)
    assert db.session.get(Meeting, room.meeting.id).slot_id is not None  # nothing changed


def test_a_declined_or_withdrawn_request_is_not_on_standby(room):
    extra = factories.create_startup()
    standby(room.event, room.investor, extra, status="declined")
    ids = [r.startup_id for r in standby_requests(room.event, room.investor.investor.id)]
    assert extra.startup.id not in ids and room.startup.startup.id not in ids
    assert len(ids) == 2
