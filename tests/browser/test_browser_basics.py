"""The first things a person does, in a real Chromium: switch language, sign in."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_language_switch_login_and_dashboard(page, live_server, make_user, make_event, tmp_path):
    from playwright.sync_api import expect

    make_event(name="Marrakech Tech Expo")
    admin = make_user("admin", email="admin@eventhub.test")

    page.goto(live_server("/"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_text("Marrakech Tech Expo")).to_be_visible()

    page.locator("form.lang-switch button[value='ar']").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("form.lang-switch button[value='ar']")).to_have_attribute(
        "aria-current", "true"
    )

    page.goto(live_server("/login"))
    login_form = page.locator("main form")
    # The form carries a real CSRF token: the live server checks it.
    assert login_form.locator("input[name='csrf_token']").get_attribute("value")
    login_form.locator("input[name='email']").fill(admin.email)
    login_form.locator("input[name='password']").fill(TEST_PASSWORD)
    login_form.locator("button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/organiser/$"))
    with force_locale("ar"):
        heading = gettext("Organiser dashboard")
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("link", name="Marrakech Tech Expo").first).to_be_visible()

    screenshot = tmp_path / "organiser-dashboard.png"
    page.screenshot(path=str(screenshot), full_page=True)
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 5_000


def test_login_form_refuses_a_stale_csrf_token(page, live_server, make_user):
    """CSRF protection is really on in the live server: a tampered token is refused."""
    from playwright.sync_api import expect

    admin = make_user("admin")
    page.goto(live_server("/login"))
    form = page.locator("main form")
    form.locator("input[name='csrf_token']").evaluate("input => input.value = 'tampered'")
    form.locator("input[name='email']").fill(admin.email)
    form.locator("input[name='password']").fill(TEST_PASSWORD)
    form.locator("button[type='submit']").click()

    expect(page).not_to_have_url(re.compile(r"/organiser/"))
    page.goto(live_server("/organiser/"))
    expect(page).to_have_url(re.compile(r"/login"))
