"""Booths in Chromium: a startup applies, the organiser approves and allocates, the startup
sees its booth highlighted on the floor plan, and finds another exhibitor from the list.

Here rather than in tests/booths so that it shares this folder's one browser session."""

from __future__ import annotations

import pytest

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
    row = page.locator("tr", has_text="Nour Health")
    row.locator("select[name=decision]").select_option("approve")
    row.locator("button:has-text('Decide')").click()
    page.get_by_role("dialog").get_by_role("button", name="Decide").click()  # it asks first
    expect(page.locator(".flashes")).to_contain_text("Nour Health: Approved.")
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
