from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventhub.badges.signing import badge_signing_key, badge_token
from eventhub.badges.tokens import make_badge_token
from eventhub.checkin import scanning
from eventhub.checkin.gates import add_gate
from eventhub.checkin.models import Scan
from eventhub.checkin.scanning import ScanInput, ScanRefused, door_event, perform_scan
from eventhub.events.models import Zone
from eventhub.extensions import db
from eventhub.registration.register import cancel, reissue_badge
from tests.checkin.conftest import zoned_event


def scan(event, code, gate="North", nonce=None, now=None, **sender):
    scan_input = ScanInput(code=code, gate=gate, nonce=nonce, **sender)
    outcome = perform_scan(door_event(event.slug), scan_input, now=now)
    db.session.commit()
    return outcome


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def admissions() -> int:
    return db.session.scalar(select(func.count()).where(Scan.result == "admitted"))


def test_first_scan_admits_second_says_already_inside(running_event, make_registration):
    registration = make_registration(running_event)
    first = scan(running_event, badge_token(registration), gate="North")
    second = scan(running_event, badge_token(registration), gate="South")
    assert first.result == "admitted" and first.status == 201
    assert second.result == "already_inside" and second.status == 200
    assert second.first_entry.gate == "North"
    assert second.registration.full_name == registration.full_name
    assert admissions() == 1
    assert count(Scan) == 2


def test_scanner_codes_are_read_in_lowercase_and_with_spaces(running_event, make_registration):
    registration = make_registration(running_event)
    outcome = scan(running_event, f"  {badge_token(registration).lower()}\n")
    assert outcome.result == "admitted"


def test_admission_is_once_per_day(running_event, make_registration):
    registration = make_registration(running_event)
    today = datetime.now(UTC)
    assert scan(running_event, badge_token(registration), now=today).result == "admitted"
    tomorrow = today + timedelta(days=1)
    assert scan(running_event, badge_token(registration), now=tomorrow).result == "admitted"
    assert admissions() == 2


def test_outside_the_event_days_is_not_today(running_event, make_registration):
    registration = make_registration(running_event)
    later = datetime.now(UTC) + timedelta(days=5)
    outcome = scan(running_event, badge_token(registration), now=later)
    assert outcome.result == "not_today" and outcome.status == 403
    assert admissions() == 0


def test_category_restricted_to_another_day(running_event, make_registration):
    category = running_event.categories[0]
    category.set_days([running_event.last_day])
    db.session.commit()
    registration = make_registration(running_event, category)
    assert scan(running_event, badge_token(registration)).result == "not_today"


def test_gate_into_a_zone_the_category_may_not_enter(running_event, make_registration):
    hall = Zone(name="Hall 1")
    lounge = Zone(name="VIP lounge")
    running_event.zones.extend([hall, lounge])
    visitor = running_event.categories[0]
    visitor.zones = [hall]
    db.session.flush()
    add_gate(running_event, "Lounge door", lounge)
    add_gate(running_event, "Hall door", hall)
    db.session.commit()
    registration = make_registration(running_event, visitor)
    refused = scan(running_event, badge_token(registration), gate="Lounge door")
    assert refused.result == "zone_not_allowed" and refused.status == 403
    assert scan(running_event, badge_token(registration), gate="hall door").result == "admitted"


def test_unknown_gate_is_refused_once_gates_exist(running_event, make_registration):
    add_gate(running_event, "North", None)
    db.session.commit()
    registration = make_registration(running_event)
    with pytest.raises(ScanRefused) as error:
        scan(running_event, badge_token(registration), gate="Nort")
    assert error.value.code == "unknown_gate"
    assert count(Scan) == 0


def test_reissued_badge_makes_the_old_one_revoked(running_event, make_registration):
    registration = make_registration(running_event)
    old_token = badge_token(registration)
    reissue_badge(registration)
    db.session.commit()
    old = scan(running_event, old_token)
    assert old.result == "revoked" and old.status == 410
    assert old.reason == "badge_reissued"
    assert scan(running_event, badge_token(registration)).result == "admitted"


def test_cancelled_registration_is_revoked(running_event, make_registration):
    registration = make_registration(running_event)
    token = badge_token(registration)
    cancel(registration)
    db.session.commit()
    outcome = scan(running_event, token)
    assert outcome.result == "revoked" and outcome.reason == "cancelled"


def test_unknown_forged_and_malformed_codes(running_event, make_registration):
    registration = make_registration(running_event)
    token = badge_token(registration)
    never_issued = make_badge_token(123456789, 1, badge_signing_key())
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert scan(running_event, never_issued).result == "unknown"
    assert scan(running_event, forged).result == "unknown"
    malformed = scan(running_event, "https://example.com/not-a-badge")
    assert malformed.result == "malformed" and malformed.status == 404
    assert count(Scan) == 3
    assert admissions() == 0


def test_badge_of_another_event_is_unknown(running_event, make_event, make_registration):
    other = make_event()
    registration = make_registration(other)
    outcome = scan(running_event, badge_token(registration))
    assert outcome.result == "unknown" and outcome.registration is None


def test_retry_with_the_same_nonce_is_answered_like_the_first(running_event, make_registration):
    registration = make_registration(running_event)
    token = badge_token(registration)
    first = scan(running_event, token, nonce="nonce-0001")
    retry = scan(running_event, token, nonce="nonce-0001")
    assert first.result == retry.result == "admitted"
    assert retry.replayed and retry.scan_id == first.scan_id
    assert count(Scan) == 1
    assert scan(running_event, token, nonce="nonce-0002").result == "already_inside"


def test_every_scan_is_recorded_with_gate_and_result(running_event, make_registration):
    registration = make_registration(running_event)
    scan(running_event, badge_token(registration), gate="North")
    scan(running_event, "garbage", gate="South")
    rows = db.session.execute(select(Scan.gate, Scan.result).order_by(Scan.id)).all()
    assert rows == [("North", "admitted"), ("South", "malformed")]


def test_a_gate_added_or_deleted_counts_from_the_next_scan(running_event, make_registration):
    token = badge_token(make_registration(running_event))
    gate = add_gate(running_event, "North", None)
    db.session.commit()
    with pytest.raises(ScanRefused):
        scan(running_event, token, gate="Anywhere")
    db.session.delete(gate)
    db.session.commit()
    assert scan(running_event, token, gate="Anywhere").result == "admitted"


def test_a_category_rule_changed_counts_from_the_next_scan(running_event, make_registration):
    registration = make_registration(running_event)
    running_event.categories[0].set_days([running_event.last_day])
    db.session.commit()
    assert scan(running_event, badge_token(registration)).result == "not_today"
    running_event.categories[0].set_days([])
    db.session.commit()
    assert scan(running_event, badge_token(registration)).result == "admitted"


def test_a_nonce_reused_with_another_code_is_refused_and_records_nothing(
    running_event, make_registration
):
    first, second = make_registration(running_event), make_registration(running_event)
    scan(running_event, badge_token(first), nonce="nonce-0100")
    for other_code in (badge_token(second), "garbage", badge_token(first) + "X"):
        with pytest.raises(ScanRefused) as error:
            scan(running_event, other_code, nonce="nonce-0100")
        db.session.rollback()
        assert error.value.code == "nonce_reused" and error.value.status == 409
    assert count(Scan) == 1
    assert scan(running_event, badge_token(second), nonce="nonce-0101").result == "admitted"


def test_a_nonce_reused_by_another_device_is_refused(running_event, make_registration, make_user):
    token = badge_token(make_registration(running_event))
    one, other = make_user("staff"), make_user("staff")
    scan(running_event, token, nonce="nonce-0200", user_id=one.id)
    with pytest.raises(ScanRefused) as error:
        scan(running_event, token, nonce="nonce-0200", user_id=other.id)
    assert error.value.code == "nonce_reused"
    db.session.rollback()
    retry = scan(running_event, token, nonce="nonce-0200", user_id=one.id)
    assert retry.replayed and retry.result == "admitted"
    assert count(Scan) == 1


def test_retry_of_an_already_inside_scan_keeps_the_first_entry(running_event, make_registration):
    registration = make_registration(running_event)
    token = badge_token(registration)
    scan(running_event, token, gate="North")
    second = scan(running_event, token, gate="South", nonce="nonce-0003")
    retry = scan(running_event, token, gate="South", nonce="nonce-0003")
    assert second.result == retry.result == "already_inside"
    assert retry.replayed and retry.scan_id == second.scan_id
    assert retry.first_entry == second.first_entry and retry.first_entry.gate == "North"
    assert count(Scan) == 2 and admissions() == 1


def test_a_refused_scan_does_not_hold_the_day(running_event, make_registration):
    zoned_event(running_event)
    token = badge_token(make_registration(running_event))
    assert scan(running_event, token, gate="Lounge door").result == "zone_not_allowed"
    assert scan(running_event, token, gate="Hall door").result == "admitted"
    assert scan(running_event, token, gate="Lounge door").result == "zone_not_allowed"
    assert admissions() == 1


def test_each_scan_records_its_day_in_the_event_time_zone(running_event, make_registration):
    running_event.timezone = "Asia/Dubai"  # UTC+4 all year
    db.session.commit()
    registration = make_registration(running_event)
    late_evening = datetime.combine(running_event.first_day, datetime.min.time(), tzinfo=UTC)
    late_evening += timedelta(hours=22, minutes=30)  # already the next day in Dubai
    outcome = scan(running_event, badge_token(registration), now=late_evening)
    day = db.session.scalar(select(Scan.day).where(Scan.id == outcome.scan_id))
    assert day == running_event.first_day + timedelta(days=1)


def test_an_admission_landing_after_the_lookup_makes_the_scan_already_inside(
    running_event, make_registration, monkeypatch
):
    """The lookup saw no entry, but another gate admits the badge before this scan's
    insert: the index refuses the insert and the scan is recorded as already inside."""
    token = badge_token(make_registration(running_event))
    other_gate: list = []
    insert_scan = scanning._insert_scan

    def other_gate_admits_first(values):
        monkeypatch.setattr(scanning, "_insert_scan", insert_scan)
        event = door_event(running_event.slug)
        other_gate.append(perform_scan(event, ScanInput(code=token, gate="South")))
        return insert_scan(values)

    monkeypatch.setattr(scanning, "_insert_scan", other_gate_admits_first)
    outcome = scan(running_event, token, gate="North")
    assert other_gate[0].result == "admitted"
    assert outcome.result == "already_inside" and outcome.status == 200
    assert outcome.first_entry.gate == "South"
    assert outcome.registration.full_name
    assert admissions() == 1 and count(Scan) == 2
