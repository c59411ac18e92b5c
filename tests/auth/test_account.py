"""The account page: the password changed with the current one, the e-mail address changed
once the new one is confirmed by a link, the old address told."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from eventhub.auth.models import AccountToken, User
from eventhub.extensions import db
from eventhub.models_common import utcnow
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("in_english")

NEW_EMAIL = "new.address@example.test"


def change_email(client, email: str = NEW_EMAIL, password: str = TEST_PASSWORD):
    return client.post(
        "/account/email", data={"change_email-email": email, "change_email-current": password}
    )


def confirm_path(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(/account/email/confirm/[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


def test_password_change_needs_the_current_password(client, login_as, field_errors):
    user = login_as("staff")
    response = client.post(
        "/account/password",
        data={
            "current": "not-the-password",
            "password": "a-new-long-one",
            "confirm": "a-new-long-one",
        },
    )
    assert response.status_code == 422
    assert field_errors(response, "current") == ["The current password is not right."]
    client.post("/logout")
    assert (
        client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code
        == 302
    )


def test_password_change_follows_the_rules(client, login_as, field_errors):
    login_as("staff")
    response = client.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "password": "short", "confirm": "short"},
    )
    assert response.status_code == 422
    assert field_errors(response, "password") == ["The password must have at least 10 characters."]


def test_password_change_needs_csrf(client, make_user, auth, csrf_enabled, csrf_token):
    user = make_user("staff")
    client.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": csrf_token("/login")},
    )
    response = client.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "password": "a-new-long-one", "confirm": "a-new-long-one"},
    )
    assert response.status_code == 400


def test_email_change_is_confirmed_by_a_link_and_the_old_address_told(client, login_as, outbox):
    user = login_as("investor")
    old_email = user.email
    response = change_email(client)
    assert response.status_code == 302
    [message] = outbox()
    assert message["To"] == NEW_EMAIL
    assert db.session.get(User, user.id).email == old_email  # not before the link
    token = db.session.query(AccountToken).one()
    assert token.purpose == "email_change" and token.new_email == NEW_EMAIL
    assert token.expires_at - token.created_at == timedelta(hours=24)

    path = confirm_path(message)
    response = client.get(path)
    assert response.status_code == 302
    assert db.session.get(User, user.id).email == NEW_EMAIL
    told = outbox()[1]
    assert told["To"] == old_email
    assert NEW_EMAIL in told.get_body(preferencelist=("plain",)).get_content()
    assert client.get(path).status_code == 410  # once


def test_email_change_needs_the_current_password(client, login_as, outbox, field_errors):
    login_as("investor")
    response = change_email(client, password="not-the-password")
    assert response.status_code == 422
    assert field_errors(response, "change_email-current") == ["The current password is not right."]
    assert outbox() == []


def test_an_address_already_taken_gets_the_same_answer_and_no_link(
    client, login_as, make_user, outbox
):
    other = make_user("staff", email="taken@example.test")
    login_as("investor")
    response = change_email(client, email=other.email.upper())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "If TAKEN@EXAMPLE.TEST can be used" in page or "If taken@example.test can be used" in page
    )
    assert outbox() == []
    assert db.session.query(AccountToken).count() == 0


def test_an_address_taken_before_the_link_is_followed_is_refused(
    client, login_as, make_user, outbox
):
    user = login_as("investor")
    change_email(client)
    path = confirm_path(outbox()[0])
    make_user("staff", email=NEW_EMAIL)
    response = client.get(path, follow_redirects=True)
    assert "can no longer be used" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).email != NEW_EMAIL


def test_an_expired_email_link_is_refused(client, login_as, outbox):
    user = login_as("investor")
    change_email(client)
    path = confirm_path(outbox()[0])
    token = db.session.query(AccountToken).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 410
    assert db.session.get(User, user.id).email != NEW_EMAIL
