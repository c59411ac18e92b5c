"""Opening slots: bulk generation with breaks, the event's time zone, and every refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.meetings.booking import book_slot
from eventhub.meetings.models import MeetingSlot
from eventhub.meetings.slots import (
    MeetingError,
    SlotPlan,
    add_table,
    delete_table,
    editable_slot,
    find_table,
    local_periods,
    offered_slots,
    open_slots,
    parse_breaks,
    set_slot_available,
    slots_of_event,
    tables_of,
    update_slot,
)


def slot_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MeetingSlot))


def test_local_periods_skip_breaks_and_keep_pauses():
    plan = SlotPlan(
        days=[date(2031, 6, 12)],
        start=time(9),
        end=time(12),
        length_minutes=30,
        gap_minutes=0,
        breaks=parse_breaks("10:30-11:00"),
    )
    starts = [start.strftime("%H:%M") for start, _end in local_periods(plan)]
    assert starts == ["09:00", "09:30", "10:00", "11:00", "11:30"]

    plan.gap_minutes, plan.breaks = 10, []
    periods = local_periods(plan)
    assert [s.strftime("%H:%M") for s, _e in periods] == ["09:00", "09:40", "10:20", "11:00"]
    assert all(end - start == timedelta(minutes=30) for start, end in periods)


def test_breaks_are_parsed_and_bad_ones_refused():
    assert parse_breaks("12:30-14:00, 16:00–16:15") == [
        (time(12, 30), time(14)),
        (time(16), time(16, 15)),
    ]
    assert parse_breaks("") == []
    for bad in ("noon", "12:30-12:00", "25:00-26:00"):
        with pytest.raises(MeetingError) as caught:
            parse_breaks(bad)
        assert caught.value.code == "bad_breaks"
        assert caught.value.field == "breaks"


@pytest.mark.parametrize(
    ("start", "end", "length", "code"),
    [
        ("12:00", "10:00", 20, "bad_times"),
        ("10:00", "10:10", 20, "no_slots"),
        ("10:00", "11:00", 2, "bad_length"),
    ],
)
def test_impossible_plans_are_refused(start, end, length, code):
    plan = SlotPlan(
        days=[date(2031, 6, 12)],
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
        length_minutes=length,
    )
    with pytest.raises(MeetingError) as caught:
        local_periods(plan)
    assert caught.value.code == code


def test_slots_are_typed_in_the_event_zone_and_stored_in_utc(make_event, make_investor):
    event = make_event(
        timezone="Asia/Dubai", first_day=date(2031, 6, 12), last_day=date(2031, 6, 13)
    )
    investor = make_investor()
    plan = SlotPlan(
        days=[date(2031, 6, 13)],
        start=time(9),
        end=time(12),
        length_minutes=30,
        breaks=[(time(10, 30), time(11))],
    )
    slots = open_slots(event, investor.investor, plan)
    db.session.commit()
    stored = [slot.starts_at for slot, _booked in slots_of_event(event)]
    assert stored == [
        datetime(2031, 6, 13, hour, minute, tzinfo=UTC)
        for hour, minute in ((5, 0), (5, 30), (6, 0), (7, 0), (7, 30))
    ]
    assert all(slot.ends_at - slot.starts_at == timedelta(minutes=30) for slot in slots)
    assert stored[0].astimezone(event.tz).strftime("%H:%M") == "09:00"


def test_casablanca_summer_and_winter_offsets_come_from_the_zone(make_event, make_investor):
    """Morocco's offset changes around Ramadan: the conversion follows the tz database."""
    event = make_event(first_day=date(2031, 1, 15), last_day=date(2031, 1, 15))
    investor = make_investor()
    plan = SlotPlan(days=[event.first_day], start=time(14), end=time(14, 20), length_minutes=20)
    (slot,) = open_slots(event, investor.investor, plan)
    expected = datetime(2031, 1, 15, 14, tzinfo=ZoneInfo("Africa/Casablanca")).astimezone(UTC)
    assert slot.starts_at == expected


def test_overlapping_slots_of_one_investor_are_refused_and_nothing_saved(
    demo_day, make_investor, open_for
):
    investor = make_investor()
    open_for(demo_day, investor, start="10:00", end="11:00")
    assert slot_count() == 3
    plan = SlotPlan(days=[demo_day.days[0]], start=time(10, 50), end=time(12), length_minutes=20)
    with pytest.raises(MeetingError) as caught:
        open_slots(demo_day, investor.investor, plan)
    db.session.rollback()
    assert caught.value.code == "slot_overlap"
    assert slot_count() == 3


def test_slots_in_the_past_or_outside_the_event_are_refused(demo_day, make_investor):
    investor = make_investor()
    outside = SlotPlan(
        days=[demo_day.last_day + timedelta(days=1)],
        start=time(10),
        end=time(11),
        length_minutes=20,
    )
    with pytest.raises(MeetingError) as caught:
        open_slots(demo_day, investor.investor, outside)
    assert caught.value.code == "outside_event"

    plan = SlotPlan(days=[demo_day.first_day], start=time(10), end=time(11), length_minutes=20)
    later = datetime.combine(demo_day.last_day, time(23), tzinfo=UTC)
    with pytest.raises(MeetingError) as caught:
        open_slots(demo_day, investor.investor, plan, now=later)
    assert caught.value.code == "slot_in_past"
    db.session.rollback()
    assert slot_count() == 0


def test_a_table_holds_one_slot_at_a_time(demo_day, make_investor, open_for):
    first, second = make_investor(), make_investor()
    open_for(demo_day, first, table="Table 1")
    table = db.session.scalar(select(MeetingSlot)).table
    plan = SlotPlan(
        days=[demo_day.first_day],
        start=time(10),
        end=time(10, 20),
        length_minutes=20,
        table_id=table.id,
    )
    with pytest.raises(MeetingError) as caught:
        open_slots(demo_day, second.investor, plan)
    assert caught.value.code == "table_busy"
    assert caught.value.field == "table_id"
    db.session.rollback()
    other = add_table(demo_day, "Table 2")
    plan.table_id = other.id
    assert len(open_slots(demo_day, second.investor, plan)) == 1


def test_table_names_are_unique_per_event(demo_day):
    add_table(demo_day, "Room Atlas")
    with pytest.raises(MeetingError) as caught:
        add_table(demo_day, "room atlas")
    assert caught.value.code == "table_exists"


def test_a_slot_is_moved_in_local_time_unless_it_holds_a_meeting(
    demo_day, make_investor, make_startup, open_for
):
    investor = make_investor()
    first, second, third = open_for(demo_day, investor)
    day = demo_day.days[1]
    update_slot(first, datetime.combine(day, time(15)), datetime.combine(day, time(15, 30)), None)
    db.session.commit()
    assert first.starts_at.astimezone(demo_day.tz).strftime("%d %H:%M") == f"{day.day:02d} 15:00"
    with pytest.raises(MeetingError) as caught:
        update_slot(
            second, datetime.combine(day, time(15, 10)), datetime.combine(day, time(15, 40)), None
        )
    assert caught.value.code == "slot_overlap"
    db.session.rollback()

    book_slot(demo_day, third, make_startup().startup)
    db.session.commit()
    with pytest.raises(MeetingError) as caught:
        update_slot(third, datetime.combine(day, time(9)), datetime.combine(day, time(9, 20)), None)
    assert caught.value.code == "slot_booked"
    db.session.rollback()
    with pytest.raises(MeetingError) as caught:
        set_slot_available(third, False)
    assert caught.value.code == "slot_booked"


def test_who_may_change_a_slot(demo_day, make_investor, make_user, open_for):
    owner, other = make_investor(), make_investor()
    (slot, *_rest) = open_for(demo_day, owner)
    assert editable_slot(demo_day, slot.id, owner) == slot
    assert editable_slot(demo_day, slot.id, make_user("admin")) == slot
    for stranger in (other, make_user("startup"), make_user("staff")):
        assert editable_slot(demo_day, slot.id, stranger) is None
    assert editable_slot(demo_day, 999_999, owner) is None


def test_offered_slots_leave_out_the_unavailable_ones(
    demo_day, make_investor, make_startup, open_for
):
    investor = make_investor()
    first, second, third = open_for(demo_day, investor)
    set_slot_available(second, False)
    book_slot(demo_day, third, make_startup().startup)
    db.session.commit()
    assert offered_slots(demo_day, investor.investor) == [(first, "open"), (third, "booked")]


def test_a_deleted_table_leaves_its_slots_without_one(
    demo_day, make_investor, make_event, open_for
):
    (slot, *_rest) = open_for(demo_day, make_investor(), table="Table 9")
    table = find_table(demo_day, slot.table_id)
    assert table is not None and table.name == "Table 9"
    assert find_table(make_event(slug="elsewhere"), table.id) is None
    assert find_table(demo_day, 999_999) is None
    delete_table(table)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(MeetingSlot, slot.id).table_id is None
    assert tables_of(demo_day) == []
