"""Organisers' access to personal data is logged: exports of registrations, check-ins and
leads, and searches at the help desk (the length of the text searched, never the text)."""

from __future__ import annotations

from sqlalchemy import select

from eventhub.auth.models import AuditEntry
from eventhub.extensions import db
from tests.deals.leads.conftest import show  # noqa: F401 (a fixture)
from tests.support.factories import TEST_PASSWORD


def access_entries(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_registration_and_checkin_exports_are_logged(
    client, login_as, make_event, make_registration
):
    organiser = login_as("admin")
    event = make_event()
    for _ in range(3):
        make_registration(event)
    base = f"/organiser/events/{event.slug}"
    for path in ("registrations/export.csv", "registrations/export.xlsx", "checkins/export.csv"):
        assert client.get(f"{base}/{path}").status_code == 200
    entries = access_entries("personal_data.export")
    assert [(e.details["what"], e.details["rows"], e.details["format"]) for e in entries] == [
        ("registrations", 3, "csv"),
        ("registrations", 3, "xlsx"),
        ("checkins", 0, "csv"),
    ]
    assert all(e.actor_id == organiser.id and e.target == event.slug for e in entries)


def test_desk_searches_are_logged_without_the_text(client, login_as, make_event, make_registration):
    staff = login_as("staff")
    event = make_event()
    make_registration(event, first_name="Salma", last_name="Bennani")
    assert client.get(f"/events/{event.slug}/desk").status_code == 200
    assert access_entries("personal_data.search") == []  # no search, nothing to log
    assert client.get(f"/events/{event.slug}/desk?q=salma").status_code == 200
    [entry] = access_entries("personal_data.search")
    assert entry.actor_id == staff.id and entry.target == event.slug
    assert entry.details == {"what": "people", "rows": 1, "query_length": 5}
    assert "salma" not in str(entry.details).lower()


def test_lead_exports_are_logged(client, show):  # noqa: F811 (the fixture)
    client.post("/login", data={"email": show.atlas.email, "password": TEST_PASSWORD})
    assert client.get(f"/events/{show.event.slug}/leads.csv").status_code == 200
    [entry] = access_entries("personal_data.export")
    assert entry.actor_id == show.atlas.id
    assert entry.details["what"] == "leads" and entry.details["rows"] == 0


def test_the_audit_list_shows_the_access(client, in_english, login_as, make_event):
    login_as("admin")
    event = make_event()
    client.get(f"/organiser/events/{event.slug}/registrations/export.csv")
    page = client.get("/organiser/audit").get_data(as_text=True)
    assert "personal_data.export" not in page  # a sentence, never the code
    assert "personal data" in page
