"""The scheduler run on the database: dry run, commit, the reviewed plan, fixed meetings,
tables, reasons, and the `schedule-meetings` command."""

from __future__ import annotations

from collections import Counter

from eventhub.extensions import db
from eventhub.meetings import scheduler
from eventhub.meetings.availability import (
    grid_periods,
    set_investor_unavailability,
    set_startup_unavailability,
)
from eventhub.meetings.booking import cancel_meeting
from eventhub.meetings.models import Meeting
from eventhub.meetings.schedule_plan import commit_schedule, plan_schedule
from eventhub.meetings.slots import slots_of_event
from tests.meetings.helpers import accept_all, confirmed, refused


def test_scheduler_places_every_request_keeps_fixed_meetings_and_availability(demo_day, room):
    investors, startups = room
    (atlas, _sahara), (s1, s2, _s3) = investors, startups
    # A first round places S1–Atlas; the second round must leave it where it is.
    accept_all(demo_day, [atlas], [s1])
    commit_schedule(demo_day)
    db.session.commit()
    (fixed,) = confirmed()
    fixed_slot = fixed.slot_id
    accept_all(demo_day, investors, startups)  # the other five requests
    periods = grid_periods(demo_day)
    assert len(periods) == 3
    set_startup_unavailability(demo_day, s2.startup, {periods[0][0]})
    db.session.commit()

    dry = plan_schedule(demo_day)
    assert len(confirmed()) == 1  # the dry run saves nothing
    assert (len(dry.placed), len(dry.fixed), dry.unplaced) == (5, 1, [])
    assert dry.upper_bound == 6
    assert dry.share_of_bound == 1.0

    plan = commit_schedule(demo_day)
    db.session.commit()
    meetings = confirmed()
    assert len(meetings) == 6
    assert plan.committed and len(plan.placed) == 5
    kept = db.session.get(Meeting, fixed.id)
    assert (kept.status, kept.slot_id) == ("confirmed", fixed_slot)
    # Nobody is double-booked, S2 is not placed in the period it marked unavailable.
    assert max(Counter((m.startup_id, m.starts_at) for m in meetings).values()) == 1
    assert max(Counter((m.investor_id, m.starts_at) for m in meetings).values()) == 1
    assert periods[0][0] not in {m.starts_at for m in meetings if m.startup_id == s2.startup.id}
    assert {m.source for m in meetings} == {"scheduler"}
    assert all(m.request_id for m in meetings)

    again = plan_schedule(demo_day)
    assert (len(again.placed), len(again.fixed)) == (0, 6)


def test_the_reviewed_plan_is_the_one_saved_unless_it_no_longer_fits(demo_day, room):
    investors, startups = room
    accept_all(demo_day, investors, startups)
    dry = plan_schedule(demo_day)
    reviewed = {(p.request.id, p.slot.id) for p in dry.placed}
    assert len(reviewed) == 6

    # Somebody's availability changes after the review: that plan is not saved.
    first = dry.placed[0]
    busy_at = {first.slot.starts_at}
    set_startup_unavailability(demo_day, first.request.startup, busy_at)
    db.session.commit()
    refused("plan_changed", commit_schedule, demo_day, reviewed=dry.reviewed_key)
    assert confirmed() == []
    refused("plan_changed", commit_schedule, demo_day, reviewed="not a plan")
    set_startup_unavailability(demo_day, first.request.startup, set())
    db.session.commit()

    plan = commit_schedule(demo_day, reviewed=dry.reviewed_key)
    db.session.commit()
    assert {(m.request_id, m.slot_id) for m in confirmed()} == reviewed
    assert plan.committed and len(plan.placed) == 6


def test_tables_per_period_and_reasons_for_unplaced_requests(demo_day, room, configure):
    investors, startups = room
    configure(demo_day, requests_open=True, max_requests_per_startup=2, max_concurrent_meetings=1)
    accept_all(demo_day, investors, startups)
    plan = plan_schedule(demo_day)
    assert len(plan.placed) == 3  # one table: one meeting per period
    assert plan.upper_bound == 3
    assert {u.reason for u in plan.unplaced} <= {"tables_full", "conflicts"}
    assert all(u.label for u in plan.unplaced)


def test_an_investor_unavailable_everywhere_is_explained(demo_day, room):
    investors, startups = room
    accept_all(demo_day, investors, startups)
    sahara = investors[1]
    own = [s.id for s, _b in slots_of_event(demo_day, investor=sahara.investor)]
    set_investor_unavailability(demo_day, sahara.investor, set(own))
    db.session.commit()
    plan = plan_schedule(demo_day)
    reasons = {u.request.investor_id: u.reason for u in plan.unplaced}
    assert reasons == {sahara.investor.id: "investor_unavailable_all"}
    assert len(plan.placed) == 3


def test_a_cancelled_scheduled_meeting_is_not_placed_again(demo_day, room):
    investors, startups = room
    accept_all(demo_day, investors[:1], startups[:1])
    commit_schedule(demo_day)
    db.session.commit()
    (meeting,) = confirmed()
    cancel_meeting(meeting, startups[0])
    db.session.commit()
    assert meeting.request.status == "withdrawn"
    assert plan_schedule(demo_day).placed == []


def test_schedule_meetings_command(demo_day, room, runner):
    investors, startups = room
    accept_all(demo_day, investors, startups)
    dry = runner.invoke(args=["schedule-meetings", demo_day.slug, "--dry-run", "-v"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run" in dry.output and "6 new meetings placed" in dry.output
    assert "upper bound 6" in dry.output and "100.0% of it reached" in dry.output
    assert confirmed() == []
    done = runner.invoke(args=["schedule-meetings", demo_day.slug])
    assert done.exit_code == 0, done.output
    assert "Scheduled" in done.output
    db.session.expire_all()
    assert len(confirmed()) == 6
    missing = runner.invoke(args=["schedule-meetings", "no-such-event"])
    assert missing.exit_code != 0 and "No event" in missing.output


def test_schedule_meetings_command_exact_mode(demo_day, room, runner, configure):
    """One table per period: 3 of the 6 requests fit; the heuristic meets the bound, so the
    exact mode says it is not needed."""
    investors, startups = room
    configure(demo_day, requests_open=True, max_requests_per_startup=2, max_concurrent_meetings=1)
    accept_all(demo_day, investors, startups)
    dry = runner.invoke(args=["schedule-meetings", demo_day.slug, "--dry-run", "--exact", "5"])
    assert dry.exit_code == 0, dry.output
    assert "3 new meetings placed" in dry.output and "upper bound 3" in dry.output
    assert "Exact mode: not needed" in dry.output
    bad = runner.invoke(args=["schedule-meetings", demo_day.slug, "--exact", "0"])
    assert bad.exit_code == 2 and confirmed() == []


def test_schedule_meetings_command_exact_mode_without_ortools(demo_day, room, runner, monkeypatch):
    investors, startups = room
    accept_all(demo_day, investors, startups)
    monkeypatch.setattr(scheduler, "cp_model", None)
    result = runner.invoke(args=["schedule-meetings", demo_day.slug, "--exact", "5"])
    assert result.exit_code == 1
    assert "Le mode exact nécessite OR-Tools" in result.output  # in French, the default
    assert confirmed() == []
