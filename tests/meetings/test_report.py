"""The organiser's figures: the counts of the meetings page, the report per party."""

from __future__ import annotations

from datetime import timedelta

from eventhub.extensions import db
from eventhub.meetings.booking import book_slot, cancel_meeting, record_outcome
from eventhub.meetings.report import MeetingCounts, meeting_counts, meeting_report
from eventhub.meetings.requests import answer_request, send_request, withdraw_request
from tests.meetings.helpers import grid_slot


def test_report_counts_held_and_no_shows(dubai_meetings):
    event, investor, _startup, meeting = dubai_meetings
    record_outcome(meeting, investor, "held", now=meeting.ends_at)
    db.session.commit()
    investors, startups, totals = meeting_report(event)
    assert [(row.name, row.held, row.called_off) for row in investors] == [
        ("Gulf Seed", 1, 0),
        ("Oasis Impact", 0, 1),
    ]
    assert (startups[0].confirmed, startups[0].held, startups[0].called_off) == (1, 1, 1)
    assert (totals.confirmed, totals.held, totals.no_show, totals.called_off) == (1, 1, 0, 1)


def test_an_unmarked_meeting_once_started(dubai_meetings):
    event, _investor, _startup, meeting = dubai_meetings
    minute = timedelta(minutes=1)
    assert meeting_report(event, now=meeting.starts_at - minute).totals.unmarked == 0
    assert meeting_report(event, now=meeting.starts_at + minute).totals.unmarked == 1


def test_counts_of_slots_meetings_and_requests(demo_day, room):
    (atlas, sahara), (s1, s2, s3) = room
    assert meeting_counts(demo_day) == MeetingCounts(slots=6, meetings=0, requests=0, accepted=0)
    answer_request(send_request(demo_day, s1.startup, atlas.investor, "One"), atlas, True)
    send_request(demo_day, s2.startup, atlas.investor, "Two")
    withdraw_request(send_request(demo_day, s3.startup, sahara.investor, "Three"), s3)
    kept = book_slot(demo_day, grid_slot(demo_day, sahara, 0), s2.startup)
    cancel_meeting(book_slot(demo_day, grid_slot(demo_day, sahara, 1), s1.startup), s1)
    db.session.commit()
    assert kept.status == "confirmed"
    assert meeting_counts(demo_day) == MeetingCounts(slots=6, meetings=1, requests=2, accepted=1)
