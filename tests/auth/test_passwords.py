"""Passwords: argon2id at OWASP's recommended cost or stronger, and upgraded on sign-in."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher, Type

from eventhub.auth.accounts import authenticate, create_user
from eventhub.auth.models import User
from eventhub.auth.passwords import hash_password, needs_rehash, verify_password
from eventhub.extensions import db

PASSWORD = "correct-horse-battery"
OWASP_MEMORY_KIB, OWASP_TIME_COST, OWASP_PARALLELISM = 19 * 1024, 2, 1


def argon2_parameters(password_hash: str) -> dict[str, object]:
    match = re.fullmatch(
        r"\$(?P<variant>argon2(?:id|i|d))\$v=(?P<v>\d+)\$m=(?P<m>\d+),t=(?P<t>\d+),p=(?P<p>\d+)"
        r"\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+",
        password_hash,
    )
    assert match, password_hash
    return {
        "variant": match["variant"],
        "version": int(match["v"]),
        "m": int(match["m"]),
        "t": int(match["t"]),
        "p": int(match["p"]),
    }


def test_hash_is_argon2id_at_owasp_cost_or_stronger(app):
    params = argon2_parameters(hash_password(PASSWORD))
    assert params["variant"] == "argon2id"
    assert params["version"] == 19
    assert params["m"] >= OWASP_MEMORY_KIB
    assert params["t"] >= OWASP_TIME_COST
    assert params["p"] >= OWASP_PARALLELISM


def test_stored_hash_of_a_new_account(app):
    user = create_user("someone@example.com", PASSWORD, "staff", "Someone")
    assert PASSWORD not in user.password_hash
    assert argon2_parameters(user.password_hash)["variant"] == "argon2id"


def test_each_hash_has_its_own_salt(app):
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


@pytest.mark.parametrize(
    ("stored", "given", "expected"),
    [
        ("own", PASSWORD, True),
        ("own", PASSWORD.upper(), False),
        ("own", "", False),
        ("garbage", PASSWORD, False),
        ("empty", PASSWORD, False),
    ],
)
def test_verify(app, stored, given, expected):
    password_hash = {"own": hash_password(PASSWORD), "garbage": "not-a-hash", "empty": ""}[stored]
    assert verify_password(password_hash, given) is expected


def test_cost_can_be_raised_in_the_config(app, monkeypatch):
    monkeypatch.setitem(app.config, "ARGON2_TIME_COST", 3)
    monkeypatch.setitem(app.config, "ARGON2_MEMORY_KIB", 32 * 1024)
    params = argon2_parameters(hash_password(PASSWORD))
    assert (params["t"], params["m"]) == (3, 32 * 1024)


def weak_hash(password: str, variant: Type = Type.ID) -> str:
    return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=variant).hash(
        password
    )


@pytest.mark.parametrize("variant", [Type.ID, Type.I], ids=["argon2id-cheap", "argon2i"])
def test_outdated_hash_needs_rehash(app, variant):
    assert needs_rehash(weak_hash(PASSWORD, variant))
    assert not needs_rehash(hash_password(PASSWORD))


@pytest.mark.parametrize("variant", [Type.ID, Type.I], ids=["argon2id-cheap", "argon2i"])
def test_sign_in_upgrades_an_outdated_hash(client, make_user, variant):
    old_hash = weak_hash(PASSWORD, variant)
    user = make_user("staff", password_hash=old_hash)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    new_hash = db.session.get(User, user.id).password_hash
    assert new_hash != old_hash
    params = argon2_parameters(new_hash)
    assert params["variant"] == "argon2id"
    assert params["m"] >= OWASP_MEMORY_KIB and params["t"] >= OWASP_TIME_COST
    assert verify_password(new_hash, PASSWORD)


def test_failed_sign_in_leaves_an_outdated_hash_alone(client, make_user):
    old_hash = weak_hash(PASSWORD)
    user = make_user("staff", password_hash=old_hash)
    response = client.post("/login", data={"email": user.email, "password": "wrong-password!"})
    assert response.status_code == 401
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


def test_current_hash_is_kept_on_sign_in(client, make_user):
    user = make_user("staff")
    old_hash = user.password_hash
    assert authenticate(user.email, PASSWORD) is user
    assert user.password_hash == old_hash
