"""The organiser's "E-mails" page: list, counts, filters, search, pages, what waits, resend;
who may see it; bad addresses; and the query plan on PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select, text

from eventhub.auth.models import AuditEntry
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.notifications import log
from eventhub.notifications.log import LogFilters, log_page, position
from eventhub.notifications.models import MailMessage
from eventhub.registration.mail import notify_status
from eventhub.registration.models import Registration
from tests.support.servers import free_port

_numbers = count(1)


def base(event: Any) -> str:
    return f"/organiser/events/{event.slug}/mail"


def add_message(event: Any, **values: Any) -> MailMessage:
    """A message row as the jobs leave it (nothing is queued for sending)."""
    number = next(_numbers)
    now = utcnow()
    values.setdefault("key", f"test:{number}")
    values.setdefault("kind", "registration.confirmed")
    values.setdefault("recipient", f"person{number}@example.com")
    values.setdefault("status", "sent")
    values.setdefault("attempts", 1)
    values.setdefault("created_at", now - timedelta(minutes=number))
    values.setdefault("due_at", values["created_at"])
    if values["status"] == "sent":
        values.setdefault("sent_at", values["created_at"] + timedelta(seconds=3))
    message = MailMessage(event_id=event.id if event else None, language="fr", **values)
    db.session.add(message)
    db.session.commit()
    return message


def listed(response: Any) -> list[int]:
    """The ids of the messages on the page, in their order."""
    return [int(n) for n in re.findall(r'<tr id="message-(\d+)"', response.get_data(as_text=True))]


def audit_entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


@pytest.fixture
def organiser(login_as: Any) -> Any:
    return login_as("admin")


@pytest.fixture
def closed_mail_server(app: Flask):
    """Sending fails at once (nothing listens on the port), and gives up after one try."""
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT", "MAIL_MAX_ATTEMPTS")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2, MAIL_MAX_ATTEMPTS=1
    )
    yield
    app.config.update(saved)


def failed_confirmation(registration: Registration) -> MailMessage:
    """The registration's confirmation, failed for good (as after MAIL_MAX_ATTEMPTS)."""
    return add_message(
        registration.event,
        key=f"confirmation:{registration.id}",
        recipient=registration.email,
        params={"registration_id": registration.id},
        status="failed",
        attempts=40,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )


# --- Who may see it -----------------------------------------------------------------------


def routes(event: Any, message: MailMessage) -> list[tuple[str, str]]:
    return [
        ("GET", base(event)),
        ("POST", f"{base(event)}/{message.id}/resend"),
        ("POST", f"{base(event)}/resend-failed"),
    ]


def test_anonymous_is_sent_to_log_in(client, make_event):
    event = make_event()
    message = add_message(event, status="failed")
    for method, path in routes(event, message):
        response = client.open(path, method=method)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path
    db.session.refresh(message)
    assert message.status == "failed"


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_other_roles_are_forbidden(client, make_event, login_as, role):
    event = make_event()
    message = add_message(event, status="failed")
    login_as(role)
    for method, path in routes(event, message):
        assert client.open(path, method=method).status_code == 403, path
    db.session.refresh(message)
    assert message.status == "failed"
    assert audit_entries() == []


def test_unknown_event_is_404(client, organiser):
    assert client.get("/organiser/events/no-such-show/mail").status_code == 404


def test_linked_from_the_organisers_event_pages(client, organiser, make_event):
    event = make_event()
    page = client.get(f"/organiser/events/{event.slug}/registrations").get_data(as_text=True)
    assert f'href="{base(event)}"' in page
    mail_page = client.get(base(event)).get_data(as_text=True)
    assert f'href="{base(event)}" aria-current="page"' in mail_page


# --- The list -----------------------------------------------------------------------------


def test_lists_newest_first_with_counts_labels_and_times(client, in_english, organiser, make_event):
    event = make_event(timezone="Africa/Casablanca")
    at = datetime(2026, 5, 4, 9, 15, 42, tzinfo=UTC)
    oldest = add_message(event, created_at=at, kind="booth.placement")
    failed = add_message(
        event, created_at=at + timedelta(hours=1), status="failed", last_error="x" * 300
    )
    newest = add_message(event, created_at=at + timedelta(hours=2), kind="legacy.kind")
    other_event = add_message(make_event(), created_at=at + timedelta(hours=3))
    response = client.get(base(event))
    assert response.status_code == 200
    assert listed(response) == [newest.id, failed.id, oldest.id]
    assert other_event.id not in listed(response)
    page = response.get_data(as_text=True)
    assert "Booth assigned, moved or released" in page  # a kind by its label…
    assert "<code>legacy.kind</code>" in page  # …an unknown kind by its code
    # Shown in the event's time zone (UTC+1 in May), without seconds.
    assert "10:15" in page and "10:15:42" not in page and "9:15" not in page
    # The error shortened, in full on demand.
    assert "x" * 300 in page and "x" * 77 + "..." in page
    stats = re.findall(r'<span class="figure">(\d+)</span> <span>(\w+)</span>', page)
    assert dict((label, int(n)) for n, label in stats) == {
        "Queued": 0,
        "Sending": 0,
        "Sent": 2,
        "Failed": 1,
        "Skipped": 0,
    }
    assert page.count("Resend</button>") == 3  # failed and sent ones
    assert "Resend all failed" in page


def test_filters_by_status_kind_and_recipient(client, organiser, make_event):
    event = make_event()
    amal = add_message(event, recipient="amal@argan.ma", status="failed")
    add_message(event, recipient="omar@argan.ma", status="sent")
    booth = add_message(event, recipient="team@atlas.ma", kind="booth.placement")
    percent = add_message(event, recipient="odd_100%@atlas.ma", status="failed")

    assert listed(client.get(f"{base(event)}?status=failed")) == [amal.id, percent.id]
    assert listed(client.get(f"{base(event)}?kind=booth.placement")) == [booth.id]
    assert listed(client.get(f"{base(event)}?q=ARGAN.ma&status=failed")) == [amal.id]
    # LIKE's wildcards are taken literally.
    assert listed(client.get(f"{base(event)}?q=_100%25")) == [percent.id]
    assert listed(client.get(f"{base(event)}?q=%25")) == [percent.id]
    assert listed(client.get(f"{base(event)}?q=nobody")) == []
    page = client.get(f"{base(event)}?q=nobody").get_data(as_text=True)
    assert 'value="nobody"' in page  # the search box keeps what was typed


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "status=",
        "kind=%3Cscript%3E",
        "q=" + "a" * 5000,
        "q=%00%01",
        "before=abc",
        "before=-4",
        "before=99999999999999999999",
        "after=0",
        "after=2147483648",
        "status=failed&status=sent",
    ],
)
def test_bad_filters_are_ignored(client, organiser, make_event, query):
    event = make_event()
    message = add_message(event)
    response = client.get(f"{base(event)}?{query}")
    assert response.status_code == 200
    assert listed(response) in ([message.id], [])


def test_a_recipient_with_html_is_escaped(client, organiser, make_event):
    event = make_event()
    add_message(
        event,
        recipient='<script>alert(1)</script>"@x.ma',
        status="failed",
        last_error="<img src=x onerror=alert(2)>" * 10,
    )
    page = client.get(base(event)).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_pages_go_older_and_newer_in_order(app, make_event):
    event = make_event()
    at = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    # Several statuses, and messages made at the same moment (ordered by id then).
    statuses = ["sent", "failed", "queued", "sent", "skipped", "sent", "failed"]
    made = [
        add_message(event, status=status, created_at=at + timedelta(minutes=n // 2))
        for n, status in enumerate(statuses)
    ]
    newest_first = sorted(made, key=lambda m: (m.created_at, m.id), reverse=True)

    first = log_page(event, size=3)
    assert first.messages == newest_first[:3]
    assert first.newer_than is None and first.older_than == newest_first[2].id
    second = log_page(event, start=position(event, first.older_than, older=True), size=3)
    assert second.messages == newest_first[3:6]
    assert second.newer_than == newest_first[3].id
    last = log_page(event, start=position(event, second.older_than, older=True), size=3)
    assert last.messages == newest_first[6:] and last.older_than is None
    back = log_page(event, start=position(event, last.messages[0].id, older=False), size=3)
    assert back.messages == newest_first[3:6]
    assert back.newer_than == newest_first[3].id and back.older_than == newest_first[5].id
    to_top = log_page(event, start=position(event, back.newer_than, older=False), size=3)
    assert to_top.messages == newest_first[:3] and to_top.newer_than is None
    # Newer than the newest: nothing there, the first page instead.
    beyond = log_page(event, start=position(event, newest_first[0].id, older=False), size=3)
    assert beyond.messages == newest_first[:3] and beyond.newer_than is None

    failed = log_page(event, LogFilters(status="failed"), size=1)
    assert failed.messages == [newest_first[0]] and failed.older_than is not None
    # A message of another event is no position: the first page.
    stranger = add_message(make_event())
    assert position(event, stranger.id, older=True) is None


def test_page_links_carry_the_filters(client, organiser, make_event, monkeypatch):
    event = make_event()
    messages = [add_message(event, status="failed") for _ in range(3)]
    monkeypatch.setattr(log, "PAGE_SIZE", 2)
    page = client.get(f"{base(event)}?status=failed").get_data(as_text=True)
    older = re.search(r'href="([^"]+)" rel="next"', page)
    assert older is not None
    assert "status=failed" in older.group(1) and f"before={messages[1].id}" in older.group(1)
    assert listed(client.get(older.group(1).replace("&amp;", "&"))) == [messages[2].id]


# --- What waits, and why ------------------------------------------------------------------


def test_waiting_messages_show_their_next_attempt_and_a_banner(
    client, in_english, organiser, make_event
):
    event = make_event(timezone="UTC")
    now = utcnow()
    retrying = add_message(
        event,
        status="queued",
        attempts=3,
        due_at=datetime(2030, 1, 2, 13, 45, tzinfo=UTC),
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    page = client.get(base(event)).get_data(as_text=True)
    assert re.search(r"Next attempt at 1/2/30, 1:45\W*PM", page)
    assert "1 message is waiting to be tried again." in page
    assert "keeps trying by itself" in page
    assert "could not be sent" not in page and "does not seem to be running" not in page

    retrying.due_at = now - timedelta(hours=2)  # and no job took it since
    db.session.commit()
    page = client.get(base(event)).get_data(as_text=True)
    assert "does not seem to be running" in page
    assert "no job is working on it" in page
    assert "waiting to be tried again" not in page

    # Taken by a job long ago that never finished (its worker died): stuck as well.
    retrying.status, retrying.due_at = "sending", now - timedelta(minutes=40)
    db.session.commit()
    page = client.get(base(event)).get_data(as_text=True)
    assert "1 message has been waiting for more than 15 minutes" in page
    assert "no job is working on it" in page


def test_no_banner_when_all_is_well(client, in_english, organiser, make_event):
    event = make_event()
    add_message(event)
    add_message(event, status="queued", attempts=0, due_at=utcnow())  # just queued
    page = client.get(base(event)).get_data(as_text=True)
    assert "flash-error mail-banner" not in page and "flash-warning mail-banner" not in page
    assert "Resend all failed" not in page


def test_failed_banner_says_what_to_do(client, in_english, organiser, make_event):
    event = make_event()
    add_message(event, status="failed")
    page = client.get(base(event)).get_data(as_text=True)
    assert "1 message could not be sent." in page
    assert "Check the address" in page


# --- Sending again ------------------------------------------------------------------------


def test_a_failed_message_end_to_end_then_resent(
    app, client, in_english, organiser, make_event, make_registration, closed_mail_server, outbox
):
    event = make_event()
    registration = make_registration(event)
    app.config.update(MAIL_SERVER="127.0.0.1")  # the outbox fixture turned it off
    notify_status(registration)
    db.session.commit()  # sent eagerly, refused by the closed port, given up after 1 try
    message = db.session.scalar(select(MailMessage).where(MailMessage.event_id == event.id))
    assert (message.status, message.attempts) == ("failed", 1)
    page = client.get(f"{base(event)}?status=failed").get_data(as_text=True)
    assert "ConnectionRefusedError" in page and registration.email in page

    app.config.update(MAIL_SERVER=None)  # the mail server works again (the outbox)
    response = client.post(
        f"{base(event)}/{message.id}/resend", data={"next": f"{base(event)}?status=failed"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{base(event)}?status=failed"
    [sent] = outbox()
    assert sent["To"] == registration.email
    db.session.refresh(message)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    [entry] = audit_entries()
    assert (entry.action, entry.target) == ("mail.resend", f"{event.slug}/{message.id}")
    assert entry.actor_id == organiser.id
    assert entry.details["previous_status"] == "failed"
    assert "will be sent again" in client.get(base(event)).get_data(as_text=True)


def test_resend_all_failed(client, organiser, make_event, make_registration, outbox):
    event = make_event()
    first, second = make_registration(event), make_registration(event)
    failed = [failed_confirmation(first), failed_confirmation(second)]
    sent = add_message(event, status="sent")
    other_event = make_event()
    elsewhere = failed_confirmation(make_registration(other_event))
    outbox_before = len(outbox())

    response = client.post(f"{base(event)}/resend-failed", data={"next": "https://evil.example"})
    assert response.status_code == 302
    assert response.headers["Location"] == base(event)  # never off the log
    assert sorted(m["To"] for m in outbox()[outbox_before:]) == sorted([first.email, second.email])
    for message in [*failed, sent, elsewhere]:
        db.session.refresh(message)
    assert [m.status for m in failed] == ["sent", "sent"]
    assert sent.attempts == 1 and elsewhere.status == "failed"
    [entry] = audit_entries()
    assert (entry.action, entry.target, entry.details) == (
        "mail.resend_failed",
        event.slug,
        {"count": 2},
    )
    # Nothing left: nothing resent, nothing audited.
    client.post(f"{base(event)}/resend-failed")
    assert len(audit_entries()) == 1


def test_resend_all_failed_takes_a_batch_at_a_time(app, make_event, make_registration):
    event = make_event()
    for _ in range(3):
        failed_confirmation(make_registration(event))
    resent = log.resend_failed(event, batch=2)
    assert (resent.count, resent.remaining) == (2, 1)
    db.session.rollback()


def test_a_queued_message_is_not_resent(client, in_english, organiser, make_event):
    event = make_event()
    message = add_message(event, status="queued", attempts=2, due_at=utcnow())
    response = client.post(f"{base(event)}/{message.id}/resend", follow_redirects=True)
    assert "only a failed or sent message can be sent again" in response.get_data(as_text=True)
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("queued", 2)
    assert audit_entries() == []


def test_a_second_click_does_not_send_twice(
    client, in_english, organiser, make_event, make_registration, outbox
):
    event = make_event()
    message = failed_confirmation(make_registration(event))
    before = len(outbox())
    url = f"{base(event)}/{message.id}/resend"
    assert client.post(url, data={"status": "failed"}).status_code == 302
    again = client.post(url, data={"status": "failed"}, follow_redirects=True)
    assert "has changed since the page was shown" in again.get_data(as_text=True)
    assert len(outbox()) == before + 1
    assert [entry.action for entry in audit_entries()] == ["mail.resend"]
    db.session.refresh(message)
    assert message.status == "sent"


def test_resend_of_another_events_message_is_404(client, organiser, make_event):
    event = make_event()
    elsewhere = add_message(make_event(), status="failed")
    assert client.post(f"{base(event)}/{elsewhere.id}/resend").status_code == 404
    assert client.post(f"{base(event)}/99999999/resend").status_code == 404
    assert client.post(f"{base(event)}/99999999999/resend").status_code == 404
    db.session.refresh(elsewhere)
    assert elsewhere.status == "failed"


def test_resend_needs_the_csrf_token(
    client, organiser, make_event, make_registration, csrf_enabled, csrf_token, outbox
):
    event = make_event()
    message = failed_confirmation(make_registration(event))
    assert client.post(f"{base(event)}/{message.id}/resend").status_code == 400
    assert client.post(f"{base(event)}/resend-failed").status_code == 400
    db.session.refresh(message)
    assert message.status == "failed" and audit_entries() == []
    token = csrf_token(base(event))
    response = client.post(f"{base(event)}/{message.id}/resend", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.status == "sent"


# --- PostgreSQL: the list reads a page through the index ---------------------------------


def test_query_plan_walks_the_index(app, make_event):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    event, other = make_event(), make_event()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    statuses = ["sent"] * 16 + ["failed", "queued", "skipped", "sending"]
    rows = [
        {
            "key": f"plan:{n}",
            "kind": "registration.confirmed",
            "event_id": (event if n % 2 else other).id,
            "recipient": f"guest{n}@example.com",
            "language": "fr",
            "params": {},
            "subject": "",
            "status": statuses[n % len(statuses)],
            "attempts": 1,
            "last_error": "",
            "created_at": start + timedelta(seconds=n),
            "due_at": start + timedelta(seconds=n),
        }
        for n in range(40_000)
    ]
    db.session.execute(insert(MailMessage), rows)
    db.session.commit()
    db.session.execute(text("ANALYZE mail_messages"))
    middle = db.session.scalar(
        select(MailMessage).where(MailMessage.event_id == event.id).offset(5000).limit(1)
    )
    for start_at in (None, position(event, middle.id, older=True)):
        for status in ("sent", "failed"):
            query = log._status_page(event, status, LogFilters(), start_at, 51)
            compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
            plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
            # A backward walk of the index, stopped after a page; no sort of all the rows.
            assert "Index Scan Backward using ix_mail_messages_event_status" in plan, plan
            assert plan.startswith("Limit") and "Seq Scan" not in plan, plan
            if start_at is not None:
                assert "created_at <= " in plan.split("Index Cond:")[1].split("\n")[0], plan
    assert len(log_page(event).messages) == log.PAGE_SIZE
