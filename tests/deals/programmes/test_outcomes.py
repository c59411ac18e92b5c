"""Programme outcomes without HTTP: the figures of each programme at one event."""

from __future__ import annotations

from sqlalchemy import select

from eventhub.deals.dealflow.models import NEXT_STEPS
from eventhub.deals.programmes.outcomes import outcomes_by_programme, programme_outcome
from eventhub.extensions import db
from eventhub.meetings.models import Meeting


def test_digitagri_figures(world):
    outcome = programme_outcome(world.event, world.programmes["DigitAgri"])
    assert outcome.startups == 3
    assert outcome.taking_part == 2  # Agri 2 was only at the other event
    assert (outcome.booths, outcome.leads, outcome.visitors) == (2, 3, 2)
    # The accepted request, and the direct booking; the withdrawn request is left out.
    assert outcome.meetings_requested == 2
    assert (outcome.meetings_confirmed, outcome.meetings_held, outcome.meetings_missed) == (
        2,
        1,
        1,
    )
    assert outcome.mutual_interests == 1
    assert outcome.next_steps == {**dict.fromkeys(NEXT_STEPS, 0), "second_meeting": 1}
    assert outcome.next_steps_total == 1


def test_every_programme_is_listed_by_name_with_zeros(world):
    outcomes = outcomes_by_programme(world.event)
    assert [o.programme.name for o in outcomes] == ["Accelerate", "Boost up Lab", "DigitAgri"]
    accelerate, boost, agri = outcomes
    assert (accelerate.startups, accelerate.taking_part, accelerate.meetings_requested) == (1, 1, 1)
    assert (accelerate.meetings_held, accelerate.booths, accelerate.mutual_interests) == (0, 0, 0)
    assert boost.startups == boost.taking_part == boost.meetings_requested == 0
    assert boost.next_steps == dict.fromkeys(NEXT_STEPS, 0)
    assert agri == programme_outcome(world.event, world.programmes["DigitAgri"])


def test_the_other_event_has_its_own_figures(world):
    outcome = programme_outcome(world.other_event, world.programmes["DigitAgri"])
    assert (outcome.taking_part, outcome.meetings_held, outcome.booths, outcome.leads) == (
        1,
        1,
        0,
        0,
    )
    assert outcome.meetings_requested == 1  # a meeting without a request behind it
    assert outcome.next_steps["term_sheet"] == 1 and outcome.next_steps["second_meeting"] == 0


def test_no_programme_no_rows(app, make_event):
    assert outcomes_by_programme(make_event()) == []


def test_a_missed_meeting_given_to_standby_still_counts_as_missed(world):
    """Table check-in cancels a no-show meeting when a standby startup takes its slot."""
    missed = db.session.scalar(select(Meeting).where(Meeting.outcome == "no_show"))
    missed.status = "cancelled"
    db.session.commit()
    outcome = programme_outcome(world.event, world.programmes["DigitAgri"])
    assert (outcome.meetings_confirmed, outcome.meetings_missed) == (1, 1)
