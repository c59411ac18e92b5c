"""Signing in and out: each role's home, bad credentials, `next`, cookies, CSRF, rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from eventhub.auth.models import User
from eventhub.extensions import db

pytestmark = pytest.mark.usefixtures("in_english")

ROLE_HOMES = {
    "admin": "/organiser/",
    "staff": "/staff/",
    "startup": "/my/home",
    "investor": "/my/home",
}


def set_cookie_headers(response, name: str) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]


def test_login_page_shows_the_form(client):
    response = client.get("/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="email"' in page
    assert 'name="password"' in page


@pytest.mark.parametrize(("role", "home"), ROLE_HOMES.items())
def test_each_role_lands_on_its_home_page(client, make_user, auth, role, home):
    user = make_user(role)
    response = auth.login(user)
    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert client.get(home).status_code == 200
    assert db.session.get(User, user.id).last_login_at is not None


def test_email_is_matched_without_case_or_surrounding_spaces(make_user, auth):
    user = make_user("staff", email="door.keeper@example.test")
    response = auth.client.post(
        "/login", data={"email": " Door.Keeper@EXAMPLE.test ", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert user.email == "door.keeper@example.test"


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("door@example.test", "wrong-password-here"),
        ("nobody@example.test", "correct-horse-battery"),
        ("door\x00@example.test", "correct-horse-battery"),
    ],
    ids=["wrong-password", "unknown-email", "nul-byte"],
)
def test_bad_credentials_show_the_form_again(client, make_user, email, password):
    make_user("staff", email="door@example.test")
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Wrong e-mail or password." in page
    assert 'name="password"' in page
    assert client.get("/staff/").status_code == 302  # still signed out


@pytest.mark.parametrize("missing", ["email", "password"])
def test_missing_field_is_marked(client, make_user, field_errors, missing):
    user = make_user("staff")
    data = {"email": user.email, "password": "correct-horse-battery"}
    data[missing] = ""
    response = client.post("/login", data=data)
    assert response.status_code == 200
    assert field_errors(response, missing) == ["This field is required."]
    assert client.get("/staff/").status_code == 302


def test_password_too_long_is_refused_without_hashing_it(client, make_user, field_errors):
    user = make_user("staff")
    response = client.post("/login", data={"email": user.email, "password": "x" * 201})
    assert field_errors(response, "password")
    assert client.get("/staff/").status_code == 302


def test_inactive_account_cannot_sign_in(client, make_user, auth):
    user = make_user("admin", is_active=False)
    response = auth.login(user)
    assert response.status_code == 401
    assert client.get("/organiser/").status_code == 302


def test_deactivated_account_is_signed_out_at_once(client, login_as):
    user = login_as("admin")
    assert client.get("/organiser/").status_code == 200
    user.is_active = False
    db.session.commit()
    response = client.get("/organiser/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_signed_in_user_visiting_login_goes_home(client, login_as):
    login_as("investor")
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/home"


def test_logout_signs_out(client, login_as):
    login_as("admin")
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/organiser/").status_code == 302


def test_logout_needs_a_post(client, login_as):
    login_as("admin")
    response = client.get("/logout")
    assert response.status_code == 405
    assert "EventHub" in response.get_data(as_text=True)
    assert client.get("/organiser/").status_code == 200


def test_account_page_offers_password_and_email_changes(client, login_as):
    login_as("startup")
    response = client.get("/account")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'action="/account/password"' in page
    assert 'action="/account/email"' in page
    assert 'href="/my/startup"' in page


def test_protected_page_sends_to_login_and_back(client, make_user, auth):
    user = make_user("admin")
    response = client.get("/organiser/events/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/organiser/events/new"
    response = client.post(
        "/login?next=/organiser/events/new",
        data={"email": user.email, "password": "correct-horse-battery"},
    )
    assert response.headers["Location"] == "/organiser/events/new"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "http://evil.example/organiser/",
        "///evil.example",
        "/\t/evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user("startup")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/home"


def test_session_cookie_is_httponly_and_lax(client, make_user, auth):
    response = auth.login(make_user("staff"))
    [cookie] = set_cookie_headers(response, "session")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # testing runs over plain HTTP; production sets Secure


def test_remember_me_cookie_is_httponly_lax_and_bounded(client, make_user):
    user = make_user("staff")
    response = client.post(
        "/login", data={"email": user.email, "password": "correct-horse-battery", "remember": "y"}
    )
    [cookie] = set_cookie_headers(response, "remember_token")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert datetime.now(UTC) < expires <= datetime.now(UTC) + timedelta(days=30)


def test_login_without_csrf_token_is_refused(client, make_user, csrf_enabled):
    user = make_user("admin")
    response = client.post(
        "/login", data={"email": user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Bad request" in page
    assert "The form expired or was sent from elsewhere" in page
    assert client.get("/organiser/").status_code == 302


def test_login_with_csrf_token_works(client, make_user, csrf_token, csrf_enabled):
    user = make_user("admin")
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": "correct-horse-battery",
            "csrf_token": csrf_token("/login"),
        },
    )
    assert response.status_code == 302
    assert client.get("/organiser/").status_code == 200


def test_logout_without_csrf_token_is_refused(client, make_user, csrf_token, csrf_enabled):
    user = make_user("admin")
    client.post(
        "/login",
        data={
            "email": user.email,
            "password": "correct-horse-battery",
            "csrf_token": csrf_token("/login"),
        },
    )
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get("/organiser/").status_code == 200


def test_eleventh_login_attempt_in_a_minute_is_rate_limited(client, make_user, rate_limits_enabled):
    user = make_user("admin")
    for _ in range(10):
        response = client.post("/login", data={"email": user.email, "password": "not-the-password"})
        assert response.status_code == 401
    response = client.post(
        "/login", data={"email": user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "EventHub" in page
    assert client.get("/organiser/").status_code == 302  # the right password did not get in
    assert client.get("/login").status_code == 200  # the form itself is not limited


def test_a_nul_character_in_a_page_address_is_the_404_page(client):
    """PostgreSQL refuses NUL in any text: one in the path never reaches the database (in
    query strings and forms each page drops it: see the capabilities' tests)."""
    response = client.get("/events/expo\x00")
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)
