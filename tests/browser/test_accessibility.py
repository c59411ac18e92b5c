"""Phones and accessibility in Chromium, on the demo data:

- axe-core (vendored, static/vendor/axe-core/axe.min.js; injected by the test, never loaded by
  a page) over the main pages of every role in French, English and Arabic: no serious or
  critical violation;
- at 390 px: no page of the organiser that lists things is wider than the screen, the row
  actions are on screen, and the floor plan zooms and pans inside its frame;
- registering for an event and scanning a badge at the door with the keyboard alone, the
  focus always visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from eventhub.badges.signing import badge_token
from eventhub.demo import DEMO_PASSWORD, seed_demo
from eventhub.extensions import db
from eventhub.registration.models import Registration
from eventhub.registration.register import Attendee, register
from tests.support.browser import sign_in
from tests.support.dates import event_today

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(__file__).parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
LANGUAGES = ("fr", "en", "ar")
BLOCKING = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
EXPO, DEMO_DAY = "tech-expo-marrakech", "demo-day-casablanca"


@dataclass(frozen=True)
class Demo:
    manage_token: str


@pytest.fixture
def demo(app) -> Demo:
    """The demo data (`flask seed-demo`) in the test database; emptied after the test."""
    seed_demo()
    db.session.commit()
    token = db.session.scalar(
        select(Registration.manage_token)
        .where(Registration.status == "confirmed")
        .order_by(Registration.id)
        .limit(1)
    )
    return Demo(manage_token=token)


def main_pages(demo: Demo) -> dict[str | None, list[str]]:
    """The main pages of each role (None: not signed in)."""
    expo, day = f"/events/{EXPO}", f"/events/{DEMO_DAY}"
    organiser = f"/organiser/events/{EXPO}"
    return {
        None: ["/", expo, f"{expo}/register", f"{expo}/exhibitors", f"{expo}/floor-plan",
               f"/r/{demo.manage_token}", "/login", day],
        "startup": ["/my/home", f"{expo}/booth-application", f"{day}/investors",
                    f"{day}/requests", "/my/agenda", "/my/booths"],
        "investor": ["/my/home", f"{day}/my-slots", f"{day}/agenda", f"{day}/requests",
                     f"{day}/startups"],
        "staff": ["/staff/", f"{expo}/scan", f"{expo}/desk"],
        "admin": ["/organiser/", f"{organiser}/edit", f"{organiser}/categories",
                  f"{organiser}/zones", f"{organiser}/gates", f"{organiser}/registrations",
                  f"{organiser}/attendance", f"{organiser}/allocation",
                  f"{organiser}/booth-applications", f"{organiser}/booths",
                  f"/organiser/events/{DEMO_DAY}/meetings", "/organiser/users",
                  "/organiser/invitations"],
    }  # fmt: skip


def demo_account(role: str) -> SimpleNamespace:
    return SimpleNamespace(email=f"{role}@eventhub.test")


def set_language(context, live_server, language: str) -> None:
    context.add_cookies([{"name": "eventhub_lang", "value": language, "url": live_server.url}])


RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


AXE_URL = "/static/vendor/axe-core/axe.min.js"  # AXE_SCRIPT, as the app serves it


def axe_violations(page) -> list[dict]:
    # From the site itself: the Content-Security-Policy refuses inline scripts, and so
    # an injected copy of axe (add_script_tag's `path` inlines the file).
    page.add_script_tag(url=AXE_URL)
    return page.evaluate(RUN_AXE)


def described(role: str | None, language: str, path: str, violation: dict) -> str:
    return (
        f"[{role or 'anonymous'} {language}] {path}: {violation['impact']} {violation['id']}"
        f" ({violation['help']}) at {', '.join(violation['nodes'])}"
    )


@pytest.mark.slow  # about 140 s: 34 pages × 3 languages, axe's colour contrast check the most
def test_main_pages_of_every_role_have_no_serious_axe_violation(browser, live_server, demo):
    problems: list[str] = []
    for role, paths in main_pages(demo).items():
        context = browser.new_context(bypass_csp=True, base_url=live_server.url)
        page = context.new_page()
        if role:
            sign_in(page, live_server, demo_account(role), DEMO_PASSWORD)
        for language in LANGUAGES:
            set_language(context, live_server, language)
            for path in paths:
                response = page.goto(live_server(path))
                assert response is not None and response.status == 200, (role, path)
                assert page.get_attribute("html", "lang") == language
                assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
                problems += [
                    described(role, language, path, violation)
                    for violation in axe_violations(page)
                    if violation["impact"] in BLOCKING
                ]
        context.close()
    assert not problems, "axe-core found:\n" + "\n".join(problems)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def on_screen(page, selector: str) -> bool:
    """Whether the first element matching `selector` lies within the screen's width."""
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


ORGANISER_LISTS = {
    f"/organiser/events/{EXPO}/registrations": "table.registrations td.row-actions button",
    f"/organiser/events/{EXPO}/booths": "table.stack td.code-cell a",
    "/organiser/users": "table.users td a",
    "/organiser/invitations": "table.invitations td",
    f"/organiser/events/{EXPO}/gates": "table.stack td",
    f"/organiser/events/{EXPO}/categories": "table.stack td",
    f"/organiser/events/{EXPO}/zones": "table.stack td",
    f"/organiser/events/{EXPO}/booth-applications": "table.applications td",
    "/organiser/": "table td",
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_organiser_lists_fit_a_phone_with_their_actions_on_screen(
    browser, live_server, demo, language
):
    context = browser.new_context(bypass_csp=True, base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, demo_account("admin"), DEMO_PASSWORD)
    set_language(context, live_server, language)
    for path, action in ORGANISER_LISTS.items():
        page.goto(live_server(path))
        assert page_width(page) <= PHONE["width"], path
        assert on_screen(page, action), (path, action)
    context.close()


def plan_state(page) -> dict:
    return page.evaluate(
        """() => {
          const svg = document.querySelector("svg.floorplan");
          const frame = svg.closest(".plan-scroll");
          return {zoom: Number(svg.dataset.zoom || 1), width: svg.getBoundingClientRect().width,
                  frame: frame.clientWidth, left: frame.scrollLeft,
                  hidden: document.querySelectorAll("text.booth-code.label-too-small").length,
                  labels: document.querySelectorAll("text.booth-code").length};
        }"""
    )


def smallest_shown_label(page) -> float:
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll("svg.floorplan text.booth-code")]
             .filter(t => !t.classList.contains("label-too-small"))
             .map(t => t.getBoundingClientRect().height), 99)"""
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_floor_plan_zooms_and_pans_inside_its_frame_on_a_phone(
    browser, live_server, demo, language, tmp_path
):
    context = browser.new_context(
        bypass_csp=True, base_url=live_server.url, viewport=PHONE, has_touch=True
    )
    set_language(context, live_server, language)
    page = context.new_page()
    page.goto(live_server(f"/events/{EXPO}/floor-plan"))
    assert page_width(page) <= PHONE["width"]
    first = plan_state(page)
    assert first["zoom"] == 1 and first["width"] <= first["frame"] + 1
    # At this scale the booth codes would be too small to read: hidden, the list says them.
    assert first["hidden"] >= first["labels"] > 0
    assert page.locator("#exhibitor-list li").count() > 0

    zoom_in = page.locator(".hall-plan").first.locator("button[data-zoom=in]")
    zoom_in.click()
    zoom_in.click()
    zoomed = plan_state(page)
    assert zoomed["zoom"] == pytest.approx(2.25, abs=0.01)
    assert zoomed["width"] == pytest.approx(first["width"] * 2.25, rel=0.02)
    assert page_width(page) <= PHONE["width"]
    zoom_in.click()
    zoom_in.click()
    closer = plan_state(page)
    assert closer["hidden"] < closer["labels"]  # readable codes appear
    assert smallest_shown_label(page) >= 8  # a glyph box of 11 px type is about 8 px high
    page.screenshot(path=str(tmp_path / f"plan-zoomed-{language}.png"))

    # The keyboard: the frame takes the focus, the arrows pan it, - and 0 zoom out.
    frame = page.locator(".plan-scroll").first
    page.locator(".hall-plan").first.locator("button[data-zoom=reset]").focus()
    page.keyboard.press("Tab")
    assert frame.evaluate("el => el === document.activeElement")
    outline = frame.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    before = plan_state(page)["left"]
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector('.plan-scroll').scrollLeft > {before}")
    page.keyboard.press("-")
    assert plan_state(page)["zoom"] == pytest.approx(closer["zoom"] / 1.5, abs=0.01)
    page.keyboard.press("+")
    assert plan_state(page)["zoom"] == pytest.approx(closer["zoom"], abs=0.01)
    page.keyboard.press("0")
    assert plan_state(page)["zoom"] == 1
    page.locator(".hall-plan").first.locator("button[data-zoom=in]").click()
    page.locator(".hall-plan").first.locator("button[data-zoom=reset]").click()
    assert plan_state(page)["zoom"] == 1
    assert page_width(page) <= PHONE["width"]
    context.close()


def test_floor_plan_on_a_wide_screen_shows_readable_codes(browser, live_server, demo):
    context = browser.new_context(
        bypass_csp=True, base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(live_server(f"/events/{EXPO}/floor-plan"))
    state = plan_state(page)
    assert state["hidden"] < state["labels"]
    assert smallest_shown_label(page) >= 8
    context.close()


# Keyboard only ------------------------------------------------------------------------------


def focused(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; return e ? (e.id || e.name || e.tagName) : ''; }"
    )


def tab_to(page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element with `element_id` has the focus, and check that the focus
    shows (an outline or a ring)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            style = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
            )
            assert (style[0] != "none" and style[1] != "0px") or style[2] != "none", (
                element_id,
                style,
            )
            return
    raise AssertionError(f"#{element_id} never took the focus with Tab (last: {focused(page)})")


def test_register_for_an_event_with_the_keyboard_alone(page, live_server, demo):
    from playwright.sync_api import expect

    page.goto(live_server(f"/events/{EXPO}"))
    tab_to(page, "first_name")
    page.keyboard.type("Salma")
    for field, text in (("last_name", "Bennani"), ("email", "salma.keys@example.test"),
                        ("organization", "Argan Agri")):  # fmt: skip
        tab_to(page, field, limit=3)
        page.keyboard.type(text)
    tab_to(page, "country", limit=3)
    page.keyboard.type("Morocco")  # a closed <select> picks the option typed
    tab_to(page, "consent", limit=3)
    page.keyboard.press("Space")
    assert page.is_checked("#consent")
    for _ in range(6):  # past the optional consents (news, exhibitors)
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**/r/**")
    expect(page.locator(".badge-preview .badge-name")).to_have_text("Salma Bennani")


def test_door_staff_scan_a_badge_with_the_keyboard_alone(page, live_server, make_user, make_event):
    staff = make_user("staff")
    event = make_event(
        first_day=event_today() - timedelta(days=1), last_day=event_today() + timedelta(days=1)
    )
    registration = register(
        event,
        event.categories[0],
        Attendee("Imane", "El Idrissi", "imane.keys@example.test"),
        enforce_window=False,
    )
    db.session.commit()

    # Signing in and reaching the scanner: Tab, type, Enter.
    page.goto(live_server("/login"))
    tab_to(page, "email")
    page.keyboard.type(staff.email)
    tab_to(page, "password", limit=3)
    from tests.support.factories import TEST_PASSWORD

    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(live_server("/staff/"))
    for _ in range(40):
        page.keyboard.press("Tab")
        if "/scan" in (page.evaluate("document.activeElement.getAttribute('href')") or ""):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/events/{event.slug}/scan")

    tab_to(page, "gate")
    page.keyboard.type("North entrance")
    tab_to(page, "scan-code", limit=10)
    page.keyboard.type(badge_token(registration))
    page.keyboard.press("Enter")
    result = page.locator("#scan-result")
    result.wait_for(state="visible")
    assert "scan-green" in result.get_attribute("class")
    assert page.inner_text("#scan-result-name") == "Imane El Idrissi"
