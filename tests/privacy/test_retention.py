"""Retention: an event past its period is anonymised by the daily job (counts stay, no
name remains), a dry run changes nothing, the CLI and the organiser's page show it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from eventhub.auth.models import AuditEntry
from eventhub.checkin.models import Scan
from eventhub.deals.leads.models import Lead
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
from eventhub.models_common import utcnow
from eventhub.notifications.models import MailMessage
from eventhub.privacy.models import EventPrivacy
from eventhub.privacy.retention import anonymise_event, due_events
from eventhub.privacy.settings import purge_date, settings_of
from eventhub.privacy.tasks import purge_expired_personal_data
from eventhub.registration.models import Registration
from tests.privacy.conftest import add_lead, add_scan
from tests.support import factories

NAMES = ("Meryem", "Idrissi", "meryem@argan", "Argan Pay", "CTO", "Karim", "karim@")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def checked_in() -> int:
    return db.session.scalar(select(func.count()).where(Scan.result == "admitted"))


@pytest.fixture
def past(past_event, make_registration):
    """The past event with two registrations, their scans, leads, an e-mail, a meeting."""
    event = past_event
    meryem = make_registration(
        event, first_name="Meryem", last_name="El Idrissi", email="meryem@argan.example"
    )
    karim = make_registration(event, first_name="Karim", email="karim@souk.example")
    add_scan(event, meryem, code="CODE-MERYEM", note="Meryem forgot her badge", manual=True)
    add_scan(event, karim, code="CODE-KARIM")
    startup = factories.create_startup(name="Souk Pay").startup
    add_lead(event, meryem, startup, note="Meryem wants a pilot")
    investor = factories.create_investor().investor
    start = utcnow() - timedelta(days=430)
    db.session.add_all(
        [
            Meeting(
                event_id=event.id,
                startup_id=startup.id,
                investor_id=investor.id,
                starts_at=start,
                ends_at=start + timedelta(minutes=20),
                note="Bring Meryem's deck",
                investor_note="Karim seemed keen",
            ),
            MailMessage(
                key=f"test-{meryem.id}",
                kind="registration.confirmation",
                event_id=event.id,
                recipient="meryem@argan.example",
                status="sent",
            ),
            AuditEntry(
                action="registration.cancel",
                target=f"{event.slug}/{karim.number}",
                details={"email": "karim@souk.example"},
            ),
        ]
    )
    db.session.commit()
    return event


def assert_no_personal_data(event) -> None:
    texts = []
    for row in db.session.execute(
        select(
            Registration.first_name,
            Registration.last_name,
            Registration.email,
            Registration.organization,
            Registration.job_title,
            Registration.search_key,
        ).where(Registration.event_id == event.id)
    ):
        texts.extend(row)
    for row in db.session.execute(select(Scan.code, Scan.note).where(Scan.event_id == event.id)):
        texts.extend(row)
    for row in db.session.execute(select(Lead.note, Lead.tags).where(Lead.event_id == event.id)):
        texts.extend(row)
    for row in db.session.execute(
        select(Meeting.note, Meeting.investor_note).where(Meeting.event_id == event.id)
    ):
        texts.extend(row)
    texts.extend(
        db.session.scalars(select(MailMessage.recipient).where(MailMessage.event_id == event.id))
    )
    texts.extend(str(details) for details in db.session.scalars(select(AuditEntry.details)))
    joined = " ".join(str(text) for text in texts).lower()
    for name in NAMES:
        assert name.lower() not in joined, f"{name} remains"


@pytest.mark.parametrize(
    ("last_day", "months", "purge_on"),
    [
        (date(2026, 1, 31), 1, date(2026, 3, 1)),  # kept to 28 February, the month's end
        (date(2026, 11, 15), 12, date(2027, 11, 16)),
        (date(2026, 12, 1), 1, date(2027, 1, 2)),
    ],
)
def test_the_purge_date_keeps_to_the_month_s_end(make_event, last_day, months, purge_on):
    event = make_event(first_day=last_day, last_day=last_day)
    settings_of(event).retention_months = months
    db.session.commit()
    assert purge_date(event) == purge_on


def test_due_events_are_those_past_their_retention(past, make_event, make_registration):
    current = make_event()
    make_registration(current)
    assert due_events(utcnow()) == [past]
    settings_of(past).retention_months = 24
    db.session.commit()
    assert due_events(utcnow()) == []
    assert purge_date(past) == past.last_day + relativedelta(months=24) + timedelta(days=1)


def test_a_dry_run_counts_and_changes_nothing(past):
    emails = sorted(db.session.scalars(select(Registration.email)))
    report = anonymise_event(past, utcnow(), dry_run=True)
    db.session.commit()
    assert report.counts() == {
        "registrations": 2,
        "scans": 2,
        "leads": 1,
        "meeting_notes": 1,
        "emails": 1,
    }
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Registration.email))) == emails
    assert db.session.scalar(select(Lead.note)) == "Meryem wants a pilot"
    assert db.session.get(EventPrivacy, past.id) is None


def test_the_job_leaves_counts_and_no_name(past, make_event, make_registration):
    current = make_event()
    kept = make_registration(current, first_name="Nadia", email="nadia@example.com")
    before = (count(Registration), count(Scan), count(Lead), count(Meeting), checked_in())
    assert purge_expired_personal_data.run() == 1
    db.session.expire_all()
    assert (count(Registration), count(Scan), count(Lead), count(Meeting), checked_in()) == before
    assert_no_personal_data(past)
    statuses = db.session.scalars(
        select(Registration.status).where(Registration.event_id == past.id)
    ).all()
    assert statuses == ["confirmed", "confirmed"]  # the statistics stay as they were
    assert kept.first_name == "Nadia" and kept.email == "nadia@example.com"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "personal_data.retention")
    )
    assert entry.target == past.slug
    assert entry.details["registrations"] == 2 and entry.details["leads"] == 1
    assert db.session.get(EventPrivacy, past.id).anonymised_at is not None
    # A second run finds nothing left, and says so in the log of runs.
    assert purge_expired_personal_data.run() == 0
    runs = db.session.scalar(
        select(func.count()).where(AuditEntry.action == "personal_data.retention_run")
    )
    assert runs == 2


def test_the_job_is_in_the_beat_schedule():
    from eventhub.jobs import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "eventhub.privacy.tasks.purge_expired_personal_data" in tasks


def test_the_cli_dry_run_and_purge(runner, past):
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"Would anonymise {past.slug}" in result.output and "2 registrations" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Registration.first_name == "Meryem")) == 1
    result = runner.invoke(args=["privacy", "purge", "--dry-run", "--event", past.slug])
    assert result.exit_code == 0 and "2 registrations" in result.output
    assert runner.invoke(args=["privacy", "purge", "--event", "nope"]).exit_code != 0
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and f"Anonymised {past.slug}" in result.output
    db.session.expire_all()
    assert_no_personal_data(past)


def test_the_organiser_sees_the_dry_run(client, in_english, login_as, past):
    login_as("admin")
    response = client.get(f"/organiser/events/{past.slug}/privacy/retention")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "dry run" in page and "Its retention is over" in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Registration.first_name == "Meryem")) == 1


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_other_roles_may_not_open_the_organiser_pages(client, login_as, past, role):
    login_as(role)
    for path in ("privacy/retention", "privacy"):
        assert client.get(f"/organiser/events/{past.slug}/{path}").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, past):
    response = client.get(f"/organiser/events/{past.slug}/privacy/retention")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_settings_page(client, in_english, login_as, make_event, field_errors):
    login_as("admin")
    event = make_event()
    url = f"/organiser/events/{event.slug}/privacy"
    page = client.get(url).get_data(as_text=True)
    assert 'name="retention_months"' in page and 'value="12"' in page
    for bad in ("0", "121", "twelve", ""):
        response = client.post(url, data={"retention_months": bad, "cndp_declaration": "D-1"})
        assert response.status_code == 422
        assert field_errors(response, "retention_months")
    response = client.post(url, data={"cndp_declaration": "x" * 61, "retention_months": "12"})
    assert response.status_code == 422
    assert db.session.get(EventPrivacy, event.id) is None
    response = client.post(
        url,
        data={
            "text_en": "Controller: Expo SA",
            "cndp_declaration": "D-GC-258/2026",
            "retention_months": "6",
        },
    )
    assert response.status_code == 302
    settings = db.session.get(EventPrivacy, event.id)
    assert (settings.retention_months, settings.notice_version) == (6, 2)
    notice = client.get(f"/events/{event.slug}/privacy").get_data(as_text=True)
    assert "D-GC-258/2026" in notice and "6 months" in notice
