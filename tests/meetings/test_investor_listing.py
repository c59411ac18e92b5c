"""The investor directory of an event as a list that scales: paged, searched, filtered by
sector, stage and ticket, sorted by fund, open slots or ticket, all in the address."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def investors(demo_day, make_investor, open_for):
    """30 investors with slots: Fund 00–29; the even ones in agritech at seed with tickets
    from 10 k€ to 100 k€, the odd ones in fintech at Series A from 1 M€; Fund 07 offers six
    slots (the others three); one investor without slots."""
    for number in range(30):
        even = number % 2 == 0
        user = make_investor(
            fund=f"Fund {number:02d}",
            sectors=["agritech"] if even else ["fintech", "series_a_like"],
            stages=["seed"] if even else ["series_a"],
            ticket_min_eur=10_000 if even else 1_000_000,
            ticket_max_eur=100_000 if even else None,
            bio="Irrigation and soils" if even else "Payments",
        )
        open_for(demo_day, user)
        if number == 7:
            open_for(demo_day, user, start="14:00", end="15:00")
    make_investor(fund="Fund without slots")
    return demo_day


def funds(page: str) -> list[str]:
    return re.findall(r">(Fund \d\d)</a></h2>", page)


def get(client, event, query=""):
    response = client.get(f"/events/{event.slug}/investors{query}")
    return response.status_code, response.get_data(as_text=True)


def test_paged_filtered_and_sorted(client, login_as, investors):
    event = investors
    login_as("startup")
    status, page = get(client, event)
    assert status == 200 and "30 investors" in page
    assert funds(page) == [f"Fund {n:02d}" for n in range(24)]
    assert funds(get(client, event, "?page=2")[1]) == [f"Fund {n:02d}" for n in range(24, 30)]
    assert len(funds(get(client, event, "?sector=agritech")[1])) == 15
    assert len(funds(get(client, event, "?stage=series_a")[1])) == 15
    assert len(funds(get(client, event, "?sector=fintech&stage=seed")[1])) == 0
    assert len(funds(get(client, event, "?ticket=50000")[1])) == 15
    assert len(funds(get(client, event, "?ticket=5000000")[1])) == 15  # no ceiling
    assert funds(get(client, event, "?q=fund+07")[1]) == ["Fund 07"]
    assert len(funds(get(client, event, "?q=soils")[1])) == 15  # the description
    assert funds(get(client, event, "?sort=-open")[1])[0] == "Fund 07"
    assert funds(get(client, event, "?sort=-fund")[1])[0] == "Fund 29"
    assert funds(get(client, event, "?sort=-ticket")[1])[:2] == ["Fund 29", "Fund 27"]
    assert funds(get(client, event, "?sort=ticket")[1])[:2] == ["Fund 00", "Fund 02"]
    page = get(client, event, "?sort=-open&sector=fintech")[1]
    assert '<option value="-open" selected>' in page
    assert "Fund without slots" not in get(client, event, "?q=without")[1]


@pytest.mark.parametrize(
    "query",
    [
        "?page=0",
        "?page=abc",
        "?sort=nope",
        "?sort=-",
        "?sector=%3Cscript%3E",
        "?stage=x",
        "?ticket=-5",
        "?ticket=abc",
        "?ticket=99999999999999999999",
        "?q=" + "x" * 300,
        "?q=%25_%5C",
    ],
)
def test_bad_arguments_never_err(client, login_as, investors, query):
    login_as("investor")
    status, page = get(client, investors, query)
    assert status == 200
    assert "<script>" not in page


def test_who_may_see_it(client, login_as, investors):
    assert get(client, investors)[0] in (302, 401)
    for role in ("admin", "staff", "startup", "investor"):
        login_as(role)
        assert get(client, investors)[0] == 200, role
