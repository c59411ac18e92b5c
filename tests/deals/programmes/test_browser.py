"""In a real Chromium, on a phone (390 px): the organiser finds the programme outcomes in
the event's navigation, opens a programme, and renames a programme in Arabic; axe finds
nothing serious on these pages."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import BLOCKING, axe_violations
from tests.support import factories
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")


def serious(page) -> list[str]:
    return [v["id"] for v in axe_violations(page) if v["impact"] in BLOCKING]


def test_the_organiser_reads_the_outcomes_on_a_phone(page, live_server, world, tmp_path):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, factories.create_user("admin"))
    page.goto(live_server(f"/organiser/events/{world.event.slug}/programmes"))
    assert fits_the_screen(page)
    assert serious(page) == []
    page.screenshot(path=str(tmp_path / "outcomes.png"), full_page=True)
    page.get_by_role("link", name="DigitAgri", exact=True).click()
    page.wait_for_url(f"**/programmes/{world.programmes['DigitAgri'].id}")
    figures = page.locator("#programme-figures").inner_text()
    assert "Meetings held" in figures
    assert fits_the_screen(page)
    assert serious(page) == []
    with page.expect_download() as download:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = ''; "
            "document.body.append(a); a.click(); }",
            f"/organiser/events/{world.event.slug}/programmes.xlsx",
        )
    assert download.value.suggested_filename == "outcome-expo-programme-outcomes.xlsx"


def test_the_programmes_page_in_arabic(page, live_server, world):
    page.set_viewport_size(PHONE)
    admin = factories.create_user("admin", preferred_language="ar")
    sign_in(page, live_server, admin)
    page.goto(live_server("/organiser/programmes"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "الفلاحة الرقمية" in page.locator("#programmes").inner_text()
    assert fits_the_screen(page)
    assert serious(page) == []
    page.locator("#programmes a").first.click()
    page.fill("#name_ar", "برنامج التسريع الجديد")
    page.locator("main form button[type='submit']").click()
    page.wait_for_url("**/organiser/programmes")
    assert "برنامج التسريع الجديد" in page.locator("#programmes").inner_text()
