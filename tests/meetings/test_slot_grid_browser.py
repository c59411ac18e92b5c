"""In a real Chromium: the organiser's slot grid is readable at 1280 px and, at 390 px,
scrolls inside its own frame (the page itself never scrolls sideways), in English, French
and Arabic; a startup sees, before any click, the slots it cannot take."""

from __future__ import annotations

import pytest

from eventhub.extensions import db
from eventhub.meetings.booking import book_slot
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def crowded(demo_day, make_investor, make_startup, open_for):
    """Twelve investors with three slots each; "Nour Agri" booked the first investor's
    first slot."""
    investors = [make_investor(fund=f"Investor Fund {n:02d}") for n in range(12)]
    slots = [open_for(demo_day, investor, table=f"T{n}") for n, investor in enumerate(investors)]
    startup = make_startup(name="Nour Agri")
    book_slot(demo_day, slots[0][0], startup.startup)
    db.session.commit()
    return demo_day, investors, startup


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_grid_scrolls_inside_its_frame(page, live_server, crowded, make_user, lang):
    event = crowded[0]
    page.context.add_cookies([{"name": "eventhub_lang", "value": lang, "url": live_server("/")}])
    sign_in(page, live_server, make_user("admin"))
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server(f"/organiser/events/{event.slug}/meetings/slots?view=grid"))
        grid = page.locator(".slot-grid-frame")
        assert grid.locator("tbody tr").count() == 3
        assert grid.locator("thead th").count() == 13
        assert "Nour Agri" in grid.locator("tbody tr").first.inner_text()
        sizes = page.evaluate(
            """() => {
              const frame = document.querySelector('.slot-grid-frame');
              return {page: document.documentElement.scrollWidth, view: window.innerWidth,
                      inner: frame.scrollWidth, frame: frame.clientWidth};
            }"""
        )
        assert sizes["page"] <= sizes["view"], (lang, width, sizes)
        assert sizes["inner"] > sizes["frame"], (lang, width, sizes)  # twelve columns scroll


def test_a_startup_sees_why_before_any_click(page, live_server, crowded):
    event, investors, startup = crowded
    sign_in(page, live_server, startup)
    page.goto(live_server(f"/events/{event.slug}/investors/{investors[1].investor.id}"))
    rows = page.locator("table.slots tbody tr")
    first = rows.nth(0)
    assert first.get_by_role("link", name="Book").count() == 0
    assert "You already have a meeting at that time." in first.inner_text()
    assert rows.nth(1).get_by_role("link", name="Book").count() == 1
