"""GET /api/v1/me, by session or by bearer token, and CSRF on session-authenticated API writes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventhub.auth.accounts import issue_api_token, revoke_api_token
from eventhub.auth.models import ApiToken
from eventhub.extensions import db
from eventhub.models_common import utcnow
from tests.support.factories import TEST_PASSWORD


def _token(user, label="Gate A scanner"):
    issued = issue_api_token(user, label)
    db.session.commit()
    return issued.token, {"Authorization": f"Bearer {issued.secret}"}


def _last_used(token: ApiToken):
    db.session.expire_all()
    return db.session.get(ApiToken, token.id).last_used_at


@pytest.mark.parametrize("role", ["admin", "staff", "startup", "investor"])
def test_me_by_session(client, login_as, role):
    user = login_as(role)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": role,
        "via": "session",
    }


def test_me_by_bearer_token(client, make_user):
    user = make_user("staff", name="Amina Door")
    _, headers = _token(user, "Hall 2 scanner")
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {
        "id": user.id,
        "email": user.email,
        "name": "Amina Door",
        "role": "staff",
        "via": "token",
        "token_label": "Hall 2 scanner",
    }
    assert "Set-Cookie" not in response.headers  # a device gets no session


def test_the_scheme_name_is_case_insensitive(client, make_user):
    _, headers = _token(make_user("staff"))
    headers["Authorization"] = headers["Authorization"].replace("Bearer", "bearer")
    assert client.get("/api/v1/me", headers=headers).get_json()["via"] == "token"


def test_token_use_is_recorded_at_most_once_a_minute(client, make_user):
    token, headers = _token(make_user("staff"))
    assert _last_used(token) is None

    client.get("/api/v1/me", headers=headers)
    first = _last_used(token)
    assert first is not None
    assert utcnow() - first < timedelta(seconds=30)

    client.get("/api/v1/me", headers=headers)
    assert _last_used(token) == first  # no write for a use within the minute

    long_ago = utcnow() - timedelta(minutes=2)
    db.session.get(ApiToken, token.id).last_used_at = long_ago
    db.session.commit()
    client.get("/api/v1/me", headers=headers)
    assert _last_used(token) > long_ago + timedelta(minutes=1)


def test_session_use_touches_no_token(client, login_as):
    user = login_as("staff")
    token, _ = _token(user)
    client.get("/api/v1/me")
    assert _last_used(token) is None


def test_revoked_token_is_401_invalid_token(client, make_user, api_error):
    token, headers = _token(make_user("staff"))
    revoke_api_token(token)
    db.session.commit()
    response = client.get("/api/v1/me", headers=headers)
    api_error(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert _last_used(token) is None


def test_token_of_a_deactivated_user_is_401_invalid_token(client, make_user, api_error):
    user = make_user("staff")
    _, headers = _token(user)
    user.is_active = False
    db.session.commit()
    api_error(client.get("/api/v1/me", headers=headers), 401, "invalid_token")


@pytest.mark.parametrize(
    "secret", ["ehk_unknown", "not-even-our-format", "ehk_" + "x" * 2000, "ehk_é"]
)
def test_unknown_token_is_401_invalid_token(client, api_error, secret):
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    api_error(response, 401, "invalid_token")


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwdw=="])
def test_no_credentials_is_401_unauthenticated(client, api_error, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get("/api/v1/me", headers=headers)
    api_error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_after_logout_me_is_401(client, login_as, auth, api_error):
    login_as("staff")
    auth.logout()
    api_error(client.get("/api/v1/me"), 401, "unauthenticated")


# CSRF: a browser's session cookie must come with the X-CSRFToken header on API writes.
ECHO = "/api/v1/_test/echo"


@pytest.fixture
def browser(client, make_user, csrf_enabled, csrf_token):
    """A staff member logged in through the form, as a browser does with CSRF on."""
    user = make_user("staff")
    response = client.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": csrf_token("/login")},
    )
    assert response.status_code == 302
    return client


def test_session_write_without_csrf_header_is_refused(browser, api_error):
    api_error(browser.post(ECHO, json={"name": "Ada"}), 400, "csrf_failed")


def test_session_write_with_a_wrong_csrf_header_is_refused(browser, api_error):
    response = browser.post(ECHO, json={"name": "Ada"}, headers={"X-CSRFToken": "forged"})
    api_error(response, 400, "csrf_failed")


def test_session_write_with_the_csrf_header_passes(browser, csrf_token):
    response = browser.post(ECHO, json={"name": "Ada"}, headers={"X-CSRFToken": csrf_token()})
    assert response.status_code == 200, response.get_json()


def test_session_reads_need_no_csrf_header(browser):
    assert browser.get("/api/v1/me").get_json()["via"] == "session"


def test_bearer_write_needs_no_csrf_header(client, make_user, csrf_enabled):
    # An organiser's token: the test route declares no token scope, so it needs `organiser`.
    _, headers = _token(make_user("admin"))
    response = client.post(ECHO, json={"name": "Ada"}, headers=headers)
    assert response.status_code == 200, response.get_json()


def test_anonymous_write_needs_no_csrf_header(client, csrf_enabled):
    """Nothing to abuse: anonymous API calls carry no privileges (views check roles)."""
    response = client.post(ECHO, json={"name": "Ada"})
    assert response.status_code == 200, response.get_json()
