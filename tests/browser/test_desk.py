"""The help desk in a browser: staff find a person, check them in by hand with a reason
and see the entry; at 390 px and in Arabic the page still fits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventhub.checkin.models import Scan
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
from tests.support.browser import sign_in
from tests.support.dates import event_today

pytestmark = pytest.mark.browser


def running_event(make_event):
    today = event_today()
    return make_event(first_day=today - timedelta(days=1), last_day=today + timedelta(days=1))


def test_staff_search_and_check_someone_in_by_hand(
    page, live_server, make_user, make_event, tmp_path
):
    staff = make_user("staff")
    event = running_event(make_event)
    registration = register(
        event,
        event.categories[0],
        Attendee("Hélène", "Lefèvre", "helene@example.test", organization="École Centrale"),
        enforce_window=False,
    )
    db.session.commit()

    sign_in(page, live_server, staff)
    page.goto(live_server("/staff/"))
    page.click(f"a[href='/events/{event.slug}/desk']")
    page.fill("#q", "ecole lefevre")
    page.click("form[role='search'] button[type='submit']")
    row = page.locator(f"#person-{registration.id}")
    row.wait_for()
    assert "Hélène Lefèvre" in row.inner_text()

    row.locator("input[name='reason']").fill("Badge left at the hotel")
    row.locator("button[type='submit']").click()
    page.wait_for_selector(".flash-success, .flash")
    assert "Hélène Lefèvre is checked in." in page.inner_text("main")
    entry = page.locator(f"#person-{registration.id} .desk-entry")
    assert "Help desk" in entry.inner_text() and "by hand" in entry.inner_text()
    assert page.locator(f"#person-{registration.id} input[name='reason']").count() == 0
    page.screenshot(path=str(tmp_path / "desk.png"))

    scan = db.session.scalar(select(Scan).where(Scan.registration_id == registration.id))
    assert scan.manual and scan.note == "Badge left at the hotel" and scan.user_id == staff.id


def test_the_desk_fits_a_phone_in_arabic(browser, live_server, app, make_user, make_event):
    staff = make_user("staff")
    event = running_event(make_event)
    register(
        event,
        event.categories[0],
        Attendee("مُحَمَّد", "الأمين", "m@example.test", organization="جامعة الأخوين"),
        enforce_window=False,
    )
    db.session.commit()
    context = browser.new_context(
        bypass_csp=True,
        base_url=live_server.url,
        locale="ar",
        viewport={"width": 390, "height": 844},
    )
    try:
        phone = context.new_page()
        sign_in(phone, live_server, staff)
        phone.goto(live_server(f"/events/{event.slug}/desk?q=محمد"))
        assert phone.get_attribute("html", "dir") == "rtl"
        assert "مُحَمَّد الأمين" in phone.inner_text("main")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
    finally:
        context.close()


PRINT_SPY = """
window.print = function () { window.top.__printed = (window.top.__printed || 0) + 1; };
window.open = function (url) { window.top.__opened = String(url); return null; };
"""


def test_the_kiosk_page_prints_the_badge(page, live_server, make_user, make_event):
    staff = make_user("staff")
    event = running_event(make_event)
    registration = register(
        event,
        event.categories[0],
        Attendee("Yassine", "Amrani", "yassine@example.test"),
        enforce_window=False,
    )
    db.session.commit()
    page.add_init_script(PRINT_SPY)  # every frame: the page's and, if HTML, the badge's

    sign_in(page, live_server, staff)
    page.goto(live_server(f"/events/{event.slug}/desk/{registration.id}/print"))
    pdf_url = page.get_attribute("#print-badge", "data-pdf")
    badge = page.request.get(live_server(pdf_url))
    assert badge.status == 200 and badge.body().startswith(b"%PDF")
    page.click("#print-badge")
    page.wait_for_function("window.__printed > 0 || window.__opened !== undefined")
    # The frame's PDF is printed where the browser allows it; otherwise the PDF opens.
    printed, opened = page.evaluate("[window.__printed || 0, window.__opened || '']")
    assert printed > 0 or opened.endswith(pdf_url)
