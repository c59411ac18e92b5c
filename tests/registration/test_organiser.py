"""The organiser's registrations: list, search, filters, actions, import, exports, access."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from eventhub.auth.models import AuditEntry
from eventhub.checkin.models import Scan
from eventhub.events.models import AttendeeCategory
from eventhub.extensions import db
from eventhub.registration.models import Registration


def base(event: Any) -> str:
    return f"/organiser/events/{event.slug}/registrations"


def listed_numbers(response: Any) -> list[str]:
    return re.findall(r'<td dir="ltr"[^>]*>(\d{3,}-\d{6})</td>', response.get_data(as_text=True))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def organiser(login_as: Any) -> Any:
    return login_as("admin")


def organiser_routes(event: Any, registration: Any) -> list[tuple[str, str]]:
    one = f"{base(event)}/{registration.id}"
    return [
        ("GET", base(event)),
        ("GET", f"{base(event)}/import"),
        ("POST", f"{base(event)}/import"),
        ("GET", f"{base(event)}/export.csv"),
        ("GET", f"{base(event)}/export.xlsx"),
        ("GET", f"/organiser/events/{event.slug}/checkins/export.csv"),
        ("GET", f"/organiser/events/{event.slug}/checkins/export.xlsx"),
        ("POST", f"{one}/cancel"),
        ("POST", f"{one}/reinstate"),
        ("POST", f"{one}/category"),
        ("POST", f"{one}/reissue-badge"),
    ]


def test_anonymous_is_sent_to_log_in(client, make_event, make_registration):
    event = make_event()
    registration = make_registration(event)
    for method, path in organiser_routes(event, registration):
        response = client.open(path, method=method)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path
    db.session.refresh(registration)
    assert registration.status == "confirmed"


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_other_roles_are_forbidden(client, make_event, make_registration, login_as, role):
    event = make_event()
    registration = make_registration(event)
    login_as(role)
    for method, path in organiser_routes(event, registration):
        assert client.open(path, method=method).status_code == 403, path
    db.session.refresh(registration)
    assert registration.status == "confirmed" and registration.badge_version == 1


def test_list_search_filter_and_pagination(client, organiser, make_event, make_registration):
    event = make_event()
    salma = make_registration(
        event, first_name="Salma", last_name="Bennani", email="sb@example.com"
    )
    omar = make_registration(
        event, first_name="Omar", last_name="Ziani", organization="Sahara Solar"
    )
    arabic = make_registration(event, first_name="يوسف", last_name="العلوي", organization="")
    vip = next(c for c in event.categories if c.name == "VIP")
    nadia = make_registration(event, category=vip, first_name="Nadia", last_name="Tazi")

    response = client.get(base(event))
    assert response.status_code == 200
    assert set(listed_numbers(response)) == {r.number for r in (salma, omar, arabic, nadia)}
    page = response.get_data(as_text=True)
    assert "يوسف العلوي" in page

    def search(**args: str) -> set[str]:
        return set(listed_numbers(client.get(base(event), query_string=args)))

    assert search(q="salma bennani") == {salma.number}
    assert search(q="SB@EXAMPLE") == {salma.number}
    assert search(q="sahara") == {omar.number}
    assert search(q="العلوي") == {arabic.number}
    assert search(q="100%_") == set()
    assert search(category=str(vip.id)) == {nadia.number}
    assert search(status="waitlisted") == set()
    assert search(status="confirmed", q="tazi") == {nadia.number}
    assert search(status="bogus", category="bogus") == {
        r.number for r in (salma, omar, arabic, nadia)
    }
    assert client.get(base(event), query_string={"page": "99999999999999999999"}).status_code == 200
    assert client.get(base(event), query_string={"q": "a\x00b"}).status_code == 200


def test_pagination(client, organiser, make_event, make_registration):
    event = make_event()
    for number in range(53):
        make_registration(event, email=f"p{number}@example.com")
    first = client.get(base(event))
    assert len(listed_numbers(first)) == 50
    assert "page=2" in first.get_data(as_text=True)
    second = client.get(base(event), query_string={"page": 2})
    assert len(listed_numbers(second)) == 3


def test_cancel_offers_the_place_and_reinstate_waitlists(
    client, organiser, make_event, make_registration, outbox
):
    event = make_event(capacity=1)
    first = make_registration(event)
    second = make_registration(event)
    assert second.status == "waitlisted"
    listing = f"{base(event)}?status=confirmed"

    response = client.post(f"{base(event)}/{first.id}/cancel", data={"next": listing})
    assert response.status_code == 302
    assert response.headers["Location"] == listing
    db.session.expire_all()
    # The place is offered to the second attendee, and held for them.
    assert (first.status, second.status) == ("cancelled", "offered")
    assert [m["To"] for m in outbox()] == [first.email, second.email]
    page = client.get(f"{base(event)}?status=offered").get_data(as_text=True)
    assert second.number in page and "status-offered" in page

    client.post(f"{base(event)}/{first.id}/reinstate")
    db.session.expire_all()
    assert first.status == "waitlisted"  # the place went to the second attendee
    assert audit_actions() == ["registration.cancel", "registration.reinstate"]

    again = client.post(f"{base(event)}/{second.id}/reinstate", follow_redirects=True)
    assert again.status_code == 200
    assert "flash-error" in again.get_data(as_text=True)


def test_next_must_be_the_list(client, organiser, make_event, make_registration, outbox):
    event = make_event()
    registration = make_registration(event)
    response = client.post(
        f"{base(event)}/{registration.id}/reissue-badge", data={"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == base(event)


def test_change_category_and_reissue_badge(
    client, organiser, make_event, make_registration, outbox
):
    event = make_event()
    registration = make_registration(event)
    vip = next(c for c in event.categories if c.name == "VIP")
    client.post(f"{base(event)}/{registration.id}/category", data={"category": str(vip.id)})
    db.session.expire_all()
    assert registration.category.name == "VIP"

    client.post(f"{base(event)}/{registration.id}/reissue-badge")
    db.session.expire_all()
    assert registration.badge_version == 2
    assert audit_actions() == ["registration.category", "registration.reissue_badge"]

    bad = client.post(f"{base(event)}/{registration.id}/category", data={"category": "999"})
    assert bad.status_code == 302
    db.session.expire_all()
    assert registration.category.name == "VIP"


def test_full_category_refuses_a_confirmed_move(
    client, in_english, organiser, make_event, make_registration, outbox
):
    event = make_event()
    press = AttendeeCategory(name="Press", capacity=1)
    event.categories.append(press)
    db.session.commit()
    make_registration(event, category=press)
    visitor = make_registration(event)
    response = client.post(
        f"{base(event)}/{visitor.id}/category",
        data={"category": str(press.id)},
        follow_redirects=True,
    )
    assert "The category Press is full." in response.get_data(as_text=True)
    db.session.expire_all()
    assert visitor.category.name == "Visitor"


def test_actions_on_another_events_registration_are_404(
    client, organiser, make_event, make_registration
):
    event, other = make_event(), make_event()
    registration = make_registration(other)
    assert client.post(f"{base(event)}/{registration.id}/cancel").status_code == 404
    assert client.post(f"{base(event)}/99999999/cancel").status_code == 404
    assert client.post(f"{base(event)}/99999999999/cancel").status_code == 404


def test_actions_need_the_csrf_token(
    client, organiser, make_event, make_registration, csrf_enabled, csrf_token
):
    event = make_event()
    registration = make_registration(event)
    assert client.post(f"{base(event)}/{registration.id}/cancel").status_code == 400
    db.session.refresh(registration)
    assert registration.status == "confirmed"
    token = csrf_token(base(event))
    response = client.post(f"{base(event)}/{registration.id}/cancel", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.status == "cancelled"


def test_csv_export_neutralises_formulas(client, organiser, make_event, make_registration):
    event = make_event()
    make_registration(event, first_name='=HYPERLINK("http://x")', last_name="+1", organization="-2")
    make_registration(event, first_name="@SUM(A1)", last_name="سلمى", organization="Atlas")
    response = client.get(f"{base(event)}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert "'+1" in cells and "'-2" in cells and "'@SUM(A1)" in cells
    assert "سلمى" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert audit_actions() == ["personal_data.export"]  # eventhub/privacy/access_log.py


def test_csv_export_keeps_the_filters(client, organiser, make_event, make_registration):
    event = make_event()
    make_registration(event, first_name="Salma")
    make_registration(event, first_name="Omar")
    response = client.get(f"{base(event)}/export.csv", query_string={"q": "omar"})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[3] for row in rows[1:]] == ["Omar"]


def test_xlsx_export_opens_with_openpyxl(client, organiser, make_event, make_registration):
    event = make_event()
    make_registration(event, first_name="=1+2", last_name="بناني")
    response = client.get(f"{base(event)}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert "=1+2" in rows[1] and "بناني" in rows[1]
    formula_cells = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formula_cells == []


def test_checkin_exports(client, organiser, make_event, make_registration):
    event = make_event(timezone="Africa/Casablanca")
    registration = make_registration(event, first_name="Hamza")
    at = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    db.session.add_all(
        [
            Scan(event_id=event.id, registration_id=registration.id, day=at.date(),
                 gate="Gate A", result="admitted", code="x", scanned_at=at, device="=cmd"),
            Scan(event_id=event.id, gate="Gate B", result="unknown", code="?", scanned_at=at),
        ]
    )  # fmt: skip
    db.session.commit()
    text = client.get(f"/organiser/events/{event.slug}/checkins/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert "Africa/Casablanca" in rows[0][0]
    assert rows[1][:5] == [
        "2026-11-20 09:30:00",
        "2026-11-20",
        "Gate A",
        "admitted",
        registration.number,
    ]
    assert rows[1][5] == "Hamza" and rows[1][9] == "'=cmd"
    assert rows[2][2:4] == ["Gate B", "unknown"]

    sheet = load_workbook(io.BytesIO(client.get(
        f"/organiser/events/{event.slug}/checkins/export.xlsx").data)).active  # fmt: skip
    assert sheet.max_row == 3

    registrations = client.get(f"{base(event)}/export.csv").get_data(as_text=True)
    reg_rows = list(csv.reader(io.StringIO(registrations.lstrip("\ufeff"))))
    assert reg_rows[1][14] == "2026-11-20 09:30:00"  # first entry, in the event's zone


def import_file(text: str, name: str = "guests.csv") -> tuple[io.BytesIO, str]:
    return io.BytesIO(text.encode("utf-8")), name


def test_import_registers_and_reports_rejected_rows(
    client, in_english, organiser, make_event, make_registration, outbox
):
    event = make_event()
    vip = next(c for c in event.categories if c.name == "VIP")
    make_registration(event, email="taken@example.com")
    text = (
        "first_name;last_name;email;organization;job_title;country;category\n"
        "Salma;Bennani;Salma@Example.com;Atlas AI;CEO;MA;\n"  # 2: ok, default (VIP chosen)
        "يوسف;العلوي;youssef@example.com;;;ma;Visitor\n"  # 3: ok
        "Omar;;omar@example.com;;;;\n"  # 4: missing name
        "Karim;Tazi;not-an-email;;;;\n"  # 5: bad e-mail
        "Imane;Alaoui;imane@example.com;;;;Speakers\n"  # 6: unknown category
        "Sara;Berrada;salma@example.com;;;;\n"  # 7: duplicate of line 2
        "Reda;Lahlou;TAKEN@example.com;;;;\n"  # 8: already registered
        "Houda;Kettani;houda@example.com;;;QQ;\n"  # 9: unknown country
        "\n"
    )
    response = client.post(
        f"{base(event)}/import",
        data={"file": import_file(text), "category": str(vip.id), "send_emails": "y"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rejected = re.findall(r'<tr data-code="(\w+)"><td>(\d+)</td>', page)
    assert rejected == [
        ("missing_name", "4"),
        ("bad_email", "5"),
        ("unknown_category", "6"),
        ("duplicate_in_file", "7"),
        ("already_registered", "8"),
        ("bad_country", "9"),
    ]
    assert "First or last name missing." in page
    assert "Duplicate in the file (first on line 2)." in page
    imported = db.session.scalars(
        select(Registration).where(Registration.source == "import").order_by(Registration.id)
    ).all()
    assert [(r.email, r.category.name, r.country) for r in imported] == [
        ("salma@example.com", "VIP", "MA"),
        ("youssef@example.com", "Visitor", "MA"),
    ]
    assert len(outbox()) == 2
    assert audit_actions() == ["registration.import"]


def test_import_file_errors_change_nothing(client, in_english, organiser, make_event, field_errors):
    event = make_event()
    visitor = event.categories[0]
    cases = [
        (b"name,mail\nA,a@example.com\n", "must name the columns"),
        ("first_name,last_name,email\nLéa,Martin,lea@example.com\n".encode("cp1252"), "UTF-8"),
        (b"", "The file is empty."),
    ]
    for content, message in cases:
        response = client.post(
            f"{base(event)}/import",
            data={"file": (io.BytesIO(content), "guests.csv"), "category": str(visitor.id)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422
        assert any(message in error for error in field_errors(response, "file")), message
    response = client.post(
        f"{base(event)}/import",
        data={"file": (io.BytesIO(b"x"), "guests.exe"), "category": str(visitor.id)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert db.session.scalars(select(Registration)).all() == []


def test_import_without_a_file(client, in_english, organiser, make_event, field_errors):
    event = make_event(status="draft")  # organisers prepare drafts too
    assert client.get(f"{base(event)}/import").status_code == 200
    response = client.post(f"{base(event)}/import", data={"category": str(event.categories[0].id)})
    assert response.status_code == 422
    assert field_errors(response, "file") == ["Choose a CSV or XLSX file."]


def test_import_reads_an_xlsx_workbook(
    client, in_english, organiser, make_event, make_registration, outbox
):
    event = make_event()
    vip = next(c for c in event.categories if c.name == "VIP")
    make_registration(event, email="taken@example.com")
    book = Workbook()
    for row in (
        ["Prénom", "Nom", "E-mail", "Organisation", "Pays", "Catégorie"],
        ["Salma", "Bennani", "salma@example.com", "Atlas AI", "ma", None],
        ["يوسف", "العلوي", "youssef@example.com", None, None, "Visitor"],
        [None, None, None, None, None, None],
        ["Reda", "Lahlou", "taken@example.com", None, None, None],
        ["Omar", None, "omar@example.com", None, None, None],
    ):
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)
    content.seek(0)

    page = client.get(f"{base(event)}/import").get_data(as_text=True)
    assert "Import a CSV or XLSX file" in page
    response = client.post(
        f"{base(event)}/import",
        data={"file": (content, "guests.xlsx"), "category": str(vip.id)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rejected = re.findall(r'<tr data-code="(\w+)"><td>(\d+)</td>', page)
    assert rejected == [("already_registered", "5"), ("missing_name", "6")]
    imported = db.session.scalars(
        select(Registration).where(Registration.source == "import").order_by(Registration.id)
    ).all()
    assert [(r.email, r.category.name, r.country, r.organization) for r in imported] == [
        ("salma@example.com", "VIP", "MA", "Atlas AI"),
        ("youssef@example.com", "Visitor", "", ""),
    ]
    assert {r.language for r in imported} == {"en"}
    assert outbox() == []  # e-mails not asked for
    assert audit_actions() == ["registration.import"]
