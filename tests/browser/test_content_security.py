"""Issue 20, finding 7: the pages work under their Content-Security-Policy (no inline
script, styles by nonce, no framing): Chromium, not told to bypass it, reports no
violation on the main pages of each role, and the scanner and the help desk's badge frame
still work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventhub.badges.signing import badge_token
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
from tests.support.browser import sign_in
from tests.support.dates import event_today

pytestmark = pytest.mark.browser

COLLECT = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def strict_page(browser, live_server, app):
    """A page whose browser enforces the site's Content-Security-Policy."""
    csrf_before = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = True
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_init_script(COLLECT)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
        app.config["WTF_CSRF_ENABLED"] = csrf_before


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_public_and_organiser_pages_under_the_policy(
    strict_page, live_server, make_user, make_event
):
    page = strict_page
    event = make_event(slug="csp-expo")
    for path in ("/", f"/events/{event.slug}", "/login", f"/events/{event.slug}/privacy"):
        page.goto(live_server(path))
        assert violations(page) == [], path
    sign_in(page, live_server, make_user("admin"))
    for path in (
        "/organiser/",
        f"/organiser/events/{event.slug}/registrations",
        f"/organiser/events/{event.slug}/attendance",
        f"/organiser/events/{event.slug}/translations",
        "/organiser/users",
    ):
        page.goto(live_server(path))
        assert violations(page) == [], path


def test_the_scanner_and_the_desk_s_badge_frame_under_the_policy(
    strict_page, live_server, make_user, make_event
):
    page = strict_page
    event = make_event(
        first_day=event_today() - timedelta(days=1), last_day=event_today() + timedelta(days=1)
    )
    registration = register(
        event,
        event.categories[0],
        Attendee("Imane", "El Idrissi", "imane@example.test"),
        enforce_window=False,
    )
    db.session.commit()
    sign_in(page, live_server, make_user("staff"))
    page.goto(live_server(f"/events/{event.slug}/scan"))
    page.fill("#gate", "North entrance")
    page.click("#scan-code")
    page.keyboard.type(badge_token(registration))
    page.keyboard.press("Enter")
    page.locator("#scan-result.scan-green").wait_for()
    assert violations(page) == []
    page.goto(live_server(f"/events/{event.slug}/desk/{registration.id}/print"))
    frame = page.locator("iframe#badge-pdf")
    frame.wait_for()
    assert violations(page) == []
