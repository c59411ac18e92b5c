"""A startup's teammate at their booth, on a phone (390 px): scans a visitor's badge with a
handheld (keyboard-wedge) scanner or the camera, adds a note and a rating, sees the lead."""

from __future__ import annotations

import base64
import io

import pytest
import qrcode

from eventhub.badges.signing import badge_token
from tests.browser.test_accessibility import BLOCKING, axe_violations
from tests.deals.leads.conftest import SECRETS, give_booth, visitor
from tests.support import factories
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def booth(app, make_event):
    """(event, the teammate, an anonymous visitor's badge token, a sharing visitor's)."""
    event = make_event(slug="phone-expo", name="Phone Expo")
    factories.create_hall(event, booths=[("B07", 2, 2, 3, 3)])
    member = factories.create_startup(name="Argan Vision")
    give_booth(event, "B07", member.startup)
    secret = visitor(
        event,
        False,
        first_name="Omar",
        last_name="Zouhairi",
        email="omar.zouhairi@hidden-org.example",
        organization="Hidden Org",
        job_title="Chief Secret Officer",
    )
    shared = visitor(
        event, True, first_name="Salma", last_name="Bennani", email="salma@atlas-agri.example"
    )
    return event, member, badge_token(secret), badge_token(shared)


def no_wider_than_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def test_a_handheld_scan_then_a_note_and_a_rating(page, live_server, booth, tmp_path):
    event, member, secret_token, _shared_token = booth
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, member)
    page.goto(live_server(f"/events/{event.slug}/leads"))
    no_wider_than_the_screen(page)
    page.click("#code")
    page.keyboard.type(secret_token)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/events/{event.slug}/leads/*")
    flash = page.locator(".flash").first.inner_text()
    assert "New lead: An anonymous visitor of category Visitor stopped by." in flash
    no_wider_than_the_screen(page)
    page.select_option("#rating", "4")
    page.fill("#tags", "pilot, follow up")
    page.fill("#note", "Wants a pilot for 40 cooperatives")
    page.screenshot(path=str(tmp_path / "lead-390.png"), full_page=True)
    page.click("form.lead-form button[type='submit']")
    page.wait_for_url(f"**/events/{event.slug}/leads")
    item = page.locator("#leads li.lead-item").first
    text = item.inner_text()
    assert "An anonymous visitor of category Visitor stopped by" in text
    assert "Wants a pilot for 40 cooperatives" in text and "follow up" in text.lower()
    assert item.locator(".lead-rating").inner_text() == "★★★★☆"
    body = page.inner_text("body")
    for value in SECRETS:
        assert value not in body
    assert "Lead saved." in body
    no_wider_than_the_screen(page)
    page.screenshot(path=str(tmp_path / "leads-390.png"), full_page=True)
    problems = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not problems, problems
    # The field keeps the focus for the next badge.
    assert page.evaluate("document.activeElement.id") == "code"


def qr_data_url(text: str) -> str:
    buffer = io.BytesIO()
    qrcode.make(text, border=4, box_size=8).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# The camera: a canvas showing the badge's QR code, given to the page as its camera stream.
FAKE_CAMERA = """
(() => {
  const source = %r;
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 480;
    canvas.height = 480;
    const context = canvas.getContext("2d");
    const image = new Image();
    image.src = source;
    await image.decode();
    const draw = () => {
      context.fillStyle = "#fff";
      context.fillRect(0, 0, 480, 480);
      context.drawImage(image, 40, 40, 400, 400);
    };
    draw();
    setInterval(draw, 100);
    return canvas.captureStream(10);
  };
})();
"""
NO_CAMERA = """
navigator.mediaDevices.getUserMedia = async () => {
  throw new DOMException("No camera", "NotAllowedError");
};
"""


def test_the_camera_reads_the_badge_with_the_door_scanner_s_decoder(page, live_server, booth):
    event, member, _secret_token, shared_token = booth
    page.set_viewport_size(PHONE)
    page.add_init_script(FAKE_CAMERA % qr_data_url(shared_token))
    sign_in(page, live_server, member)
    page.goto(live_server(f"/events/{event.slug}/leads"))
    assert page.evaluate("typeof window.EventHubQrCamera.create") == "function"
    page.click("#camera-toggle")
    page.wait_for_url(f"**/events/{event.slug}/leads/*")
    assert "New lead: Salma Bennani stopped by." in page.locator(".flash").first.inner_text()
    assert "salma@atlas-agri.example" in page.inner_text("#lead-details")


def test_without_a_camera_the_page_says_so(page, live_server, booth):
    event, member, _secret_token, _shared_token = booth
    page.set_viewport_size(PHONE)
    page.add_init_script(NO_CAMERA)
    sign_in(page, live_server, member)
    page.goto(live_server(f"/events/{event.slug}/leads"))
    page.click("#camera-toggle")
    problem = page.locator("#camera-problem")
    problem.wait_for(state="visible")
    assert "camera cannot be used" in problem.inner_text()
    assert page.evaluate("document.activeElement.id") == "code"
