"""The organiser's slots: a paged list filtered by day, investor, table and state, showing
who booked each slot, and the grid view (?view=grid)."""

from __future__ import annotations

import pytest

from eventhub.extensions import db
from eventhub.meetings.booking import book_slot
from eventhub.meetings.slot_board import SlotFilters, slot_grid


@pytest.fixture
def board(demo_day, make_investor, make_startup, open_for):
    """Atlas at T1 and Sahara at T2 (three slots each, day 1), Atlas again on day 2;
    "Nour Agri" booked Atlas's first slot."""
    atlas, sahara = make_investor(fund="Atlas"), make_investor(fund="Sahara")
    atlas_slots = open_for(demo_day, atlas, table="T1")
    open_for(demo_day, sahara, table="T2")
    open_for(demo_day, atlas, day=1, start="14:00", end="15:00")
    startup = make_startup(name="Nour Agri")
    book_slot(demo_day, atlas_slots[0], startup.startup)
    db.session.commit()
    return demo_day, atlas, sahara


def page_of(client, event, query=""):
    response = client.get(f"/organiser/events/{event.slug}/meetings/slots{query}")
    return response.status_code, response.get_data(as_text=True)


def test_the_list_shows_who_booked_and_filters(board, client, login_as, in_english):
    event, _atlas, sahara = board
    login_as("admin")
    status, page = page_of(client, event)
    assert status == 200
    assert "Nour Agri" in page and "9 results" in page
    _, page = page_of(client, event, "?state=booked")
    assert "Nour Agri" in page and "1 result" in page
    _, page = page_of(client, event, "?state=free")
    assert "Nour Agri" not in page and "8 results" in page
    _, page = page_of(client, event, f"?investor={sahara.investor.id}")
    assert "3 results" in page
    _, page = page_of(client, event, f"?day={event.days[1].isoformat()}")
    assert "3 results" in page
    _, page = page_of(client, event, "?per_page=25&sort=startup")
    body = page.split("<tbody>")[1]
    assert body.index("Nour Agri") < body.index("Free")
    _, page = page_of(client, event, "?per_page=25&sort=-startup")
    body = page.split("<tbody>")[1]
    assert body.index("Nour Agri") > body.index("Free")


def test_bad_arguments_fall_back(board, client, login_as, in_english):
    event, _atlas, _sahara = board
    login_as("admin")
    for query in (
        "?day=2099-13-40",
        "?investor=abc",
        "?investor=999999",
        "?table=-1",
        "?state=<script>",
        "?sort=nope",
        "?page=-3",
        "?page=99999999999",
        "?view=grid&day=x&by=nope",
        "?view=grid&table=999",
    ):
        status, page = page_of(client, event, query)
        assert status == 200, query
        assert "<script>" not in page


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_only_the_organiser(board, client, login_as, role):
    event = board[0]
    assert page_of(client, event)[0] in (302, 401)
    login_as(role)
    assert page_of(client, event)[0] == 403
    assert page_of(client, event, "?view=grid")[0] == 403


def test_the_grid_by_investor_and_by_table(board, client, login_as, in_english):
    event, atlas, sahara = board
    grid = slot_grid(event, SlotFilters(day=event.days[0]))
    assert [label for _key, label in grid.columns] == ["Atlas", "Sahara"]
    assert len(grid.times) == 3
    first = grid.cells[(grid.times[0], atlas.investor.id)][0]
    assert (first.state, first.startup_name) == ("booked", "Nour Agri")
    assert grid.cells[(grid.times[0], sahara.investor.id)][0].state == "free"
    by_table = slot_grid(event, SlotFilters(day=event.days[0]), "table")
    assert [label for _key, label in by_table.columns] == ["T1", "T2"]
    login_as("admin")
    status, page = page_of(client, event, "?view=grid")
    assert status == 200 and 'class="slot-grid"' in page and "Nour Agri" in page
    _, page = page_of(client, event, "?view=grid&by=table")
    assert ">T1</th>" in page and ">T2</th>" in page
    _, page = page_of(client, event, f"?view=grid&day={event.days[1].isoformat()}")
    grid_html = page.split('class="slot-grid"')[1].split("</table>")[0]
    assert "Nour Agri" not in grid_html and "Sahara" not in grid_html and "Atlas" in grid_html
