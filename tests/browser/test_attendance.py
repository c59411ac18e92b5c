"""The organiser's live attendance page refreshes by itself: a badge admitted at a gate shows
up in the figures, the per-gate bars and the hourly SVG chart without reloading the page;
a zone filling up shows its warning in words (and has it read out), then its "full" state."""

from __future__ import annotations

import pytest

from eventhub.badges.signing import badge_token
from eventhub.checkin.gates import add_gate
from eventhub.checkin.scanning import ScanInput, door_event, perform_scan
from eventhub.events.models import Zone
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
from tests.support.browser import sign_in
from tests.support.dates import event_today

pytestmark = pytest.mark.browser


def scan(event, registration, gate):
    perform_scan(door_event(event.slug), ScanInput(code=badge_token(registration), gate=gate))
    db.session.commit()


def test_attendance_figures_refresh_without_a_reload(
    page, live_server, app, make_user, make_event, tmp_path
):
    from playwright.sync_api import expect

    organiser = make_user("admin")
    event = make_event(first_day=event_today(), last_day=event_today())
    hall = Zone(name="Hall 2", capacity=10)
    event.zones.append(hall)
    db.session.flush()
    add_gate(event, "East gate", None)
    add_gate(event, "Hall in", hall)
    add_gate(event, "Hall out", hall, "exit")
    people = [
        register(
            event,
            event.categories[0],
            Attendee("Nadia", f"Tazi {number}", f"nadia{number}@example.test"),
            enforce_window=False,
        )
        for number in range(10)
    ]
    db.session.commit()

    app.config["ATTENDANCE_REFRESH_SECONDS"] = 1
    try:
        sign_in(page, live_server, organiser)
        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        page.goto(live_server(f"/organiser/events/{event.slug}/attendance"))
        inside = page.locator("[data-figure='inside']")
        expect(inside).to_have_text("0")
        hall_card = page.locator(f"[data-zone='{hall.id}']")
        expect(hall_card).to_contain_text("0 of 10 inside")
        expect(page.locator("[data-zone='0']")).to_contain_text("Exits are not scanned here")
        expect(hall_card).not_to_contain_text("Exits are not scanned here")
        page.evaluate("window.__sameDocument = true")

        scan(event, people[0], "East gate")

        expect(inside).to_have_text("1", timeout=5_000)
        assert page.evaluate("window.__sameDocument") is True  # refreshed, not reloaded
        expect(page.locator(".bar-row").first).to_contain_text("East gate")
        # The hourly chart: one hour, and only one, has an arrival (one).
        hours = page.locator("svg g > title").all_text_contents()
        assert len(hours) > 1
        assert [hour[-3:] for hour in hours if not hour.endswith(": 0")] == [": 1"]
        assert all(hour[:5].replace(":", "").isdigit() and hour[2] == ":" for hour in hours)
        # Its hour labels keep a readable size on a phone (the SVG is not scaled down).
        label = page.locator(".hourly-chart text.hour").first
        size = label.evaluate("text => text.getBoundingClientRect().height")
        assert size >= 11, size

        for person in people[:9]:
            scan(event, person, "Hall in")
        expect(hall_card).to_have_attribute("data-level", "warning", timeout=5_000)
        expect(hall_card).to_contain_text("9 of 10 inside")
        expect(hall_card).to_contain_text("Nearly full.")
        expect(page.locator("#attendance-alerts")).to_contain_text("Hall 2 is nearly full")
        expect(page.locator(".zone-hours")).to_contain_text("Hall 2")
        page.screenshot(path=str(tmp_path / "attendance.png"), full_page=True)

        scan(event, people[9], "Hall in")
        expect(hall_card).to_have_attribute("data-level", "full", timeout=5_000)
        expect(hall_card).to_contain_text("10 of 10 inside")
        expect(hall_card).to_contain_text("Full.")
        expect(page.locator("#attendance-alerts")).to_contain_text("Hall 2 is full")
        page.screenshot(path=str(tmp_path / "attendance-full.png"), full_page=True)

        scan(event, people[0], "Hall out")
        expect(hall_card).to_have_attribute("data-level", "warning", timeout=5_000)
        expect(hall_card).to_contain_text("9 of 10 inside")
    finally:
        app.config["ATTENDANCE_REFRESH_SECONDS"] = 10
