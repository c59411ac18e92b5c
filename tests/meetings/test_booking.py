"""First-come booking: each rule, the cut-off, cancelling, declining and outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventhub.errors import api_status
from eventhub.extensions import db
from eventhub.meetings.booking import (
    BOOKING_REFUSALS,
    book_slot,
    cancel_meeting,
    decline_meeting,
    meetings_by_slot,
    own_meeting_in_slot,
    record_outcome,
)
from eventhub.meetings.models import Meeting
from eventhub.meetings.slots import set_slot_available, slot_status, slots_of_event
from tests.meetings.helpers import refused


def meeting_count(status: str = "confirmed") -> int:
    return db.session.scalar(select(func.count()).where(Meeting.status == status))


@pytest.fixture
def investor(make_investor):
    return make_investor(fund="Atlas Ventures")


@pytest.fixture
def slots(demo_day, investor, open_for):
    """Three 20-minute slots of Atlas Ventures, 10:00–11:00 on the first day."""
    return open_for(demo_day, investor, table="Table 1")


def test_a_startup_books_an_open_slot(demo_day, slots, make_startup):
    startup = make_startup()
    meeting = book_slot(demo_day, slots[0], startup.startup, by_user=startup, note="  Seed round ")
    db.session.commit()
    assert meeting.status == "confirmed"
    assert meeting.note == "Seed round"
    assert meeting.table_name == "Table 1"
    assert (meeting.starts_at, meeting.ends_at) == (slots[0].starts_at, slots[0].ends_at)
    statuses = [slot_status(slot, booked) for slot, booked in slots_of_event(demo_day)]
    assert statuses == ["booked", "open", "open"]
    assert [s.id for s, _b in slots_of_event(demo_day, free_only=True)] == [
        slots[1].id,
        slots[2].id,
    ]


def test_slot_taken(demo_day, slots, make_startup):
    book_slot(demo_day, slots[0], make_startup().startup)
    db.session.commit()
    refused("slot_taken", book_slot, demo_day, slots[0], make_startup().startup)
    assert meeting_count() == 1


def test_startup_busy_across_investors_even_off_the_grid(
    demo_day, slots, make_investor, make_startup, open_for
):
    other = make_investor(fund="Sahara Capital")
    # 10:10–10:30 overlaps the 10:00–10:20 and 10:20–10:40 slots of Atlas Ventures.
    (offset,) = open_for(demo_day, other, start="10:10", end="10:30")
    startup = make_startup().startup
    book_slot(demo_day, slots[0], startup)
    db.session.commit()
    refused("startup_busy", book_slot, demo_day, offset, startup)
    assert meeting_count() == 1


def test_one_meeting_per_pair_per_event(demo_day, slots, make_startup):
    startup = make_startup().startup
    book_slot(demo_day, slots[0], startup)
    db.session.commit()
    refused("pair_exists", book_slot, demo_day, slots[2], startup)


def test_limit_per_startup_set_by_the_organiser(
    demo_day, slots, make_investor, make_startup, open_for, configure
):
    configure(demo_day, max_meetings_per_startup=1)
    second_investor_slots = open_for(demo_day, make_investor(), day=1)
    startup = make_startup().startup
    book_slot(demo_day, slots[0], startup)
    db.session.commit()
    error = refused("limit_reached", book_slot, demo_day, second_investor_slots[0], startup)
    assert "1" in str(error.message)


def test_booking_and_cancelling_close_at_the_cut_off(demo_day, slots, make_startup, configure):
    configure(demo_day, cutoff_hours=2)
    startup = make_startup()
    late = slots[0].starts_at - timedelta(hours=1)
    refused("cutoff_passed", book_slot, demo_day, slots[0], startup.startup, now=late)

    meeting = book_slot(demo_day, slots[0], startup.startup, by_user=startup)
    db.session.commit()
    refused("cutoff_passed", cancel_meeting, meeting, startup, now=late)
    assert meeting_count() == 1


def test_cancelling_reopens_the_slot_for_another_startup(demo_day, slots, make_startup, investor):
    first, second = make_startup(), make_startup()
    meeting = book_slot(demo_day, slots[0], first.startup, by_user=first)
    db.session.commit()
    cancel_meeting(meeting, investor)  # either side may cancel
    db.session.commit()
    assert meeting.status == "cancelled"
    assert meeting.cancelled_by == "investor"
    again = book_slot(demo_day, slots[0], second.startup)
    db.session.commit()
    assert again.status == "confirmed"
    assert meeting_count("cancelled") == 1


def test_only_the_parties_cancel(demo_day, slots, make_startup, make_user):
    meeting = book_slot(demo_day, slots[0], make_startup().startup)
    db.session.commit()
    refused("not_party", cancel_meeting, meeting, make_startup())
    refused("not_party", cancel_meeting, meeting, make_user("staff"))
    late = meeting.starts_at - timedelta(minutes=5)
    cancel_meeting(meeting, make_user("admin"), now=late)  # the organiser, at any time
    assert meeting.cancelled_by == "organiser"


def test_the_investor_declines_with_a_reason(demo_day, slots, make_startup, investor):
    startup = make_startup()
    meeting = book_slot(demo_day, slots[0], startup.startup, by_user=startup)
    db.session.commit()
    refused("reason_required", decline_meeting, meeting, investor, "  ")
    refused("not_party", decline_meeting, meeting, startup, "no")
    decline_meeting(meeting, investor, "Outside our thesis.")
    db.session.commit()
    assert (meeting.status, meeting.decline_reason) == ("declined", "Outside our thesis.")
    # The slot is open again, but this startup cannot come back to the same investor.
    refused("pair_declined", book_slot, demo_day, slots[1], startup.startup)
    assert book_slot(demo_day, slots[0], make_startup().startup).status == "confirmed"


def test_who_may_book(demo_day, slots, investor, make_startup):
    refused("not_startup", book_slot, demo_day, slots[0], None)
    refused("slot_not_found", book_slot, demo_day, None, make_startup().startup)
    startup = make_startup()
    investor.startup_id = startup.startup.id  # the investor is one of the startup's team
    db.session.commit()
    refused("own_slot", book_slot, demo_day, slots[0], startup.startup)
    assert meeting_count() == 0


def test_closed_booking_and_unavailable_slots(demo_day, slots, make_startup, configure):
    startup = make_startup().startup
    set_slot_available(slots[1], False)
    db.session.commit()
    refused("slot_closed", book_slot, demo_day, slots[1], startup)
    configure(demo_day, booking_open=False)
    refused("booking_closed", book_slot, demo_day, slots[0], startup)
    refused("note_too_long", book_slot, demo_day, slots[0], startup, note="x" * 301)
    assert meeting_count() == 0


def test_a_slot_of_another_event_is_not_found(demo_day, slots, make_event, make_startup):
    other = make_event(slug="other-day")
    refused("slot_not_found", book_slot, other, slots[0], make_startup().startup)


def test_outcome_after_the_meeting_with_a_private_note(demo_day, slots, make_startup, investor):
    startup = make_startup()
    meeting = book_slot(demo_day, slots[0], startup.startup)
    db.session.commit()
    refused("not_started", record_outcome, meeting, investor, "held")
    during = meeting.starts_at + timedelta(minutes=5)
    refused("not_party", record_outcome, meeting, startup, "held", now=during)
    refused("bad_outcome", record_outcome, meeting, investor, "great", now=during)
    record_outcome(meeting, investor, "no_show", " Never came. ", now=during)
    db.session.commit()
    assert (meeting.outcome, meeting.investor_note) == ("no_show", "Never came.")


def test_the_meeting_in_a_slot_for_its_parties(demo_day, slots, make_startup, investor, make_user):
    startup = make_startup()
    meeting = book_slot(demo_day, slots[0], startup.startup)
    db.session.commit()
    for party in (startup, investor, make_user("admin")):
        assert own_meeting_in_slot(slots[0], party) == meeting
    refused("meeting_not_found", own_meeting_in_slot, slots[0], make_startup())
    refused("meeting_not_found", own_meeting_in_slot, slots[1], startup)
    refused("slot_not_found", own_meeting_in_slot, None, startup)
    assert meetings_by_slot(demo_day, investor.investor) == {slots[0].id: meeting}
    cancel_meeting(meeting, startup)
    db.session.commit()
    assert meetings_by_slot(demo_day, investor.investor) == {}


def test_every_booking_refusal_is_a_conflict_in_the_api():
    assert {api_status(code) for code in BOOKING_REFUSALS} == {409}
