"""Messages recorded in the change's transaction, sent once by a job, retried, swept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.notifications import mailing
from eventhub.notifications.mailing import Mail, builds, queue_mail, send_message
from eventhub.notifications.models import MailMessage
from eventhub.notifications.preferences import opt_out
from tests.support.servers import free_port


@builds("test.note")
def _note(message: MailMessage) -> Mail | None:
    if message.params.get("gone"):
        return None
    return Mail(
        subject=f"Note {message.params['n']}",
        text="Bonjour <b>Amal</b>,\n\nVoir https://expo.example.ma/r/abc\nMerci.",
        sender_name="Expo <Maroc>",
    )


@builds("test.optional", topic="reminders")
def _optional(message: MailMessage) -> Mail | None:
    return Mail(subject="Reminder", text="Tomorrow.")


def _queue(n: int = 1, **params: object) -> bool:
    return queue_mail(
        "test.note",
        key=f"note:{n}",
        to="amal@example.com",
        language="ar",
        params={"n": n, **params},
    )


def _message(key: str = "note:1") -> MailMessage:
    db.session.expire_all()
    message = db.session.scalar(select(MailMessage).where(MailMessage.key == key))
    assert message is not None
    return message


@pytest.fixture
def closed_mail_server(app: Flask):
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    yield
    app.config.update(saved)


def test_sent_once_the_transaction_commits_with_text_and_rtl_html(app, outbox):
    assert _queue()
    assert outbox() == []  # nothing before the commit
    db.session.commit()
    [sent] = outbox()
    assert sent["Subject"] == "Note 1"
    assert sent["From"] == '"Expo <Maroc>" <no-reply@eventhub.local>'
    assert sent["Content-Language"] == "ar"
    html = sent.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "&lt;b&gt;Amal&lt;/b&gt;" in html  # the text's markup is escaped…
    assert '<a href="https://expo.example.ma/r/abc"' in html  # …and its links clickable
    assert "<b>Amal</b>" in sent.get_body(("plain",)).get_content()
    message = _message()
    assert (message.status, message.attempts, message.subject) == ("sent", 1, "Note 1")
    assert message.sent_at is not None


def test_nothing_is_sent_when_the_transaction_rolls_back(app, outbox):
    _queue()
    db.session.rollback()
    db.session.commit()
    assert outbox() == []
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0


def test_the_same_notification_twice_is_one_message(app, outbox):
    assert _queue()
    assert not _queue()  # same key: told already
    db.session.commit()
    assert not _queue()
    db.session.commit()
    assert len(outbox()) == 1


def test_a_job_run_twice_sends_once(app, outbox):
    _queue()
    db.session.commit()
    message_id = _message().id
    assert send_message(message_id).status == "not_claimed"
    assert len(outbox()) == 1


def test_the_message_id_comes_from_the_key(app, outbox):
    _queue()
    db.session.commit()
    [sent] = outbox()
    assert sent["Message-ID"] == mailing.message_id_header("note:1")
    assert mailing.message_id_header("note:1") != mailing.message_id_header("note:2")


def test_a_failure_is_kept_and_retried_with_a_growing_delay(app, closed_mail_server):
    app.config["MAIL_RETRY_SECONDS"] = 60
    try:
        _queue()
        db.session.commit()
    finally:
        app.config["MAIL_RETRY_SECONDS"] = 1
    message = _message()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in message.last_error
    assert message.due_at > utcnow()
    assert message.due_at > utcnow() + timedelta(seconds=50)
    assert mailing.retry_delay(1) == 1 and mailing.retry_delay(3) == 4
    assert mailing.retry_delay(40) == 3600  # at most an hour
    # Not due yet: a second job does nothing.
    assert send_message(message.id).status == "not_claimed"


def test_failed_for_good_after_the_last_attempt(app, closed_mail_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    try:
        _queue()
        db.session.commit()
        message = _message()
        message.due_at = utcnow()
        db.session.commit()
        assert send_message(message.id).status == "failed"
    finally:
        app.config["MAIL_MAX_ATTEMPTS"] = 40
    message = _message()
    assert (message.status, message.attempts) == ("failed", 2)


def test_the_sweep_sends_what_no_job_took(app, outbox, closed_mail_server):
    _queue(1)
    _queue(2)
    db.session.commit()  # both fail: the mail server is down
    app.config["MAIL_SERVER"] = None  # back (to the outbox)
    first, second = _message("note:1"), _message("note:2")
    first.due_at = utcnow() - timedelta(minutes=5)  # its retry was lost
    second.status, second.due_at = "sending", utcnow() - timedelta(hours=1)  # worker died
    db.session.commit()
    assert mailing.requeue_stalled(utcnow()) == 2
    assert sorted(m["Subject"] for m in outbox()) == ["Note 1", "Note 2"]
    assert mailing.requeue_stalled(utcnow()) == 0


def test_a_message_with_nothing_left_to_tell_is_skipped(app, outbox):
    _queue(gone=True)
    db.session.commit()
    assert outbox() == []
    assert _message().status == "skipped"


def test_an_optional_message_turned_off_is_not_queued(app, outbox):
    opt_out("amal@example.com", "reminders")
    assert not queue_mail("test.optional", key="r:1", to="Amal@example.com", language="fr")
    assert queue_mail("test.optional", key="r:2", to="karim@example.com", language="fr")
    db.session.commit()
    assert [m["To"] for m in outbox()] == ["karim@example.com"]


def test_an_unknown_kind_is_a_programming_error(app):
    with pytest.raises(LookupError):
        queue_mail("no.such.kind", key="x", to="a@example.com", language="fr")
