"""In a real Chromium, on phones (390 px): a startup and an investor check in at their
table; a no-show frees a slot that a standby startup takes from its agenda, and the
organiser's live board shows it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from eventhub.deals.tables import checkin as logic
from eventhub.deals.tables.views import scan_url
from eventhub.extensions import db
from tests.support.browser import TIMEOUT_MS, sign_in
from tests.support.factories import create_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def phone(browser, live_server):
    context = browser.new_context(
        bypass_csp=True,
        base_url=live_server.url,
        locale="en-GB",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def fits_the_screen(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")


def scan_path(app, room) -> str:
    code = logic.code_for(room.table)
    db.session.commit()
    with app.test_request_context():
        return urlsplit(scan_url(room.event, code)).path


def test_the_startup_and_the_investor_check_in_from_their_phones(
    app, browser, page, live_server, room
):
    from playwright.sync_api import expect

    path = scan_path(app, room)
    for user, answer in (
        (room.investor, "Waiting for the other party"),
        (room.startup, "your meeting has started"),
    ):
        context = phone(browser, live_server)
        try:
            mobile = context.new_page()
            sign_in(mobile, live_server, user)
            mobile.goto(live_server(path))
            expect(mobile.locator("h1")).to_have_text("Table T1")
            expect(mobile.locator("#table-meeting")).to_contain_text("Argan AI")
            mobile.get_by_role("button", name="I'm here").click()
            expect(mobile.locator(".flash-success")).to_contain_text(answer)
            assert fits_the_screen(mobile)
        finally:
            context.close()
    expect_started = logic.checkin_of(room.meeting)
    db.session.refresh(expect_started)
    assert expect_started.started_at is not None


def test_a_no_show_frees_a_slot_that_a_standby_startup_takes(app, browser, page, live_server, room):
    from playwright.sync_api import expect

    logic.save_no_show_minutes(room.event, 1)  # the meeting started two minutes ago
    db.session.commit()
    path = scan_path(app, room)
    context = phone(browser, live_server)
    try:
        mobile = context.new_page()
        sign_in(mobile, live_server, room.investor)
        mobile.goto(live_server(path))
        mobile.get_by_role("button", name="I'm here").click()
        expect(mobile.locator(".flash-success")).to_contain_text("Waiting for the other party")
        # No beat in this test: the investor's agenda records the no-show as it loads.
        mobile.goto(live_server("/events/table-day/agenda"))
        expect(mobile.locator("[data-no-show]")).to_contain_text("Argan AI did not come")
    finally:
        context.close()

    taker = room.standby[0]
    context = phone(browser, live_server)
    try:
        mobile = context.new_page()
        sign_in(mobile, live_server, taker)
        mobile.goto(live_server("/events/table-day/agenda"))
        offers = mobile.locator("#standby-offers")
        expect(offers).to_contain_text("Atlas Ventures")
        assert fits_the_screen(mobile)
        offers.get_by_role("button", name="Take this slot").click()
        expect(mobile.locator(".flash-success")).to_contain_text("The slot is yours")
        expect(mobile.locator("ol.agenda")).to_contain_text("Atlas Ventures")
        mobile.goto(live_server(path))
        mobile.get_by_role("button", name="I'm here").click()
        expect(mobile.locator(".flash-success")).to_contain_text("your meeting has started")
    finally:
        context.close()

    sign_in(page, live_server, create_user("admin"))
    page.goto(live_server("/organiser/events/table-day/tables/live"))
    row = page.locator("tr[data-table='T1']")
    expect(row).to_contain_text(taker.startup.name)
    expect(row).to_contain_text("replaces Argan AI (no-show)")
    expect(row).to_have_attribute("data-state", "standby")
    expect(row).to_contain_text("started at")
    expect(page.locator("#live-counts [data-state='no_show']")).to_contain_text("1")


def test_the_live_board_updates_itself_and_can_be_paused(app, browser, page, live_server, room):
    from playwright.sync_api import expect

    sign_in(page, live_server, create_user("admin"))
    page.set_viewport_size(PHONE)
    page.goto(live_server("/organiser/events/table-day/tables/live"))
    row = page.locator("tr[data-table='T1']")
    expect(row).to_have_attribute("data-state", "waiting")
    assert page.locator("#live-board").get_attribute("data-refresh-seconds") == "30"
    logic.scan_as_party(room.event, room.table, room.investor, now=room.now)
    logic.scan_as_party(room.event, room.table, room.startup, now=room.now)
    db.session.commit()
    page.evaluate("window.EventHubLiveBoard.refresh()")  # what the timer calls
    expect(row).to_have_attribute("data-state", "started")
    expect(page.locator("#live-status")).to_contain_text("Updated at")
    pause = page.locator("#live-pause")
    expect(pause).to_have_text("Pause updates")
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "true")
    expect(pause).to_have_text("Resume updates")
    assert fits_the_screen(page)


def test_the_table_pages_have_no_serious_axe_violation(app, browser, page, live_server, room):
    from tests.browser.test_accessibility import BLOCKING, axe_violations

    path = scan_path(app, room)
    problems = []
    for user, paths in (
        (create_user("admin"), ["/organiser/events/table-day/tables",
                                "/organiser/events/table-day/tables/live"]),
        (create_user("staff"), [f"/staff/events/table-day/tables/{room.table.id}"]),
        (room.startup, [path, "/events/table-day/agenda"]),
    ):  # fmt: skip
        context = phone(browser, live_server)
        mobile = context.new_page()
        sign_in(mobile, live_server, user)
        for where in paths:
            response = mobile.goto(live_server(where))
            assert response is not None and response.status == 200, where
            assert fits_the_screen(mobile), where
            problems += [
                f"{where}: {v['impact']} {v['id']} at {v['nodes']}"
                for v in axe_violations(mobile)
                if v["impact"] in BLOCKING
            ]
        context.close()
    assert not problems, "\n".join(problems)
