"""Content in three languages, in Chromium: the organiser translates the event's texts with
the keyboard on a phone; a visitor reading Arabic then sees them, right to left, with the
registration form's category in Arabic, and an English reader the French originals."""

from __future__ import annotations

import pytest

from eventhub.extensions import db
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _language(page, live_server, language):
    page.context.add_cookies([{"name": "eventhub_lang", "value": language, "url": live_server()}])


def test_translated_on_a_phone_then_read_in_arabic(page, live_server, make_user, make_event):
    from playwright.sync_api import expect

    event = make_event(slug="salon-fes", name="Salon de Fès 2027", venue="Palais des congrès")
    event.categories[0].name = "Invité"
    db.session.commit()
    organiser = make_user("admin")
    _language(page, live_server, "en")
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(page, live_server, organiser)
    page.goto(live_server(f"/organiser/events/{event.slug}/translations"))
    assert page.evaluate(NO_OVERFLOW)
    arabic_name = page.locator("input[name='event_name__ar']")
    expect(arabic_name).to_have_attribute("lang", "ar")
    arabic_name.focus()
    page.keyboard.type("معرض فاس 2027")
    page.locator(f"input[name='category_{event.categories[0].id}_name__ar']").fill("ضيف")
    page.locator("input[name='event_name__en']").fill("Fez Fair 2027")
    page.locator("input[name='event_venue__en']").focus()
    page.keyboard.press("Enter")  # submits the form, as a keyboard user would
    expect(page.locator(".flash-success")).to_contain_text("Translations saved")
    expect(page.locator("input[name='event_name__ar']")).to_have_value("معرض فاس 2027")

    page.context.clear_cookies()
    _language(page, live_server, "ar")
    page.goto(live_server(f"/events/{event.slug}"))
    assert page.get_attribute("html", "dir") == "rtl"
    expect(page.locator("h1")).to_have_text("معرض فاس 2027")
    expect(page).to_have_title("معرض فاس 2027 · EventHub")
    assert "ضيف" in page.locator(".registration-state").inner_text()
    assert page.evaluate(NO_OVERFLOW)

    _language(page, live_server, "en")
    page.goto(live_server(f"/events/{event.slug}"))
    expect(page.locator("h1")).to_have_text("Fez Fair 2027")
    expect(page.locator(".where")).to_contain_text("Palais des congrès")  # not translated
