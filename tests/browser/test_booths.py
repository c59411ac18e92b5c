"""Booths in Chromium: a startup applies, the organiser approves and allocates, the startup
sees its booth highlighted on the floor plan, and finds another exhibitor from the list.

Here rather than in tests/booths so that it shares this folder's one browser session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.booths.floorplan import BoothSpec
from eventhub.booths.layout import HallDetails, add_booths, booth_by_code, create_hall
from eventhub.booths.models import BoothApplication
from eventhub.extensions import db
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


def startup_account(make_user, name: str, sector: str):
    user = make_user("startup")
    user.startup.name, user.startup.sector, user.startup.programme = name, sector, "Accelerate"
    db.session.commit()
    return user


def sign_out(page) -> None:
    page.click("header .header-tools button[type=submit]:has-text('Sign out')")
    page.wait_for_load_state()


def test_apply_approve_allocate_and_see_the_booth(
    page, live_server, make_event, make_user, tmp_path
):
    from playwright.sync_api import expect

    event = make_event(slug="booth-expo", name="Booth Expo")
    hall = create_hall(event, HallDetails(name="Hall 1", width=40, depth=20))
    specs = [BoothSpec(f"A0{n}", 2 + 3 * (n - 1), 2, 3, 3, zone="ai") for n in range(1, 7)]
    specs += [BoothSpec(f"F0{n}", 2 + 3 * (n - 1), 10, 3, 3, zone="fintech") for n in (1, 2)]
    add_booths(event, hall, specs)
    organiser = make_user("admin")
    founder = startup_account(make_user, "Nour Health", "healthtech")
    # Another exhibitor, approved already, to find from the directory list.
    other = startup_account(make_user, "Souk Pay", "fintech").startup
    db.session.add(BoothApplication(event_id=event.id, startup_id=other.id, area_wanted=9,
                                    preferred_zones=["fintech"], status="approved"))  # fmt: skip
    db.session.commit()

    # The startup applies.
    sign_in(page, live_server, founder)
    page.goto(live_server(f"/events/{event.slug}/booth-application"))
    page.select_option("#kind", "standard")
    page.fill("#area_wanted", "9")
    page.select_option("#zone_1", "healthtech")
    page.fill("#preferred_booths", "A05")
    page.fill("#notes", "We bring a demo robot.")
    page.click("main form button[type=submit]")
    assert "Application sent" in page.inner_text(".flashes")
    assert page.inner_text("#application-status .status-pill") == "Pending"
    sign_out(page)

    # The organiser approves it and commits the allocation.
    sign_in(page, live_server, organiser)
    page.goto(live_server(f"/organiser/events/{event.slug}/booth-applications?status=pending"))
    page.locator("tr", has_text="Nour Health").locator("input[name=application]").check()
    page.click("button:has-text('Approve ticked')")
    page.get_by_role("dialog").get_by_role("button", name="Decide").click()  # it asks first
    expect(page.locator(".flashes")).to_contain_text("1 application approved.")
    page.goto(live_server(f"/organiser/events/{event.slug}/allocation"))
    assert page.locator("table.changes tr[data-kind=new]", has_text="Nour Health").count() == 1
    page.click("#dry-run form button[type=submit]")
    page.get_by_role("dialog").get_by_role("button", name="Commit this plan").click()
    expect(page.locator(".flashes")).to_contain_text("Allocation saved")
    sign_out(page)

    # The startup finds its booth, highlighted on the plan.
    db.session.expire_all()
    placed = {b.exhibitor.name: b.code for b in hall.booths if b.exhibitor}
    assert placed["Nour Health"] == "A05"  # its preferred booth
    sign_in(page, live_server, founder)
    page.goto(live_server("/my/booths"))
    page.click("a:has-text('See it on the plan')")
    highlighted = page.locator("svg.floorplan g.booth-highlight")
    highlighted.wait_for()
    assert highlighted.get_attribute("id") == "booth-A05"
    assert "Nour Health" in page.inner_text("#found-booth")
    page.screenshot(path=str(tmp_path / "my-booth.png"), full_page=True)

    # The directory list: typing filters it, choosing an exhibitor moves the highlight.
    page.fill("#exhibitor-search", "souk")
    visible = page.locator("#exhibitor-list li:not([hidden])")
    assert visible.count() == 1
    visible.locator("a").click()
    code = placed["Souk Pay"]
    assert booth_by_code(event, code).exhibitor.name == "Souk Pay"
    page.wait_for_function(
        f"document.getElementById('booth-{code}').classList.contains('booth-highlight')"
    )
    assert page.locator("svg.floorplan g.booth-highlight").count() == 1
    assert f"booth={code}" in page.url


def test_tick_every_application_of_the_page_then_reject_them_with_a_reason(
    page, live_server, make_event, make_user, tmp_path
):
    from playwright.sync_api import expect

    event = make_event(slug="tick-expo", name="Tick Expo")
    for number in range(3):
        startup = startup_account(make_user, f"Tick {number}", "ai").startup
        db.session.add(BoothApplication(event_id=event.id, startup_id=startup.id, area_wanted=9,
                                        status="pending"))  # fmt: skip
    db.session.commit()
    sign_in(page, live_server, make_user("admin"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server(f"/organiser/events/{event.slug}/booth-applications?sort=startup"))
    count = page.locator("[data-selected-count]")
    select_all = page.locator("[data-select-all]")
    assert select_all.is_visible() and count.inner_text() == "0"
    select_all.check()
    assert count.inner_text() == "3"
    page.locator("tr", has_text="Tick 1").locator("input[name=application]").uncheck()
    assert count.inner_text() == "2"
    assert select_all.evaluate("box => box.indeterminate")
    select_all.check()
    page.screenshot(path=str(tmp_path / "ticked-390.png"), full_page=True)
    # Without a reason the page says so and keeps the ticks.
    page.click("button:has-text('Reject ticked')")
    page.get_by_role("dialog").get_by_role("button", name="Decide").click()
    expect(page.locator("#reason-errors")).to_contain_text("Give the startups a reason")
    assert page.locator("input[name=application]:checked").count() == 3
    assert count.inner_text() == "3"
    page.fill("#reason", "The hall is full.")
    page.click("button:has-text('Reject ticked')")
    page.get_by_role("dialog").get_by_role("button", name="Decide").click()
    expect(page.locator(".flashes")).to_contain_text("3 applications rejected.")
    assert "sort=startup" in page.url
    db.session.expire_all()
    statuses = db.session.scalars(
        select(BoothApplication.status).where(BoothApplication.event_id == event.id)
    ).all()
    assert statuses == ["rejected"] * 3
