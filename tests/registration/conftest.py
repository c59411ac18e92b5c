"""Fixtures of the registration tests: form data, registration windows, SMTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from eventhub.models_common import utcnow


@pytest.fixture
def form_data() -> Callable[..., dict[str, str]]:
    """form_data(**overrides) → a complete, valid public form submission."""

    def build(**overrides: str) -> dict[str, str]:
        data = {
            "first_name": "Salma",
            "last_name": "Bennani",
            "email": "salma@example.com",
            "organization": "Atlas AI",
            "job_title": "CEO",
            "country": "MA",
            "consent": "y",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return build


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
