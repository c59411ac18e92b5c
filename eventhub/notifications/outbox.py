"""Flask-Mailman's backend for a machine with no mail server: each message is written to
the outbox folder (OUTBOX, default `instance/outbox/`) as one `.eml` file that any mail
program opens, so that what would have been sent can be read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_mailman.backends.base import BaseEmailBackend


def outbox_path() -> Path:
    configured = current_app.config.get("OUTBOX")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        folder = outbox_path()
        folder.mkdir(parents=True, exist_ok=True)
        for number, email_message in enumerate(email_messages):
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            target = folder / f"{stamp}-{number}-{id(email_message):x}.eml"
            temporary = target.with_suffix(".eml.part")
            temporary.write_bytes(email_message.message().as_bytes())
            temporary.replace(target)  # whole or not at all, for whoever reads the folder
        return len(email_messages)
