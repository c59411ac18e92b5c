"""The scanners' door list (issue 17): its content, its deltas and its API."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import update

from eventhub.auth.accounts import issue_api_token, revoke_api_token
from eventhub.auth.models import ApiToken
from eventhub.badges.signing import badge_signing_key, badge_token
from eventhub.badges.tokens import make_badge_token
from eventhub.checkin.door_list import (
    CURSOR_MAX_AGE,
    Cursor,
    badge_hash,
    badge_hashes,
    build_door_list,
    decode_cursor,
    door_list_key,
    encode_cursor,
)
from eventhub.checkin.models import Gate, Scan
from eventhub.checkin.scanning import event_day
from eventhub.events.models import Zone
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.models import Registration
from eventhub.registration.register import cancel, reissue_badge


def url(event: Any, since: str | None = None) -> str:
    query = f"?since={since}" if since is not None else ""
    return f"/api/v1/events/{event.slug}/door-list{query}"


def current_hash(event: Any, registration: Registration) -> str:
    return badge_hash(door_list_key(event.id), badge_token(registration))


def rows_of(body: dict[str, Any], registration: Registration) -> list[list[Any]]:
    return [row for row in body["badges"] if row[1] == registration.id]


def add_scan(event: Any, registration: Registration, result: str, **values: Any) -> Scan:
    now = utcnow()
    scan = Scan(
        event_id=event.id,
        registration_id=registration.id,
        gate=values.pop("gate", "North"),
        result=result,
        code="x",
        scanned_at=values.pop("scanned_at", now),
        recorded_at=values.pop("recorded_at", now),
        day=values.pop("day", event_day(event, now)),
        **values,
    )
    db.session.add(scan)
    db.session.commit()
    return scan


def age_registrations(moment: datetime) -> None:
    """Every registration last changed at `moment` (a Core UPDATE with an explicit value)."""
    db.session.execute(update(Registration).values(updated_at=moment))
    db.session.commit()


# The list's content.


def test_a_full_list_holds_each_badge_as_a_keyed_hash(running_event, make_registration):
    first = make_registration(running_event, first_name="Amina", last_name="El Idrissi")
    second = make_registration(running_event, first_name="يوسف", last_name="العلوي")
    now = utcnow()
    body = build_door_list(running_event, None, now)
    starts, ends = running_event.day_bounds(event_day(running_event, now))

    assert body["format"] == 1 and body["full"] is True
    assert body["event"] == {
        "id": running_event.id,
        "slug": running_event.slug,
        "name": running_event.name,
        "first_day": running_event.first_day.isoformat(),
        "last_day": running_event.last_day.isoformat(),
        "timezone": running_event.timezone,
        "day": event_day(running_event, now).isoformat(),
        "day_starts_at": starts.isoformat(),
        "day_ends_at": ends.isoformat(),
    }
    assert body["server_time"] == now.isoformat()
    key = base64.urlsafe_b64decode(body["key"] + "=")
    assert key == door_list_key(running_event.id) and len(key) == 32
    category_id = running_event.categories[0].id
    assert body["badges"] == [
        [
            current_hash(running_event, first),
            first.id,
            "Amina El Idrissi",
            category_id,
            "confirmed",
        ],
        [current_hash(running_event, second), second.id, "يوسف العلوي", category_id, "confirmed"],
    ]
    expected = make_badge_token(first.badge_code, first.badge_version, badge_signing_key())
    assert body["badges"][0][0] == badge_hash(key, expected)
    assert len(body["badges"][0][0]) == 16
    assert "csrf_token" not in body


def test_the_list_says_when_its_day_begins_and_ends_by_the_servers_rules(make_event):
    """Half past midnight in Casablanca (UTC+1) is still the evening before in UTC; a
    browser whose time zone rules differ takes its day from these bounds, not from them."""
    expo = make_event(first_day=date(2026, 12, 6), last_day=date(2026, 12, 8))
    assert expo.timezone == "Africa/Casablanca"
    now = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    event = build_door_list(expo, None, now)["event"]
    assert event["day"] == "2026-12-07"
    assert event["day_starts_at"] == "2026-12-06T23:00:00+00:00"
    assert event["day_ends_at"] == "2026-12-07T23:00:00+00:00"


def test_the_hash_is_of_the_qr_text_trimmed_and_uppercased(running_event, make_registration):
    token = badge_token(make_registration(running_event))
    key = door_list_key(running_event.id)
    assert badge_hash(key, f"  {token.lower()}\n") == badge_hash(key, token)
    assert badge_hash(door_list_key(running_event.id + 1), token) != badge_hash(key, token)


def test_hashes_in_bulk_are_the_hashes_one_by_one(running_event):
    key, signing_key = door_list_key(running_event.id), badge_signing_key()
    tokens = [make_badge_token(code, version, signing_key) for code, version in
              [(1, 1), (2**63 - 1, 65535), (987654321, 2), (42, 7)]]  # fmt: skip
    assert badge_hashes(key, tokens) == [badge_hash(key, token) for token in tokens]
    assert badge_hashes(key, []) == []


def test_a_reissued_badge_lists_up_to_three_older_versions(running_event, make_registration):
    once, often = make_registration(running_event), make_registration(running_event)
    reissue_badge(once)
    for _ in range(4):
        reissue_badge(often)
    db.session.commit()
    body = build_door_list(running_event, None, utcnow())
    signing_key, key = badge_signing_key(), door_list_key(running_event.id)

    def hashed(registration: Registration, version: int) -> str:
        return badge_hash(key, make_badge_token(registration.badge_code, version, signing_key))

    assert [(row[0], row[4]) for row in rows_of(body, once)] == [
        (hashed(once, 2), "confirmed"),
        (hashed(once, 1), "reissued"),
    ]
    assert [(row[0], row[4]) for row in rows_of(body, often)] == [
        (hashed(often, 5), "confirmed"),
        (hashed(often, 4), "reissued"),
        (hashed(often, 3), "reissued"),
        (hashed(often, 2), "reissued"),
    ]


def test_the_state_is_the_registrations_status(running_event, make_registration):
    kept, cancelled = make_registration(running_event), make_registration(running_event)
    cancel(cancelled)
    db.session.commit()
    body = build_door_list(running_event, None, utcnow())
    assert rows_of(body, kept)[0][4] == "confirmed"
    assert rows_of(body, cancelled)[0][4] == "cancelled"


def test_categories_carry_their_days_and_zones_gates_and_zones_theirs(running_event):
    hall, lounge = Zone(name="Hall 2", capacity=800), Zone(name="VIP lounge")
    running_event.zones.extend([hall, lounge])
    visitor, vip = running_event.categories
    vip.zones = [lounge, hall]
    vip.set_days([running_event.last_day, running_event.first_day])
    db.session.flush()
    db.session.add_all(
        [
            Gate(event_id=running_event.id, name="Hall 2 exit", zone_id=hall.id, direction="exit"),
            Gate(event_id=running_event.id, name="Main door"),
        ]
    )
    db.session.commit()
    body = build_door_list(running_event, None, utcnow())

    assert body["zones"] == [
        {"id": hall.id, "name": "Hall 2", "capacity": 800},
        {"id": lounge.id, "name": "VIP lounge", "capacity": None},
    ]
    assert body["gates"] == [
        {"name": "Hall 2 exit", "zone_id": hall.id, "direction": "exit"},
        {"name": "Main door", "zone_id": None, "direction": "entry"},
    ]
    assert body["categories"] == [
        {"id": visitor.id, "name": "Visitor", "colour": "#2563eb", "days": [], "zones": []},
        {
            "id": vip.id,
            "name": "VIP",
            "colour": "#111827",
            "days": [running_event.first_day.isoformat(), running_event.last_day.isoformat()],
            "zones": sorted([hall.id, lounge.id]),
        },
    ]


def test_entries_are_todays_movements_in_and_out(running_event, make_registration, make_event):
    registration = make_registration(running_event)
    now = utcnow()
    today = event_day(running_event, now)
    admitted = add_scan(running_event, registration, "admitted", zone_key=4, gate="Hall 2 north")
    exited = add_scan(running_event, registration, "exited", follows_scan_id=admitted.id)
    reentered = add_scan(running_event, registration, "reentered", follows_scan_id=exited.id)
    add_scan(running_event, registration, "exited")  # not recorded inside: no movement
    add_scan(running_event, registration, "already_inside")
    add_scan(running_event, registration, "not_today")
    add_scan(running_event, registration, "admitted", day=today - timedelta(days=1))
    other_event = make_event(first_day=today)
    add_scan(other_event, make_registration(other_event), "admitted")

    body = build_door_list(running_event, None, now)
    stamp = admitted.scanned_at.isoformat(timespec="seconds")
    assert body["entries"] == [
        [admitted.id, registration.id, 4, "in", stamp, "Hall 2 north"],
        [exited.id, registration.id, 0, "out", stamp, "North"],
        [reentered.id, registration.id, 0, "in", stamp, "North"],
    ]
    assert stamp.endswith("+00:00")


def test_the_list_is_built_in_the_same_few_statements_whatever_its_size(
    running_event, make_registration
):
    def statements_for_a_list() -> int:
        executed: list[str] = []

        def count(*_args: Any, **_kwargs: Any) -> None:
            executed.append("statement")

        assert running_event.id  # the event loaded (after the commits) and a transaction begun
        sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
        try:
            build_door_list(running_event, None, utcnow())
        finally:
            sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
        return len(executed)

    make_registration(running_event)
    few = statements_for_a_list()
    for _ in range(4):
        add_scan(running_event, make_registration(running_event), "admitted")
    assert statements_for_a_list() == few == 7


# Deltas.


def test_a_delta_holds_only_what_changed_since_the_cursor_and_the_overlap(
    running_event, make_registration
):
    unchanged, changed, late = (make_registration(running_event) for _ in range(3))
    scanned = make_registration(running_event)
    now = utcnow()
    age_registrations(now - timedelta(hours=2))
    old_scan = add_scan(running_event, unchanged, "admitted", recorded_at=now - timedelta(hours=1))
    first = build_door_list(running_event, None, now)
    assert first["full"] is True and len(first["badges"]) == 4 and len(first["entries"]) == 1

    changed.first_name = "Karima"  # the ORM stamps updated_at
    db.session.commit()
    # Stamped before the cursor, committed after it: within the overlap.
    db.session.execute(
        update(Registration)
        .where(Registration.id == late.id)
        .values(status="cancelled", updated_at=now - timedelta(seconds=30))
    )
    db.session.commit()
    new_scan = add_scan(running_event, scanned, "admitted")

    delta = build_door_list(running_event, first["cursor"], utcnow())
    assert delta["full"] is False
    assert {row[1] for row in delta["badges"]} == {changed.id, late.id}
    assert rows_of(delta, changed)[0][2].startswith("Karima ")
    assert rows_of(delta, late)[0][4] == "cancelled"
    assert [entry[0] for entry in delta["entries"]] == [new_scan.id]
    assert old_scan.id not in [entry[0] for entry in delta["entries"]]
    assert delta["zones"] == first["zones"] and delta["categories"] == first["categories"]
    assert delta["cursor"] != first["cursor"]


def test_a_reissue_sends_every_row_of_the_badge_in_the_delta(running_event, make_registration):
    registration = make_registration(running_event)
    make_registration(running_event)
    now = utcnow()
    age_registrations(now - timedelta(hours=2))
    cursor = build_door_list(running_event, None, now)["cursor"]
    reissue_badge(registration)
    db.session.commit()
    delta = build_door_list(running_event, cursor, utcnow())
    assert [row[4] for row in delta["badges"]] == ["confirmed", "reissued"]
    assert {row[1] for row in delta["badges"]} == {registration.id}


@pytest.mark.parametrize(
    "cursor_of",
    [
        lambda event, now: Cursor(event.id, event_day(event, now) - timedelta(days=1), now),
        lambda event, now: Cursor(event.id, event_day(event, now), now - CURSOR_MAX_AGE),
        lambda event, now: Cursor(event.id + 1, event_day(event, now), now),
        lambda event, now: Cursor(event.id, event_day(event, now), now + timedelta(hours=1)),
    ],
    ids=["another day", "older than 12 h", "another event", "ahead of the clock"],
)
def test_a_stale_or_foreign_cursor_answers_a_full_list(running_event, make_registration, cursor_of):
    make_registration(running_event)
    now = utcnow()
    age_registrations(now - timedelta(days=2))
    since = encode_cursor(cursor_of(running_event, now - timedelta(seconds=1)))
    body = build_door_list(running_event, since, now)
    assert body["full"] is True and len(body["badges"]) == 1


def test_a_cursor_reads_back_as_written():
    cursor = Cursor(3, datetime(2026, 12, 10).date(), datetime(2026, 12, 10, 8, 1, 2, 345678, UTC))
    assert decode_cursor(encode_cursor(cursor)) == cursor


@pytest.mark.parametrize(
    "garbage",
    ["x", "1.3.2026-12-10", "1.3.2026-02-30.5", "2.3.2026-12-10.5", "1.3.2026-12-10.-5",
     "1.3.2026-12-10.123456789012345678", " 1.3.2026-12-10.5", "1.٣.2026-12-10.5"],
)  # fmt: skip
def test_a_garbled_cursor_gets_the_full_list(running_event, garbage):
    assert decode_cursor(garbage) is None
    assert build_door_list(running_event, garbage, utcnow())["full"] is True


# The API.


def test_staff_get_the_list_uncached_with_a_csrf_token(client, login_as, running_event,
                                                       make_registration):  # fmt: skip
    registration = make_registration(running_event)
    login_as("staff")
    response = client.get(url(running_event))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["full"] is True
    assert rows_of(body, registration)[0][0] == current_hash(running_event, registration)
    assert isinstance(body["csrf_token"], str) and body["csrf_token"]


def test_the_cursor_asks_for_a_delta(client, login_as, running_event, make_registration):
    registration = make_registration(running_event)
    login_as("admin")
    cursor = client.get(url(running_event)).get_json()["cursor"]
    reissue_badge(registration)
    db.session.commit()
    delta = client.get(url(running_event, cursor)).get_json()
    assert delta["full"] is False
    assert rows_of(delta, registration)[0][0] == current_hash(running_event, registration)


def test_the_list_is_gzipped_for_a_client_that_accepts_it(
    client, login_as, running_event, make_registration
):
    for _ in range(30):  # larger than COMPRESS_MIN_SIZE
        make_registration(running_event)
    login_as("staff")
    response = client.get(url(running_event), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    body = json.loads(gzip.decompress(response.get_data()))
    assert len(body["badges"]) == 30
    plain = client.get(url(running_event))
    assert "Content-Encoding" not in plain.headers


def test_a_cursor_of_another_shape_is_a_422_and_an_unreadable_one_a_full_list(
    client, login_as, running_event
):
    """The document states the cursor's pattern: what does not match it is bad input; a
    cursor of that shape the server cannot use (a day that does not exist) is stale."""
    login_as("staff")
    for garbage in ("not-a-cursor", "1" * 201, "1.٣.2026-12-10.5"):
        response = client.get(url(running_event, garbage))
        assert response.status_code == 422, garbage
        assert response.get_json()["error"]["code"] == "validation_error"
    unreadable = client.get(url(running_event, "1.3.2026-02-30.5"))
    assert unreadable.status_code == 200
    assert unreadable.get_json()["full"] is True


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("startup", 403), ("investor", 403)])
def test_only_staff_and_organisers_get_the_list(client, login_as, running_event, role, status):
    if role:
        login_as(role)
    response = client.get(url(running_event))
    assert response.status_code == status
    assert "error" in response.get_json()


@pytest.mark.parametrize("slug", ["no-such-event", "draft"])
def test_an_unknown_or_unpublished_event_is_a_404(client, login_as, make_event, slug):
    make_event(slug="draft", status="draft")
    login_as("staff")
    response = client.get(f"/api/v1/events/{slug}/door-list")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "event_not_found"


def test_a_devices_token_gets_the_list_and_is_marked_used(
    client, make_user, running_event, make_registration
):
    make_registration(running_event)
    issued = issue_api_token(make_user("staff"), "Gate A phone")
    db.session.commit()
    response = client.get(url(running_event), headers={"Authorization": f"Bearer {issued.secret}"})
    assert response.status_code == 200
    assert response.get_json()["csrf_token"] is None  # a device sends no cookie
    assert "Set-Cookie" not in response.headers
    db.session.expire_all()
    assert db.session.get(ApiToken, issued.token.id).last_used_at is not None


def test_a_revoked_token_is_a_401(client, make_user, running_event):
    issued = issue_api_token(make_user("staff"), "Lost phone")
    revoke_api_token(issued.token)
    db.session.commit()
    response = client.get(url(running_event), headers={"Authorization": f"Bearer {issued.secret}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
