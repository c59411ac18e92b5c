"""The logic of deal flow without HTTP: recording a held meeting, its next steps and their
history, who may, bad input, teammates editing at once, the startup's answer, the pipeline
and the organisers' counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventhub.deals.dealflow.models import DealRecord, DealStep
from eventhub.deals.dealflow.pipeline import (
    PipelineFilters,
    meetings_to_record,
    next_steps_by_stage,
    pair_history,
    pipeline_select,
    stage_counts,
    startup_steps_select,
)
from eventhub.deals.dealflow.records import (
    MAX_NOTES_LENGTH,
    AnswerInput,
    DealFlowError,
    DealInput,
    answer_step,
    record_deal,
)
from eventhub.extensions import db
from eventhub.models_common import utcnow
from tests.support import factories

pytestmark = pytest.mark.usefixtures("logic_in_english")


def refused(code: str, call, *args, **kwargs) -> DealFlowError:
    with pytest.raises(DealFlowError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert caught.value.code == code, caught.value.message
    return caught.value


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def steps_of(record: DealRecord) -> list[tuple[str, bool]]:
    db.session.expire_all()
    steps = db.session.scalars(
        select(DealStep).where(DealStep.record_id == record.id).order_by(DealStep.id)
    )
    return [(step.step, step.is_current) for step in steps]


# Recording -------------------------------------------------------------------------------


def test_a_held_meeting_is_recorded_once_and_edited_with_its_steps_kept(held, people, record):
    atlas = people["atlas"]
    first = record(held, atlas, "high", "send_deck", "  Strong team; revenue 40 k€/month. ")
    assert first.created and first.tell_startup
    assert first.record.notes == "Strong team; revenue 40 k€/month."
    assert first.record.version == 1
    assert steps_of(first.record) == [("send_deck", True)]

    # Same step, new notes: no new step, the record's version moves on.
    again = record(held, atlas, "low", "send_deck", "Cooler after the call.")
    assert not again.created and again.new_step is None and not again.tell_startup
    assert again.record.id == first.record.id and again.record.version == 2
    assert steps_of(first.record) == [("send_deck", True)]

    # Another step: the old one is kept, superseded.
    later = record(held, people["teammate"], "high", "second_meeting")
    assert later.tell_startup
    assert steps_of(first.record) == [("send_deck", False), ("second_meeting", True)]
    # A pass is kept too, but not addressed to the startup.
    passed = record(held, atlas, "none", "pass")
    assert passed.new_step is not None and not passed.tell_startup
    assert count(DealRecord) == 1
    db.session.expire_all()
    stored = db.session.scalar(select(DealRecord))
    assert stored.updated_by_id == atlas.id and stored.created_by_id == atlas.id
    assert stored.updated_at >= stored.created_at


def test_only_a_meeting_that_took_place_can_be_recorded(past_day, people, make_meeting, record):
    atlas, sunpump = people["atlas"], people["sunpump"]
    ahead = make_meeting(past_day, atlas, sunpump, hours_ago=-2)
    refused("not_held", record_deal, ahead, atlas, DealInput("high", "send_deck"))
    started = make_meeting(past_day, atlas, people["argan"], hours_ago=0.1)  # not over yet
    refused("not_held", record_deal, started, atlas, DealInput("high", "send_deck"))
    started.outcome = "held"  # marked held while it runs: fine
    db.session.commit()
    assert record(started, atlas, "high", "send_deck").created
    no_show = make_meeting(past_day, people["sahara"], sunpump, outcome="no_show")
    refused("no_show", record_deal, no_show, people["sahara"], DealInput("low", "pass"))
    cancelled = make_meeting(past_day, people["sahara"], people["argan"], status="cancelled")
    refused("not_confirmed", record_deal, cancelled, people["sahara"], DealInput("low", "pass"))
    assert count(DealRecord) == 1


@pytest.mark.parametrize("who", ["sahara", "sunpump", "staff", "admin"])
def test_only_the_investors_team_records_its_meeting(held, people, who):
    error = refused("meeting_not_found", record_deal, held, people[who], DealInput("high", "pass"))
    assert error.status == 404
    assert count(DealRecord) == 0


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (DealInput("very", "send_deck"), "bad_interest", "interest"),
        (DealInput("high", "ipo"), "bad_step", "next_step"),
        (DealInput("high", ""), "bad_step", "next_step"),
        (DealInput("high", "pass", "x" * (MAX_NOTES_LENGTH + 1)), "notes_too_long", "notes"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(held, people, data, code, field):
    error = refused(code, record_deal, held, people["atlas"], data)
    assert error.field == field and error.status == 422
    assert count(DealRecord) == 0 and count(DealStep) == 0


def test_a_teammates_edit_is_never_overwritten_unseen(held, people, record):
    first = record(held, people["atlas"], "high", "send_deck", "Mine")
    shown = first.record.version
    record(held, people["teammate"], "low", "pass", "The teammate's")
    error = refused(
        "changed_meanwhile",
        record_deal,
        held,
        people["atlas"],
        DealInput("high", "term_sheet", "Overwrite?", version=shown),
    )
    assert error.status == 409
    db.session.expire_all()
    stored = db.session.scalar(select(DealRecord))
    assert (stored.next_step, stored.notes) == ("pass", "The teammate's")


# The startup's answer --------------------------------------------------------------------


def test_the_startup_answers_the_current_step(held, people, record):
    step = record(held, people["atlas"], "high", "send_deck", "secret").new_step
    member = people["member"]
    answered = answer_step(
        step.id,
        member,
        AnswerInput("Here it is.", "https://example.ma/deck.pdf", True),
        now=utcnow(),
    )
    db.session.commit()
    assert answered.reply == "Here it is." and answered.done
    assert answered.reply_link == "https://example.ma/deck.pdf"
    assert answered.answered_by_id == member.id


@pytest.mark.parametrize(
    ("answer", "code", "field"),
    [
        (AnswerInput(), "empty_answer", "reply"),
        (AnswerInput("  "), "empty_answer", "reply"),
        (AnswerInput("x" * 501), "reply_too_long", "reply"),
        (AnswerInput(link="javascript:alert(1)"), "bad_link", "link"),
        (AnswerInput(link="deck.pdf"), "bad_link", "link"),
        (AnswerInput(link="https://example.ma/" + "x" * 300), "bad_link", "link"),
    ],
)
def test_a_bad_answer_is_refused(held, people, record, answer, code, field):
    step = record(held, people["atlas"], "high", "send_deck").new_step
    error = refused(code, answer_step, step.id, people["sunpump"], answer)
    assert error.field == field
    db.session.expire_all()
    assert db.session.get(DealStep, step.id).answered_at is None


def test_a_step_is_answered_only_by_its_startup_and_only_while_current(held, people, record):
    step = record(held, people["atlas"], "high", "send_deck").new_step
    for who in ("argan", "atlas", "sahara", "staff", "admin"):
        refused("step_not_found", answer_step, step.id, people[who], AnswerInput("Hi"))
    passed = record(held, people["atlas"], "none", "pass").new_step
    # The pass is not the startup's to see; the unanswered deck step is gone for it.
    refused("step_not_found", answer_step, passed.id, people["sunpump"], AnswerInput("Hi"))
    refused("step_not_found", answer_step, step.id, people["sunpump"], AnswerInput("Hi"))


def test_an_answered_step_stays_as_history_but_closes(held, people, record):
    step = record(held, people["atlas"], "high", "send_deck").new_step
    answer_step(step.id, people["sunpump"], AnswerInput("Sent by e-mail."))
    db.session.commit()
    record(held, people["atlas"], "high", "due_diligence")
    refused("step_closed", answer_step, step.id, people["sunpump"], AnswerInput("Again"))
    shown = db.session.scalars(startup_steps_select(people["sunpump"].startup.id)).all()
    assert [(s.step, s.is_current) for s in shown] == [
        ("due_diligence", True),
        ("send_deck", False),
    ]


# Reading ---------------------------------------------------------------------------------


def test_the_pipeline_has_one_row_per_startup_at_its_latest_step(
    past_day, make_event, people, make_meeting, record
):
    atlas = people["atlas"]
    earlier = make_event(
        slug="older-day",
        kind="demo_day",
        first_day=past_day.first_day - timedelta(days=60),
        last_day=past_day.first_day - timedelta(days=60),
    )
    old = make_meeting(earlier, atlas, people["sunpump"], hours_ago=24 * 61)
    record(old, atlas, "low", "send_deck", "First look")
    new = make_meeting(past_day, atlas, people["sunpump"])
    record(new, atlas, "high", "due_diligence", "Second look")
    argan = make_meeting(past_day, atlas, people["argan"], hours_ago=19)
    record(argan, atlas, "none", "pass")
    # Another investor's records are not Atlas's.
    record(
        make_meeting(past_day, people["sahara"], people["argan"]),
        people["sahara"],
        "high",
        "term_sheet",
    )

    investor = atlas.investor
    rows = db.session.scalars(pipeline_select(investor, PipelineFilters())).all()
    assert [(r.startup.name, r.next_step) for r in rows] == [
        ("Argan AI", "pass"),
        ("Sunpump", "due_diligence"),
    ]
    counts = stage_counts(investor)
    assert counts["due_diligence"] == 1 and counts["pass"] == 1 and counts["send_deck"] == 0
    at_earlier = db.session.scalars(
        pipeline_select(investor, PipelineFilters(event_id=earlier.id))
    ).all()
    assert [(r.startup.name, r.next_step) for r in at_earlier] == [("Sunpump", "send_deck")]
    only_pass = PipelineFilters.read("pass", "nonsense", "not-a-number", "")
    assert [r.startup.name for r in db.session.scalars(pipeline_select(investor, only_pass))] == [
        "Argan AI"
    ]
    searched = db.session.scalars(pipeline_select(investor, PipelineFilters(q="sun"))).all()
    assert [r.startup.name for r in searched] == ["Sunpump"]
    assert [r.notes for r in pair_history(investor, people["sunpump"].startup)] == [
        "Second look",
        "First look",
    ]


def test_held_meetings_without_a_record_wait_to_be_recorded(past_day, people, make_meeting, record):
    atlas = people["atlas"]
    done = make_meeting(past_day, atlas, people["sunpump"])
    waiting = make_meeting(past_day, atlas, people["argan"], hours_ago=19)
    make_meeting(past_day, atlas, factories.create_startup(), hours_ago=-5)  # ahead
    make_meeting(past_day, atlas, factories.create_startup(), outcome="no_show")
    record(done, atlas, "high", "send_deck")
    assert [m.id for m in meetings_to_record(atlas.investor)] == [waiting.id]


def test_counts_by_stage_for_the_programme_report(past_day, people, make_meeting, record):
    atlas, sahara = people["atlas"], people["sahara"]
    record(make_meeting(past_day, atlas, people["sunpump"]), atlas, "high", "send_deck", "secret")
    record(make_meeting(past_day, sahara, people["sunpump"]), sahara, "low", "send_deck")
    record(make_meeting(past_day, atlas, people["argan"]), atlas, "none", "pass")
    counts = next_steps_by_stage(past_day.id)
    assert counts == {
        "send_deck": 2,
        "second_meeting": 0,
        "due_diligence": 0,
        "term_sheet": 0,
        "pass": 1,
    }
    only_argan = next_steps_by_stage(past_day.id, startup_ids=[people["argan"].startup.id])
    assert only_argan["pass"] == 1 and only_argan["send_deck"] == 0
    assert sum(next_steps_by_stage(past_day.id, startup_ids=[]).values()) == 0
    assert sum(next_steps_by_stage(past_day.id + 99).values()) == 0
