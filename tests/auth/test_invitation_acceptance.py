"""Following an invitation: the link works once and until it expires, is stored only as a
digest, and an invited account has no password anyone could guess meanwhile."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from eventhub.auth.accounts import authenticate
from eventhub.auth.invitations import Invitee, invitation_of, invitation_state, invite, revoke
from eventhub.auth.links import digest
from eventhub.auth.models import AccountToken, User
from eventhub.extensions import db
from eventhub.models_common import utcnow

pytestmark = pytest.mark.usefixtures("in_english", "logic_in_english")

PASSWORD = "a-brand-new-secret"


def invite_startup(email: str = "amal@argana.example", **values) -> User:
    user = invite(
        Invitee(email=email, name="Amal Idrissi", role="startup", startup_name="Argana AI",
                programme="Boost up Lab", city_site="Agadir", **values),
        invited_by=None,
    )  # fmt: skip
    db.session.commit()
    return user


def link_path(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(/invitation/[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


def choose(client, path: str, password: str = PASSWORD, confirm: str | None = None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def test_the_invited_account_is_ready_with_its_profile_and_no_password(outbox):
    user = invite_startup()
    assert user.status == "invited" and user.password_hash == ""
    assert user.startup.name == "Argana AI" and user.startup.owner == user
    assert (user.startup.programme, user.startup.city_site) == ("Boost up Lab", "Agadir")
    assert authenticate(user.email, "") is None
    [message] = outbox()
    assert message["To"] == user.email
    assert "Argana AI" in message.get_body(preferencelist=("plain",)).get_content()


def test_the_link_is_a_digest_sets_the_password_signs_in_and_works_once(client, outbox):
    user = invite_startup()
    path = link_path(outbox()[0])
    secret = path.rsplit("/", 1)[1]
    assert len(secret) >= 43
    assert db.session.query(AccountToken).one().token_hash == digest(secret)

    page = client.get(path)
    assert page.status_code == 200 and "Amal Idrissi" in page.get_data(as_text=True)
    assert invitation_state(invitation_of(user), utcnow()) == "opened"

    response = choose(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/my/home"
    assert client.get("/my/home").status_code == 200
    db.session.expire_all()
    assert user.status == "active" and authenticate(user.email, PASSWORD) is not None
    assert invitation_state(invitation_of(user), utcnow()) == "accepted"
    client.post("/logout")
    assert client.get(path).status_code == 410
    assert choose(client, path).status_code == 410


def test_a_refused_password_leaves_the_link_usable(client, outbox):
    invite_startup()
    path = link_path(outbox()[0])
    short = choose(client, path, password="short", confirm="short")
    assert short.status_code == 422
    mismatch = choose(client, path, confirm="something-else-entirely")
    assert mismatch.status_code == 422
    assert choose(client, path).status_code == 302


def test_an_expired_revoked_or_unknown_link_is_refused(client, outbox):
    user = invite_startup()
    path = link_path(outbox()[0])
    token = db.session.query(AccountToken).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    invitation_of(user).expires_at = token.expires_at
    db.session.commit()
    assert client.get(path).status_code == 410
    assert invitation_state(invitation_of(user), utcnow()) == "expired"
    assert client.get("/invitation/not-a-real-link").status_code == 404

    other = invite_startup("second@argana.example")
    other_path = link_path(outbox()[-1])
    revoke(invitation_of(other), by=None)
    db.session.commit()
    assert client.get(other_path).status_code == 410
    assert choose(client, other_path).status_code == 410
    db.session.expire_all()
    assert other.status == "invited"


def test_a_deactivated_invited_account_cannot_accept(client, outbox):
    user = invite_startup()
    path = link_path(outbox()[0])
    user.is_active = False
    db.session.commit()
    assert choose(client, path).status_code == 410


def test_an_address_with_an_account_is_not_invited_again(make_user):
    existing = make_user("startup")
    with pytest.raises(Exception, match="already uses"):
        invite(Invitee(email=existing.email.upper(), name="Someone", role="startup"), None)


def test_an_invited_person_asking_for_a_password_gets_a_new_invitation_link(client, outbox):
    user = invite_startup()
    first = link_path(outbox()[0])
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 200
    second = link_path(outbox()[-1])
    assert second != first
    assert client.get(first).status_code == 410
    assert choose(client, second).status_code == 302
