"""The confirmation e-mail: outbox file, real SMTP (aiosmtpd), failures that break nothing."""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from eventhub.extensions import db
from eventhub.notifications.models import MailMessage
from eventhub.registration.mail import notify_status
from eventhub.registration.models import Registration
from eventhub.registration.register import cancel
from tests.support.servers import free_port


class Collector:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[Collector]:
    """A real SMTP server on 127.0.0.1; the app sends through it for the test."""
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    try:
        yield handler
    finally:
        app.config.update(saved)
        controller.stop()


GHITA = {"first_name": "Ghita", "last_name": "Sqalli", "email": "ghita@example.com"}


def test_sent_through_smtp_with_text_html_and_badge(
    client, make_event, smtp_server, tmp_path, form_data
):
    event = make_event()
    client.set_cookie("eventhub_lang", "en")
    response = client.post(f"/events/{event.slug}/register", data=form_data(**GHITA))
    assert response.status_code == 302
    [(sender, recipients, raw)] = smtp_server.messages
    assert "no-reply@eventhub.local" in sender
    assert recipients == ["ghita@example.com"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == f"Your badge for {event.name}"
    assert message["Content-Language"] == "en"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello \u2068Ghita\u2069," in text and "Hello <bdi>Ghita</bdi>," in html
    token = db.session.scalar(select(Registration.manage_token))
    assert f"/r/{token}" in text and f"/r/{token}" in html
    [attachment] = message.iter_attachments()
    assert attachment.get_filename().endswith(".pdf")
    assert attachment.get_content().startswith(b"%PDF")


def test_french_by_default_and_html_escaped(client, make_event, smtp_server, form_data):
    event = make_event()
    client.post(f"/events/{event.slug}/register", data=form_data(first_name="<b>Ghita</b>"))
    [(_sender, _recipients, raw)] = smtp_server.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Content-Language"] == "fr"
    html = message.get_body(("html",)).get_content()
    assert "<b>Ghita</b>" not in html and "&lt;b&gt;Ghita&lt;/b&gt;" in html


def test_a_failing_mail_server_never_breaks_the_registration(
    app, client, make_event, caplog, form_data
):
    event = make_event()
    saved = (app.config.get("MAIL_SERVER"), app.config.get("MAIL_PORT"), app.config["MAIL_TIMEOUT"])
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    try:
        with caplog.at_level(logging.WARNING):
            response = client.post(f"/events/{event.slug}/register", data=form_data())
    finally:
        app.config.update(MAIL_SERVER=saved[0], MAIL_PORT=saved[1], MAIL_TIMEOUT=saved[2])
    assert response.status_code == 302
    assert db.session.scalar(select(Registration.status)) == "confirmed"
    assert "Sending mail registration.confirmed" in caplog.text
    # Kept, to be tried again later: nothing is lost.
    message = db.session.scalar(select(MailMessage))
    assert (message.status, message.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in message.last_error


def test_outbox_file_name_and_content(client, make_event, outbox, form_data):
    event = make_event()
    client.post(f"/events/{event.slug}/register", data=form_data())
    registration = db.session.scalar(select(Registration))
    [path] = list(outbox.folder.glob("*.eml"))
    stamp, _, rest = path.name.partition("-")
    assert rest.endswith(".eml")
    assert stamp.endswith("Z") and stamp[:8].isdigit()
    assert registration.email in path.read_text()
    assert not list(outbox.folder.glob("*.part"))


def test_a_waiting_list_cancellation_says_so_and_not_that_a_badge_stops(
    app, make_event, make_registration, outbox
):
    event = make_event(capacity=1)
    make_registration(event)
    waiting = make_registration(event, language="en")
    assert waiting.status == "waitlisted"
    cancel(waiting)
    notify_status(waiting)
    db.session.commit()
    text = outbox()[-1].get_body(("plain",)).get_content()
    assert "you are no longer on its waiting list" in text
    assert "badge" not in text.lower()
