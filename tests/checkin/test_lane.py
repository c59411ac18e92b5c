"""The door's fast lane answers scanner devices exactly as the route does, and hands every
request that is not a badge read to the route."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, request_started
from sqlalchemy import func, select

from eventhub import create_app
from eventhub.auth.accounts import issue_api_token, revoke_api_token
from eventhub.badges.signing import badge_signing_key, badge_token
from eventhub.badges.tokens import make_badge_token
from eventhub.checkin import rules
from eventhub.checkin.gates import add_gate
from eventhub.checkin.lane import DoorLane
from eventhub.checkin.models import Scan
from eventhub.extensions import db
from eventhub.registration.register import reissue_badge
from tests.checkin.conftest import zoned_event

# What differs between two equal scans of two different registrations.
VARYING = {"scan_id", "scanned_at"}


@pytest.fixture
def through_flask(app: Flask) -> Iterator[list[str]]:
    """The paths of the requests that reached Flask."""
    seen: list[str] = []

    def record(sender: Flask, **_extra: Any) -> None:
        from flask import request

        seen.append(request.path)

    with request_started.connected_to(record, app):
        yield seen


@pytest.fixture
def device(make_user) -> Callable[..., dict[str, str]]:
    def headers(role: str = "staff", **user: Any) -> dict[str, str]:
        issued = issue_api_token(make_user(role, **user), "Gate phone")
        db.session.commit()
        return {"Authorization": f"Bearer {issued.secret}"}

    return headers


@pytest.fixture
def without_lane(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    def switch_off() -> None:
        assert isinstance(app.wsgi_app, DoorLane)
        monkeypatch.setattr(app, "wsgi_app", app.wsgi_app.wsgi_app)

    return switch_off


def url(event: Any) -> str:
    return f"/api/v1/events/{event.slug}/checkins"


def comparable(response: Any) -> tuple[int, dict[str, Any]]:
    body = {key: value for key, value in response.get_json().items() if key not in VARYING}
    if body.get("attendee"):
        body["attendee"] = {
            key: value for key, value in body["attendee"].items() if key not in {"name", "number"}
        }
    if body.get("first_entry"):
        body["first_entry"] = {"gate": body["first_entry"]["gate"]}
    return response.status_code, body


def scan_story(client, event, make_registration, headers) -> list[tuple[int, dict[str, Any]]]:
    """Every answer a badge read can get, in French, English and Arabic."""
    fresh = make_registration(event)
    reissued = make_registration(event)
    old_token = badge_token(reissued)
    reissue_badge(reissued)
    db.session.commit()
    never_issued = make_badge_token(987654321, 1, badge_signing_key())
    scans = [
        ({"code": badge_token(fresh), "gate": "Hall door"}, {}),
        ({"code": badge_token(fresh), "gate": "hall door"}, {"Accept-Language": "en"}),
        ({"code": badge_token(fresh), "gate": "Lounge door"}, {"Accept-Language": "ar"}),
        ({"code": old_token, "gate": "Hall door"}, {}),
        ({"code": never_issued, "gate": "Hall door"}, {}),
        ({"code": "https://example.com/x", "gate": "Hall door"}, {}),
        ({"code": badge_token(reissued), "gate": "Hall door", "nonce": "retry-0001"}, {}),
        ({"code": badge_token(reissued), "gate": "Hall door", "nonce": "retry-0001"}, {}),
    ]
    return [
        comparable(client.post(url(event), json=body, headers={**headers, **extra}))
        for body, extra in scans
    ]


def test_the_lane_answers_every_badge_read_as_the_route_does(
    client, make_event, running_event, make_registration, device, through_flask, without_lane
):
    headers = device()
    by_lane = scan_story(client, zoned_event(running_event), make_registration, headers)
    assert through_flask == []
    assert [status for status, _ in by_lane] == [201, 200, 403, 410, 404, 400, 201, 201]
    assert by_lane[1][1]["message"].startswith("Already admitted today")
    assert by_lane[2][1]["message"] != by_lane[0][1]["message"]  # Arabic, not French
    assert by_lane[7][1]["replayed"] is True

    without_lane()
    other = zoned_event(make_event(first_day=running_event.first_day))
    by_route = scan_story(client, other, make_registration, headers)
    assert len(through_flask) == len(by_route)
    assert by_lane == by_route


def test_the_lane_writes_what_the_route_writes(
    client, running_event, make_registration, device, without_lane
):
    headers = device()

    def scan() -> None:
        registration = make_registration(running_event)
        body = {"code": badge_token(registration), "gate": "North", "device": "Handheld 2"}
        assert client.post(url(running_event), json=body, headers=headers).status_code == 201

    scan()
    without_lane()
    scan()
    scans = db.session.execute(
        select(Scan.result, Scan.gate, Scan.device, Scan.user_id, Scan.api_token_id)
    ).all()
    assert len(scans) == 2 and scans[0] == scans[1]
    assert scans[0].device == "Handheld 2" and scans[0].api_token_id is not None


def test_a_scan_that_is_not_plain_is_loaded_by_the_schema_in_the_lane(
    client, running_event, make_registration, device, through_flask
):
    """A garbled read with a NUL misses the fast path; the schema drops the NUL, as the
    route's would, and the lane still answers."""
    registration = make_registration(running_event)
    body = {"code": badge_token(registration) + "\x00", "gate": "North", "device": "Pad\x00"}
    response = client.post(url(running_event), json=body, headers=device())
    assert response.status_code == 201
    assert through_flask == []
    assert db.session.execute(select(Scan.code, Scan.device)).one() == (
        badge_token(registration),
        "Pad",
    )


def test_a_devices_scans_in_a_row_are_all_kept(
    app, client, running_event, make_registration, device, through_flask, monkeypatch
):
    """After its first scan a device's token is cached (as in production) and its use
    recorded: the next scans write nothing but their own row, and each is committed."""
    monkeypatch.setitem(app.config, "API_TOKEN_CACHE_SECONDS", 60.0)
    headers = device()
    for _ in range(3):
        registration = make_registration(running_event)
        body = {"code": badge_token(registration), "gate": "North"}
        assert client.post(url(running_event), json=body, headers=headers).status_code == 201
    assert not through_flask
    db.session.remove()
    with db.engine.connect() as connection:  # another connection sees only what is committed
        kept = connection.scalar(select(func.count()).where(Scan.result == "admitted"))
    assert kept == 3


def test_the_users_language_is_the_answers(client, running_event, make_registration, device):
    headers = device(preferred_language="en")
    registration = make_registration(running_event)
    response = client.post(
        url(running_event),
        json={"code": badge_token(registration), "gate": "North"},
        headers={**headers, "Accept-Language": "ar"},
    )
    assert response.get_json()["message"] == "Welcome: let them in."


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (lambda r: {**r, "json": {"code": r["json"]["code"], "gate": "Nowhere"}}, 422),
        (
            lambda r: {**r, "json": None, "data": b'{"code": ', "content_type": "application/json"},
            400,
        ),
        (lambda r: {**r, "json": {"code": r["json"]["code"]}}, 422),
        (lambda r: {**r, "json": {**r["json"], "extra": 1}}, 422),
        (lambda r: {**r, "json": [r["json"]]}, 422),
        (lambda r: {**r, "url": "/api/v1/events/no-such-event/checkins"}, 404),
        (lambda r: {**r, "url": r["url"] + "?debug=1"}, 201),
        (lambda r: {**r, "cookie": ("theme", "dark")}, 201),
        (lambda r: {**r, "json": None, "data": b"code=x", "content_type": "text/plain"}, 415),
    ],
    ids=[
        "unknown-gate",
        "bad-json",
        "no-gate",
        "unknown-field",
        "not-an-object",
        "unknown-event",
        "query-string",
        "cookie",
        "not-json",
    ],
)
def test_what_is_not_a_badge_read_goes_to_the_route(
    client, running_event, make_registration, device, through_flask, change, status
):
    add_gate(running_event, "North", None)
    db.session.commit()
    registration = make_registration(running_event)
    base = {
        "url": url(running_event),
        "json": {"code": badge_token(registration), "gate": "North"},
        "headers": device(),
    }
    sent = change(base)
    if "cookie" in sent:
        client.set_cookie(*sent.pop("cookie"))
    response = client.post(sent.pop("url"), **{k: v for k, v in sent.items() if v is not None})
    assert response.status_code == status
    assert through_flask, "the route answered"
    if status >= 400:
        assert "error" in response.get_json()
        assert db.session.scalar(select(func.count()).select_from(Scan)) == 0


@pytest.mark.parametrize(("role", "status"), [("startup", 403), ("investor", 403)])
def test_a_token_of_a_role_that_may_not_scan_goes_to_the_route(
    client, running_event, device, through_flask, role, status
):
    response = client.post(
        url(running_event), json={"code": "X", "gate": "North"}, headers=device(role)
    )
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == "forbidden"
    assert through_flask


def test_a_revoked_token_goes_to_the_route(client, make_user, running_event, through_flask):
    issued = issue_api_token(make_user("staff"), "Lost phone")
    revoke_api_token(issued.token)
    db.session.commit()
    response = client.post(
        url(running_event),
        json={"code": "X", "gate": "North"},
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    assert through_flask


def test_after_an_error_in_the_lane_the_route_scans_once(
    client, running_event, make_registration, device, through_flask, monkeypatch, caplog
):
    """The connection fails as the scan is being recorded (its one write, and the lane's
    last statement): nothing is written, and the route scans the badge once."""
    real_insert = rules._insert_scan
    calls = []

    def lost_at_first_insert(*args: Any) -> Any:
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("connection lost")
        return real_insert(*args)

    monkeypatch.setattr(rules, "_insert_scan", lost_at_first_insert)
    registration = make_registration(running_event)
    response = client.post(
        url(running_event), json={"code": badge_token(registration), "gate": "N"}, headers=device()
    )
    assert response.status_code == 201
    assert response.get_json()["result"] == "admitted"
    assert through_flask
    assert "handed to the route" in caplog.text
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1
    assert db.session.scalar(select(func.count()).where(Scan.result == "admitted")) == 1


def test_the_lane_can_be_switched_off():
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "CHECKIN_DEVICE_LANE": False,
        }
    )
    assert not isinstance(app.wsgi_app, DoorLane)
