"""The organiser's live attendance page refreshes by itself: a badge admitted at a gate shows
up in the figures, the per-gate bars and the hourly SVG chart without reloading the page."""

from __future__ import annotations

import pytest

from eventhub.badges.signing import badge_token
from eventhub.checkin.scanning import ScanInput, door_event, perform_scan
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
from tests.support.browser import sign_in
from tests.support.dates import event_today

pytestmark = pytest.mark.browser


def test_attendance_figures_refresh_without_a_reload(
    page, live_server, app, make_user, make_event, tmp_path
):
    from playwright.sync_api import expect

    organiser = make_user("admin")
    event = make_event(first_day=event_today(), last_day=event_today())
    registration = register(
        event,
        event.categories[0],
        Attendee("Nadia", "Tazi", "nadia@example.test"),
        enforce_window=False,
    )
    db.session.commit()

    app.config["ATTENDANCE_REFRESH_SECONDS"] = 1
    try:
        sign_in(page, live_server, organiser)
        page.goto(live_server(f"/organiser/events/{event.slug}/attendance"))
        inside = page.locator("[data-figure='inside']")
        expect(inside).to_have_text("0")
        page.evaluate("window.__sameDocument = true")

        scan = ScanInput(code=badge_token(registration), gate="East gate")
        perform_scan(door_event(event.slug), scan)
        db.session.commit()

        expect(inside).to_have_text("1", timeout=5_000)
        assert page.evaluate("window.__sameDocument") is True  # refreshed, not reloaded
        expect(page.locator(".bar-row").first).to_contain_text("East gate")
        # The hourly chart: one hour, and only one, has an arrival (one).
        hours = page.locator("svg g > title").all_text_contents()
        assert len(hours) > 1
        assert [hour[-3:] for hour in hours if not hour.endswith(": 0")] == [": 1"]
        page.screenshot(path=str(tmp_path / "attendance.png"), full_page=True)
    finally:
        app.config["ATTENDANCE_REFRESH_SECONDS"] = 10
