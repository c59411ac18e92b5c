"""The export of booth applications: one row per application, with its booth, filtered as
the organiser's list, cells a spreadsheet would run neutralised by the writer."""

from __future__ import annotations

from eventhub.booths.exports import APPLICATION_COLUMNS, applications_table
from eventhub.booths.layout import booth_by_code
from eventhub.extensions import db
from eventhub.spreadsheets import csv_stream


def test_rows_follow_the_filters_and_name_the_booth(plan, make_startup, make_application):
    _user, agri = make_startup(name="Souss Agri", sector="agritech", programme="DigitAgri")
    make_application(plan, agri, status="pending", zones=["agritech", "ai"], booths=["A02"])
    rows = applications_table(plan)
    assert [row[1] for row in rows] == ["Atlas AI", "Argan AI", "Souss Agri"]
    assert len(rows[0]) == len(APPLICATION_COLUMNS)
    atlas = dict(zip(APPLICATION_COLUMNS, rows[0], strict=True))
    assert (atlas["booth"], atlas["hall"], atlas["status"]) == ("A01", "Hall 1", "approved")
    souss = dict(zip(APPLICATION_COLUMNS, rows[2], strict=True))
    assert (souss["preferred_zones"], souss["preferred_booths"]) == ("agritech ai", "A02")
    assert souss["booth"] == "" and souss["applied_at"] is not None
    assert [row[1] for row in applications_table(plan, sector="agritech")] == ["Souss Agri"]
    assert applications_table(plan, status="rejected") == []


def test_typed_text_never_becomes_a_formula(plan, make_startup, make_application):
    _user, startup = make_startup(name='=HYPERLINK("http://evil")')
    make_application(plan, startup, status="pending", notes="@SUM(A1:A9)")
    booth_by_code(plan, "A02").status = "held"
    db.session.commit()
    text = "".join(csv_stream(APPLICATION_COLUMNS, applications_table(plan, q="HYPERLINK")))
    line = text.splitlines()[1]
    assert "'=HYPERLINK" in line and "'@SUM" in line
