"""The demo seed: deal flow on the demo day's held meetings, some steps answered, the demo
investor with a meeting left to record and the demo startup with a step to answer;
seeding again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.deals.dealflow.demo import seed_deal_flow
from eventhub.deals.dealflow.models import DealRecord, DealStep
from eventhub.deals.dealflow.pipeline import meetings_to_record, startup_steps_select
from eventhub.demo import DEMO_DAY_SLUG, seed_demo
from eventhub.extensions import db
from eventhub.meetings.demo import seed_meetings


def test_the_demo_day_has_deal_flow_and_reseeding_adds_nothing(app, monkeypatch):
    monkeypatch.setattr(
        "eventhub.demo._capability_seeders", lambda: [seed_meetings, seed_deal_flow]
    )
    report = seed_demo()
    db.session.commit()
    assert report.created["deal-flow records"] >= 20
    assert report.created["next steps answered"] >= 5
    records = db.session.scalars(select(DealRecord)).all()
    assert {record.event.slug for record in records} == {DEMO_DAY_SLUG}
    assert all(record.meeting.outcome == "held" for record in records)
    assert len({record.next_step for record in records}) >= 4

    investor = db.session.scalar(select(User).where(User.email == "investor@eventhub.test"))
    assert len(meetings_to_record(investor.investor)) == 1
    startup = db.session.scalar(select(User).where(User.email == "startup@eventhub.test"))
    steps = db.session.scalars(startup_steps_select(startup.startup_id)).all()
    assert any(s.is_current and not s.answered for s in steps)

    again = seed_demo()
    assert not {"deal-flow records", "next steps answered"} & set(again.created)
    assert db.session.scalar(select(func.count()).select_from(DealStep)) == len(records)
