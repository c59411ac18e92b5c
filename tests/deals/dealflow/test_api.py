"""Deal flow as JSON: the investor's record (read, create, edit), the startup's steps and
answer; bad input and other people's meetings are JSON 4xx with a stable code."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eventhub.deals.dealflow.models import DealRecord
from eventhub.extensions import db
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("in_english")


def login(client, user) -> None:
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_the_investor_records_and_the_startup_answers(client, held, people, outbox):
    path = f"/api/v1/meetings/{held.id}/deal-flow"
    login(client, people["atlas"])
    assert client.get(path).status_code == 404
    assert error_code(client.get(path)) == "record_not_found"
    body = {"interest": "high", "next_step": "send_deck", "notes": "Private!"}
    created = client.put(path, json=body)
    assert created.status_code == 200, created.get_json()
    record = created.get_json()
    assert record["interest"] == "high" and record["notes"] == "Private!"
    assert record["version"] == 1 and record["step"]["step"] == "send_deck"
    step_id = record["step"]["id"]
    stale = client.put(path, json={**body, "version": 7})
    assert stale.status_code == 409 and error_code(stale) == "changed_meanwhile"

    login(client, people["sunpump"])
    steps = client.get("/api/v1/next-steps")
    assert steps.status_code == 200
    (step,) = steps.get_json()
    assert step["id"] == step_id and step["investor"]["fund"] == "Atlas Ventures"
    assert "interest" not in step and "notes" not in step and "Private!" not in steps.text
    bad = client.post(f"/api/v1/next-steps/{step_id}/answer", json={"link": "ftp://x"})
    assert bad.status_code == 422 and error_code(bad) == "bad_link"
    assert "link" in bad.get_json()["error"]["details"]
    answered = client.post(
        f"/api/v1/next-steps/{step_id}/answer", json={"link": "https://sunpump.ma/deck"}
    )
    assert answered.status_code == 200 and answered.get_json()["link"] == "https://sunpump.ma/deck"

    login(client, people["teammate"])
    seen = client.get(path).get_json()
    assert seen["step"]["link"] == "https://sunpump.ma/deck" and seen["step"]["answered_at"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"interest": "huge", "next_step": "send_deck"}, 422, "bad_interest"),
        ({"interest": "high", "next_step": "ipo"}, 422, "bad_step"),
        ({"interest": "high", "next_step": "pass", "notes": "x" * 4001}, 422, "notes_too_long"),
        ({"interest": "high"}, 422, None),
        ({"interest": 3, "next_step": []}, 422, None),
    ],
)
def test_bad_input_is_a_json_4xx(client, held, people, body, status, code):
    login(client, people["atlas"])
    response = client.put(f"/api/v1/meetings/{held.id}/deal-flow", json=body)
    assert response.status_code == status, response.get_json()
    if code:
        assert error_code(response) == code
    assert db.session.scalar(select(func.count()).select_from(DealRecord)) == 0


def test_not_held_not_yours_and_wrong_roles(client, past_day, people, make_meeting, held):
    ahead = make_meeting(past_day, people["atlas"], people["argan"], hours_ago=-3)
    body = {"interest": "high", "next_step": "send_deck"}
    login(client, people["atlas"])
    not_held = client.put(f"/api/v1/meetings/{ahead.id}/deal-flow", json=body)
    assert not_held.status_code == 409 and error_code(not_held) == "not_held"
    assert client.post("/api/v1/next-steps/1/answer", json={"reply": "x"}).status_code == 403
    login(client, people["sahara"])
    other = client.put(f"/api/v1/meetings/{held.id}/deal-flow", json=body)
    assert other.status_code == 404 and error_code(other) == "meeting_not_found"
    for who in ("sunpump", "staff", "admin"):
        login(client, people[who])
        assert client.put(f"/api/v1/meetings/{held.id}/deal-flow", json=body).status_code == 403
        assert client.get(f"/api/v1/meetings/{held.id}/deal-flow").status_code == 403
    client.post("/logout")
    assert client.get(f"/api/v1/meetings/{held.id}/deal-flow").status_code == 401
    assert db.session.scalar(select(func.count()).select_from(DealRecord)) == 0
