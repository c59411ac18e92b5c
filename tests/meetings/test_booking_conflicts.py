"""Booking that sees conflicts: each slot's availability to a startup, with the reason, by
the booking's own rules (and in agreement with what `book_slot` then answers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eventhub.extensions import db
from eventhub.meetings.booking import (
    REASON_LABELS,
    REASON_OF_CODE,
    Availability,
    BookedFacts,
    BookingRules,
    SlotFacts,
    availability_of,
    book_slot,
    decline_meeting,
    slot_availability,
)
from eventhub.meetings.slots import MeetingError, set_slot_available, slots_of_event

NOON = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)


def facts(slot_id: int, investor_id: int, hour: int, **values) -> SlotFacts:
    start = NOON.replace(hour=hour)
    return SlotFacts(slot_id, investor_id, start, start + timedelta(minutes=30), **values)


def booked(slot: SlotFacts, startup_id: int, status: str = "confirmed") -> BookedFacts:
    return BookedFacts(slot.id, startup_id, slot.investor_id, status, slot.starts_at, slot.ends_at)


EARLY = NOON - timedelta(days=3)


# The pure function ------------------------------------------------------------------------


def test_every_reason_from_plain_facts(app):
    mine = facts(1, 10, 9)
    same_time = facts(2, 20, 9)
    same_investor = facts(3, 10, 11)
    taken = facts(4, 30, 14)
    free = facts(5, 40, 15)
    rows = [booked(mine, startup_id=7), booked(taken, startup_id=8)]
    seen = availability_of(
        [mine, same_time, same_investor, taken, free], rows, 7, BookingRules(), EARLY
    )
    assert {slot_id: a.code for slot_id, a in seen.items()} == {
        1: "slot_taken",  # its own meeting holds the slot
        2: "startup_busy",
        3: "pair_exists",
        4: "slot_taken",
        5: None,
    }
    assert seen[2].reason == "busy" and seen[3].reason == "same_investor"
    assert seen[5].bookable and seen[5].reason is None


def test_limit_past_cutoff_closed_own_and_booking_closed(app):
    slots = [facts(1, 10, 9), facts(2, 20, 11)]
    rows = [booked(slots[0], 7)]
    assert availability_of(slots, rows, 7, BookingRules(limit=1), EARLY)[2].code == (
        "limit_reached"
    )
    assert availability_of(slots, rows, 7, BookingRules(limit=2), EARLY)[2].bookable
    late = NOON.replace(hour=10)
    assert availability_of([slots[1]], [], 7, BookingRules(cutoff_hours=2), late)[2].code == (
        "cutoff_passed"
    )
    after = NOON.replace(hour=12)
    assert availability_of([slots[1]], [], 7, BookingRules(), after)[2].reason == "past"
    unoffered = facts(3, 20, 11, open=False)
    assert availability_of([unoffered], [], 7, BookingRules(), EARLY)[3].code == "slot_closed"
    own = facts(4, 20, 11, own=True)
    assert availability_of([own], [], 7, BookingRules(), EARLY)[4].code == "own_slot"
    closed = BookingRules(booking_open=False)
    assert availability_of([slots[1]], [], 7, closed, EARLY)[2].code == "booking_closed"


def test_a_declined_pair_is_the_same_investor(app):
    slot, other = facts(1, 10, 9), facts(2, 10, 11)
    seen = availability_of([other], [booked(slot, 7, "declined")], 7, BookingRules(), EARLY)
    assert seen[2].code == "pair_declined" and seen[2].reason == "same_investor"


def test_every_reason_has_a_label():
    assert set(REASON_OF_CODE.values()) <= set(REASON_LABELS)
    assert Availability().bookable


# Against the database, and against the booking itself ------------------------------------


def booking_answer(event, slot, startup_user, now=None) -> str | None:
    """What book_slot says (its refusal's code, or None when it books); rolled back."""
    try:
        book_slot(event, slot, startup_user.startup, by_user=startup_user, now=now)
    except MeetingError as error:
        db.session.rollback()
        return error.code
    db.session.rollback()
    return None


@pytest.fixture
def board(demo_day, make_investor, make_startup, open_for, configure):
    """Atlas (3 slots 10:00–11:00), Sahara (3 slots 10:00–11:00) and Oasis (3 slots
    14:00–15:00); the startup holds Atlas 10:00; another startup holds Sahara 10:20; Oasis
    declined the startup once; Sahara's 10:40 is marked unavailable."""
    configure(demo_day, max_meetings_per_startup=3)
    atlas, sahara, oasis = (make_investor(fund=f) for f in ("Atlas", "Sahara", "Oasis"))
    open_for(demo_day, atlas)
    open_for(demo_day, sahara)
    open_for(demo_day, oasis, start="14:00", end="15:00")
    startup, other = make_startup(), make_startup()
    slots = {
        (slot.investor.fund, slot.starts_at): slot for slot, _booked in slots_of_event(demo_day)
    }
    by_fund = {}
    for (fund, _start), slot in sorted(slots.items(), key=lambda item: item[0][1]):
        by_fund.setdefault(fund, []).append(slot)
    book_slot(demo_day, by_fund["Atlas"][0], startup.startup)
    book_slot(demo_day, by_fund["Sahara"][1], other.startup)
    declined = book_slot(demo_day, by_fund["Oasis"][0], startup.startup)
    db.session.commit()
    decline_meeting(declined, oasis, "Not our sector.")
    set_slot_available(by_fund["Sahara"][2], False)
    db.session.commit()
    return demo_day, startup, by_fund


def test_each_slot_says_why_and_agrees_with_the_booking(board):
    event, startup, by_fund = board
    every = [slot for slots in by_fund.values() for slot in slots]
    seen = slot_availability(event, startup.startup, every, by_user=startup)
    codes = {(slot.investor.fund, i): seen[slot.id].code for slot, i in _numbered(by_fund)}
    assert codes == {
        ("Atlas", 0): "slot_taken",
        ("Atlas", 1): "pair_exists",
        ("Atlas", 2): "pair_exists",
        ("Sahara", 0): "startup_busy",
        ("Sahara", 1): "slot_taken",
        ("Sahara", 2): "slot_closed",
        ("Oasis", 0): "pair_declined",
        ("Oasis", 1): "pair_declined",
        ("Oasis", 2): "pair_declined",
    }
    for slot in every:
        assert booking_answer(event, slot, startup) == seen[slot.id].code, slot.id


def test_limit_and_time_agree_with_the_booking(board, configure, make_startup):
    event, startup, by_fund = board
    configure(event, max_meetings_per_startup=1)
    slot = by_fund["Sahara"][0]
    fresh = make_startup()
    assert slot_availability(event, fresh.startup, [slot])[slot.id].bookable
    assert booking_answer(event, slot, fresh) is None
    late = slot.starts_at - timedelta(hours=1)
    seen = slot_availability(event, fresh.startup, [slot], now=late)[slot.id]
    assert seen.code == "cutoff_passed" == booking_answer(event, slot, fresh, now=late)
    later = slot.starts_at + timedelta(minutes=5)
    seen = slot_availability(event, fresh.startup, [slot], now=later)[slot.id]
    assert seen.code == "slot_in_past" == booking_answer(event, slot, fresh, now=later)
    other_slot = by_fund["Atlas"][1]
    seen = slot_availability(event, startup.startup, [other_slot])[other_slot.id]
    assert seen.code == "pair_exists"
    # the limit: the startup holds one meeting; with a limit of one, any free slot says so
    free = by_fund["Oasis"][1]
    configure(event, max_meetings_per_startup=1)
    busy_startup = make_startup()
    book_slot(event, by_fund["Atlas"][1], busy_startup.startup)
    db.session.commit()
    seen = slot_availability(event, busy_startup.startup, [free])[free.id]
    assert seen.code == "limit_reached" == booking_answer(event, free, busy_startup)
    configure(event, booking_open=False)
    seen = slot_availability(event, fresh.startup, [free])[free.id]
    assert seen.code == "booking_closed" == booking_answer(event, free, fresh)


def _numbered(by_fund):
    for slots in by_fund.values():
        for number, slot in enumerate(slots):
            yield slot, number


# Pages -------------------------------------------------------------------------------------


def test_the_investor_page_shows_blocked_slots_with_the_reason(board, client, auth, in_english):
    event, startup, by_fund = board
    auth.login(startup)
    sahara = by_fund["Sahara"][0].investor
    page = client.get(f"/events/{event.slug}/investors/{sahara.id}").get_data(as_text=True)
    assert "You already have a meeting at that time." in page
    assert "You are busy then" in page
    assert f"/slots/{by_fund['Sahara'][0].id}/book" not in page
    atlas = by_fund["Atlas"][0].investor
    page = client.get(f"/events/{event.slug}/investors/{atlas.id}").get_data(as_text=True)
    assert "You already have a meeting with this investor at this event." in page
    assert "/book" not in page


def test_the_booking_page_says_why_before_any_click(board, client, auth, in_english):
    event, startup, by_fund = board
    auth.login(startup)
    slot = by_fund["Sahara"][0]
    response = client.get(f"/events/{event.slug}/slots/{slot.id}/book")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You already have a meeting at that time." in page
    assert "Book this slot" not in page
    # and the booking itself still refuses (a form posted anyway, or in a race)
    response = client.post(f"/events/{event.slug}/slots/{slot.id}/book", data={"note": ""})
    assert response.status_code == 409
