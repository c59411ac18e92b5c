"""When each party cannot meet: a startup marks periods of the grid, an investor its slots."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.meetings.availability import availability_of, grid_periods, save_availability
from eventhub.meetings.booking import book_slot
from eventhub.meetings.models import StartupUnavailability
from tests.meetings.helpers import grid_slot, refused


def test_a_startup_marks_periods_of_the_grid(demo_day, room):
    _investors, (s1, s2, _s3) = room
    periods = grid_periods(demo_day)
    choices = availability_of(demo_day, s1.startup)
    assert choices.periods == [(start.isoformat(), (start, end)) for start, end in periods]
    assert choices.unavailable == set()
    second = periods[1][0].isoformat()
    assert save_availability(demo_day, s1.startup, {second}) == 1
    db.session.commit()
    assert availability_of(demo_day, s1.startup).unavailable == {second}
    assert availability_of(demo_day, s2.startup).unavailable == set()
    assert save_availability(demo_day, s1.startup, set()) == 0
    db.session.commit()
    assert availability_of(demo_day, s1.startup).unavailable == set()


def test_a_startup_cannot_mark_what_is_not_a_period(demo_day, room):
    _investors, (s1, _s2, _s3) = room
    start = grid_periods(demo_day)[0][0]
    for key in ("tomorrow", "", (start + timedelta(minutes=5)).isoformat()):
        refused("unknown_period", save_availability, demo_day, s1.startup, {key})
    assert db.session.scalar(select(func.count()).select_from(StartupUnavailability)) == 0


def test_an_investor_marks_its_own_slots(demo_day, room, make_startup):
    (atlas, sahara), _startups = room
    first, second, third = (grid_slot(demo_day, atlas, t) for t in range(3))
    choices = availability_of(demo_day, atlas.investor)
    assert [key for key, _period in choices.periods] == [str(s.id) for s in (first, second, third)]
    assert choices.periods[0][1] == (first.starts_at, first.ends_at)
    assert save_availability(demo_day, atlas.investor, {str(second.id)}) == 1
    db.session.commit()
    assert availability_of(demo_day, atlas.investor).unavailable == {str(second.id)}
    assert second.status == "unavailable"
    # Not its slot, not a slot id, or a slot that holds a meeting: refused, nothing changed.
    theirs = str(grid_slot(demo_day, sahara, 0).id)
    refused("slot_not_found", save_availability, demo_day, atlas.investor, {theirs})
    refused("slot_not_found", save_availability, demo_day, atlas.investor, {"first"})
    book_slot(demo_day, third, make_startup().startup)
    db.session.commit()
    refused("slot_booked", save_availability, demo_day, atlas.investor, {str(third.id)})
    assert availability_of(demo_day, atlas.investor).unavailable == {str(second.id)}
