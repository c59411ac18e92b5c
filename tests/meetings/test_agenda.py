"""Agendas: whose meetings, by day, the day shown, the printable agenda, what is ahead."""

from __future__ import annotations

from datetime import timedelta

from eventhub.meetings.agenda import (
    agenda_owner,
    by_day,
    day_agenda,
    meetings_of,
    printable_agenda,
    requested_day,
    upcoming_by_event,
)


def test_agenda_by_day_and_whose_meetings(dubai_meetings, make_startup, make_user):
    event, investor, startup, meeting = dubai_meetings
    assert meetings_of(startup) == [meeting]
    assert meetings_of(investor) == [meeting]
    assert meetings_of(make_startup()) == []
    assert meetings_of(make_user("admin")) == []
    assert len(meetings_of(startup, include_called_off=True)) == 2
    assert list(by_day([meeting])) == [event.days[1]]


def test_the_day_shown_is_the_one_asked_if_the_event_has_it(dubai_meetings):
    event, _investor, startup, meeting = dubai_meetings
    meetings = meetings_of(startup)
    assert requested_day(event, meetings, event.days[0].isoformat()) == event.days[0]
    # Not a day of the event, not a date at all, or nothing asked: the first day with a
    # meeting (the event is not on today).
    for requested in (None, "", "2001-01-01", "2031-13-45", "tomorrow", "x" * 500):
        assert requested_day(event, meetings, requested) == event.days[1]
    assert requested_day(event, [], None) == event.days[0]
    on_the_day = meeting.starts_at - timedelta(hours=2)
    assert requested_day(event, [], None, now=on_the_day) == event.days[1]


def test_a_day_of_the_agenda_with_what_may_still_change(dubai_meetings):
    event, investor, startup, meeting = dubai_meetings
    day = day_agenda(startup, event, event.days[1].isoformat())
    assert day.day == event.days[1]
    assert day.meetings == [meeting]
    assert [m.status for m in day.called_off] == ["cancelled"]
    assert day.counts == {event.days[1]: 1}
    assert day.can_change(meeting) and not day.started(meeting)
    assert day_agenda(investor, event).meetings == [meeting]
    empty = day_agenda(startup, event, event.days[0].isoformat())
    assert (empty.meetings, empty.called_off) == ([], [])
    # Within the cut-off (24 hours by default) nothing changes any more; then it starts.
    late = day_agenda(startup, event, None, now=meeting.starts_at - timedelta(hours=1))
    assert not late.can_change(meeting) and not late.started(meeting)
    assert day_agenda(startup, event, None, now=meeting.starts_at).started(meeting)


def test_the_printable_agenda_has_one_day_or_every_day_with_a_meeting(dubai_meetings):
    event, _investor, startup, meeting = dubai_meetings
    assert printable_agenda(startup, event, "all") == {event.days[1]: [meeting]}
    assert printable_agenda(startup, event, event.days[0].isoformat()) == {event.days[0]: []}
    assert printable_agenda(startup, event, None) == {event.days[1]: [meeting]}


def test_whose_agenda_it_is(dubai_meetings, make_user):
    _event, investor, startup, _meeting = dubai_meetings
    assert agenda_owner(startup) == startup.startup.name
    assert agenda_owner(investor) == f"Gulf Seed · {investor.name}"
    admin = make_user("admin")
    assert agenda_owner(admin) == admin.name


def test_what_is_ahead_by_event(dubai_meetings, make_startup):
    event, investor, startup, meeting = dubai_meetings
    assert upcoming_by_event(startup) == [(event, [meeting])]
    assert upcoming_by_event(investor) == [(event, [meeting])]
    assert upcoming_by_event(startup, now=meeting.ends_at + timedelta(minutes=1)) == []
    assert upcoming_by_event(make_startup()) == []
