"""The door scanner offline-first (issue 17): it keeps its event's door list in IndexedDB,
decides from it when the server does not answer, queues those scans and sends them once
the network is back; its service worker opens the page with no network."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import select

from eventhub.auth.accounts import end_sessions
from eventhub.badges.signing import badge_token
from eventhub.checkin.gates import add_gate
from eventhub.checkin.models import Scan
from eventhub.checkin.scanning import event_day
from eventhub.events.models import AttendeeCategory, Zone
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.register import Attendee, cancel, register, reissue_badge
from tests.checkin.race_app import hold_scan_inserts
from tests.support.browser import TIMEOUT_MS, sign_in
from tests.support.dates import event_today

pytestmark = pytest.mark.browser

GATE = "Hall door"
EXIT_GATE = "Hall exit"
# The page's clock, five days behind: offline scan times must come from the server's clock.
WRONG_CLOCK = "(() => { const real = Date.now; Date.now = () => real() - 5 * 86400000; })();"


# How many rows each store of the page's IndexedDB database holds.
STORED_COUNTS = """async (name) => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const counts = {};
    for (const store of db.objectStoreNames) {
      counts[store] = await new Promise((resolve) => {
        const request = db.transaction(store).objectStore(store).count();
        request.onsuccess = () => resolve(request.result);
      });
    }
    db.close();
    return counts;
}"""


# The scans waiting in the page's queue, oldest first.
QUEUED_SCANS = """async (name) => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const items = await new Promise((resolve) => {
      const request = db.transaction("queue").objectStore("queue").getAll();
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return items;
}"""
# POST queued scans again, as the page sends them; their answers.
SEND_AGAIN = """async (items) => {
    const root = document.getElementById("scanner");
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const replies = [];
    for (const item of items) {
      const response = await fetch(root.dataset.endpoint, {
        method: "POST",
        headers: {"Content-Type": "application/json", "X-CSRFToken": token},
        body: JSON.stringify({code: item.code, gate: item.gate, nonce: item.nonce,
          device: item.device, offline: true, offline_result: item.offline_result,
          synced_at: item.synced_at, offset_ms: item.offset_ms}),
      });
      replies.push(await response.json());
    }
    return replies;
}"""


def door_event(make_event: Callable[..., Any], hall_capacity: int | None = None) -> Any:
    """A running event with a hall (capacity `hall_capacity`) its visitors may enter by the
    gate "Hall door" and leave by "Hall exit", a lounge they may not, a "Tomorrow pass"
    category for tomorrow only and a "Lounge guest" category for the lounge only."""
    today = event_today()
    event = make_event(first_day=today - timedelta(days=1), last_day=today + timedelta(days=1))
    hall, lounge = Zone(name="Hall 1", capacity=hall_capacity), Zone(name="VIP lounge")
    event.zones.extend([hall, lounge])
    event.categories[0].zones = [hall]
    tomorrow_pass = AttendeeCategory(name="Tomorrow pass", colour="#7c3aed", position=2)
    tomorrow_pass.set_days([today + timedelta(days=1)])
    lounge_guest = AttendeeCategory(name="Lounge guest", colour="#be185d", position=3)
    lounge_guest.zones = [lounge]
    event.categories.extend([tomorrow_pass, lounge_guest])
    db.session.flush()
    add_gate(event, GATE, hall)
    add_gate(event, EXIT_GATE, hall, "exit")
    db.session.commit()
    return event


def registered(event: Any, category: Any, first_name: str, number: int) -> Any:
    registration = register(
        event,
        category,
        Attendee(first_name, f"Guest {number}", f"guest{number}@example.test"),
        source="organiser",
        public_only=False,
        enforce_window=False,
    )
    db.session.commit()
    return registration


def category(event: Any, name: str) -> Any:
    return next(category for category in event.categories if category.name == name)


def open_scanner(page: Any, live_server: Any, event: Any, badges: int) -> None:
    """The scanner page at "Hall door", its list of `badges` downloaded and its files in
    the service worker's cache."""
    page.goto(live_server(f"/events/{event.slug}/scan"))
    page.select_option("#gate", GATE)
    page.wait_for_function(f"document.getElementById('status-list').dataset.count === '{badges}'")
    page.wait_for_function("document.getElementById('scanner').dataset.shell === 'cached'")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.click("#scan-code")


def scan(page: Any, token: str) -> dict[str, str]:
    """Type a badge code and Enter as a handheld scanner does; what the screen shows."""
    before = answers_shown(page)
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    wait_for_answer(page, before)
    return {
        "title": page.inner_text("#scan-result-title"),
        "name": page.inner_text("#scan-result-name"),
        "class": page.get_attribute("#scan-result", "class") or "",
        "mode": page.inner_text("#scan-result-mode"),
        "focus": page.evaluate("document.activeElement.id"),
    }


def go_offline(context: Any) -> None:
    """No network for the page: Chromium's offline mode (navigator.onLine false; the page's
    and the service worker's requests fail), and the API's requests aborted as well, since
    a page just reloaded may not see the offline mode at once."""
    context.set_offline(True)
    context.route("**/api/**", lambda route: route.abort("internetdisconnected"))


def go_online(context: Any) -> None:
    context.unroute("**/api/**")
    context.set_offline(False)


def answers_shown(page: Any) -> int:
    return int(page.get_attribute("#scan-result", "data-shown") or 0)


def wait_for_answer(page: Any, shown_before: int) -> None:
    page.wait_for_function(
        f"Number(document.getElementById('scan-result').dataset.shown || 0) > {shown_before}"
    )


def queue_count(page: Any) -> int:
    return int(page.get_attribute("#status-queue", "data-count") or 0)


def offline_scans(event: Any) -> list[Scan]:
    db.session.rollback()  # a new snapshot: the live server wrote them
    return list(db.session.scalars(select(Scan).where(Scan.event_id == event.id).order_by(Scan.id)))


@pytest.fixture
def server_hits(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The paths of every request that reaches the live server from now on."""
    hits: list[str] = []
    wsgi_app = app.wsgi_app

    def counting(environ: dict[str, Any], start_response: Any) -> Any:
        hits.append(environ.get("PATH_INFO", ""))
        return wsgi_app(environ, start_response)

    monkeypatch.setattr(app, "wsgi_app", counting)
    yield hits


def test_twenty_badges_scanned_offline_are_recorded_once_when_the_network_is_back(
    page, live_server, make_user, make_event, server_hits
):
    staff = make_user("staff")
    event = door_event(make_event)
    visitor = event.categories[0]
    visitors = [registered(event, visitor, "Visitor", number) for number in range(1, 16)]
    cancelled = registered(event, visitor, "Cancelled", 16)
    cancel(cancelled)
    db.session.commit()
    tomorrow = registered(event, category(event, "Tomorrow pass"), "Tomorrow", 17)
    lounge = registered(event, category(event, "Lounge guest"), "Lounge", 18)
    page.context.add_init_script(WRONG_CLOCK)

    sign_in(page, live_server, staff)
    open_scanner(page, live_server, event, badges=18)
    go_offline(page.context)
    page.wait_for_function("document.getElementById('scanner-status').dataset.online === 'false'")

    expected = [(badge_token(one), "Admitted") for one in visitors[:14]]
    expected += [
        (badge_token(visitors[0]), "Already inside"),
        (badge_token(cancelled), "Badge not valid"),
        (badge_token(tomorrow), "Not valid today"),
        (badge_token(visitors[14]), "Admitted"),
    ]
    for token, title in expected:
        shown = scan(page, token)
        assert shown["title"] == title, (token, shown)
        assert "scan-offline" in shown["class"]
        assert shown["mode"].startswith("Offline")
        assert shown["focus"] == "scan-code"  # a handheld scanner keeps typing into it
    assert queue_count(page) == 18

    # Reloaded with no network: the service worker serves the page, the queue is still there.
    server_hits.clear()
    page.reload()
    page.wait_for_function("document.getElementById('status-queue').dataset.count === '18'")
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert page.get_attribute("#status-list", "data-count") == "18"
    page.select_option("#gate", GATE)
    page.click("#scan-code")
    assert scan(page, badge_token(lounge))["title"] == "Wrong entrance"
    assert scan(page, badge_token(visitors[14]))["title"] == "Already inside"
    assert queue_count(page) == 20
    # Only the browser's own update check of the service worker's script, which Chromium's
    # offline mode does not cover, may have reached the server.
    assert set(server_hits) <= {"/scanner-sw.js"}, "the offline page reached the server"

    queued = page.evaluate(QUEUED_SCANS, f"eventhub-door-{event.slug}")
    assert len(queued) == 20

    # Back online: the queue drains, in order, and every scan is recorded once.
    go_online(page.context)
    page.wait_for_function(
        "document.getElementById('status-queue').dataset.count === '0'", timeout=TIMEOUT_MS * 2
    )
    assert page.inner_text("#status-queue") == "All sent"
    scans = offline_scans(event)
    assert len(scans) == 20
    assert all(one.offline for one in scans)
    assert len({one.nonce for one in scans}) == 20
    assert Counter(one.offline_result for one in scans) == {
        "admitted": 15,
        "already_inside": 2,
        "revoked": 1,
        "not_today": 1,
        "zone_not_allowed": 1,
    }
    assert [one.result for one in scans] == [one.offline_result for one in scans]
    # Scan times from the server's clock, though the device's is five days behind.
    now = utcnow()
    assert all(now - timedelta(minutes=5) < one.scanned_at <= now for one in scans)
    assert [one.scanned_at for one in scans] == sorted(one.scanned_at for one in scans)
    assert [one.nonce for one in scans] == [item["nonce"] for item in queued]

    # The same queue sent again (a device that did not hear the answers): nothing more.
    replies = page.evaluate(SEND_AGAIN, queued)
    assert all(reply["replayed"] for reply in replies), replies
    assert len(offline_scans(event)) == 20


def test_a_late_answer_is_decided_from_the_list_and_recorded_once(
    page, live_server, make_user, make_event
):
    """The server takes longer than the page waits: the page lets the person in from its
    list, and the queued scan, sent again with its nonce, records nothing more."""
    staff = make_user("staff")
    event = door_event(make_event)
    registration = registered(event, event.categories[0], "Late", 1)
    sign_in(page, live_server, staff)
    open_scanner(page, live_server, event, badges=1)
    page.evaluate("document.getElementById('scanner').dataset.timeoutMs = '100'")
    sqlalchemy_event.listen(db.engine, "before_cursor_execute", hold_scan_inserts)
    try:
        shown = scan(page, badge_token(registration))
        assert (shown["title"], shown["mode"]) == (
            "Admitted",
            "Offline: decided by this device from its list",
        )
        assert queue_count(page) == 1
        recorded = time.monotonic() + 10
        while not offline_scans(event) and time.monotonic() < recorded:
            time.sleep(0.1)  # the first attempt, still on its way, is recorded
    finally:
        sqlalchemy_event.remove(db.engine, "before_cursor_execute", hold_scan_inserts)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # send the queue now
    page.wait_for_function("document.getElementById('status-queue').dataset.count === '0'")
    scans = offline_scans(event)
    assert [(one.result, one.offline) for one in scans] == [("admitted", False)]


def test_out_and_back_in_offline(page, live_server, make_user, make_event):
    staff = make_user("staff")
    event = door_event(make_event)
    token = badge_token(registered(event, event.categories[0], "Coffee", 1))
    sign_in(page, live_server, staff)
    open_scanner(page, live_server, event, badges=1)
    go_offline(page.context)
    shown = []
    for gate in (GATE, EXIT_GATE, GATE, GATE):
        if page.is_visible("#scan-result"):
            page.click("#scan-result")  # tap to continue
        page.select_option("#gate", gate)
        page.click("#scan-code")
        shown.append(scan(page, token)["title"])
    assert shown == ["Admitted", "Left", "Back in", "Already inside"]
    go_online(page.context)
    page.wait_for_function("document.getElementById('status-queue').dataset.count === '0'")
    scans = offline_scans(event)
    assert [one.result for one in scans] == ["admitted", "exited", "reentered", "already_inside"]
    assert [one.offline_result for one in scans] == [one.result for one in scans]
    assert scans[1].follows_scan_id == scans[0].id
    assert scans[2].follows_scan_id == scans[1].id


def test_two_offline_scanners_admitting_one_badge_record_one_admission(
    page, browser, live_server, make_user, make_event
):
    event = door_event(make_event)
    registration = registered(event, event.categories[0], "Twice", 1)
    token = badge_token(registration)
    other_context = browser.new_context(bypass_csp=True, base_url=live_server.url, locale="en-GB")
    other_context.set_default_timeout(TIMEOUT_MS)
    try:
        pages = [page, other_context.new_page()]
        for number, scanner in enumerate(pages):
            sign_in(scanner, live_server, make_user("staff", email=f"door{number}@example.test"))
            open_scanner(scanner, live_server, event, badges=1)
            go_offline(scanner.context)
        for scanner in pages:
            assert scan(scanner, token)["title"] == "Admitted"
            assert queue_count(scanner) == 1
        for scanner in pages:
            go_online(scanner.context)
            scanner.wait_for_function(
                "document.getElementById('status-queue').dataset.count === '0'"
            )
    finally:
        other_context.close()
    scans = offline_scans(event)
    assert sorted((one.result, one.offline_result) for one in scans) == [
        ("admitted", "admitted"),
        ("already_inside", "admitted"),
    ]


def test_a_signed_out_device_drops_its_list_and_keeps_its_queue(
    page, live_server, make_user, make_event
):
    staff = make_user("staff")
    event = door_event(make_event)
    registration = registered(event, event.categories[0], "Queued", 1)
    sign_in(page, live_server, staff)
    open_scanner(page, live_server, event, badges=1)
    go_offline(page.context)
    assert scan(page, badge_token(registration))["title"] == "Admitted"

    end_sessions(staff)  # signed out everywhere (as a password change or sign-out does)
    db.session.commit()
    go_online(page.context)  # the next contact: the list sync, then the queue
    page.wait_for_function("document.getElementById('status-list').dataset.state === 'dropped'")
    assert page.inner_text("#status-list") == "List dropped: sign in again."
    stored = page.evaluate(STORED_COUNTS, f"eventhub-door-{event.slug}")
    # The scan still to send, and what it did (this device let them in), are kept.
    assert stored == {"badges": 0, "people": 0, "meta": 0, "local": 1, "queue": 1}
    page.wait_for_function("document.getElementById('status-queue').dataset.count === '1'")
    assert offline_scans(event) == []


def test_the_list_follows_the_changes_in_deltas(page, live_server, make_user, make_event):
    staff = make_user("staff")
    event = door_event(make_event)
    cancelled, inside, reissued = (
        registered(event, event.categories[0], name, number)
        for number, name in enumerate(("Cancelled", "Inside", "Reissued"), start=1)
    )
    old_token = badge_token(reissued)
    sign_in(page, live_server, staff)
    open_scanner(page, live_server, event, badges=3)

    cancel(cancelled)
    reissue_badge(reissued)
    now = utcnow()
    hall = next(zone for zone in event.zones if zone.name == "Hall 1")
    db.session.add(
        Scan(event_id=event.id, registration_id=inside.id, gate=GATE, result="admitted",
             code="x", scanned_at=now, recorded_at=now, day=event_day(event, now),
             zone_key=hall.id)
    )  # fmt: skip
    db.session.commit()
    page.evaluate("window.dispatchEvent(new Event('online'))")  # sync now
    page.wait_for_function("performance.getEntriesByName('eventhub-door-list').length === 2")
    assert (
        page.evaluate("performance.getEntriesByName('eventhub-door-list')[1].detail.full") is False
    )

    go_offline(page.context)
    shown = scan(page, badge_token(cancelled))
    assert shown["title"] == "Badge not valid"
    assert "The registration is cancelled." in page.inner_text("#scan-result-message")
    assert scan(page, badge_token(inside))["title"] == "Already inside"
    # At the event's time by the server's rules (Chromium's have had Casablanca an hour off).
    at_the_event = now.astimezone(event.tz)
    assert (
        page.inner_text("#scan-result-extra")
        == f"First entry at {at_the_event:%I:%M %p}, gate {GATE}"
    )
    assert scan(page, old_token)["title"] == "Badge not valid"
    assert "a new one was printed" in page.inner_text("#scan-result-message")
    shown = scan(page, badge_token(reissued))
    assert (shown["title"], shown["name"]) == ("Admitted", "Reissued Guest 3")
    assert page.get_attribute("#status-list", "data-count") == "3"


def test_a_list_download_cut_halfway_leaves_the_old_list(page, live_server, make_user, make_event):
    staff = make_user("staff")
    event = door_event(make_event)
    first = registered(event, event.categories[0], "Before", 1)
    sign_in(page, live_server, staff)
    open_scanner(page, live_server, event, badges=1)

    registered(event, event.categories[0], "After", 2)

    def cut_in_half(route: Any) -> None:
        response = route.fetch()
        body = response.body()
        route.fulfill(response=response, body=body[: len(body) // 2])

    page.route("**/door-list*", cut_in_half)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # sync now
    page.wait_for_timeout(500)
    assert page.get_attribute("#status-list", "data-count") == "1"
    assert page.inner_text("#status-list").startswith("List of 1 badge ·")

    page.unroute("**/door-list*")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.getElementById('status-list').dataset.count === '2'")
    go_offline(page.context)
    assert scan(page, badge_token(first))["title"] == "Admitted"


def test_a_full_zone_answers_amber_and_staff_may_let_them_in_anyway(
    page, live_server, make_user, make_event
):
    staff = make_user("staff")
    event = door_event(make_event, hall_capacity=1)
    inside, waiting = (registered(event, event.categories[0], "Hall", n) for n in (1, 2))
    sign_in(page, live_server, staff)
    open_scanner(page, live_server, event, badges=2)
    assert scan(page, badge_token(inside))["title"] == "Admitted"

    shown = scan(page, badge_token(waiting))
    assert shown["title"] == "Area full"
    assert "scan-amber" in shown["class"]
    assert page.inner_text("#scan-result-extra") == "Hall 1: 1 inside of 1"
    assert shown["focus"] == "scan-code"
    before = answers_shown(page)
    page.click("#scan-override")
    wait_for_answer(page, before)
    assert page.inner_text("#scan-result-title") == "Admitted"
    assert "scan-green" in page.get_attribute("#scan-result", "class")
    page.wait_for_function("document.activeElement.id === 'scan-code'")

    scans = [one for one in offline_scans(event) if one.registration_id == waiting.id]
    assert [(one.result, one.override, one.offline) for one in scans] == [
        ("zone_full", False, False),
        ("admitted", True, False),
    ]
    assert scans[0].nonce != scans[1].nonce


def test_without_a_secure_context_the_page_scans_online_only(
    page, live_server, make_user, make_event
):
    staff = make_user("staff")
    event = door_event(make_event)
    registration = registered(event, event.categories[0], "Plain", 1)
    page.context.add_init_script(
        "Object.defineProperty(window, 'isSecureContext', {get: () => false})"
    )
    sign_in(page, live_server, staff)
    page.goto(live_server(f"/events/{event.slug}/scan"))
    page.select_option("#gate", GATE)
    page.wait_for_function("document.getElementById('status-list').dataset.state === 'off'")
    assert page.inner_text("#status-list").startswith("Offline mode needs HTTPS")
    page.click("#scan-code")
    shown = scan(page, badge_token(registration))
    assert (shown["title"], shown["mode"]) == ("Admitted", "")


def test_a_refused_csrf_token_is_renewed_and_the_scan_sent_again(
    page, live_server, make_user, make_event
):
    staff = make_user("staff")
    event = door_event(make_event)
    registration = registered(event, event.categories[0], "Token", 1)
    sign_in(page, live_server, staff)

    def stale_token(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        body["csrf_token"] = "expired-token"
        route.fulfill(response=response, json=body)

    page.route("**/door-list*", stale_token)
    open_scanner(page, live_server, event, badges=1)
    page.unroute("**/door-list*")
    answers: list[int] = []
    page.on(
        "response",
        lambda response: answers.append(response.status) if "checkins" in response.url else None,
    )
    shown = scan(page, badge_token(registration))
    assert (shown["title"], shown["mode"]) == ("Admitted", "")
    assert answers == [400, 201]  # refused for its token, then sent again with the list's
    assert [(one.result, one.offline) for one in offline_scans(event)] == [("admitted", False)]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_offline_answer_is_in_the_staff_members_language(
    browser, app, live_server, make_user, make_event, language
):
    from flask_babel import force_locale, gettext

    staff = make_user("staff")
    event = door_event(make_event)
    token = badge_token(registered(event, event.categories[0], "Nadia", 1))
    with app.test_request_context(), force_locale(language):
        expected = (gettext("Admitted"), gettext("Offline: decided by this device from its list"))
    assert expected[1] != "Offline: decided by this device from its list"
    context = browser.new_context(
        bypass_csp=True,
        base_url=live_server.url,
        locale=language,
        viewport={"width": 390, "height": 844},
    )
    context.add_cookies([{"name": "eventhub_lang", "value": language, "url": live_server.url}])
    try:
        phone = context.new_page()
        sign_in(phone, live_server, staff)
        open_scanner(phone, live_server, event, badges=1)
        go_offline(context)
        shown = scan(phone, token)
        assert (shown["title"], shown["mode"]) == expected
        assert phone.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


EVENT_DAYS = """() => {
  const event = {
    day: "2026-12-07",
    timezone: "Africa/Casablanca",
    day_starts_at: "2026-12-06T23:00:00+00:00",
    day_ends_at: "2026-12-07T23:00:00+00:00",
  };
  const at = (text) => EventHubDecide.eventDay(Date.parse(text), event);
  return [
    at("2026-12-06T22:59:59Z"),
    at("2026-12-06T23:00:00Z"),
    at("2026-12-06T23:30:00Z"),
    at("2026-12-07T22:59:59Z"),
    at("2026-12-07T23:00:00Z"),
    at("2026-12-09T08:00:00Z"),
    at("2026-12-04T12:00:00Z"),
    new Date(EventHubDecide.wallClock(Date.parse("2026-12-06T23:30:00Z"), event)).toISOString(),
  ];
}"""


def test_the_device_takes_the_day_from_the_lists_bounds(page, live_server):
    """Chromium's time zone rules have put Casablanca an hour off the server's: the device
    counts days from the instants the list gives, whatever its own rules say."""
    page.goto(live_server("/login"))
    page.add_script_tag(url=live_server("/static/js/scanner-decide.js"))
    assert page.evaluate(EVENT_DAYS) == [
        "2026-12-06",
        "2026-12-07",
        "2026-12-07",
        "2026-12-07",
        "2026-12-08",
        "2026-12-09",
        "2026-12-04",
        "2026-12-07T00:30:00.000Z",  # its UTC fields: half past midnight at the event
    ]
