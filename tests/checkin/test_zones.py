"""Zones, exits, re-entries and capacity at the door; offline scans sent later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventhub.badges.signing import badge_token
from eventhub.checkin.models import Gate, Scan
from eventhub.checkin.scanning import (
    ScanInput,
    door_event,
    event_day,
    perform_scan,
    zone_occupancy,
)
from eventhub.events.models import Zone
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.register import cancel


@pytest.fixture
def halls(running_event):
    """The running expo with Hall 2 (capacity 2) and a VIP lounge, each with an entry and an
    exit gate, and a main entrance into the venue; every category may go everywhere."""
    hall, lounge = Zone(name="Hall 2", capacity=2), Zone(name="VIP lounge")
    running_event.zones.extend([hall, lounge])
    db.session.flush()
    db.session.add_all(
        [
            Gate(event_id=running_event.id, name="Main", zone=None),
            Gate(event_id=running_event.id, name="Hall in", zone=hall),
            Gate(event_id=running_event.id, name="Hall out", zone=hall, direction="exit"),
            Gate(event_id=running_event.id, name="Lounge in", zone=lounge),
            Gate(event_id=running_event.id, name="Lounge out", zone=lounge, direction="exit"),
        ]
    )
    db.session.commit()
    return running_event


def scan(event, registration, gate, **values):
    scan_input = ScanInput(code=badge_token(registration), gate=gate, **values)
    outcome = perform_scan(door_event(event.slug), scan_input, now=values.pop("now", None))
    db.session.commit()
    return outcome


def inside(event, zone_name):
    zone = next(zone for zone in event.zones if zone.name == zone_name)
    return zone_occupancy(event.id, zone.id, event_day(event, utcnow()))


def test_an_entry_counts_once_per_zone_per_day(halls, make_registration):
    registration = make_registration(halls)
    assert scan(halls, registration, "Main").result == "admitted"
    assert scan(halls, registration, "Hall in").result == "admitted"
    assert scan(halls, registration, "Lounge in").result == "admitted"
    again = scan(halls, registration, "Hall in")
    assert again.result == "already_inside"
    assert again.first_entry.gate == "Hall in"
    zones = db.session.scalars(select(Scan.zone_key).where(Scan.result == "admitted")).all()
    assert len(set(zones)) == 3


def test_exit_then_reentry_then_exit(halls, make_registration):
    registration = make_registration(halls)
    entry = scan(halls, registration, "Hall in")
    assert inside(halls, "Hall 2") == 1
    exit_ = scan(halls, registration, "Hall out")
    assert (exit_.result, exit_.status) == ("exited", 200)
    assert db.session.get(Scan, exit_.scan_id).follows_scan_id == entry.scan_id
    assert inside(halls, "Hall 2") == 0
    back = scan(halls, registration, "Hall in")
    assert (back.result, back.status) == ("reentered", 201)
    assert db.session.get(Scan, back.scan_id).follows_scan_id == exit_.scan_id
    assert inside(halls, "Hall 2") == 1
    assert scan(halls, registration, "Hall in").result == "already_inside"
    assert scan(halls, registration, "Hall out").result == "exited"
    assert inside(halls, "Hall 2") == 0


def test_an_exit_without_an_entry_is_recorded_but_not_counted(halls, make_registration):
    registration = make_registration(halls)
    outcome = scan(halls, registration, "Hall out")
    assert outcome.result == "exited"
    assert db.session.get(Scan, outcome.scan_id).follows_scan_id is None
    assert scan(halls, registration, "Hall out").result == "exited"
    assert inside(halls, "Hall 2") == 0


def test_a_cancelled_badge_may_still_leave(halls, make_registration):
    registration = make_registration(halls)
    scan(halls, registration, "Hall in")
    cancel(registration)
    db.session.commit()
    assert scan(halls, registration, "Hall out").result == "exited"
    assert scan(halls, registration, "Hall in").result == "revoked"


def test_an_unknown_code_is_refused_at_an_exit_too(halls):
    outcome = perform_scan(door_event(halls.slug), ScanInput(code="HELLO", gate="Hall out"))
    assert outcome.result == "malformed"


def test_a_full_zone_answers_zone_full_until_someone_leaves(halls, make_registration):
    first, second, third = (make_registration(halls) for _ in range(3))
    assert scan(halls, first, "Hall in").result == "admitted"
    assert scan(halls, second, "Hall in").result == "admitted"
    full = scan(halls, third, "Hall in")
    assert (full.result, full.status) == ("zone_full", 409)
    assert (full.zone.name, full.zone.inside, full.zone.capacity) == ("Hall 2", 2, 2)
    assert db.session.get(Scan, full.scan_id).result == "zone_full"  # recorded
    scan(halls, first, "Hall out")
    assert scan(halls, third, "Hall in").result == "admitted"


def test_staff_may_let_someone_into_a_full_zone(halls, make_registration):
    people = [make_registration(halls) for _ in range(3)]
    for person in people[:2]:
        scan(halls, person, "Hall in")
    let_in = scan(halls, people[2], "Hall in", override=True)
    assert let_in.result == "admitted"
    assert db.session.get(Scan, let_in.scan_id).override is True
    assert inside(halls, "Hall 2") == 3


def test_a_zone_without_capacity_is_never_full(halls, make_registration):
    for _ in range(5):
        assert scan(halls, make_registration(halls), "Lounge in").result == "admitted"


def test_an_offline_scan_is_recorded_at_its_own_time_and_never_zone_full(halls, make_registration):
    people = [make_registration(halls) for _ in range(3)]
    for person in people[:2]:
        scan(halls, person, "Hall in")
    earlier = utcnow() - timedelta(minutes=5)
    outcome = scan(
        halls,
        people[2],
        "Hall in",
        offline_result="admitted",
        scanned_at=earlier,
        nonce="offline-nonce-1",
    )
    assert outcome.result == "admitted"
    row = db.session.get(Scan, outcome.scan_id)
    assert row.offline and row.offline_result == "admitted"
    assert abs((row.scanned_at - earlier).total_seconds()) < 1
    assert row.recorded_at > row.scanned_at


def test_two_offline_devices_one_admission_one_conflict(halls, make_registration):
    registration = make_registration(halls)
    at = utcnow() - timedelta(minutes=2)
    first = scan(
        halls, registration, "Main", offline_result="admitted", scanned_at=at, nonce="device-a-0001"
    )
    second = scan(
        halls,
        registration,
        "Main",
        offline_result="admitted",
        scanned_at=at + timedelta(seconds=30),
        nonce="device-b-0001",
    )
    assert (first.result, second.result) == ("admitted", "already_inside")
    conflict = db.session.get(Scan, second.scan_id)
    assert conflict.offline and conflict.offline_result == "admitted"
    # The queue sent again records nothing twice.
    again = scan(
        halls,
        registration,
        "Main",
        offline_result="admitted",
        scanned_at=at + timedelta(seconds=30),
        nonce="device-b-0001",
    )
    assert again.replayed and again.result == "already_inside"
    assert len(db.session.scalars(select(Scan.id)).all()) == 2


def test_an_offline_scan_of_a_badge_cancelled_meanwhile_is_kept(halls, make_registration):
    registration = make_registration(halls)
    cancel(registration)
    db.session.commit()
    outcome = scan(
        halls,
        registration,
        "Main",
        offline_result="admitted",
        scanned_at=utcnow() - timedelta(minutes=1),
        nonce="device-c-0001",
    )
    assert outcome.result == "revoked"
    row = db.session.get(Scan, outcome.scan_id)
    assert (row.offline_result, row.result) == ("admitted", "revoked")


# --- over HTTP -----------------------------------------------------------------------


def url(event) -> str:
    return f"/api/v1/events/{event.slug}/checkins"


def test_api_zone_full_then_override(client, login_as, halls, make_registration):
    people = [make_registration(halls) for _ in range(3)]
    login_as("staff")
    for person in people[:2]:
        assert (
            client.post(
                url(halls), json={"code": badge_token(person), "gate": "Hall in"}
            ).status_code
            == 201
        )
    full = client.post(url(halls), json={"code": badge_token(people[2]), "gate": "Hall in"})
    assert full.status_code == 409
    body = full.get_json()
    assert body["result"] == "zone_full"
    assert body["error"]["code"] == "zone_full"
    assert body["zone"] == {"name": "Hall 2", "inside": 2, "capacity": 2}
    let_in = client.post(
        url(halls), json={"code": badge_token(people[2]), "gate": "Hall in", "override": True}
    )
    assert let_in.status_code == 201 and let_in.get_json()["result"] == "admitted"


def test_api_exit_and_reentry(client, login_as, halls, make_registration):
    registration = make_registration(halls)
    login_as("staff")
    code = badge_token(registration)
    assert client.post(url(halls), json={"code": code, "gate": "Lounge in"}).status_code == 201
    out = client.post(url(halls), json={"code": code, "gate": "Lounge out"})
    assert (out.status_code, out.get_json()["result"]) == (200, "exited")
    back = client.post(url(halls), json={"code": code, "gate": "Lounge in"})
    assert (back.status_code, back.get_json()["result"]) == (201, "reentered")


def offline_payload(registration, **values):
    payload = {
        "code": badge_token(registration),
        "gate": "Main",
        "nonce": "offline-0000-1",
        "offline": True,
        "offline_result": "admitted",
        "synced_at": (utcnow() - timedelta(minutes=10)).isoformat(),
        "offset_ms": 5 * 60 * 1000,
    }
    return {**payload, **values}


def test_api_offline_scan_time_comes_from_the_sync_and_the_offset(
    client, login_as, halls, make_registration
):
    registration = make_registration(halls)
    login_as("staff")
    synced = utcnow() - timedelta(minutes=10)
    response = client.post(
        url(halls),
        json=offline_payload(registration, synced_at=synced.isoformat(), offset_ms=120_000),
    )
    assert response.status_code == 201
    row = db.session.get(Scan, response.get_json()["scan_id"])
    assert abs((row.scanned_at - (synced + timedelta(minutes=2))).total_seconds()) < 0.01
    assert row.offline


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"synced_at": "2020-01-01T00:00:00+00:00"}, "bad_scan_time"),
        ({"offset_ms": 60 * 60 * 1000}, "bad_scan_time"),  # an hour after a sync 10 min ago
        ({"offset_ms": -1}, "validation_error"),
        ({"offline_result": "welcome"}, "validation_error"),
        ({"synced_at": None}, "validation_error"),
        ({"synced_at": "yesterday"}, "validation_error"),
        ({"synced_at": "2026-12-01T10:00:00"}, "validation_error"),  # no time zone
        ({"offset_ms": "soon"}, "validation_error"),
    ],
)
def test_api_refuses_impossible_offline_scans_and_records_nothing(
    client, login_as, halls, make_registration, changes, code
):
    registration = make_registration(halls)
    login_as("staff")
    response = client.post(url(halls), json=offline_payload(registration, **changes))
    assert response.status_code == (409 if code == "bad_scan_time" else 422)
    assert response.get_json()["error"]["code"] == code
    assert db.session.scalars(select(Scan.id)).all() == []


def test_api_offline_replay_records_once(client, login_as, halls, make_registration):
    registration = make_registration(halls)
    login_as("staff")
    payload = offline_payload(registration)
    first = client.post(url(halls), json=payload)
    second = client.post(url(halls), json=payload)
    assert first.status_code == 201 and second.status_code == 201
    assert second.get_json()["replayed"] is True
    assert len(db.session.scalars(select(Scan.id)).all()) == 1


def test_api_gates_list_direction_and_zone(client, login_as, halls):
    login_as("staff")
    gates = {
        gate["name"]: gate for gate in client.get(f"/api/v1/events/{halls.slug}/gates").get_json()
    }
    assert gates["Hall out"]["direction"] == "exit"
    assert gates["Hall out"]["zone"] == "Hall 2"
    assert gates["Main"] == {"name": "Main", "zone": None, "zone_id": None, "direction": "entry"}
