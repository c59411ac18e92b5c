"""The meetings API: listing slots, booking (201 or 409 with the rule), cancelling, errors."""

from __future__ import annotations

import re
from datetime import time

import pytest
from sqlalchemy import func, select

from eventhub.auth.accounts import issue_api_token
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
from eventhub.meetings.slots import SlotPlan, open_slots, set_slot_available
from tests.support.factories import TEST_PASSWORD


@pytest.fixture
def market(demo_day, make_investor, open_for):
    """Atlas (10:00–11:00, three slots at Table 1) and Sahara (10:10–10:30, one slot)."""
    atlas = make_investor(fund="Atlas Ventures")
    sahara = make_investor(fund="Sahara Capital")
    atlas_slots = open_for(demo_day, atlas, table="Table 1")
    sahara_slots = open_for(demo_day, sahara, start="10:10", end="10:30")
    return demo_day, atlas_slots, sahara_slots


def bearer(user, scope: str | None = None) -> dict[str, str]:
    secret = issue_api_token(user, "test", scope).secret
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def url(event, slot=None) -> str:
    if slot is None:
        return f"/api/v1/events/{event.slug}/slots"
    slot_id = slot if isinstance(slot, int) else slot.id
    return f"/api/v1/events/{event.slug}/slots/{slot_id}/booking"


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_slots_are_listed_with_their_status(client, market, make_user):
    event, atlas_slots, sahara_slots = market
    set_slot_available(sahara_slots[0], False)
    db.session.commit()
    headers = bearer(make_user("staff"), "read")  # a door token reads the door only
    everything = client.get(url(event), headers=headers)
    assert everything.status_code == 200
    body = everything.get_json()
    assert [slot["id"] for slot in body] == [
        atlas_slots[0].id,
        sahara_slots[0].id,
        atlas_slots[1].id,
        atlas_slots[2].id,
    ]
    first = body[0]
    assert set(first) == {"id", "investor", "starts_at", "ends_at", "table", "status"}
    assert first["investor"]["fund"] == "Atlas Ventures"
    assert first["table"] == "Table 1"
    assert first["starts_at"].endswith("+00:00")
    assert [slot["status"] for slot in body] == ["open", "unavailable", "open", "open"]
    free = client.get(url(event) + "?free=1", headers=headers).get_json()
    assert len(free) == 3
    assert client.get(url(event)).status_code == 401
    assert client.get("/api/v1/events/nope/slots", headers=headers).status_code == 404


def test_booking_answers_201_then_409_with_each_rule(
    client, market, make_startup, make_investor, configure
):
    event, atlas_slots, sahara_slots = market
    configure(event, max_meetings_per_startup=2)
    startup = make_startup()
    headers = bearer(startup)
    booked = client.post(url(event, atlas_slots[0]), json={"note": "Seed"}, headers=headers)
    assert booked.status_code == 201, booked.get_json()
    meeting = booked.get_json()
    assert meeting["status"] == "confirmed"
    assert meeting["investor"]["fund"] == "Atlas Ventures"
    assert meeting["startup"]["name"] == startup.startup.name
    assert meeting["timezone"] == "Africa/Casablanca"
    assert (meeting["table"], meeting["note"]) == ("Table 1", "Seed")

    other = bearer(make_startup())
    taken = client.post(url(event, atlas_slots[0]), json={}, headers=other)
    assert (taken.status_code, error_code(taken)) == (409, "slot_taken")
    busy = client.post(url(event, sahara_slots[0]), json={}, headers=headers)
    assert (busy.status_code, error_code(busy)) == (409, "startup_busy")
    pair = client.post(url(event, atlas_slots[2]), json={}, headers=headers)
    assert (pair.status_code, error_code(pair)) == (409, "pair_exists")
    assert client.post(url(event, sahara_slots[0]), json={}, headers=other).status_code == 201

    third = another_investor_slot(event, make_investor)
    assert client.post(url(event, atlas_slots[2]), json={}, headers=other).status_code == 201
    limit = client.post(url(event, third), json={}, headers=other)
    assert (limit.status_code, error_code(limit)) == (409, "limit_reached")
    assert db.session.scalar(select(func.count()).where(Meeting.status == "confirmed")) == 3


def another_investor_slot(event, make_investor):
    """A slot of a third investor on the second day."""
    plan = SlotPlan(days=[event.days[1]], start=time(9), end=time(9, 20), length_minutes=20)
    (slot,) = open_slots(event, make_investor().investor, plan)
    db.session.commit()
    return slot


def test_bad_bookings_are_refused_with_a_clear_error(client, market, make_user, make_startup):
    event, atlas_slots, _sahara = market
    assert client.post(url(event, atlas_slots[0]), json={}).status_code == 401
    investor_headers = bearer(make_user("investor"))
    forbidden = client.post(url(event, atlas_slots[0]), json={}, headers=investor_headers)
    assert forbidden.status_code == 403
    headers = bearer(make_startup())
    missing = client.post(url(event, 999_999), json={}, headers=headers)
    assert (missing.status_code, error_code(missing)) == (404, "slot_not_found")
    no_event = client.post(
        f"/api/v1/events/nope/slots/{atlas_slots[0].id}/booking", json={}, headers=headers
    )
    assert no_event.status_code == 404
    too_long = client.post(url(event, atlas_slots[0]), json={"note": "x" * 301}, headers=headers)
    assert too_long.status_code == 422
    assert "note" in too_long.get_json()["error"]["details"]
    malformed_json = client.post(
        url(event, atlas_slots[0]),
        data="{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert (malformed_json.status_code, error_code(malformed_json)) == (400, "malformed_json")
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_booking_after_the_cut_off_is_refused(client, market, make_startup, configure):
    event, atlas_slots, _sahara = market
    configure(event, cutoff_hours=24 * 60)
    response = client.post(url(event, atlas_slots[0]), json={}, headers=bearer(make_startup()))
    assert (response.status_code, error_code(response)) == (409, "cutoff_passed")


def test_a_browser_session_books_with_the_csrf_header(client, market, make_startup, csrf_enabled):
    event, atlas_slots, _sahara = market
    startup = make_startup()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"email": startup.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    without = client.post(url(event, atlas_slots[0]), json={})
    assert (without.status_code, error_code(without)) == (400, "csrf_failed")
    # The token of the sign-in page is renewed at sign-in: the page's new one is taken.
    stale = client.post(url(event, atlas_slots[0]), json={}, headers={"X-CSRFToken": token})
    assert (stale.status_code, error_code(stale)) == (400, "csrf_failed")
    page = client.get("/my/home").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    booked = client.post(url(event, atlas_slots[0]), json={}, headers={"X-CSRFToken": token})
    assert booked.status_code == 201


def test_cancelling_through_the_api_reopens_the_slot(client, market, make_startup, make_user):
    event, atlas_slots, _sahara = market
    startup = make_startup()
    headers = bearer(startup)
    assert client.post(url(event, atlas_slots[0]), json={}, headers=headers).status_code == 201
    stranger = client.delete(url(event, atlas_slots[0]), headers=bearer(make_startup()))
    assert (stranger.status_code, error_code(stranger)) == (404, "meeting_not_found")
    cancelled = client.delete(url(event, atlas_slots[0]), headers=headers)
    assert cancelled.status_code == 200
    assert cancelled.get_json()["status"] == "cancelled"
    free = client.get(url(event) + "?free=true", headers=headers).get_json()
    assert atlas_slots[0].id in {slot["id"] for slot in free}
    nothing = client.delete(url(event, atlas_slots[0]), headers=headers)
    assert nothing.status_code == 404


def test_a_nul_character_in_the_note_is_dropped_not_a_500(client, market, make_startup):
    event, atlas_slots, _sahara = market
    response = client.post(
        url(event, atlas_slots[0]), json={"note": "Seed\x00 round"}, headers=bearer(make_startup())
    )
    assert response.status_code == 201
    assert response.get_json()["note"] == "Seed round"


def test_a_cancellation_through_the_api_may_give_a_reason(client, market, make_startup):
    event, atlas_slots, _sahara = market
    headers = bearer(make_startup())
    assert client.post(url(event, atlas_slots[0]), json={}, headers=headers).status_code == 201
    too_long = client.delete(url(event, atlas_slots[0]) + "?reason=" + "x" * 301, headers=headers)
    assert too_long.status_code == 422
    error = too_long.get_json()["error"]
    assert error["code"] == "validation_error" and error["message"]
    assert "reason" in error["details"]
    meeting = db.session.scalar(select(Meeting))
    db.session.expire_all()
    assert (meeting.status, meeting.decline_reason) == ("confirmed", "")

    cancelled = client.delete(
        url(event, atlas_slots[0]), query_string={"reason": " Team is ill "}, headers=headers
    )
    assert cancelled.status_code == 200
    body = cancelled.get_json()
    assert (body["status"], body["decline_reason"]) == ("cancelled", "Team is ill")


def test_a_cancellation_without_a_reason_has_none(client, market, make_startup):
    event, atlas_slots, _sahara = market
    headers = bearer(make_startup())
    assert client.post(url(event, atlas_slots[0]), json={}, headers=headers).status_code == 201
    cancelled = client.delete(url(event, atlas_slots[0]) + "?reason=", headers=headers)
    assert cancelled.status_code == 200
    assert cancelled.get_json()["decline_reason"] is None


def test_the_api_document_describes_the_cancellation_reason(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/events/{slug}/slots/{slot_id}/booking"]["delete"]
    (reason,) = [p for p in operation["parameters"] if p["name"] == "reason"]
    assert reason["in"] == "query" and reason["required"] is False
    assert reason["schema"]["maxLength"] == 300
    assert "422" in operation["responses"]
