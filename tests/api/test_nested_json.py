"""Issue 20, finding 2: JSON nested deeper than anyone sends ("[" * 5000 …) was an
unhandled RecursionError (a 500 and a traceback). Now a 400 `malformed_json` everywhere,
through flask-smorest's arguments and through `request.get_json()` alike, and nothing is
logged as an error."""

from __future__ import annotations

import logging

import pytest

from eventhub.auth.accounts import issue_api_token
from eventhub.extensions import db
from eventhub.json_bodies import MAX_JSON_DEPTH, check_depth

DEEP = "[" * 5000 + "]" * 5000


def nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def test_depth_is_counted_without_recursion():
    assert check_depth(1) == 1
    assert check_depth([[1]], limit=2) == [[1]]
    with pytest.raises(ValueError):
        check_depth([[[1]]], limit=2)
    value: list = []
    for _ in range(50_000):  # deeper than Python's recursion limit
        value = [value]
    with pytest.raises(ValueError):
        check_depth(value)


@pytest.mark.parametrize("path", ["/api/v1/_test/echo", "/api/v1/_test/raw-json"])
@pytest.mark.parametrize("body", [DEEP, nested(MAX_JSON_DEPTH + 1)])
def test_too_deep_is_400_malformed_json(client, api_error, path, body, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.post(path, data=body, content_type="application/json")
    api_error(response, 400, "malformed_json")
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text


def test_as_deep_as_allowed_is_read(client):
    response = client.post(
        "/api/v1/_test/raw-json", data=nested(MAX_JSON_DEPTH - 1), content_type="application/json"
    )
    assert response.status_code != 400


def test_the_public_registration_api(client, api_error, make_event):
    event = make_event()
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations", data=DEEP, content_type="application/json"
    )
    api_error(response, 400, "malformed_json")


def test_the_check_in_api(client, api_error, make_user, make_event):
    event = make_event()
    issued = issue_api_token(make_user("staff"), "Gate A phone")
    db.session.commit()
    response = client.post(
        f"/api/v1/events/{event.slug}/checkins",
        data=DEEP,
        content_type="application/json",
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    api_error(response, 400, "malformed_json")
