"""Editing the plan in the database: halls, booths, grids, CSV import. Bad input saves
nothing and says why."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from eventhub.booths.errors import BoothError
from eventhub.booths.floorplan import GridSpec
from eventhub.booths.imports import import_booths
from eventhub.booths.layout import (
    BoothDetails,
    HallDetails,
    add_grid,
    create_hall,
    delete_booth,
    delete_hall,
    save_booth,
    update_hall,
)
from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.spreadsheets import SpreadsheetError


def booth_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Booth))


def details(hall, code="B01", x=20.0, y=10.0, width=3.0, depth=3.0, **values) -> BoothDetails:
    return BoothDetails(code=code, hall_id=hall.id, x=x, y=y, width=width, depth=depth, **values)


def test_create_a_hall_and_a_booth(expo):
    hall = create_hall(expo, HallDetails(name="Hall 1", width=40, depth=20))
    booth = save_booth(expo, details(hall, code=" h1-b14 ", zone="Fintech", kind="corner"))
    db.session.commit()
    assert (booth.code, booth.zone, booth.kind, booth.status, booth.area) == (
        "H1-B14",
        "fintech",
        "corner",
        "available",
        9.0,
    )
    assert hall.booths == [booth]


def test_a_hall_name_is_unique_per_event(expo, make_hall):
    make_hall(expo, name="Hall 1")
    with pytest.raises(BoothError) as caught:
        create_hall(expo, HallDetails(name="hall 1", width=10, depth=10))
    assert caught.value.code == "hall_exists"


def test_halls_and_booths_are_for_expos_only(make_event):
    demo_day = make_event(kind="demo_day")
    with pytest.raises(BoothError) as caught:
        create_hall(demo_day, HallDetails(name="Hall 1", width=40, depth=20))
    assert caught.value.code == "not_expo"


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"x": 1.0, "y": 2.0}, "overlap", "x"),  # over A01 (2..5)
        ({"x": 39.0}, "outside_hall", "x"),
        ({"y": 18.5}, "outside_hall", "x"),
        ({"width": 0.0}, "bad_size", "width"),
        ({"depth": -3.0}, "bad_size", "depth"),
        ({"x": -1.0}, "outside_hall", "x"),
        ({"zone": "biotech"}, "unknown_zone", "zone"),
        ({"kind": "tent"}, "unknown_kind", "kind"),
        ({"price_tier": "gold"}, "unknown_price_tier", "price_tier"),
        ({"status": "allocated"}, "unknown_status", "status"),
        ({"code": "A01"}, "code_taken", "code"),
        ({"code": "F01"}, "code_taken", "code"),  # in another hall of the event
        ({"code": "B 14!"}, "bad_code", "code"),
    ],
)
def test_bad_booth_is_refused_and_nothing_saved(row_of_booths, values, code, field):
    before = booth_count()
    with pytest.raises(BoothError) as caught:
        save_booth(row_of_booths.event, details(row_of_booths, **values))
    db.session.rollback()
    assert (caught.value.code, caught.value.field) == (code, field)
    assert str(caught.value.message)
    assert booth_count() == before


def test_moving_a_booth_checks_its_new_place(row_of_booths):
    booth = row_of_booths.booths[0]
    with pytest.raises(BoothError) as caught:
        save_booth(row_of_booths.event, details(row_of_booths, code="A01", x=3.0, y=2.0), booth)
    assert caught.value.code == "overlap"
    db.session.rollback()
    save_booth(row_of_booths.event, details(row_of_booths, code="A01", x=30.0, y=10.0), booth)
    db.session.commit()
    assert (booth.x, booth.y) == (30.0, 10.0)


def test_a_hall_cannot_shrink_under_its_booths(row_of_booths):
    with pytest.raises(BoothError) as caught:
        update_hall(row_of_booths, HallDetails(name="Hall 1", width=10, depth=20))
    assert caught.value.code == "outside_hall" and "A04" in str(caught.value.message)


def test_allocated_booths_cannot_be_deleted_nor_their_hall(
    row_of_booths, make_startup, make_application
):
    _user, startup = make_startup()
    application = make_application(row_of_booths.event, startup)
    booth = row_of_booths.booths[0]
    booth.status, booth.application_id = "allocated", application.id
    db.session.commit()
    with pytest.raises(BoothError) as caught:
        delete_booth(booth)
    assert caught.value.code == "booth_allocated"
    with pytest.raises(BoothError) as caught:
        delete_hall(row_of_booths)
    assert caught.value.code == "hall_in_use"
    with pytest.raises(BoothError) as caught:
        save_booth(row_of_booths.event, details(row_of_booths, code="A01", x=2, y=2), booth)
    assert caught.value.code == "booth_allocated"


def test_the_database_refuses_what_the_checks_refuse(row_of_booths):
    """The last line of defence: constraints, whatever code writes the rows."""
    hall = row_of_booths
    for values in (
        {"width": 0},
        {"x": -1},
        {"kind": "tent"},
        {"status": "allocated"},  # without an application
        {"pinned": True},  # without an application
        {"code": "A01"},
    ):
        row = {"event_id": hall.event_id, "hall_id": hall.id, "code": "Z99", "x": 30, "y": 10}
        row.update({"width": 3, "depth": 3, **values})
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(Booth(**row))
            db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Hall(event_id=hall.event_id, name="Flat", width=0, depth=3))
        db.session.flush()


def test_grid_generator_adds_all_or_nothing(expo, make_hall):
    hall = make_hall(expo, width=40, depth=20, booths=[("Z03", 9, 2, 3, 3)])
    spec = GridSpec(prefix="c", rows=2, columns=5, booth_width=3, booth_depth=3, origin_x=2,
                    origin_y=8)  # fmt: skip
    booths = add_grid(expo, hall, spec)
    db.session.commit()
    assert [b.code for b in booths][:3] == ["C01", "C02", "C03"] and booth_count() == 11
    # Over the existing booth Z03 at (9, 2): refused, and nothing of the grid is saved.
    before = booth_count()
    with pytest.raises(BoothError) as caught:
        add_grid(expo, hall, GridSpec(prefix="D", rows=1, columns=5, booth_width=3,
                                      booth_depth=3, origin_x=2, origin_y=2))  # fmt: skip
    db.session.rollback()
    assert caught.value.code == "overlap"
    assert booth_count() == before


def test_grid_codes_must_be_new(expo, make_hall):
    hall = make_hall(expo, booths=[("G02", 30, 15, 3, 3)])
    with pytest.raises(BoothError) as caught:
        add_grid(expo, hall, GridSpec(prefix="G", rows=1, columns=3, booth_width=3,
                                      booth_depth=3))  # fmt: skip
    assert caught.value.code == "code_taken" and "G02" in str(caught.value.message)


# --- CSV import -------------------------------------------------------------------------

GOOD_AND_BAD = """code,hall,x,y,width,depth,zone,kind,price_tier,status
N01,Hall 1,2,10,3,3,ai,standard,standard,available
N02,hall 1,5,10,3,3,Fintech,corner,premium,held
N03,Hall 1,6,10,3,3,ai,,,
N04,Hall 1,39,10,3,3,,,,
N05,Hall 1,10,10,0,3,,,,
N06,Hall 1,10,10,3,3,biotech,,,
N07,Hall 9,10,10,3,3,,,,
N01,Hall 1,20,10,3,3,,,,
A01,Hall 1,20,15,3,3,,,,
N08,Hall 1,3,2,3,3,,,,
N09,Hall 1,x,2,3,3,,,,
N10,Hall 1,20,15,3,3,,tent,,
N11,Hall 2,20,15,3,3,,,,allocated
"""


def test_import_adds_the_good_rows_and_reports_the_others(row_of_booths):
    before = booth_count()
    report = import_booths(row_of_booths.event, GOOD_AND_BAD.encode())
    db.session.commit()
    assert [spec.code for _hall, spec in report.accepted] == ["N01", "N02"]
    assert report.saved and booth_count() == before + 2
    codes = {rejection.line: rejection.error_code for rejection in report.rejected}
    assert codes == {
        4: "overlap",  # N03 over N02, a row above it
        5: "outside_hall",
        6: "bad_size",
        7: "unknown_zone",
        8: "unknown_hall",
        9: "duplicate_in_file",
        10: "code_taken",
        11: "overlap",  # N08 over A02 on the plan
        12: "bad_number",
        13: "unknown_kind",
        14: "unknown_status",
    }
    with force_locale("en"):
        messages = {rejection.line: str(rejection.reason) for rejection in report.rejected}
    assert "line 3 of the file" in messages[4] and "the plan" in messages[11]
    saved = db.session.scalar(select(Booth).where(Booth.code == "N02"))
    assert (saved.zone, saved.kind, saved.price_tier, saved.status) == (
        "fintech",
        "corner",
        "premium",
        "held",
    )


def test_import_check_only_saves_nothing(row_of_booths):
    before = booth_count()
    report = import_booths(row_of_booths.event, GOOD_AND_BAD.encode(), check_only=True)
    db.session.commit()
    assert report.accepted_count == 2 and not report.saved
    assert booth_count() == before


def test_import_reads_semicolons_and_decimal_commas(row_of_booths):
    text = "Code;Hall;X;Y;Width;Depth\nS01;Hall 1;2,5;12;2,5;2\n"
    report = import_booths(row_of_booths.event, text.encode())
    assert report.rejected == []
    ((_hall, spec),) = report.accepted
    assert (spec.x, spec.width, spec.depth) == (2.5, 2.5, 2.0)


@pytest.mark.parametrize(
    "text", ["", "code,hall,x,y\nA,Hall 1,1,1\n", "code\x00,hall\n", "just one line"]
)
def test_import_of_an_unreadable_file_is_refused(row_of_booths, text):
    with pytest.raises(SpreadsheetError):
        import_booths(row_of_booths.event, text.encode())


def test_an_event_goes_with_its_plan_and_applications(
    row_of_booths, make_startup, make_application
):
    event = row_of_booths.event
    _user, startup = make_startup()
    application = make_application(event, startup)
    booth = row_of_booths.booths[0]
    booth.status, booth.application_id = "allocated", application.id
    db.session.commit()
    # An application holding a booth cannot disappear on its own…
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(delete(BoothApplication))
    # …but the whole event can, with its halls, booths and applications.
    db.session.execute(delete(Event).where(Event.id == event.id))
    db.session.commit()
    assert booth_count() == 0
    assert db.session.scalars(select(BoothApplication)).all() == []
