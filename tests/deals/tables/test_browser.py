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
        base_url=live_server.url, locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True
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
