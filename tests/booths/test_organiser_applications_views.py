"""The organiser's review of booth applications over HTTP: filters, decisions, exports."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from eventhub.auth.models import AuditEntry
from eventhub.booths.models import BoothApplication
from eventhub.extensions import db
from eventhub.spreadsheets import XLSX_MIMETYPE
from tests.booths.pages import SLUG, page_of

# Programmes are the organiser's: the demo's three exist.
pytestmark = pytest.mark.usefixtures("in_english", "programmes")


def test_review_filter_decide_and_export(client, plan, login_as):
    login_as("admin")
    argan = db.session.scalars(
        select(BoothApplication).where(BoothApplication.booth == None)  # noqa: E711
    ).one()
    url = f"/organiser/events/{SLUG}/booth-applications"
    page = page_of(client.get(url))
    assert "Atlas AI" in page and "Argan AI" in page
    assert "Argan AI" not in page_of(client.get(url + "?status=pending"))
    assert "Argan AI" in page_of(client.get(url + "?programme=Accelerate&sector=ai&q=arg"))
    assert client.get(url + "?status=%00&sector=nope").status_code == 200
    refused = client.post(f"{url}/{argan.id}/decision", data={"decision": "reject"})
    assert refused.status_code == 302
    db.session.refresh(argan)
    assert argan.status == "approved"
    client.post(
        f"{url}/{argan.id}/decision", data={"decision": "reject", "reason": "Full.", "next": url}
    )
    db.session.refresh(argan)
    assert (argan.status, argan.decision_reason) == ("rejected", "Full.")
    export = client.get(f"/organiser/events/{SLUG}/booth-applications.csv?status=rejected")
    assert export.mimetype == "text/csv"
    lines = page_of(export).splitlines()
    assert lines[0].lstrip("\ufeff").startswith("id,startup,sector,programme")
    assert len(lines) == 2 and "Argan AI" in lines[1] and "Full." in lines[1]
    assert export.headers["Cache-Control"] == "private, no-store"
    # The same rows as an Excel workbook.
    workbook = client.get(f"/organiser/events/{SLUG}/booth-applications.xlsx?status=rejected")
    assert workbook.mimetype == XLSX_MIMETYPE
    assert "filename=booth-applications-booth-expo.xlsx" in workbook.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(workbook.data), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["id", "startup", "sector", "programme"]
    assert len(rows) == 2 and rows[1][1] == "Argan AI" and "Full." in rows[1]
    assert client.get(f"/organiser/events/{SLUG}/booth-applications.pdf").status_code == 404
    exports = db.session.scalars(
        select(AuditEntry.details).where(AuditEntry.action == "booth_application.export")
    ).all()
    assert [entry["format"] for entry in exports] == ["csv", "xlsx"]
