"""In a real Chromium: a startup books a slot with an investor and finds it on its agenda;
the investor sees it on its own."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from eventhub.extensions import db
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


def test_a_startup_books_a_slot_and_both_agendas_show_it(
    page,
    live_server,
    demo_day,
    make_investor,
    make_startup,
    open_for,
    tmp_path,
):
    from playwright.sync_api import expect

    investor = make_investor(fund="Atlas Ventures")
    open_for(demo_day, investor, start="10:00", end="11:00", table="Table 7")
    startup = make_startup()
    startup_name = startup.startup.name
    db.session.commit()

    sign_in(page, live_server, startup)
    page.goto(live_server(f"/events/{demo_day.slug}/investors"))
    page.get_by_role("article").get_by_role(
        "link", name="Atlas Ventures"
    ).click()  # not the recommendation
    expect(page.locator("h1")).to_have_text("Atlas Ventures")
    page.locator("table.slots tbody tr").first.get_by_role("link", name="Book").click()
    expect(page.locator("h1")).to_have_text("Book a meeting")
    page.locator("textarea[name='note']").fill("Irrigation from satellite data; raising seed.")
    page.get_by_role("button", name="Book this slot").click()

    expect(page).to_have_url(re.compile(rf"/events/{demo_day.slug}/agenda"))
    expect(page.locator(".flash-success")).to_contain_text("Meeting booked with Atlas Ventures")
    meeting = page.locator("ol.agenda li.meeting-item")
    expect(meeting).to_have_count(1)
    expect(meeting).to_contain_text("Atlas Ventures")
    expect(meeting).to_contain_text("10:00–10:20")
    expect(meeting).to_contain_text("Table 7")
    expect(meeting.get_by_role("link", name="Add to calendar")).to_be_visible()

    screenshot = tmp_path / "startup-agenda.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    if os.environ.get("EVENTHUB_KEEP_SCREENSHOTS"):
        shutil.copy(screenshot, os.environ["EVENTHUB_KEEP_SCREENSHOTS"])

    page.context.clear_cookies()
    sign_in(page, live_server, investor)
    page.goto(live_server(f"/events/{demo_day.slug}/agenda"))
    seen = page.locator("ol.agenda li.meeting-item")
    expect(seen).to_have_count(1)
    expect(seen).to_contain_text(startup_name)
    expect(seen).to_contain_text("Irrigation from satellite data")
    expect(seen).to_contain_text("10:00–10:20")
