"""Demo matchmaking on the demo day: round sizes, marks (some mutual "must meet" pairs),
investors' requests to startups (the demo startup has two to answer), and a second
scheduler run that places the newly accepted ones, mutual pairs first.

Deterministic (its own seeded generator, rows in id order) and idempotent: it runs only
while the demo day has no mark. Runs after the meeting seeder (it needs the slots).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.deals.matchmaking.marks import set_mark
from eventhub.deals.matchmaking.models import MatchMark
from eventhub.deals.matchmaking.outreach import send_investor_request
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.directory import event_investors
from eventhub.meetings.models import MeetingRequest
from eventhub.meetings.requests import answer_request
from eventhub.meetings.schedule_plan import commit_schedule
from eventhub.meetings.slots import MeetingError
from eventhub.profiles.models import Startup

SEED = 20_271_206
ROUND_SIZES = (150_000, 300_000, 500_000, 800_000, 1_500_000, 3_000_000)
ASKING_INVESTORS = 8


def seed_matchmaking(report: Any, *, expo: Event, demo_day: Event, rng: random.Random) -> None:
    """Add the demo day's marks and investors' requests if it has none. Flushes."""
    del expo, rng
    own = random.Random(SEED)  # noqa: S311 (demo data, not security)
    investors = event_investors(demo_day)
    startups = list(db.session.scalars(select(Startup).order_by(Startup.id)))
    if len(investors) < 12 or len(startups) < 80:
        return
    if db.session.scalar(
        select(func.count()).select_from(MatchMark).where(MatchMark.event_id == demo_day.id)
    ):
        return
    now = datetime.combine(demo_day.first_day - timedelta(days=20), time(9), tzinfo=UTC)
    for index, startup in enumerate(startups):
        if startup.round_size_eur is None and startup.stage != "idea" and index % 5:
            startup.round_size_eur = ROUND_SIZES[own.randrange(len(ROUND_SIZES))]
    demo_startup, demo_investor = startups[0], investors[0]

    def mark(side: str, startup: Startup, investor: Any, value: str) -> None:
        me, other = (startup, investor) if side == "startup" else (investor, startup)
        set_mark(demo_day, side, me, other, value)
        report.add("matchmaking marks")

    # The accepted requests of the request round: both sides say "must meet" for some.
    accepted = list(
        db.session.scalars(
            select(MeetingRequest)
            .where(MeetingRequest.event_id == demo_day.id, MeetingRequest.status == "accepted")
            .order_by(MeetingRequest.id)
        )
    )
    for request in accepted[::4]:
        mark("startup", request.startup, request.investor, "must")
        mark("investor", request.startup, request.investor, "must")
    for request in accepted[1::4]:
        mark("startup", request.startup, request.investor, "would")
    # The demo parties: marks of their own, a mutual pair each.
    mark("startup", demo_startup, investors[1], "must")
    mark("investor", demo_startup, investors[1], "must")
    mark("startup", demo_startup, investors[2], "not_now")
    for startup in startups[74:78]:
        mark("investor", startup, demo_investor, own.choice(("must", "would")))
    mark("startup", startups[74], demo_investor, "must")

    # Investors ask startups: the demo startup gets two to answer; most others are accepted,
    # and both sides marked half of those "must meet".
    askers = investors[-ASKING_INVESTORS:]
    for_demo = 0
    for investor in askers:  # two requests for the demo startup to answer
        if for_demo < 2 and _ask(demo_day, investor, demo_startup, now) is not None:
            for_demo += 1
            report.add("investor requests")
    for investor in askers:
        for startup in own.sample(startups[80:140], 3):
            request = _ask(demo_day, investor, startup, now)
            if request is None:
                continue
            report.add("investor requests")
            member = startup.owner or db.session.scalar(
                select(User).where(User.startup_id == startup.id).order_by(User.id)
            )
            answer_request(request, member, own.random() < 0.85)
            if request.status == "accepted" and own.random() < 0.5:
                mark("startup", startup, investor, "must")
                mark("investor", startup, investor, "must")
    db.session.flush()
    organiser = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    plan = commit_schedule(demo_day, organiser, now=now, via="demo")
    report.add("meetings scheduled", len(plan.placed))
    db.session.flush()


def _ask(event: Event, investor: Any, startup: Startup, now: datetime) -> MeetingRequest | None:
    try:
        with db.session.begin_nested():
            return send_investor_request(
                event,
                investor,
                startup,
                f"{investor.fund} would like to hear about {startup.name}."[:200],
                now=now,
            )
    except MeetingError:
        return None  # already paired, or the investor's limit is reached
