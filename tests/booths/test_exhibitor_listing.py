"""The exhibitor directory as a list that scales: 24 cards a page, search by name, pitch,
sector name or booth, filters by hall, sector and programme, sort by name or booth, all in
the address; bad arguments fall back, never an error."""

from __future__ import annotations

import re

import pytest

from eventhub.extensions import db
from tests.booths.pages import page_of

# Programmes are the organiser's: the demo's three exist.
pytestmark = pytest.mark.usefixtures("in_english", "programmes")


@pytest.fixture
def big_expo(expo, make_hall, make_startup, make_application):
    """30 exhibitors: Exhibitor 00–19 in Hall A (B20…B01: booth order is the reverse of
    name order), Exhibitor 20–29 in Hall B, fintech, DigitAgri."""
    hall_a = make_hall(
        expo, name="Hall A", booths=[(f"B{20 - n:02d}", n, 0, 1, 1) for n in range(20)]
    )
    hall_b = make_hall(expo, name="Hall B", booths=[(f"C{n:02d}", n, 0, 1, 1) for n in range(10)])
    by_code = {booth.code: booth for hall in (hall_a, hall_b) for booth in hall.booths}
    for number in range(30):
        fintech = number >= 20
        _user, startup = make_startup(
            name=f"Exhibitor {number:02d}",
            sector="fintech" if fintech else "ai",
            programme="DigitAgri" if fintech else "Accelerate",
            pitch="Mobile payments" if fintech else "Vision models",
        )
        application = make_application(expo, startup)
        booth = by_code[f"C{number - 20:02d}" if fintech else f"B{20 - number:02d}"]
        booth.status, booth.application_id = "allocated", application.id
    db.session.commit()
    return expo, hall_a, hall_b


def names(page: str) -> list[str]:
    return re.findall(r'<h2 dir="auto">(Exhibitor \d\d)</h2>', page)


def get(client, expo, query=""):
    response = client.get(f"/events/{expo.slug}/exhibitors{query}")
    return response.status_code, page_of(response)


def test_24_cards_a_page_with_a_pager(client, big_expo):
    expo = big_expo[0]
    status, page = get(client, expo)
    assert status == 200
    assert names(page) == [f"Exhibitor {n:02d}" for n in range(24)]
    assert "30 exhibitors." in page and 'rel="next"' in page
    _status, page = get(client, expo, "?page=2")
    assert names(page) == [f"Exhibitor {n:02d}" for n in range(24, 30)]


def test_search_filters_and_sort(client, big_expo):
    expo, hall_a, hall_b = big_expo
    assert names(get(client, expo, "?q=B05")[1]) == ["Exhibitor 15"]
    assert len(names(get(client, expo, "?q=payments")[1])) == 10
    assert len(names(get(client, expo, "?q=fintech")[1])) == 10  # a sector's name
    assert len(names(get(client, expo, "?q=intelligence")[1])) == 20
    assert len(names(get(client, expo, f"?hall={hall_b.id}")[1])) == 10
    assert len(names(get(client, expo, "?sector=ai&programme=Accelerate")[1])) == 20
    assert names(get(client, expo, "?programme=DigitAgri&sector=ai")[1]) == []
    found = names(get(client, expo, f"?hall={hall_a.id}&sort=booth")[1])
    assert found[:3] == ["Exhibitor 19", "Exhibitor 18", "Exhibitor 17"]
    found = names(get(client, expo, "?sort=-name")[1])
    assert found[0] == "Exhibitor 29"
    _status, page = get(client, expo, f"?q=B0&sort=booth&hall={hall_a.id}")
    assert 'name="q" value="B0"' in page
    assert f'value="{hall_a.id}" selected>Hall A' in page


@pytest.mark.parametrize(
    "query",
    [
        "?page=0",
        "?page=-1",
        "?page=abc",
        "?page=99999999999",
        "?per_page=7",
        "?sort=price",
        "?hall=abc",
        "?hall=99999",
        "?hall=%C2%B2",
        "?sector=%3Cscript%3E",
        "?q=%00%25_",
        "?q=" + "x" * 500,
    ],
)
def test_bad_arguments_never_err(client, big_expo, query):
    status, page = get(client, big_expo[0], query)
    assert status == 200
    assert "<script>" not in page


def test_a_page_past_the_end(client, big_expo):
    status, page = get(client, big_expo[0], "?page=9")
    assert status == 200 and names(page) == [] and "First page" in page
