"""Demo deal flow: on the demo day, the investors with first-come bookings mark most of
their meetings held and record them (interest, next step, a private note), and some
startups answer the step addressed to them.

The demo day lies ahead when the demo is seeded, so this tells its story as if the day
were over: meetings are marked held and recorded at a fixed "now" an hour after the
day's last meeting. The demo investor keeps one held meeting to record, and the demo
startup's step from the demo investor waits for its answer.

Deterministic (its own seeded generator, rows in id order) and idempotent: it runs only
while the demo day has no deal-flow record.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select

from eventhub.deals.dealflow.models import STARTUP_STEPS, DealRecord
from eventhub.deals.dealflow.records import AnswerInput, DealInput, answer_step, record_deal
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.booking import record_outcome
from eventhub.meetings.models import Meeting
from eventhub.profiles.models import Startup

SEED = 20_271_219
DEMO_INVESTOR = "investor@eventhub.test"
DEMO_STARTUP = "startup@eventhub.test"
STEPS = (
    ("send_deck", "high"),
    ("send_deck", "low"),
    ("second_meeting", "high"),
    ("due_diligence", "high"),
    ("term_sheet", "high"),
    ("pass", "none"),
    ("pass", "low"),
)
NOTES = (
    "Strong founding team; traction in Casablanca and Rabat. Ask for the cohort data.",
    "Market is real, pricing unclear. Check unit economics before a second call.",
    "Too early for us; revisit after the pilot with the cooperative.",
    "Good fit with our agritech thesis. Co-invest with a local angel network?",
    "Revenue 30 k€/month, growing 8% a month. Cap table clean.",
    "",
)
REPLIES = {
    "send_deck": ("Here is our latest deck.", "https://example.com/decks/{slug}.pdf"),
    "second_meeting": ("We can meet on Tuesday or Thursday afternoon.", ""),
    "due_diligence": ("Our data room is open.", "https://example.com/data-rooms/{slug}"),
    "term_sheet": ("Our CFO and lawyer will review it.", ""),
}


def seed_deal_flow(report: Any, *, demo_day: Event, **_: Any) -> None:
    """Record deal flow on the demo day's booked meetings, if none is. Flushes."""
    if db.session.scalar(
        select(func.count()).select_from(DealRecord).where(DealRecord.event_id == demo_day.id)
    ):
        return
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.event_id == demo_day.id,
                Meeting.status == "confirmed",
                Meeting.source == "booking",
                # a no-show recorded by the table check-in's demo stays one
                or_(Meeting.outcome.is_(None), Meeting.outcome != "no_show"),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
    if not meetings:
        return
    rng = random.Random(SEED)  # noqa: S311 (demo data, not security)
    after = max(meeting.ends_at for meeting in meetings) + timedelta(hours=1)
    left_to_record = False
    for meeting in meetings:
        investor_user = meeting.investor.user
        demo_pair = investor_user.email == DEMO_INVESTOR and _is_demo_startup(meeting.startup)
        if rng.random() < 0.2 and not demo_pair:
            continue  # not marked yet
        if meeting.outcome is None:
            record_outcome(meeting, investor_user, "held", now=meeting.ends_at)
            report.add("meetings held")
        if investor_user.email == DEMO_INVESTOR and not demo_pair and not left_to_record:
            left_to_record = True  # the demo investor has one to record
            continue
        step, interest = ("send_deck", "high") if demo_pair else rng.choice(STEPS)
        recorded = record_deal(
            meeting, investor_user, DealInput(interest, step, rng.choice(NOTES)), now=after
        )
        report.add("deal-flow records")
        if demo_pair or step not in STARTUP_STEPS or rng.random() < 0.4:
            continue  # the step waits for the startup's answer
        reply, link = REPLIES[step]
        member = meeting.startup.owner or meeting.startup.members[0]
        slug = "".join(c for c in meeting.startup.name.lower() if c.isalnum())
        answer_step(
            recorded.new_step.id,
            member,
            AnswerInput(reply, link.format(slug=slug), done=bool(link)),
            now=after + timedelta(hours=rng.randrange(1, 48)),
        )
        report.add("next steps answered")
    db.session.flush()


def _is_demo_startup(startup: Startup) -> bool:
    return any(member.email == DEMO_STARTUP for member in startup.members)
