"""A forgotten password: the same answer whatever the address, a link by e-mail that works
once, for an hour, stored as a digest; a new password that follows the rules."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from eventhub.auth.links import PASSWORD_RESET, digest, issue_link, redeem_link
from eventhub.auth.models import AccountToken, User
from eventhub.extensions import db
from eventhub.models_common import utcnow
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("in_english")

NEW_PASSWORD = "a-brand-new-secret"


def ask(client, email: str):
    return client.post("/password/forgot", data={"email": email})


def link_path(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(/password/reset/[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


def choose(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def test_the_sign_in_page_links_to_the_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page
    assert "Forgot your password?" in page


def test_same_answer_for_known_unknown_and_inactive_addresses(client, make_user, outbox):
    known = make_user("startup")
    inactive = make_user("startup", is_active=False)
    answers = [ask(client, email) for email in (known.email, "nobody@example.test", inactive.email)]
    assert {response.status_code for response in answers} == {200}
    pages = {
        re.sub(r'name="csrf-token" content="[^"]*"', "", r.get_data(as_text=True)) for r in answers
    }
    assert len(pages) == 1
    assert "If an account exists for this address" in pages.pop()
    [message] = outbox()
    assert message["To"] == known.email
    assert db.session.query(AccountToken).count() == 1


def test_the_link_is_stored_only_as_a_digest_and_expires_in_an_hour(client, make_user, outbox):
    user = make_user("staff")
    ask(client, user.email)
    secret = link_path(outbox()[0]).rsplit("/", 1)[1]
    assert len(secret) >= 43  # 256 bits, URL-safe base64
    token = db.session.query(AccountToken).one()
    assert token.token_hash == digest(secret)
    assert token.purpose == PASSWORD_RESET
    assert timedelta(minutes=59) < token.expires_at - token.created_at <= timedelta(hours=1)
    stored = db.session.execute(db.text("SELECT params FROM mail_messages")).scalar()
    assert secret not in str(stored)


def test_the_mail_is_in_the_users_language(client, make_user, outbox):
    user = make_user("staff", preferred_language="fr")
    ask(client, user.email)
    [message] = outbox()
    assert message["Content-Language"] == "fr"
    assert "mot de passe" in message["Subject"]


def test_the_link_sets_the_password_signs_in_and_works_once(client, make_user, outbox):
    user = make_user("startup")
    ask(client, user.email)
    path = link_path(outbox()[0])
    assert 'name="confirm"' in client.get(path).get_data(as_text=True)
    response = choose(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/home"
    assert client.get("/my/home").status_code == 200
    client.post("/logout")
    assert (
        client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )
    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 410
    assert "already used" in again.get_data(as_text=True)
    assert choose(client, path, "yet-another-secret").status_code == 410


def test_a_reset_ends_the_other_sessions(app, client, make_user, outbox):
    user = make_user("admin")
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    ask(client, user.email)
    choose(client, link_path(outbox()[0]))
    assert other.get("/organiser/").status_code == 302


def test_an_expired_link_is_refused_and_changes_nothing(client, make_user, outbox):
    user = make_user("staff")
    ask(client, user.email)
    path = link_path(outbox()[0])
    token = db.session.query(AccountToken).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 410
    response = choose(client, path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert (
        client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code
        == 302
    )


def test_an_altered_or_unknown_link_is_refused(client, make_user, outbox):
    user = make_user("staff")
    ask(client, user.email)
    path = link_path(outbox()[0])
    altered = path[:-1] + ("A" if path[-1] != "A" else "B")
    for bad in (altered, "/password/reset/nothing-here"):
        response = choose(client, bad)
        assert response.status_code == 404
        assert "not known" in response.get_data(as_text=True)
    assert choose(client, "/password/reset/%00").status_code == 404
    assert (
        client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code
        == 302
    )


def test_a_new_link_voids_the_older_ones(client, make_user, outbox):
    user = make_user("staff")
    ask(client, user.email)
    ask(client, user.email)
    first, second = (link_path(message) for message in outbox())
    assert client.get(first).status_code == 410
    assert choose(client, second).status_code == 302


def test_two_redeems_at_once_one_wins(make_user):
    user = make_user("staff")
    issued = issue_link(user, PASSWORD_RESET, timedelta(hours=1))
    db.session.commit()
    now = utcnow()
    assert redeem_link(issued.secret, PASSWORD_RESET, now) is not None
    assert redeem_link(issued.secret, PASSWORD_RESET, now) is None


def test_a_link_of_another_purpose_does_not_reset(make_user, client):
    user = make_user("staff")
    issued = issue_link(user, "email_change", timedelta(hours=1), "new@example.test")
    db.session.commit()
    assert choose(client, f"/password/reset/{issued.secret}").status_code == 404


@pytest.mark.parametrize(
    ("password", "confirm", "field", "message"),
    [
        ("short", "short", "password", "at least 10 characters"),
        (NEW_PASSWORD, "something-else-entirely", "confirm", "not the same"),
        ("", "", "password", "This field is required."),
    ],
)
def test_password_rules(client, make_user, outbox, field_errors, password, confirm, field, message):
    user = make_user("staff")
    ask(client, user.email)
    path = link_path(outbox()[0])
    response = choose(client, path, password, confirm)
    assert response.status_code == 422
    assert any(message in error for error in field_errors(response, field))
    assert db.session.query(AccountToken).one().used_at is None  # the link still works
    assert choose(client, path).status_code == 302


def test_csrf_is_required(client, make_user, outbox, csrf_token, csrf_enabled):
    user = make_user("staff")
    assert ask(client, user.email).status_code == 400
    assert outbox() == []
    token = csrf_token("/password/forgot")
    assert (
        client.post("/password/forgot", data={"email": user.email, "csrf_token": token}).status_code
        == 200
    )
    path = link_path(outbox()[0])
    assert choose(client, path).status_code == 400
    assert db.session.get(User, user.id).session_token == user.session_token


def test_the_form_and_the_link_page_are_rate_limited(client, make_user, rate_limits_enabled):
    for _ in range(5):
        assert ask(client, "nobody@example.test").status_code == 200
    assert ask(client, "nobody@example.test").status_code == 429
    for _ in range(5):
        assert client.get("/password/reset/guess").status_code == 404
    assert client.get("/password/reset/guess").status_code == 429
