"""The organiser's event navigation in Chromium: one row of groups at 1280 px, one compact
menu on a phone (390 px, in Arabic), no horizontal overflow, usable with the keyboard alone;
and the dashboard chart's labels stay at least 11 px on a phone."""

from __future__ import annotations

import pytest

from tests.support.browser import sign_in

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _open_as_organiser(page, live_server, make_user, language, width, path):
    organiser = make_user("admin")
    page.context.add_cookies([{"name": "eventhub_lang", "value": language, "url": live_server()}])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, organiser)
    page.goto(live_server(path))


def _tab_to(page, selector, presses=60):
    """Press Tab until the element matching `selector` has the focus, as a keyboard user."""
    target = page.locator(selector).first
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return target
    raise AssertionError(f"{selector} never got the focus")


def test_on_a_phone_in_arabic_one_menu_opens_with_the_keyboard(
    page, live_server, make_user, make_event
):
    from playwright.sync_api import expect

    event = make_event(slug="nav-phone")
    _open_as_organiser(
        page, live_server, make_user, "ar", 390, f"/organiser/events/{event.slug}/zones"
    )
    assert page.get_attribute("html", "dir") == "rtl"
    expect(page.locator(".event-nav-row")).to_be_hidden()
    menu = page.locator(".event-nav-compact")
    expect(menu).to_be_visible()
    assert page.evaluate(NO_OVERFLOW)
    closed = menu.bounding_box()
    assert closed["height"] < 80  # one line, not rows of links

    summary = _tab_to(page, ".event-nav-compact > summary")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    current = menu.locator("a[aria-current='page']")
    expect(current).to_have_attribute("href", f"/organiser/events/{event.slug}/zones")
    links = menu.locator("a")
    assert links.count() == 27  # with programme outcomes
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, links.nth(index).inner_text()
    assert page.evaluate(NO_OVERFLOW)

    page.keyboard.press("Tab")  # into the menu: the first link
    assert page.evaluate("document.activeElement.closest('.event-nav-compact') !== null")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    assert summary.evaluate("element => element === document.activeElement")

    page.keyboard.press("Enter")
    menu.locator("a[href$='/gates']").focus()
    page.keyboard.press("Enter")  # follow a link with the keyboard
    page.wait_for_url(f"**/organiser/events/{event.slug}/gates")
    expect(page.locator(".event-nav-compact a[aria-current='page']")).to_have_attribute(
        "href", f"/organiser/events/{event.slug}/gates"
    )


def test_at_1280_px_the_groups_fit_one_row(page, live_server, make_user, make_event):
    from playwright.sync_api import expect

    event = make_event(slug="nav-wide")
    _open_as_organiser(
        page, live_server, make_user, "fr", 1280, f"/organiser/events/{event.slug}/door-conflicts"
    )
    expect(page.locator(".event-nav-compact")).to_be_hidden()
    summaries = page.locator(".event-nav-row summary")
    assert summaries.count() == 5
    tops = {round(summaries.nth(index).bounding_box()["y"]) for index in range(5)}
    assert len(tops) == 1  # one row
    assert page.evaluate(NO_OVERFLOW)
    current_group = page.locator(".event-nav-group.is-current")
    expect(current_group.locator("summary")).to_contain_text("Entrées")  # the Door group, in French

    door = _tab_to(page, ".event-nav-group.is-current > summary")
    page.keyboard.press("Enter")
    expect(current_group).to_have_attribute("open", "")
    current = current_group.locator("a[aria-current='page']")
    expect(current).to_be_visible()
    expect(current).to_have_attribute("href", f"/organiser/events/{event.slug}/door-conflicts")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.event-nav-group') !== null")
    page.keyboard.press("Escape")
    expect(current_group).not_to_have_attribute("open", "")
    assert door.evaluate("element => element === document.activeElement")

    # Opening another group closes the first; a click elsewhere closes it too.
    page.locator(".event-nav-row summary").first.click()
    setup = page.locator(".event-nav-group").first
    expect(setup).to_have_attribute("open", "")
    box = setup.locator(".event-nav-links").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
    page.locator(".event-nav-row summary").nth(1).click()
    expect(setup).not_to_have_attribute("open", "")
    page.mouse.click(1200, 700)  # elsewhere on the page
    expect(page.locator(".event-nav-group[open]")).to_have_count(0)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_dashboard_chart_labels_stay_readable_on_a_phone(
    page, live_server, make_user, make_event, make_registration, language
):
    event = make_event(slug=f"chart-{language}")
    for _ in range(3):
        make_registration(event)
    _open_as_organiser(page, live_server, make_user, language, 390, "/organiser/")
    assert page.evaluate(NO_OVERFLOW)
    labels = page.locator(".reg-chart svg text")
    assert labels.count() >= 2
    for index in range(labels.count()):
        label = labels.nth(index)
        size = label.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
        height = label.evaluate("element => element.getBoundingClientRect().height")
        assert size >= 11 and height >= 11, label.text_content()
    assert page.locator(".reg-chart svg[role='img'] title").count() >= 1
