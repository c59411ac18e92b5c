"""The startup directory as a list that scales: paged, searched, filtered and sorted on the
server, the arguments in the address; bad arguments fall back; signed-in people only."""

from __future__ import annotations

import re

import pytest

from eventhub.extensions import db
from eventhub.profiles.directory import StartupFilters, select_startups
from tests.support import factories

# Programmes are the organiser's: the demo's three exist.
pytestmark = pytest.mark.usefixtures("in_english", "programmes")


@pytest.fixture
def startups(app):
    """60 startups: Startup 00–59; every third in fintech (Seed, Tanger, DigitAgri), the
    rest in AI (MVP, Rabat, Accelerate)."""
    for number in range(60):
        fintech = number % 3 == 0
        factories.create_startup(
            name=f"Startup {number:02d}",
            sector="fintech" if fintech else "ai",
            stage="seed" if fintech else "mvp",
            city_site="Tanger" if fintech else "Rabat",
            programme="DigitAgri" if fintech else "Accelerate",
            pitch="Mobile payments" if fintech else "Vision models",
        )


def names(page: str) -> list[str]:
    return re.findall(r'dir="auto">(Startup \d\d)</a>', page)


def get(client, query=""):
    response = client.get(f"/startups{query}")
    return response.status_code, response.get_data(as_text=True)


def test_paged_by_name(client, login_as, startups):
    login_as("investor")
    status, page = get(client)
    assert status == 200
    assert names(page)[:2] == ["Startup 00", "Startup 01"] and len(names(page)) == 50
    assert 'rel="next"' in page and "60 results" in page
    assert len(names(get(client, "?page=2")[1])) == 10
    assert len(names(get(client, "?per_page=25")[1])) == 25


def test_search_filters_and_sort(client, login_as, startups):
    login_as("admin")
    assert len(names(get(client, "?q=payments")[1])) == 20
    assert len(names(get(client, "?q=fintech")[1])) == 20  # a sector's name
    assert names(get(client, "?q=startup+07")[1]) == ["Startup 07"]
    assert len(names(get(client, "?sector=ai&stage=mvp&city_site=Rabat")[1])) == 40
    assert names(get(client, "?sector=ai&stage=seed")[1]) == []
    assert len(names(get(client, "?programme=DigitAgri")[1])) == 20
    assert names(get(client, "?sort=-name")[1])[0] == "Startup 59"
    first = names(get(client, "?sort=city")[1])[0]
    assert first == "Startup 01"  # Rabat before Tanger, then by name
    page = get(client, "?q=payments&sort=-stage")[1]
    assert 'aria-sort="descending"' in page
    assert "q=payments" in page.split('aria-sort="descending"')[1].split("</th>")[0]


@pytest.mark.parametrize(
    "query",
    [
        "?page=-1",
        "?page=x",
        "?page=99999999999",
        "?sort=%3Cscript%3E",
        "?sector=nope",
        "?stage=%00",
        "?city_site=Paris",
        "?programme=%25",
        "?q=" + "%25" * 300,
        "?q=%00_%5C",
        "?per_page=100000",
    ],
)
def test_bad_arguments_never_err(client, login_as, startups, query):
    login_as("admin")
    status, page = get(client, query)
    assert status == 200
    assert "<script>" not in page


def test_who_may_see_it(client, login_as, app):
    assert client.get("/startups").status_code in (302, 401)
    for role in ("admin", "staff", "startup", "investor"):
        login_as(role)
        assert client.get("/startups").status_code == 200, role


def test_the_filters_without_http(startups):
    found = db.session.scalars(select_startups(StartupFilters.read("vision", stage="mvp"))).all()
    assert len(found) == 40
    assert not StartupFilters.read(None, "x", "y", "z", "w").filtered
