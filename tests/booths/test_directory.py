"""Who exhibits where, without HTTP: the directory's search and the floor plan's list."""

from __future__ import annotations

import pytest

from eventhub.booths.directory import (
    DirectorySearch,
    booth_on_plan,
    exhibitor_directory,
    plan_exhibitors,
    wanted_code,
)
from eventhub.booths.layout import booth_by_code, halls_of
from eventhub.extensions import db

# A programme filter is one of the organiser's programmes: the demo's three exist.
pytestmark = pytest.mark.usefixtures("programmes")


@pytest.fixture
def exhibiting(plan, make_startup, make_application):
    """Atlas AI in A01 (Accelerate), Souk Pay in F01 (fintech, DigitAgri), Argan AI none."""
    _user, souk = make_startup(name="Souk Pay", sector="fintech", programme="DigitAgri",
                               pitch="Payments for 100% of the souk")  # fmt: skip
    application = make_application(plan, souk)
    f01 = booth_by_code(plan, "F01")
    f01.status, f01.application_id = "allocated", application.id
    db.session.commit()
    return plan


def names(event, **search) -> list[str]:
    found = exhibitor_directory(event, DirectorySearch.of(**search))
    return [startup.name for _booth, startup, _application in found]


def test_the_directory_lists_exhibitors_by_name(exhibiting):
    found = exhibitor_directory(exhibiting, DirectorySearch())
    assert [(booth.code, startup.name) for booth, startup, _app in found] == [
        ("A01", "Atlas AI"),
        ("F01", "Souk Pay"),
    ]
    assert found[1][2].programme == "DigitAgri"


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ({"text": "atlas", "sector": None, "programme": None}, ["Atlas AI"]),
        ({"text": "f01", "sector": None, "programme": None}, ["Souk Pay"]),
        ({"text": "100%", "sector": None, "programme": None}, ["Souk Pay"]),
        ({"text": "%", "sector": None, "programme": None}, ["Souk Pay"]),
        ({"text": "_", "sector": None, "programme": None}, []),
        ({"text": "", "sector": "fintech", "programme": None}, ["Souk Pay"]),
        ({"text": "", "sector": None, "programme": "Accelerate"}, ["Atlas AI"]),
        ({"text": "souk", "sector": "ai", "programme": None}, []),
    ],
)
def test_the_directory_searches(exhibiting, search, expected):
    assert names(exhibiting, **search) == expected


def test_unknown_filters_are_left_out():
    search = DirectorySearch.of(" \x00atlas\t" + "x" * 200, "<x>", "Nope")
    assert search.text.startswith("atlas") and len(search.text) == 100
    assert (search.sector, search.programme) == (None, None)
    assert search.filtered
    assert not DirectorySearch.of(None, None, None).filtered


def test_the_plan_lists_its_exhibitors_and_finds_a_booth(exhibiting):
    halls = halls_of(exhibiting)
    assert [booth.code for booth in plan_exhibitors(halls)] == ["A01", "F01"]
    assert booth_on_plan(halls, wanted_code(" f01 ")).code == "F01"
    assert booth_on_plan(halls, wanted_code("Z99")) is None
    assert booth_on_plan(halls, wanted_code("")) is None
    assert wanted_code(None) is None and wanted_code("x" * 30) == "X" * 20
