from __future__ import annotations

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, select

from eventhub.auth.accounts import issue_api_token, revoke_api_token
from eventhub.badges.signing import badge_token
from eventhub.checkin.models import Scan
from eventhub.extensions import db


def url(event) -> str:
    return f"/api/v1/events/{event.slug}/checkins"


def test_staff_session_scans_and_gets_the_attendee(
    client, login_as, running_event, make_registration
):
    registration = make_registration(running_event, first_name="يوسف", last_name="العلوي")
    login_as("staff")
    response = client.post(
        url(running_event), json={"code": badge_token(registration), "gate": "A"}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["result"] == "admitted"
    assert body["attendee"]["name"] == "يوسف العلوي"
    assert body["attendee"]["category"] == "Visitor"
    again = client.post(url(running_event), json={"code": badge_token(registration), "gate": "B"})
    assert again.status_code == 200
    assert again.get_json()["result"] == "already_inside"
    assert again.get_json()["first_entry"]["gate"] == "A"


def test_device_token_scans(client, make_user, running_event, make_registration):
    staff = make_user("staff")
    issued = issue_api_token(staff, "Gate A phone")
    db.session.commit()
    registration = make_registration(running_event)
    response = client.post(
        url(running_event),
        json={"code": badge_token(registration), "gate": "A", "nonce": "abcdef123456"},
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    assert response.status_code == 201
    retry = client.post(
        url(running_event),
        json={"code": badge_token(registration), "gate": "A", "nonce": "abcdef123456"},
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    assert retry.status_code == 201
    assert retry.get_json()["replayed"] is True


def test_revoked_device_token_is_refused(client, make_user, running_event):
    staff = make_user("staff")
    issued = issue_api_token(staff, "Lost phone")
    revoke_api_token(issued.token)
    db.session.commit()
    response = client.post(
        url(running_event),
        json={"code": "X", "gate": "A"},
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("startup", 403), ("investor", 403)])
def test_only_staff_and_organisers_may_scan(client, login_as, running_event, role, status):
    if role:
        login_as(role)
    response = client.post(url(running_event), json={"code": "X", "gate": "A"})
    assert response.status_code == status
    assert "error" in response.get_json()


@pytest.mark.parametrize(
    ("code", "status", "result"),
    [("not-a-badge", 404, "malformed"), ("1" + "A" * 32, 404, "unknown")],
)
def test_refusals_carry_the_error_body(client, login_as, running_event, code, status, result):
    login_as("staff")
    response = client.post(url(running_event), json={"code": code, "gate": "A"})
    assert response.status_code == status
    body = response.get_json()
    assert body["result"] == result
    assert body["error"]["code"] == result


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"code": "X"},
        {"gate": "A"},
        {"code": "", "gate": "A"},
        {"code": "X", "gate": "A", "nonce": "?"},
    ],
)
def test_bad_payloads_are_422(client, login_as, running_event, payload):
    login_as("staff")
    response = client.post(url(running_event), json=payload)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"


def test_unknown_event_is_404(client, login_as):
    login_as("staff")
    response = client.post("/api/v1/events/nope/checkins", json={"code": "X", "gate": "A"})
    assert response.status_code == 404


def test_scanner_page_for_staff_only(client, login_as, running_event):
    assert client.get(f"/events/{running_event.slug}/scan").status_code == 302
    login_as("startup")
    assert client.get(f"/events/{running_event.slug}/scan").status_code == 403


def test_scanner_page_renders(client, login_as, running_event):
    login_as("staff")
    page = client.get(f"/events/{running_event.slug}/scan").get_data(as_text=True)
    assert 'id="scan-code"' in page
    assert "vendor/jsqr/jsQR.js" in page


def test_attendance_page_and_api_for_organisers(client, login_as, running_event, make_registration):
    registration = make_registration(running_event)
    login_as("admin")
    client.post(url(running_event), json={"code": badge_token(registration), "gate": "North"})
    page = client.get(f"/organiser/events/{running_event.slug}/attendance")
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True)
    partial = client.get(f"/organiser/events/{running_event.slug}/attendance?partial=1")
    fragment = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in fragment
    assert 'data-figure="inside">1<' in fragment and "North" in fragment
    figures = client.get(f"/api/v1/events/{running_event.slug}/attendance").get_json()
    assert figures["inside_now"] == 1
    assert figures["per_gate"] == [{"gate": "North", "arrivals": 1}]
    assert sum(hour["arrivals"] for hour in figures["arrivals_per_hour"]) == 1


@pytest.mark.parametrize("day", ["2026-02-30", "today"])
def test_attendance_of_an_impossible_day_is_a_422(client, login_as, running_event, day):
    login_as("admin")
    response = client.get(f"/api/v1/events/{running_event.slug}/attendance?day={day}")
    assert response.status_code == 422
    assert "day" in response.get_json()["error"]["details"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2000-01-01"])
def test_attendance_of_a_day_the_event_does_not_have_is_a_404(client, login_as, running_event, day):
    """A well-formed date outside the event (the document says so): not found, whatever
    the time zone makes of year 1 or 9999."""
    login_as("admin")
    response = client.get(f"/api/v1/events/{running_event.slug}/attendance?day={day}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "day_not_in_event"


def test_attendance_forbidden_to_staff(client, login_as, running_event):
    login_as("staff")
    assert client.get(f"/organiser/events/{running_event.slug}/attendance").status_code == 403
    assert client.get(f"/api/v1/events/{running_event.slug}/attendance").status_code == 403


def test_gates_page_adds_and_refuses_duplicates(client, login_as, running_event):
    login_as("admin")
    page = f"/organiser/events/{running_event.slug}/gates"
    assert client.post(page, data={"name": "North", "zone_id": 0}).status_code == 302
    again = client.post(
        page, data={"name": "north", "zone_id": 0}, headers={"Accept-Language": "en"}
    )
    assert again.status_code == 422
    assert "already has a gate" in again.get_data(as_text=True)


@pytest.mark.parametrize("field", ["code", "gate", "device"])
def test_a_nul_character_in_a_scan_is_dropped_not_a_500(
    client, login_as, running_event, make_registration, field
):
    """PostgreSQL refuses NUL in text: a garbled read is answered and recorded without it."""
    from sqlalchemy import select

    from eventhub.checkin.models import Scan

    registration = make_registration(running_event)
    body = {"code": badge_token(registration), "gate": "A", "device": "phone 2"}
    body[field] += "\x00"
    login_as("staff")
    response = client.post(url(running_event), json=body)
    assert response.status_code == 201
    assert response.get_json()["result"] == "admitted"
    scan = db.session.scalars(select(Scan)).one()
    assert "\x00" not in scan.code + scan.gate + scan.device


def scan_as(client, event, secret, code, nonce, gate="A"):
    return client.post(
        url(event),
        json={"code": code, "gate": gate, "nonce": nonce},
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_a_nonce_reused_with_another_code_is_a_409_and_records_nothing(
    client, make_user, running_event, make_registration
):
    issued = issue_api_token(make_user("staff"), "Gate A phone")
    db.session.commit()
    first, second = make_registration(running_event), make_registration(running_event)
    assert (
        scan_as(client, running_event, issued.secret, badge_token(first), "n-000001").status_code
        == 201
    )
    for other_code in (badge_token(second), "garbage"):
        response = scan_as(client, running_event, issued.secret, other_code, "n-000001")
        assert response.status_code == 409
        assert response.get_json()["error"]["code"] == "nonce_reused"
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 1
    retry = scan_as(client, running_event, issued.secret, badge_token(first), "n-000001")
    assert retry.status_code == 201 and retry.get_json()["replayed"] is True


def test_a_devices_scan_is_four_statements(client, make_user, running_event, make_registration):
    """The token, the event with its gates, the badge holder with their rules and first
    entry, the insert: each scan reads afresh what it decides on, in four statements."""
    issued = issue_api_token(make_user("staff"), "Gate A phone")
    db.session.commit()
    first, second = make_registration(running_event), make_registration(running_event)
    scan_as(client, running_event, issued.secret, badge_token(first), "n-000010")  # token used
    code, scan_url = badge_token(second), url(running_event)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args, **_kwargs):
        statements.append(statement.split()[0].upper())

    sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.post(
            scan_url,
            json={"code": code, "gate": "A", "nonce": "n-000011"},
            headers={"Authorization": f"Bearer {issued.secret}"},
        )
    finally:
        sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 201
    assert statements == ["SELECT", "SELECT", "SELECT", "INSERT"]


def test_the_answer_is_in_the_language_of_the_tokens_user(
    client, make_user, running_event, make_registration
):
    staff = make_user("staff")
    staff.preferred_language = "ar"
    issued = issue_api_token(staff, "Gate A phone")
    db.session.commit()
    token = badge_token(make_registration(running_event))
    scan_as(client, running_event, issued.secret, token, "n-000020")
    again = scan_as(client, running_event, issued.secret, token, "n-000021")
    assert again.get_json()["result"] == "already_inside"
    message = again.get_json()["message"]
    assert message and not message.isascii()  # Arabic


def test_a_device_scans_many_badges_in_a_row(client, make_user, running_event, make_registration):
    issued = issue_api_token(make_user("staff"), "Gate A phone")
    db.session.commit()
    codes = [badge_token(make_registration(running_event)) for _ in range(5)]
    statuses = [
        scan_as(client, running_event, issued.secret, code, f"n-00003{number}").status_code
        for number, code in enumerate(codes)
    ]
    assert statuses == [201] * 5
    assert db.session.scalar(select(func.count()).where(Scan.result == "admitted")) == 5
