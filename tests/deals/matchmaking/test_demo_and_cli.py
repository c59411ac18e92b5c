"""The demo day's matchmaking seed, and the CLI's scheduler output."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.deals.matchmaking.demo import seed_matchmaking
from eventhub.deals.matchmaking.marks import mutual_pairs
from eventhub.deals.matchmaking.matching import investors_for, startups_for
from eventhub.deals.matchmaking.models import MatchMark
from eventhub.demo import DEMO_DAY_SLUG, seed_demo
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.demo import seed_meetings
from eventhub.meetings.models import Meeting, MeetingRequest
from eventhub.meetings.schedule_plan import plan_schedule
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("in_english")


def test_demo_day_has_marks_investor_requests_and_mutual_pairs(app, monkeypatch):
    monkeypatch.setattr(
        "eventhub.demo._capability_seeders", lambda: [seed_meetings, seed_matchmaking]
    )
    started = time.perf_counter()
    report = seed_demo()
    db.session.commit()
    took = time.perf_counter() - started
    assert took < 30, took
    event = db.session.scalar(select(Event).where(Event.slug == DEMO_DAY_SLUG))
    assert report.created["matchmaking marks"] >= 20
    assert report.created["investor requests"] >= 10
    must = mutual_pairs(event, must_only=True)
    assert len(must) >= 5
    from_investors = db.session.scalar(
        select(func.count()).where(MeetingRequest.direction == "investor")
    )
    assert from_investors == report.created["investor requests"]
    # the accepted mutual must-meet pairs have their meetings (nearly all: a pair of the
    # first request round, scheduled before any mark, may have no common free slot left)
    plan = plan_schedule(event)
    assert plan.mutual_requests >= 5
    assert plan.mutual_placed >= 0.9 * plan.mutual_requests
    # the demo startup has investors' requests to answer, and recommendations
    demo = db.session.scalar(select(User).where(User.email == "startup@eventhub.test"))
    waiting = db.session.scalar(
        select(func.count()).where(
            MeetingRequest.startup_id == demo.startup_id,
            MeetingRequest.direction == "investor",
            MeetingRequest.status == "pending",
        )
    )
    assert waiting == 2
    assert investors_for(event, demo.startup)
    demo_investor = db.session.scalar(select(User).where(User.email == "investor@eventhub.test"))
    assert startups_for(event, demo_investor.investor)
    assert db.session.scalar(select(func.count()).where(Meeting.source == "scheduler")) > 0
    # seeding again adds nothing
    marks = db.session.scalar(select(func.count()).select_from(MatchMark))
    again = seed_demo()
    db.session.commit()
    assert "matchmaking marks" not in again.created
    assert db.session.scalar(select(func.count()).select_from(MatchMark)) == marks


def test_cli_reports_mutual_pairs_placed(runner, match_day):
    from eventhub.deals.matchmaking.marks import set_mark
    from eventhub.deals.matchmaking.outreach import send_investor_request
    from eventhub.meetings.requests import answer_request

    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    request = send_investor_request(event, atlas.investor, argan.startup, "Hi")
    answer_request(request, argan, True)
    set_mark(event, "startup", argan.startup, atlas.investor, "must")
    set_mark(event, "investor", atlas.investor, argan.startup, "must")
    db.session.commit()
    dry = runner.invoke(args=["schedule-meetings", event.slug, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "1 of 1 mutual must-meet pairs placed" in dry.output


def test_organiser_scheduler_page_shows_mutual_pairs(client, match_day, make_user):
    from eventhub.deals.matchmaking.marks import set_mark
    from eventhub.deals.matchmaking.outreach import send_investor_request
    from eventhub.meetings.requests import answer_request

    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    request = send_investor_request(event, atlas.investor, argan.startup, "Hi")
    answer_request(request, argan, True)
    set_mark(event, "startup", argan.startup, atlas.investor, "must")
    set_mark(event, "investor", atlas.investor, argan.startup, "must")
    db.session.commit()
    organiser = make_user("admin")
    client.post("/login", data={"email": organiser.email, "password": TEST_PASSWORD})
    page = client.get(f"/organiser/events/{event.slug}/meetings/schedule")
    body = page.get_data(as_text=True)
    assert "mutual must-meet pairs placed" in body, body[:2000]
    assert "1 / 1" in body
