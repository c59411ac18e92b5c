"""The organiser's plan editor over HTTP: halls, booths, the grid, the spreadsheet import."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from eventhub.auth.models import AuditEntry
from eventhub.booths.models import Booth, Hall
from eventhub.extensions import db
from eventhub.spreadsheets import xlsx_file
from tests.booths.pages import SLUG, page_of

pytestmark = pytest.mark.usefixtures("in_english")


def test_organiser_builds_a_plan(client, expo, login_as, field_errors):
    login_as("admin")
    response = client.post(
        f"/organiser/events/{SLUG}/halls/new",
        data={"name": "Hall 1", "width": "40", "depth": "20", "zone_id": "0", "position": "0"},
    )
    assert response.status_code == 302
    hall = db.session.scalars(select(Hall)).one()
    response = client.post(
        f"/organiser/events/{SLUG}/booths/grid",
        data={"hall_id": hall.id, "prefix": "H1-", "rows": "2", "columns": "4",
              "booth_width": "3", "booth_depth": "3", "aisle": "3", "rows_per_block": "2",
              "columns_per_block": "0", "origin_x": "2", "origin_y": "2", "start_number": "1",
              "kind": "standard", "zone": "ai", "price_tier": "standard", "corners": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    booth_form = {"hall_id": hall.id, "x": "30", "y": "10", "width": "3", "depth": "3",
                  "zone": "fintech", "kind": "island", "price_tier": "premium",
                  "status": "available"}  # fmt: skip
    response = client.post(
        f"/organiser/events/{SLUG}/booths/new", data={"code": "I1", **booth_form}
    )
    assert response.status_code == 302
    # Bad input: an overlap, a booth outside the hall, a zero size, a taken code.
    for values, field, text in (
        ({"code": "I2", "x": "31"}, "x", "would overlap booth I1"),
        ({"code": "I2", "x": "39"}, "x", "is outside Hall 1"),
        ({"code": "I2", "width": "0"}, "width", "positive"),
        ({"code": "H1-01"}, "code", "already has the code"),
    ):
        response = client.post(
            f"/organiser/events/{SLUG}/booths/new", data={**booth_form, **values}
        )
        assert response.status_code == 422
        assert any(text in error for error in field_errors(response, field)), values
    codes = db.session.scalars(select(Booth.code).order_by(Booth.code)).all()
    assert len(codes) == 9 and "I1" in codes and "I2" not in codes
    booth = db.session.scalar(select(Booth).where(Booth.code == "I1"))
    edit = client.post(
        f"/organiser/events/{SLUG}/booths/{booth.id}/edit",
        data={**booth_form, "code": "I1", "x": "32", "status": "held"},
    )
    assert edit.status_code == 302
    db.session.refresh(booth)
    assert (booth.x, booth.status) == (32, "held")
    page = page_of(client.get(f"/organiser/events/{SLUG}/booths"))
    assert page.count('<svg class="floorplan') == 1 and "H1-08" in page
    assert client.post(f"/organiser/events/{SLUG}/booths/{booth.id}/delete").status_code == 302
    assert (
        client.post(
            f"/organiser/events/{SLUG}/halls/{hall.id}/self-service", data={"open": "1"}
        ).status_code
        == 302
    )
    db.session.refresh(hall)
    assert hall.self_service
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"hall.create", "booth.grid", "booth.create", "booth.update", "booth.delete",
            "hall.self_service"} <= actions  # fmt: skip


def upload(client, data: bytes, filename: str, **fields):
    return client.post(
        f"/organiser/events/{SLUG}/booths/import",
        data={"file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def codes() -> list[str]:
    return db.session.scalars(select(Booth.code).order_by(Booth.code)).all()


def test_organiser_imports_a_csv(client, row_of_booths, login_as, field_errors):
    login_as("admin")
    csv_text = "code,hall,x,y,width,depth,zone\nN01,Hall 1,2,10,3,3,ai\nN02,Hall 1,3,10,3,3,ai\n"
    response = upload(client, csv_text.encode(), "booths.csv")
    assert response.status_code == 200  # the good row is added, the other one reported
    page = page_of(response)
    assert 'data-code="overlap"' in page and "would overlap booth N01" in page
    assert "N01" in codes() and "N02" not in codes()
    bad = upload(client, b"\xff\xfe", "booths.csv")
    assert bad.status_code == 422 and "UTF-8" in field_errors(bad, "file")[0]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "booth.import")).one()
    assert (entry.details["added"], entry.details["rejected"]) == (1, 1)


def test_organiser_imports_an_xlsx_workbook(client, row_of_booths, login_as, field_errors):
    login_as("admin")
    page = page_of(client.get(f"/organiser/events/{SLUG}/booths/import"))
    assert "Import a CSV or XLSX file" in page and "Excel workbook" in page
    assert "Import a spreadsheet" in page_of(client.get(f"/organiser/events/{SLUG}/booths"))
    header = ["Code", "Hall", "x", "y", "Width", "Depth", "Zone", "Kind", "Price tier"]
    rows = [
        ["X01", "Hall 1", 2, 10, 3, 3, "Fintech", "corner", "premium"],
        ["X02", "hall 2", 2.5, 12, 3, 3.0, "", "", ""],
        ["=X03", "Hall 1", 20, 10, 3, 3, "ai", "standard", "standard"],
    ]
    workbook = xlsx_file(header, rows, title="Booths").read()
    checked = upload(client, workbook, "booths.xlsx", check_only="y")
    assert checked.status_code == 200
    page = page_of(checked)
    assert "would be added" in page and 'data-code="bad_code"' in page
    assert "X01" not in codes()  # only checked
    response = upload(client, workbook, "booths.xlsx")
    assert response.status_code == 200
    db.session.expire_all()
    x01 = db.session.scalar(select(Booth).where(Booth.code == "X01"))
    assert (x01.hall.name, x01.x, x01.y, x01.zone, x01.kind, x01.price_tier) == (
        "Hall 1", 2.0, 10.0, "fintech", "corner", "premium"
    )  # fmt: skip
    x02 = db.session.scalar(select(Booth).where(Booth.code == "X02"))
    assert (x02.hall.name, x02.x, x02.kind) == ("Hall 2", 2.5, "standard")
    assert "=X03" not in codes()
    # A file that only looks like a workbook (a ZIP archive) is refused, nothing added.
    before = codes()
    broken = upload(client, b"PK\x03\x04 not a workbook", "booths.xlsx")
    assert broken.status_code == 422 and field_errors(broken, "file")
    assert codes() == before
