"""The organisers' daily summary of the e-mails that failed for good."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from celery.schedules import crontab
from sqlalchemy import select

from eventhub.extensions import db
from eventhub.jobs import BEAT_SCHEDULE, TASK_MODULES
from eventhub.models_common import utcnow
from eventhub.notifications.log import failures_since
from eventhub.notifications.models import MailMessage
from eventhub.notifications.summary import KIND, queue_failure_summaries
from eventhub.notifications.tasks import send_failure_summaries
from tests.notifications.test_log import add_message

NOW = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)


def failed(event: Any, kind: str = "registration.confirmed", hours_ago: float = 2) -> MailMessage:
    """A message whose last attempt, `hours_ago` before NOW, failed for good."""
    at = NOW - timedelta(hours=hours_ago)
    return add_message(event, kind=kind, status="failed", attempts=40, created_at=at, due_at=at)


def summaries() -> list[MailMessage]:
    return list(
        db.session.scalars(select(MailMessage).where(MailMessage.kind == KIND).order_by("id"))
    )


def test_listed_in_the_worker_modules_and_the_beat_schedule():
    assert "eventhub.notifications.summary" in TASK_MODULES
    [entry] = [e for e in BEAT_SCHEDULE.values() if e["task"].endswith("send_failure_summaries")]
    assert entry["task"] == send_failure_summaries.name
    assert isinstance(entry["schedule"], crontab)  # once a day, in the morning
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})


def test_failures_counted_per_event_and_kind_in_the_last_day(app, make_event):
    expo, demo = make_event(), make_event(kind="demo_day")
    failed(expo)
    failed(expo)
    failed(expo, kind="booth.placement")
    failed(demo, hours_ago=23)
    failed(None, kind="legacy.kind")
    failed(expo, hours_ago=25)  # yesterday's: told already
    add_message(expo, status="sent", created_at=NOW - timedelta(hours=1))
    add_message(expo, status="queued", attempts=5, due_at=NOW - timedelta(hours=1))
    found = failures_since(NOW - timedelta(hours=24))
    assert [(f.event_id, f.kinds, f.failed) for f in found] == [
        (expo.id, {"booth.placement": 1, "registration.confirmed": 2}, 3),
        (demo.id, {"registration.confirmed": 1}, 1),
        (None, {"legacy.kind": 1}, 1),
    ]


def test_nothing_sent_when_nothing_failed(app, make_user, make_event, outbox):
    make_user("admin")
    event = make_event()
    add_message(event, status="sent")
    failed(event, hours_ago=30)
    assert queue_failure_summaries(NOW) == 0
    db.session.commit()
    assert summaries() == [] and outbox() == []


def test_every_active_organiser_told_once_a_day(app, make_user, make_event, outbox):
    amal = make_user("admin", name="Amal", preferred_language="en")
    omar = make_user("admin", name="Omar")
    make_user("admin", is_active=False)
    make_user("staff")
    expo = make_event(name="GITEX Africa")
    demo = make_event(name="Demo Day <Boost>", kind="demo_day")
    failed(expo)
    failed(expo, kind="booth.placement")
    failed(expo, kind="booth.placement")
    failed(demo)

    assert queue_failure_summaries(NOW) == 2
    db.session.commit()
    assert sorted(m.key for m in summaries()) == sorted(
        [f"{KIND}:{amal.id}:2026-05-04", f"{KIND}:{omar.id}:2026-05-04"]
    )
    sent = {message["To"]: message for message in outbox()}
    assert set(sent) == {amal.email, omar.email}
    english = sent[amal.email]
    assert english["Content-Language"] == "en"
    assert english["Subject"] == "4 e-mails could not be sent in the last 24 hours"
    body = english.get_body(("plain",)).get_content()
    assert "Hello \u2068Amal\u2069," in body
    assert "GITEX Africa: 3 failed" in body
    assert "- Booth assigned, moved or released: 2" in body
    assert "- Registration confirmed, with the badge: 1" in body
    assert "Demo Day <Boost>: 1 failed" in body  # text: as typed
    base_url = app.config["PUBLIC_BASE_URL"]
    assert f"{base_url}/organiser/events/{expo.slug}/mail?status=failed" in body
    assert f"{base_url}/organiser/events/{demo.slug}/mail?status=failed" in body
    html = english.get_body(("html",)).get_content()
    assert "Demo Day &lt;Boost&gt;" in html and "<Boost>" not in html
    assert sent[omar.email]["Content-Language"] == app.config["BABEL_DEFAULT_LOCALE"]

    # Again the same day (a second beat, a retried job): nothing more.
    assert queue_failure_summaries(NOW + timedelta(hours=5)) == 0
    db.session.commit()
    assert len(summaries()) == 2 and len(outbox()) == 2
    # The next day, with new failures: told again.
    failed(expo, hours_ago=-20)
    assert queue_failure_summaries(NOW + timedelta(days=1)) == 2
    db.session.commit()
    assert len(outbox()) == 4


def test_the_periodic_task_queues_and_commits(app, make_user, make_event, outbox):
    make_user("admin")
    an_hour_ago = utcnow() - timedelta(hours=1)
    add_message(make_event(), status="failed", created_at=an_hour_ago, due_at=an_hour_ago)
    # The task of this app's Celery app: `send_failure_summaries` itself is bound to the
    # default one, which is the last app a test created.
    task = app.extensions["celery"].tasks[send_failure_summaries.name]
    assert task.apply().get() == 1
    db.session.rollback()  # what the task did is committed
    [summary] = summaries()
    assert summary.status == "sent" and summary.event_id is None
    assert len(outbox()) == 1
    assert task.apply().get() == 0


def test_not_sent_to_an_organiser_deactivated_meanwhile(app, make_user, make_event, outbox):
    organiser = make_user("admin")
    failed(make_event())
    assert queue_failure_summaries(NOW) == 1
    organiser.is_active = False  # after the summary was recorded, before it is sent
    db.session.commit()
    [summary] = summaries()
    assert summary.status == "skipped" and outbox() == []
