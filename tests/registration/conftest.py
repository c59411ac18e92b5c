"""Fixtures of the registration tests: a private outbox, form data, registrations, SMTP."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.register import Attendee, register


@pytest.fixture
def outbox(app: Flask, tmp_path: Path) -> Iterator[Callable[[], list[EmailMessage]]]:
    """outbox() → the messages written so far, oldest first (parsed .eml files)."""
    folder = tmp_path / "outbox"
    saved = {key: app.config.get(key) for key in ("OUTBOX", "MAIL_SERVER")}
    app.config.update(OUTBOX=str(folder), MAIL_SERVER=None)

    def read() -> list[EmailMessage]:
        if not folder.exists():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(folder.glob("*.eml"))
        ]

    read.folder = folder  # type: ignore[attr-defined]
    yield read
    app.config.update(saved)


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
def make_registration() -> Callable[..., Any]:
    """make_registration(event, category=None, **attendee) → a committed registration."""
    counter = iter(range(1, 100_000))

    def factory(event: Any, category: Any = None, **values: Any) -> Any:
        number = next(counter)
        attendee = Attendee(
            first_name=values.pop("first_name", "Youssef"),
            last_name=values.pop("last_name", f"Alaoui {number}"),
            email=values.pop("email", f"guest{number}@example.com"),
            organization=values.pop("organization", "Argan Pay"),
            job_title=values.pop("job_title", "CTO"),
            country=values.pop("country", "MA"),
            language=values.pop("language", "fr"),
        )
        registration = register(
            event,
            category or event.categories[0],
            attendee,
            source=values.pop("source", "organiser"),
            public_only=False,
            enforce_window=False,
        )
        db.session.commit()
        return registration

    return factory


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
