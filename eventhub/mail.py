"""Sending e-mail: one message built with its headers, then delivered.

With MAIL_SERVER set a message goes out through SMTP; otherwise it is written to the
outbox (`OUTBOX`, default `instance/outbox/`) as `<utc-timestamp>-<name>.eml`, so that a
machine with no mail server still shows what would have been sent. Each capability builds
its own messages (`registration/mail.py`, `booths/notices.py`) and delivers them here.
"""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


def new_message(subject: str, to: str, text: str, language: str) -> EmailMessage:
    """A plain-text message from the configured sender, in `language`."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="eventhub")
    message.set_content(text)
    message["Content-Language"] = language
    return message


def outbox_path() -> Path:
    configured = current_app.config.get("OUTBOX")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


def deliver(message: EmailMessage, name_hint: str = "message") -> None:
    """Through SMTP when MAIL_SERVER is set, else into the outbox. Raises on failure."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(
            config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=config["MAIL_TIMEOUT"]
        ) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
        return
    folder = outbox_path()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{stamp}-{name_hint}.eml"
    temporary = target.with_suffix(".eml.part")
    temporary.write_bytes(message.as_bytes())
    temporary.replace(target)
