"""Every error on an /api/ path is the JSON error body with a stable code; pages keep HTML."""

from __future__ import annotations

import pytest


def test_unknown_api_path_is_json_404(client, api_error):
    api_error(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_unknown_event_is_json_404_with_its_own_code(client, api_error):
    api_error(client.get("/api/v1/events/no-such-event"), 404, "event_not_found")


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_wrong_method_is_json_405_with_allow(client, api_error, method):
    response = getattr(client, method)("/api/v1/events")
    api_error(response, 405, "method_not_allowed")
    allowed = {name.strip() for name in response.headers["Allow"].split(",")}
    assert "GET" in allowed
    assert method.upper() not in allowed


def test_no_credentials_is_json_401_with_a_challenge(client, api_error):
    response = client.get("/api/v1/_test/admin-only")
    api_error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_token_is_json_401_invalid_token(client, api_error):
    response = client.get(
        "/api/v1/_test/admin-only", headers={"Authorization": "Bearer ehk_not-a-real-token"}
    )
    api_error(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("via", ["session", "token"])
def test_wrong_role_is_json_403(client, login_as, make_user, bearer, api_error, via):
    headers = {}
    if via == "session":
        login_as("staff")
    else:
        headers = bearer(make_user("investor"))
    api_error(client.get("/api/v1/_test/admin-only", headers=headers), 403, "forbidden")


def test_right_role_passes(client, login_as):
    login_as("admin")
    response = client.get("/api/v1/_test/admin-only")
    assert response.status_code == 200
    assert response.get_json() == {"ok": True}


@pytest.mark.parametrize(
    ("code", "status"),
    [("slot_taken", 409), ("slot_not_found", 404), ("not_party", 403), ("some_bad_input", 422)],
)
def test_a_domain_refusal_gets_the_status_of_its_code(client, api_error, code, status):
    error = api_error(client.post(f"/api/v1/_test/refused/{code}"), status, code)
    assert error["message"] == "Refused by the rules."
    assert error["details"] == {"seats": ["Refused by the rules."]}


def test_plain_bad_request_is_json_400(client, api_error):
    api_error(client.get("/api/v1/_test/bad-request"), 400, "bad_request")


@pytest.mark.parametrize("path", ["/api/v1/_test/echo", "/api/v1/_test/raw-json"])
@pytest.mark.parametrize("body", ['{"name": ', "not json", "[1, 2", b"\xff\xfe{"])
def test_malformed_json_is_400_malformed_json(client, api_error, path, body):
    response = client.post(path, data=body, content_type="application/json")
    api_error(response, 400, "malformed_json")


@pytest.mark.parametrize("path", ["/api/v1/_test/echo", "/api/v1/_test/raw-json"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_415(client, api_error, path, content_type):
    response = client.post(path, data='{"name": "x"}', content_type=content_type)
    api_error(response, 415, "unsupported_media_type")


def test_a_form_sent_to_a_json_endpoint_is_415(client, api_error):
    api_error(client.post("/api/v1/_test/echo", data={"name": "x"}), 415, "unsupported_media_type")


def test_json_with_a_charset_or_a_json_suffix_is_json(client):
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = client.post(
            "/api/v1/_test/echo", data='{"name": "x"}', content_type=content_type
        )
        assert response.status_code == 200, (content_type, response.get_json())


def test_no_body_at_all_is_422_missing_fields(client, api_error):
    error = api_error(client.post("/api/v1/_test/echo"), 422, "validation_error")
    assert error["details"] == {"name": ["Missing data for required field."]}


def test_valid_body_passes(client):
    response = client.post("/api/v1/_test/echo", json={"name": "Ada", "seats": 2})
    assert response.status_code == 200
    assert response.get_json() == {"echo": {"name": "Ada", "seats": 2}}


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({}, {"name": ["Missing data for required field."]}),
        ({"name": "Ada", "seats": 0}, {"seats": ["Must be greater than or equal to 1."]}),
        ({"name": "Ada", "seats": "many"}, {"seats": ["Not a valid integer."]}),
        ({"name": "Ada", "extra": 1}, {"extra": ["Unknown field."]}),
        ([1, 2], {"_schema": ["Invalid input type."]}),
    ],
)
def test_invalid_fields_are_422_with_details_per_field(client, api_error, body, details):
    error = api_error(client.post("/api/v1/_test/echo", json=body), 422, "validation_error")
    assert error["details"] == details


def test_conflict_is_json_409_with_the_views_message(client, api_error):
    error = api_error(client.post("/api/v1/_test/conflict"), 409, "conflict")
    assert error["message"] == "This seat is already taken."


def test_payload_too_large_is_json_413(app, client, api_error):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/api/v1/_test/raw-json", data=b"[" + b"0," * limit + b"0]", content_type="application/json"
    )
    api_error(response, 413, "payload_too_large")


def test_rate_limit_is_json_429_with_retry_after(client, api_error, rate_limits_enabled):
    for _ in range(2):
        assert client.get("/api/v1/_test/limited").status_code == 200
    response = client.get("/api/v1/_test/limited")
    error = api_error(response, 429, "rate_limited")
    assert "2 per 1 minute" in error["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 61  # the window, rounded up


def test_unexpected_exception_is_json_500_without_internals(client, api_error, caplog):
    response = client.get("/api/v1/_test/boom")
    error = api_error(response, 500, "internal_error")
    assert "RuntimeError" not in error["message"]
    assert "unexpected failure" not in response.get_data(as_text=True)
    assert "an unexpected failure" in caplog.text  # logged for us, not shown to the client


@pytest.mark.parametrize(
    ("path", "status"),
    [("/no-such-page", 404), ("/_test/forbidden", 403), ("/_test/boom", 500)],
)
def test_pages_still_get_the_html_error_page(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<html" in page
    assert '"error"' not in page


def test_html_405_is_a_page(client):
    response = client.put("/login")
    assert response.status_code == 405
    assert response.mimetype == "text/html"


def test_paths_that_only_look_like_the_api_get_pages(client):
    response = client.get("/api")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
