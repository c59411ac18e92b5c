"""The exports, without HTTP: the tables' headers and rows, in the event's time zone, and
the files they make (formulas neutralised)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from flask_babel import force_locale
from openpyxl import load_workbook

from eventhub.checkin.models import Scan
from eventhub.extensions import db
from eventhub.registration.exports import checkin_export, registration_export
from eventhub.registration.queries import ListFilters, select_registrations
from eventhub.registration.register import cancel

MORNING = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)  # 09:30 in Casablanca (UTC+1)


def scan(event, registration=None, **values) -> Scan:
    values.setdefault("gate", "Gate A")
    values.setdefault("result", "admitted")
    values.setdefault("scanned_at", MORNING)
    return Scan(
        event_id=event.id,
        registration_id=registration.id if registration else None,
        day=values["scanned_at"].date(),
        code=values.pop("code", "x"),
        **values,
    )


def test_registration_rows_with_first_entry_in_the_event_zone(app, make_event, make_registration):
    event = make_event(timezone="Africa/Casablanca")
    hamza = make_registration(event, first_name="Hamza", language="ar")
    other = make_registration(event, first_name="Lina")
    cancel(other)
    db.session.add_all(
        [
            scan(event, hamza, scanned_at=datetime(2026, 11, 21, 10, 0, tzinfo=UTC)),
            scan(event, hamza),  # the day before: the first entry
            scan(event, hamza, result="already_inside", scanned_at=MORNING.replace(hour=7)),
            scan(event, other, result="revoked"),
        ]
    )
    db.session.commit()

    with force_locale("en"):
        table = registration_export(event, select_registrations(event))
    assert table.filename == f"registrations-{event.slug}"
    assert len(table.header) == 16
    assert table.header[11] == "Registered at (Africa/Casablanca)"
    assert table.header[14] == "First entry (Africa/Casablanca)"
    rows = list(table.rows)
    assert [row[0] for row in rows] == [hamza.number, other.number]  # oldest first
    assert rows[0][1:4] == ["Confirmed", "Visitor", "Hamza"]
    assert rows[0][9] == "ar"
    assert rows[0][14] == datetime(2026, 11, 20, 9, 30)  # naive, Casablanca wall clock
    assert rows[0][11].tzinfo is None
    assert rows[1][1] == "Cancelled"
    assert rows[1][13] is not None and rows[1][14] is None  # cancelled, never admitted


def test_registration_rows_follow_the_filters(app, make_event, make_registration):
    event = make_event()
    make_registration(event, first_name="Salma")
    omar = make_registration(event, first_name="Omar")
    table = registration_export(event, select_registrations(event, ListFilters(q="omar")))
    assert [row[0] for row in table.rows] == [omar.number]


def test_checkin_rows_with_and_without_a_badge_holder(app, make_event, make_registration):
    event = make_event(timezone="Africa/Casablanca")
    hamza = make_registration(event, first_name="Hamza")
    db.session.add_all(
        [
            scan(event, hamza, device="=cmd"),
            scan(event, gate="Gate B", result="unknown", code="?"),
        ]
    )
    db.session.commit()
    with force_locale("en"):
        table = checkin_export(event)
    assert table.header[0] == "Scanned at (Africa/Casablanca)"
    assert table.filename == f"checkins-{event.slug}"
    first, second = list(table.rows)
    assert first[:5] == [
        datetime(2026, 11, 20, 9, 30),
        date(2026, 11, 20),
        "Gate A",
        "admitted",
        hamza.number,
    ]
    assert first[5] == "Hamza" and first[8] == "Visitor" and first[9] == "=cmd"
    assert second[2:10] == ["Gate B", "unknown", "", "", "", "", "", ""]
    assert table.header[10:] == [
        "Zone",
        "By hand",
        "Note",
        "Offline",
        "Shown by the scanner",
        "Full zone let through",
    ]
    assert first[10:] == ["The venue", "", "", "", "", ""]


def test_files_neutralise_formulas(app, make_event, make_registration):
    event = make_event()
    make_registration(event, first_name='=HYPERLINK("http://x")', last_name="سلمى")

    text = "".join(registration_export(event, select_registrations(event)).csv_chunks())
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][3:5] == ['\'=HYPERLINK("http://x")', "سلمى"]

    workbook = registration_export(event, select_registrations(event)).xlsx_file()
    sheet = load_workbook(workbook).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert '=HYPERLINK("http://x")' in [cell.value for cell in cells]
    assert not [cell for cell in cells if cell.data_type == "f"]
