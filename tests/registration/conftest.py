"""Fixtures of the registration tests: registration windows, SMTP (form_data is in
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from eventhub.models_common import utcnow


@pytest.fixture
def window() -> Callable[..., dict[str, Any]]:
    """window("not_yet" | "closed" | "open") → registration window columns for make_event."""

    def build(state: str) -> dict[str, Any]:
        now = utcnow()
        if state == "not_yet":
            return {
                "registration_opens_at": now + timedelta(days=2),
                "registration_closes_at": now + timedelta(days=5),
            }
        if state == "closed":
            return {
                "registration_opens_at": now - timedelta(days=5),
                "registration_closes_at": now - timedelta(minutes=1),
            }
        return {
            "registration_opens_at": now - timedelta(days=1),
            "registration_closes_at": now + timedelta(days=1),
        }

    return build
