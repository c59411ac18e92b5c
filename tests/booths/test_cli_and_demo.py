"""The `allocate-booths` command and the demo expo's booths."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.auth.models import User
from eventhub.booths.allocation_runs import plan_allocation
from eventhub.booths.demo import seed_booths
from eventhub.booths.layout import booth_by_code
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


def test_cli_dry_run_counts_new_moved_and_kept_and_reoptimise_asks(runner, plan):
    atlas = booth_by_code(plan, "A01").application
    atlas.preferred_booths = ["A06"]
    db.session.commit()
    dry = runner.invoke(args=["allocate-booths", SLUG, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run Booth Expo: 2 placed (1 new, 0 moved, 1 kept)" in dry.output
    preview = runner.invoke(args=["allocate-booths", SLUG, "--dry-run", "--reoptimise", "-v"])
    assert "Dry run Booth Expo (re-optimised): 2 placed (1 new, 1 moved, 0 kept)" in preview.output
    assert "moved    Atlas AI: A01 -> A06 (moved from A01: the whole plan is re-optimised)" in (
        preview.output
    )
    refused = runner.invoke(args=["allocate-booths", SLUG, "--reoptimise"], input="n\n")
    assert refused.exit_code == 1
    assert "Move 1 startups that already have a booth? [y/N]" in refused.output
    db.session.expire_all()
    assert booth_by_code(plan, "A01").application_id == atlas.id
    done = runner.invoke(args=["allocate-booths", SLUG, "--reoptimise", "--no-notify"], input="y\n")
    assert done.exit_code == 0, done.output
    assert "Allocated Booth Expo (re-optimised): 2 placed (1 new, 1 moved, 0 kept)" in done.output
    db.session.expire_all()
    assert booth_by_code(plan, "A06").application_id == atlas.id


def test_cli_lists_a_move_with_its_reason(runner, plan):
    """Atlas AI (8 m² wanted) holds A01 and fits A02 (12 m²); Argan AI (6 m²) fits only
    A01: placing Argan AI is the only reason to move Atlas AI, and the line says it."""
    atlas = booth_by_code(plan, "A01").application
    atlas.area_wanted = 8.0
    booth_by_code(plan, "A02").width = 4.0
    for code in ("A03", "A04", "A05", "A06", "F01", "F02"):
        booth_by_code(plan, code).status = "blocked"
    argan = db.session.scalar(select(BoothApplication).where(BoothApplication.id != atlas.id))
    argan.area_wanted = 6.0
    db.session.commit()
    dry = runner.invoke(args=["allocate-booths", SLUG, "--dry-run"])
    assert "2 placed (1 new, 1 moved, 0 kept)" in dry.output
    assert "moved    Atlas AI: A01 -> A02 (moved from A01: the only way to place" in dry.output


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
