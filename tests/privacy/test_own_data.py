"""The attendee's own data from their private link: see it, download it (JSON, CSV),
correct it, erase it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventhub.auth.models import AuditEntry
from eventhub.badges.signing import badge_token
from eventhub.checkin.models import Scan
from eventhub.checkin.scanning import ScanInput, door_event, perform_scan
from eventhub.deals.leads.models import Lead
from eventhub.extensions import db
from eventhub.registration.models import Registration
from tests.privacy.conftest import add_lead, add_scan
from tests.support import factories
from tests.support.dates import event_today


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_private_page_links_to_the_data_page(client, attendee):
    page = client.get(f"/r/{attendee.token}").get_data(as_text=True)
    assert f"/r/{attendee.token}/data" in page


def test_the_data_page_lists_everything(client, in_english, attendee):
    response = client.get(f"/r/{attendee.token}/data")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    page = response.get_data(as_text=True)
    for text in ("Meryem El Idrissi", "meryem@argan.example", "North door", "Souk Pay"):
        assert text in page
    assert "Wants a pilot" in page  # the note the exhibitor took


def test_the_json_download(client, attendee):
    response = client.get(f"/r/{attendee.token}/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = response.json
    assert data["registration"]["email"] == "meryem@argan.example"
    assert data["registration"]["first_name"] == "Meryem"
    assert data["scans"][0]["gate"] == "North door"
    assert data["leads"][0] == {
        **data["leads"][0],
        "exhibitor": "Souk Pay",
        "note": "Wants a pilot",
        "rating": 4,
    }


def test_the_csv_download_is_formula_safe(client, make_event, make_registration):
    registration = make_registration(
        make_event(), first_name='=HYPERLINK("http://evil.example")', last_name="@SUM(1)"
    )
    response = client.get(f"/r/{registration.manage_token}/data.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    values = {(row[0], row[2]): row[3] for row in rows[1:]}
    assert values["registration", "first_name"] == '\'=HYPERLINK("http://evil.example")'
    assert values["registration", "last_name"] == "'@SUM(1)"
    assert values["registration", "email"] == registration.email


def correction(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Meryem",
        "last_name": "El Idrissi",
        "organization": "Argan Pay",
        "job_title": "CTO",
        "country": "MA",
        "language": "fr",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "bad",
    [
        {"first_name": ""},
        {"last_name": "x" * 81},
        {"country": "XX"},
        {"language": "de"},
        {"organization": "Evil\x1bCorp"},
    ],
)
def test_correction_refuses_bad_input(client, attendee, bad):
    version = attendee.registration.badge_version
    response = client.post(f"/r/{attendee.token}/data/correct", data=correction(**bad))
    assert response.status_code == 422
    db.session.expire_all()
    registration = attendee.registration
    assert registration.first_name == "Meryem" and registration.country == "MA"
    assert registration.organization == "Argan Pay" and registration.language == "fr"
    assert registration.badge_version == version


def test_correcting_a_printed_field_issues_a_new_badge(client, attendee):
    registration = attendee.registration
    version = registration.badge_version
    assert client.get(f"/r/{attendee.token}/data/correct").status_code == 200
    response = client.post(
        f"/r/{attendee.token}/data/correct", data=correction(organization="Souss Labs")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert registration.organization == "Souss Labs"
    assert registration.badge_version == version + 1
    # The language is not printed: no new badge.
    client.post(
        f"/r/{attendee.token}/data/correct",
        data=correction(organization="Souss Labs", language="en"),
    )
    db.session.expire_all()
    assert registration.language == "en" and registration.badge_version == version + 1


def test_erasure_needs_the_confirmation(client, attendee):
    assert client.get(f"/r/{attendee.token}/data/erase").status_code == 200
    response = client.post(f"/r/{attendee.token}/data/erase", data={})
    assert response.status_code == 422
    db.session.expire_all()
    assert attendee.registration.email == "meryem@argan.example"


def test_erasure_anonymises_and_keeps_the_counts(client, in_english, attendee):
    registration = attendee.registration
    registration_id, number = registration.id, registration.number
    counts = (count(Registration), count(Scan), count(Lead))
    response = client.post(f"/r/{attendee.token}/data/erase", data={"confirm": "y"})
    assert response.status_code == 200
    assert "erased" in response.get_data(as_text=True)
    for path in ("", "/data", "/data.json", "/data.csv", "/badge.pdf"):
        assert client.get(f"/r/{attendee.token}{path}").status_code == 404
    assert (count(Registration), count(Scan), count(Lead)) == counts
    db.session.expire_all()
    row = db.session.get(Registration, registration_id)
    assert row.status == "cancelled"
    assert row.email == f"erased-{registration_id}@invalid"
    assert (row.first_name, row.last_name, row.organization, row.job_title) == (
        "Erased",
        "",
        "",
        "",
    )
    assert row.search_key == "" and row.exhibitor_consent_at is None
    scan = db.session.scalar(select(Scan).where(Scan.registration_id == registration_id))
    assert scan.code == "" and scan.gate == "North door"
    lead = db.session.scalar(select(Lead).where(Lead.registration_id == registration_id))
    assert lead.note == "" and lead.tags == "" and lead.scan_count == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "personal_data.erase"))
    assert entry.target == f"{attendee.event.slug}/{number}"
    assert "meryem" not in str(entry.details).lower()


def test_an_erased_badge_is_refused_at_the_door(client, make_event, make_registration):
    today = event_today()
    event = make_event(first_day=today - timedelta(days=1), last_day=today + timedelta(days=1))
    registration = make_registration(event)
    token = badge_token(registration)
    client.post(f"/r/{registration.manage_token}/data/erase", data={"confirm": "y"})
    outcome = perform_scan(door_event(event.slug), ScanInput(code=token, gate="North"))
    db.session.commit()
    assert outcome.result != "admitted" and outcome.status >= 400


def test_erasing_a_confirmed_place_offers_it_to_the_waiting_list(
    client, make_event, make_registration
):
    event = make_event(capacity=1)
    first = make_registration(event)
    second = make_registration(event)
    assert second.status == "waitlisted"
    client.post(f"/r/{first.manage_token}/data/erase", data={"confirm": "y"})
    db.session.expire_all()
    assert second.status in ("offered", "confirmed")


def test_the_erase_form_needs_the_csrf_token(client, attendee, csrf_enabled):
    for path in ("erase", "correct"):
        response = client.post(
            f"/r/{attendee.token}/data/{path}", data={"confirm": "y", **correction(last_name="X")}
        )
        assert response.status_code == 400
    db.session.expire_all()
    assert attendee.registration.email == "meryem@argan.example"
    assert attendee.registration.last_name == "El Idrissi"


def test_other_registrations_are_untouched(client, attendee, make_registration):
    other = make_registration(attendee.event, first_name="Karim")
    add_scan(attendee.event, other, code="OTHER-CODE")
    add_lead(attendee.event, other, factories.create_startup(name="Atlas AI").startup, "Call")
    client.post(f"/r/{attendee.token}/data/erase", data={"confirm": "y"})
    db.session.expire_all()
    assert other.first_name == "Karim"
    assert db.session.scalar(select(Scan.code).where(Scan.registration_id == other.id)) == (
        "OTHER-CODE"
    )
    assert db.session.scalar(select(Lead.note).where(Lead.registration_id == other.id)) == "Call"
