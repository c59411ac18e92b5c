"""Demo meetings: the demo day's investors with slots, first-come bookings, and a request
round whose accepted requests the scheduler has placed.

Twenty investors open seven 20-minute slots each in the afternoon, each at a table of its
own. The first ten take first-come bookings (about forty, the demo startup's among them,
with the demo investor); the other ten receive requests from thirty startups, accept most
of them, and the scheduler places the accepted ones. A few requests to the demo investor
stay pending, for it to answer.

Deterministic (its own seeded generator, rows in id order, a fixed "now" three weeks
before the demo day) and idempotent: each part runs only while the demo day has none of
what it creates.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.booking import book_slot
from eventhub.meetings.models import (
    Meeting,
    MeetingRequest,
    MeetingSettings,
    MeetingSlot,
    MeetingTable,
    StartupUnavailability,
)
from eventhub.meetings.requests import answer_request, send_request
from eventhub.meetings.schedule_plan import commit_schedule
from eventhub.meetings.slots import MeetingError, SlotPlan, open_slots, slots_of_event
from eventhub.profiles.models import Investor, Startup

SEED = 20_270_612
INVESTORS_WITH_SLOTS = 20
BOOKING_INVESTORS = 10
BOOKING_STARTUPS = 30
REQUESTING_STARTUPS = 30
DECLINE_REASONS = (
    "Outside our investment thesis for now.",
    "Too early for our fund; let us talk after your pilot.",
    "We already back a company in this market.",
)


def seed_meetings(report: Any, *, expo: Event, demo_day: Event, rng: random.Random) -> None:
    """Add the demo day's meetings where they are missing. Flushes; the caller commits."""
    del expo, rng  # the expo has no meetings; this seeder keeps its own generator
    own = random.Random(SEED)  # noqa: S311 (demo data, not security)
    now = datetime.combine(demo_day.first_day - timedelta(days=21), time(9), tzinfo=UTC)
    investors = list(
        db.session.scalars(select(Investor).order_by(Investor.id).limit(INVESTORS_WITH_SLOTS))
    )
    startups = list(db.session.scalars(select(Startup).order_by(Startup.id)))
    if len(investors) < INVESTORS_WITH_SLOTS or len(startups) < 70:
        return
    _settings(demo_day)
    _slots(report, demo_day, investors, now)
    _bookings(report, demo_day, investors[:BOOKING_INVESTORS], startups, own, now)
    _request_round(report, demo_day, investors, startups, own, now)
    db.session.flush()


def _settings(event: Event) -> None:
    if db.session.get(MeetingSettings, event.id) is None:
        db.session.add(
            MeetingSettings(
                event_id=event.id,
                booking_open=True,
                requests_open=True,
                max_meetings_per_startup=6,
                max_requests_per_startup=5,
                cutoff_hours=2,
                max_concurrent_meetings=INVESTORS_WITH_SLOTS,
            )
        )
        db.session.flush()


def _count(model: Any, event: Event, *conditions: Any) -> int:
    query = select(func.count()).select_from(model).where(model.event_id == event.id)
    return db.session.scalar(query.where(*conditions)) or 0


def _slots(report: Any, event: Event, investors: list[Investor], now: datetime) -> None:
    if _count(MeetingSlot, event):
        return
    for number, investor in enumerate(investors, start=1):
        table = MeetingTable(event_id=event.id, name=f"Table {number}", position=number)
        db.session.add(table)
        db.session.flush()
        plan = SlotPlan(
            days=[event.first_day],
            start=time(14),
            end=time(17, 30),
            length_minutes=20,
            gap_minutes=5,
            breaks=[(time(15, 40), time(16))],
            table_id=table.id,
        )
        report.add("meeting slots", len(open_slots(event, investor, plan, now=now)))


def _bookings(
    report: Any,
    event: Event,
    investors: list[Investor],
    startups: list[Startup],
    rng: random.Random,
    now: datetime,
) -> None:
    if _count(Meeting, event):
        return
    free = {
        investor.id: [slot for slot, _booked in slots_of_event(event, investor=investor)]
        for investor in investors
    }
    # The demo startup meets the demo investor at 14:00 and one more investor later.
    wishes = [(startups[0], investors[0], 0), (startups[0], investors[3], 4)]
    for startup in startups[1:BOOKING_STARTUPS]:
        for investor in rng.sample(investors, rng.choice((1, 1, 2))):
            wishes.append((startup, investor, rng.randrange(7)))
    for startup, investor, wanted in wishes:
        slots = free[investor.id]
        for slot in slots[wanted:] + slots[:wanted]:
            try:
                with db.session.begin_nested():
                    book_slot(event, slot, startup, note=_note(startup), now=now)
            except MeetingError:
                continue
            slots.remove(slot)
            report.add("meetings booked")
            break


def _note(startup: Startup) -> str:
    return f"{startup.name}: {startup.stage.replace('_', ' ')} round, {startup.city_site}."[:300]


def _request_round(
    report: Any,
    event: Event,
    investors: list[Investor],
    startups: list[Startup],
    rng: random.Random,
    now: datetime,
) -> None:
    if _count(MeetingRequest, event) == 0:
        receiving = investors[BOOKING_INVESTORS:]
        asking = [startups[0], *startups[BOOKING_STARTUPS : BOOKING_STARTUPS + REQUESTING_STARTUPS]]
        for startup in asking:
            for investor in rng.sample(receiving, 2):
                request = send_request(event, startup, investor, _pitch(startup), now=now)
                report.add("meeting requests")
                if startup is not startups[0] and rng.random() < 0.12:
                    answer_request(request, investor.user, False, rng.choice(DECLINE_REASONS))
                else:
                    answer_request(request, investor.user, True)
        # Some startups pitch on stage at 14:00 and cannot meet then.
        first = min(slot.starts_at for slot, _b in slots_of_event(event))
        for startup in asking[1::6]:
            db.session.add(
                StartupUnavailability(
                    event_id=event.id,
                    startup_id=startup.id,
                    starts_at=first,
                    ends_at=first + timedelta(minutes=20),
                )
            )
        # Requests the demo investor still has to answer.
        for startup in startups[70:73]:
            send_request(event, startup, investors[0], _pitch(startup), now=now)
            report.add("meeting requests")
        db.session.flush()
    if _count(Meeting, event, Meeting.source == "scheduler") == 0:
        organiser = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
        plan = commit_schedule(event, organiser, now=now, via="demo")
        report.add("meetings scheduled", len(plan.placed))


def _pitch(startup: Startup) -> str:
    first_sentence = startup.pitch.split(". ")[0].strip()
    return (first_sentence or startup.name)[:200]
