"""The `allocate-booths` command and the demo expo's booths."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.auth.models import User
from eventhub.booths.allocation_runs import plan_allocation
from eventhub.booths.demo import seed_booths
from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.demo import EXPO_SLUG, seed_demo
from eventhub.extensions import db
from tests.booths.pages import SLUG

pytestmark = pytest.mark.usefixtures("in_english")


def test_cli_allocate_booths(runner, plan):
    dry = runner.invoke(args=["allocate-booths", SLUG, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run Booth Expo: 2 placed (1 new, 0 moved, 1 kept)" in dry.output
    assert db.session.scalar(select(Booth).where(Booth.code == "A02")).status == "available"
    done = runner.invoke(args=["allocate-booths", SLUG, "--no-notify"])
    assert done.exit_code == 0 and "Allocated Booth Expo: 2 placed" in done.output
    db.session.expire_all()
    assert len(db.session.scalars(select(Booth).where(Booth.status == "allocated")).all()) == 2
    for args in (["allocate-booths", "nope"], ["allocate-booths", "x", "--dry-run"]):
        assert runner.invoke(args=args).exit_code == 1


def test_demo_expo_is_allocated_and_reseeding_adds_nothing(app, monkeypatch):
    monkeypatch.setattr("eventhub.demo._capability_seeders", lambda: [seed_booths])
    report = seed_demo()
    db.session.commit()
    assert report.created["halls"] == 4 and 200 <= report.created["booths"] <= 250
    assert report.created["booth allocations"] >= 170
    event = db.session.scalar(select(Hall)).event
    assert event.slug == EXPO_SLUG
    plan_now = plan_allocation(event)
    assert plan_now.changed == [] and plan_now.counts["unplaced"] <= 5
    demo_user = db.session.scalar(select(User).where(User.email == "startup@eventhub.test"))
    mine = db.session.scalar(
        select(BoothApplication).where(BoothApplication.startup_id == demo_user.startup_id)
    )
    assert mine.status == "approved" and mine.booth is not None
    again = seed_demo()
    assert not any("booth" in kind or kind == "halls" for kind in again.created)
