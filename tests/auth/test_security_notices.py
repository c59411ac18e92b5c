"""The account's address is told of every change to its password or two-factor sign-in, in
the person's language, with the way back in if the change was not theirs."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from eventhub.auth import two_factor
from eventhub.auth.accounts import change_password
from eventhub.extensions import db
from eventhub.models_common import utcnow
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("in_english", "logic_in_english")


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_password_change_from_the_account_page_is_told(client, login_as, outbox):
    user = login_as("staff")
    response = client.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "password": "a-new-long-one", "confirm": "a-new-long-one"},
    )
    assert response.status_code == 302
    [message] = outbox()
    assert message["To"] == user.email
    assert message["Subject"].strip() == "The password of your EventHub account was changed"
    assert user.email in body(message) and "/password/forgot" in body(message)


def test_a_refused_change_tells_nothing(client, login_as, outbox):
    login_as("staff")
    client.post(
        "/account/password",
        data={"current": "not-the-password", "password": "a-new-long-one", "confirm": "x"},
    )
    assert outbox() == []


def test_a_reset_from_an_e_mailed_link_is_told(client, make_user, outbox):
    user = make_user("startup")
    client.post("/password/forgot", data={"email": user.email})
    link = re.search(r"/password/reset/[A-Za-z0-9_-]+", body(outbox()[0])).group(0)
    client.post(link, data={"password": "a-new-long-one", "confirm": "a-new-long-one"})
    notice = outbox()[-1]
    assert notice["Subject"].strip() == "The password of your EventHub account was reset"


def test_two_factor_changes_are_told_in_the_person_s_language(make_user, outbox):
    user = make_user("admin", preferred_language="fr")
    setup = two_factor.start_setup(user)
    now = utcnow()
    two_factor.confirm_setup(user, pyotp.TOTP(setup.secret).at(now), now)
    db.session.commit()
    later = now + timedelta(seconds=30)
    codes = two_factor.regenerate_recovery_codes(user, pyotp.TOTP(setup.secret).at(later), later)
    db.session.commit()
    two_factor.disable(user, TEST_PASSWORD, codes[0], now)
    db.session.commit()
    messages = outbox()
    assert [m["Content-Language"] for m in messages] == ["fr", "fr", "fr"]
    assert len({m["Subject"] for m in messages}) == 3
    assert all("/password/forgot" in body(m) for m in messages)


def test_an_organiser_s_removal_from_the_command_line_is_told(make_user, outbox):
    user = make_user("staff")
    setup = two_factor.start_setup(user)
    now = utcnow()
    two_factor.confirm_setup(user, pyotp.TOTP(setup.secret).at(now), now)
    db.session.commit()
    assert two_factor.reset(user)
    db.session.commit()
    assert outbox()[-1]["Subject"].strip() == (
        "An organiser removed the two-factor sign-in of your EventHub account"
    )


def test_change_password_logic_tells_too(make_user, outbox):
    user = make_user("investor")
    change_password(user, TEST_PASSWORD, "another-long-password")
    db.session.commit()
    assert len(outbox()) == 1
