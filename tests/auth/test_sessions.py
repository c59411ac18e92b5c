"""Sessions that can be ended: the session and the "remember me" cookie hold the account's
session token, which sign-out, a password change and a deactivation draw anew; the CSRF
token and the session are new at sign-in; an unknown address answers as slowly as a known one."""

from __future__ import annotations

import statistics
import time

import pytest
from click.testing import Result

from eventhub.auth.accounts import authenticate, deactivate_user
from eventhub.auth.models import User
from eventhub.extensions import db
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("in_english")

REMEMBER = "remember_token"


def sign_in_remembered(client, user) -> str:
    response = client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    cookie = client.get_cookie(REMEMBER)
    assert cookie is not None
    return cookie.value


def only_the_remember_cookie(app, value: str):
    """A new browser holding nothing but a saved remember cookie."""
    other = app.test_client()
    other.set_cookie(REMEMBER, value)
    return other


def test_the_session_holds_the_session_token_not_the_user_id(client, make_user, auth):
    user = make_user("admin")
    auth.login(user)
    with client.session_transaction() as session:
        assert session["_user_id"] == user.session_token
    assert str(user.id) != user.session_token


def test_a_remember_cookie_alone_signs_in(app, client, make_user):
    user = make_user("admin")
    saved = sign_in_remembered(client, user)
    assert only_the_remember_cookie(app, saved).get("/organiser/").status_code == 200


def test_sign_out_ends_the_remember_cookie_saved_before(app, client, make_user):
    user = make_user("admin")
    saved = sign_in_remembered(client, user)
    client.post("/logout")
    assert only_the_remember_cookie(app, saved).get("/organiser/").status_code == 302
    assert client.get("/organiser/").status_code == 302


def test_sign_out_ends_the_other_sessions_of_the_account(app, client, make_user, auth):
    user = make_user("admin")
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert other.get("/organiser/").status_code == 200
    auth.login(user)
    client.post("/logout")
    assert other.get("/organiser/").status_code == 302


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, make_user, auth):
    user = make_user("admin")
    other = app.test_client()
    saved = sign_in_remembered(other, user)
    auth.login(user)
    response = client.post(
        "/account/password",
        data={
            "current": TEST_PASSWORD,
            "password": "a-new-long-secret",
            "confirm": "a-new-long-secret",
        },
    )
    assert response.status_code == 302
    assert client.get("/organiser/").status_code == 200
    assert other.get("/organiser/").status_code == 302
    assert only_the_remember_cookie(app, saved).get("/organiser/").status_code == 302


def test_password_change_renews_this_browsers_remember_cookie(app, client, make_user):
    user = make_user("admin")
    old = sign_in_remembered(client, user)
    client.post(
        "/account/password",
        data={
            "current": TEST_PASSWORD,
            "password": "a-new-long-secret",
            "confirm": "a-new-long-secret",
        },
    )
    new = client.get_cookie(REMEMBER).value
    assert new != old
    assert only_the_remember_cookie(app, new).get("/organiser/").status_code == 200


def test_a_deactivated_accounts_session_and_remember_cookie_are_refused_at_once(
    app, client, make_user
):
    user = make_user("admin")
    saved = sign_in_remembered(client, user)
    assert client.get("/organiser/").status_code == 200
    deactivate_user(db.session.get(User, user.id))
    db.session.commit()
    assert client.get("/organiser/").status_code == 302
    assert only_the_remember_cookie(app, saved).get("/organiser/").status_code == 302


def test_deactivate_user_command(app, runner, make_user, client, auth):
    user = make_user("admin")
    auth.login(user)
    result: Result = runner.invoke(args=["deactivate-user", user.email])
    assert result.exit_code == 0, result.output
    assert client.get("/organiser/").status_code == 302
    assert db.session.get(User, user.id).is_active is False


def test_the_csrf_token_and_session_are_new_at_sign_in(client, make_user, csrf_token, csrf_enabled):
    user = make_user("admin")
    before = csrf_token("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": before}
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
    after = csrf_token("/organiser/")
    assert after != before
    # The old token no longer passes, the new one does.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def _median_seconds(email: str, tries: int = 5) -> float:
    durations = []
    for _ in range(tries):
        started = time.perf_counter()
        assert authenticate(email, "not-the-password-at-all") is None
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def test_an_unknown_address_takes_as_long_as_a_known_one(make_user):
    user = make_user("staff")
    inactive = make_user("staff", is_active=False)
    _median_seconds("nobody@example.test", 1)  # the dummy hash is made once per process
    known = _median_seconds(user.email)
    assert _median_seconds("nobody@example.test") >= 0.5 * known
    assert _median_seconds(inactive.email) >= 0.5 * known
