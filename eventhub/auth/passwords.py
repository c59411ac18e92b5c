"""Argon2id password hashing at OWASP's recommended cost (configurable upwards)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# Verified against when no account has the address, so that the answer takes as long.
_DUMMY_PASSWORD = "no account has this password"  # noqa: S105 (never matches anything)


def _cost() -> tuple[int, int, int]:
    config = current_app.config
    return (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"])


@cache
def _hasher_of(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


@cache
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher_of(time_cost, memory_kib, parallelism).hash(_DUMMY_PASSWORD)


def _hasher() -> PasswordHasher:
    return _hasher_of(*_cost())


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def verify_nothing(password: str) -> None:
    """Spend the time of a verification, for an address that has no account: the answer
    must not tell by its speed whether an account exists."""
    verify_password(_dummy_hash(*_cost()), password)
