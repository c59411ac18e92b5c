"""Table check-in logic: codes, arrivals, the meeting's start, staff badge scans, and
every refusal; nothing is recorded twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventhub.badges.signing import badge_token
from eventhub.deals.tables import checkin as logic
from eventhub.deals.tables.checkin import TableError
from eventhub.deals.tables.models import TableCheckin, TableCode
from eventhub.extensions import db
from eventhub.meetings.booking import cancel_meeting
from eventhub.meetings.models import Meeting
from tests.deals.tables.conftest import meeting_at
from tests.support import factories

pytestmark = pytest.mark.usefixtures("logic_in_english")


def refused(code: str, call, *args, **kwargs) -> TableError:
    with pytest.raises(TableError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert caught.value.code == code, caught.value.message
    return caught.value


def checkins() -> int:
    return db.session.scalar(select(func.count()).select_from(TableCheckin))


def test_a_table_code_is_stored_hashed_and_reissuing_it_voids_the_old_one(room):
    code = logic.code_for(room.table)
    db.session.commit()
    assert logic.code_for(room.table) == code  # the same code on every print
    assert logic.CODE_SHAPE.fullmatch(code)
    stored = db.session.get(TableCode, room.table.id)
    assert code not in (stored.seed, stored.digest)
    assert stored.digest == logic.digest(code)
    assert logic.table_of_code(code) == room.table
    new = logic.reissue_code(room.table)
    db.session.commit()
    assert new != code
    assert logic.table_of_code(code) is None
    assert logic.table_of_code(new) == room.table


@pytest.mark.parametrize(
    "code", ["", "x", "1" + "A" * 21, "2" + "A" * 22, "1" + "A" * 22, "1' OR 1=1 --"]
)
def test_a_malformed_or_unknown_code_names_no_table(room, code):
    logic.code_for(room.table)
    assert logic.table_of_code(code) is None


def test_both_parties_arrive_and_the_meeting_starts_once(room):
    now = room.now
    first = logic.scan_as_party(room.event, room.table, room.investor, now=now)
    db.session.commit()
    assert (first.state, first.party) == ("arrived", "investor")
    second = logic.scan_as_party(
        room.event, room.table, room.startup, now=now + timedelta(minutes=1)
    )
    db.session.commit()
    assert (second.state, second.party) == ("started", "startup")
    row = db.session.get(TableCheckin, room.meeting.id)
    assert row.investor_arrived_at == now
    assert row.started_at == now + timedelta(minutes=1)
    assert row.startup_checked_by == "self"
    assert db.session.get(Meeting, room.meeting.id).outcome == "held"
    again = logic.scan_as_party(
        room.event, room.table, room.startup, now=now + timedelta(minutes=3)
    )
    db.session.commit()
    assert again.state == "already"
    row = db.session.get(TableCheckin, room.meeting.id, populate_existing=True)
    assert row.startup_arrived_at == now + timedelta(minutes=1)  # not moved by the rescan
    assert checkins() == 1


def test_a_team_member_of_the_startup_checks_in_for_it(room):
    teammate = factories.create_user("startup")
    teammate.startup_id = room.startup.startup.id
    db.session.commit()
    arrival = logic.scan_as_party(room.event, room.table, teammate, now=room.now)
    assert arrival.party == "startup"


def test_refusals_at_the_table(room):
    outsider = factories.create_startup()
    refused("not_party", logic.scan_as_party, room.event, room.table, outsider, now=room.now)
    refused(
        "wrong_event", logic.scan_as_party, room.other_event, room.table, room.startup, now=room.now
    )
    later = room.now + timedelta(hours=3)
    refused("no_meeting", logic.scan_as_party, room.event, room.table, room.startup, now=later)
    cancel_meeting(room.meeting, factories.create_user("admin"), reason="moved")
    db.session.commit()
    refused(
        "meeting_cancelled", logic.scan_as_party, room.event, room.table, room.startup, now=room.now
    )
    assert checkins() == 0


def test_the_next_meeting_at_the_table_opens_a_little_early(room):
    other = factories.create_startup()
    meeting_at(room.event, room.investor, other, room.table, room.now + timedelta(minutes=18))
    found = logic.at_table(room.table, room.now + timedelta(minutes=5), other)
    assert found.meeting.startup_id == other.startup.id
    found = logic.at_table(room.table, room.now + timedelta(minutes=5), room.startup)
    assert found.meeting.id == room.meeting.id


def test_staff_scan_both_badges(room):
    mine = factories.create_registration(room.event, email=room.startup.email)
    theirs = factories.create_registration(room.event, email=room.investor.email)
    first = logic.scan_badge(room.event, room.table, badge_token(mine), now=room.now)
    second = logic.scan_badge(room.event, room.table, badge_token(theirs).lower(), now=room.now)
    db.session.commit()
    assert (first.party, first.state, second.party, second.state) == (
        "startup",
        "arrived",
        "investor",
        "started",
    )
    assert db.session.get(TableCheckin, room.meeting.id).investor_checked_by == "staff"
    assert logic.scan_badge(room.event, room.table, badge_token(mine), now=room.now).state == (
        "already"
    )


def test_staff_badge_refusals(room):
    stranger = factories.create_registration(room.event)
    elsewhere = factories.create_registration(room.other_event, email=room.startup.email)
    revoked = factories.create_registration(room.event, email=room.investor.email)
    old_token = badge_token(revoked)
    revoked.badge_version += 1
    db.session.commit()
    for code, token in (
        ("bad_badge", "not a badge"),
        ("bad_badge", ""),
        ("bad_badge", old_token),
        ("not_party", badge_token(stranger)),
        ("wrong_event", badge_token(elsewhere)),
    ):
        refused(code, logic.scan_badge, room.event, room.table, token, now=room.now)
    assert checkins() == 0


def test_the_no_show_delay_setting(room):
    assert logic.no_show_minutes(room.event) == 10
    for bad in (0, -1, 121, "ten", None):
        refused("bad_minutes", logic.save_no_show_minutes, room.event, bad)
    logic.save_no_show_minutes(room.event, 5)
    db.session.commit()
    assert logic.no_show_minutes(room.event) == 5
