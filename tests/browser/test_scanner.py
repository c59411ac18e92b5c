"""Door staff with a handheld scanner: it types the code and Enter into the scanner page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event as sqlalchemy_event

from eventhub.badges.signing import badge_token
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
from tests.checkin.race_app import hold_scan_inserts
from tests.support.browser import sign_in
from tests.support.dates import event_today

pytestmark = pytest.mark.browser


def test_handheld_scan_shows_green_then_amber(page, live_server, make_user, make_event, tmp_path):
    staff = make_user("staff")
    event = make_event(
        first_day=event_today() - timedelta(days=1), last_day=event_today() + timedelta(days=1)
    )
    registration = register(
        event,
        event.categories[0],
        Attendee("Imane", "El Idrissi", "imane@example.test", organization="Argan Agri"),
        enforce_window=False,
    )
    db.session.commit()
    token = badge_token(registration)

    sign_in(page, live_server, staff)
    page.goto(live_server(f"/events/{event.slug}/scan"))
    page.fill("#gate", "North entrance")
    page.click("#scan-code")

    page.keyboard.type(token)
    page.keyboard.press("Enter")
    result = page.locator("#scan-result")
    result.wait_for(state="visible")
    assert "scan-green" in result.get_attribute("class")
    assert page.inner_text("#scan-result-title") == "Admitted"
    assert page.inner_text("#scan-result-name") == "Imane El Idrissi"
    page.screenshot(path=str(tmp_path / "admitted.png"))

    # The field kept the focus: the scanner's next scan goes straight in.
    page.keyboard.type(token.lower())
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('scan-result').className.includes('scan-amber')"
    )
    assert page.inner_text("#scan-result-title") == "Already inside"
    assert "North entrance" in page.inner_text("#scan-result-extra")
    assert page.locator("#recent-scans li").count() == 2
    # The name and the gate are isolated in the history line (issue 20, finding 8).
    isolated = page.locator("#recent-scans li").first.locator("bdi")
    assert isolated.all_inner_texts() == ["Imane El Idrissi", "North entrance"]
    page.screenshot(path=str(tmp_path / "already-inside.png"))


def test_gate_is_remembered(page, live_server, make_user, make_event):
    staff = make_user("staff")
    event = make_event(first_day=event_today(), last_day=event_today())
    sign_in(page, live_server, staff)
    page.goto(live_server(f"/events/{event.slug}/scan"))
    page.fill("#gate", "Hall 2 door")
    page.dispatch_event("#gate", "change")
    page.reload()
    assert page.input_value("#gate") == "Hall 2 door"


def test_a_badge_scanned_while_the_last_answer_is_pending_is_not_lost(
    page, live_server, app, make_user, make_event
):
    """Two badges typed back to back by a handheld scanner, the server slow to answer the
    first (each scan's insert held by a listener of the test): both are checked, in order."""
    staff = make_user("staff")
    event = make_event(first_day=event_today(), last_day=event_today())
    tokens = []
    for number in (1, 2):
        registration = register(
            event,
            event.categories[0],
            Attendee("Visitor", f"Number {number}", f"visitor{number}@example.test"),
            enforce_window=False,
        )
        tokens.append(badge_token(registration))
    db.session.commit()

    sign_in(page, live_server, staff)
    page.goto(live_server(f"/events/{event.slug}/scan"))
    # The server's answers are what this test is about: the page waits for them longer than
    # its 1.5 s before it decides from its door list.
    page.evaluate("document.getElementById('scanner').dataset.timeoutMs = '10000'")
    page.fill("#gate", "North entrance")
    page.click("#scan-code")
    sqlalchemy_event.listen(db.engine, "before_cursor_execute", hold_scan_inserts)
    try:
        for token in tokens:
            page.keyboard.type(token)
            page.keyboard.press("Enter")
        page.wait_for_function("document.querySelectorAll('#recent-scans li').length === 2")
    finally:
        sqlalchemy_event.remove(db.engine, "before_cursor_execute", hold_scan_inserts)
    recent = page.locator("#recent-scans li")
    assert "Number 2" in recent.nth(0).inner_text()
    assert "Number 1" in recent.nth(1).inner_text()
    assert recent.nth(0).get_attribute("class") == "recent-green"
    assert recent.nth(1).get_attribute("class") == "recent-green"
    assert recent.nth(0).get_attribute("data-offline") is None  # the server's answers
