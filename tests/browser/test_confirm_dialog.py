"""The confirmation dialog of destructive and outward-facing forms (static/js/confirm.js,
issue 18): nothing is sent until the action button is pressed; "Go back" and Escape leave
everything as it was and give the focus back; it works with the keyboard alone, in Arabic
at 390 px, and without JavaScript the form is sent as before."""

from __future__ import annotations

import re
from datetime import time

import pytest
from sqlalchemy import func, select

from eventhub.checkin.models import Gate
from eventhub.extensions import db
from eventhub.meetings.models import MeetingSlot
from eventhub.meetings.slots import SlotPlan, open_slots
from eventhub.registration.models import Registration
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


def status_of(registration_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Registration, registration_id).status


def slot_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(MeetingSlot))


def focused_text(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.textContent.trim()")


def test_cancelling_a_registration_asks_first(
    page, live_server, make_user, make_event, make_registration
):
    from playwright.sync_api import expect

    admin = make_user("admin")
    event = make_event()
    registration = make_registration(event, first_name="Salma", last_name="Bennani")
    sign_in(page, live_server, admin)
    page.goto(live_server(f"/organiser/events/{event.slug}/registrations"))
    row_button = page.locator("main table").get_by_role("button", name="Cancel registration")
    dialog = page.get_by_role("dialog")

    # "Go back": nothing sent, the dialog closes, the focus is back on the button.
    row_button.click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Are you sure?")
    expect(dialog).to_contain_text(
        "Salma Bennani will be e-mailed that their registration is cancelled"
    )
    expect(dialog.get_by_role("button", name="Cancel registration")).to_be_visible()
    back = dialog.get_by_role("button", name="Go back")
    expect(back).to_be_focused()
    assert status_of(registration.id) == "confirmed"
    back.click()
    expect(dialog).to_be_hidden()
    expect(row_button).to_be_focused()
    assert status_of(registration.id) == "confirmed"

    # Escape: the same.
    row_button.click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(row_button).to_be_focused()
    assert status_of(registration.id) == "confirmed"

    # The action button sends the form; the message offers to reinstate, without asking.
    row_button.click()
    dialog.get_by_role("button", name="Cancel registration").click()
    flash = page.locator(".flash-undo")
    expect(flash).to_contain_text("Registration of Salma Bennani cancelled.")
    assert status_of(registration.id) == "cancelled"
    flash.get_by_role("button", name="Reinstate").click()
    expect(page.locator(".flash-success")).to_contain_text("reinstated")
    assert status_of(registration.id) == "confirmed"


def test_deleting_and_restoring_a_slot_with_the_keyboard_alone(
    page, live_server, make_user, make_event
):
    from playwright.sync_api import expect

    from tests.support.factories import create_investor

    event = make_event(kind="demo_day")
    investor = create_investor(fund="Atlas Ventures")
    plan = SlotPlan(days=[event.days[0]], start=time(10), end=time(10, 20), length_minutes=20)
    open_slots(event, investor.investor, plan)
    db.session.commit()
    sign_in(page, live_server, investor)
    page.goto(live_server(f"/events/{event.slug}/my-slots"))
    delete = page.get_by_role("button", name="Delete slot")
    delete.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Go back")).to_be_focused()
    page.keyboard.press("Enter")  # Enter on "Go back": nothing happens
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    assert slot_count() == 1
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Delete slot")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".flash-undo")).to_contain_text("Slot deleted.")
    assert slot_count() == 0
    restore = page.locator(".flash-undo").get_by_role("button", name="Restore slot")
    restore.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("Slot restored.")
    assert slot_count() == 1


def test_the_dialog_in_arabic_on_a_phone(browser, live_server, make_user, make_event, tmp_path):
    from playwright.sync_api import expect

    admin = make_user("admin")
    event = make_event()
    db.session.add(Gate(event_id=event.id, name="Porte Nord"))
    db.session.commit()
    context = browser.new_context(
        bypass_csp=True,
        base_url=live_server.url,
        locale="ar",
        viewport={"width": 390, "height": 844},
    )
    context.add_cookies([{"name": "eventhub_lang", "value": "ar", "url": live_server.url}])
    try:
        phone = context.new_page()
        sign_in(phone, live_server, admin)
        phone.goto(live_server(f"/organiser/events/{event.slug}/gates"))
        assert phone.get_attribute("html", "dir") == "rtl"
        phone.locator("form[data-confirm] button[type=submit]").click()
        dialog = phone.get_by_role("dialog")
        expect(dialog).to_be_visible()
        assert dialog.evaluate("d => getComputedStyle(d).direction") == "rtl"
        box = dialog.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        for button in dialog.get_by_role("button").all():
            inside = button.bounding_box()
            assert (
                inside["x"] >= box["x"] and inside["x"] + inside["width"] <= box["x"] + box["width"]
            )
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        assert "Porte Nord" in dialog.inner_text()
        phone.screenshot(path=str(tmp_path / "dialog-ar-390.png"))
        phone.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Gate)) == 1
    finally:
        context.close()


def test_without_javascript_the_form_is_sent_as_before(
    browser, live_server, make_user, make_event, app
):
    admin = make_user("admin")
    event = make_event()
    db.session.add(Gate(event_id=event.id, name="Porte Sud"))
    db.session.commit()
    context = browser.new_context(
        bypass_csp=True, base_url=live_server.url, java_script_enabled=False
    )
    try:
        plain = context.new_page()
        sign_in(plain, live_server, admin)
        plain.goto(live_server(f"/organiser/events/{event.slug}/gates"))
        plain.get_by_role("button", name="Delete gate").click()
        plain.wait_for_url(re.compile(r"/gates$"))
        assert "Gate deleted." in plain.inner_text("main")
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Gate)) == 0
    finally:
        context.close()
