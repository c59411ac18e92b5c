"""An organiser invites a startup founder from the form; the founder follows the e-mailed
link in their own browser, chooses a password and lands on the startup's home page; the
organiser then sees the invitation accepted."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import TIMEOUT_MS, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a-founder-secret"
LINK = re.compile(r"https?://[^/\s]+(/invitation/[A-Za-z0-9_-]+)")


def test_an_invited_founder_sets_a_password_and_lands_home(
    page, browser, live_server, make_user, outbox
):
    from playwright.sync_api import expect

    organiser = make_user("admin", name="Nadia Organiser")
    sign_in(page, live_server, organiser)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    expect(page.locator("main h1")).to_have_text("Invitations")
    page.locator("main .page-head").get_by_role("link", name="Invite someone").click()

    form = page.locator("main form")
    form.get_by_label("Name", exact=True).fill("Salma Bennani")
    form.get_by_label("E-mail", exact=True).fill("salma@atlas-ai.test")
    form.get_by_label("Role").select_option("startup")
    form.get_by_label("Startup or fund").fill("Atlas AI")
    form.get_by_label("Programme").fill("Accelerate")
    form.get_by_label("City site").fill("Rabat")
    form.get_by_label("Language of the e-mail").select_option("en")
    form.get_by_role("button", name="Send the invitation").click()

    expect(page).to_have_url(live_server("/organiser/invitations"))
    expect(page.locator(".flashes")).to_contain_text("Salma Bennani is invited")
    row = page.locator("tbody tr", has_text="salma@atlas-ai.test")
    expect(row.locator(".state-pill")).to_have_text("Sent")

    [message] = outbox()
    assert message["To"] == "salma@atlas-ai.test"
    text = message.get_body(preferencelist=("plain",)).get_content()
    path = LINK.search(text).group(1)

    founder_context = browser.new_context(bypass_csp=True, base_url=live_server.url, locale="en-GB")
    founder_context.set_default_timeout(TIMEOUT_MS)
    try:
        founder = founder_context.new_page()
        founder.goto(live_server(path))
        expect(founder.locator("main h1")).to_contain_text("Welcome to EventHub, Salma Bennani")
        founder.get_by_label("New password", exact=True).fill(PASSWORD)
        founder.get_by_label("New password, again").fill(PASSWORD)
        founder.get_by_role("button", name="Set my password and sign in").click()
        expect(founder).to_have_url(live_server("/my/home"))
        expect(founder.locator("main h1")).to_contain_text("Atlas AI")
        expect(founder.locator(".site-header .who")).to_have_text("Salma Bennani")
    finally:
        founder_context.close()

    page.reload()
    row = page.locator("tbody tr", has_text="salma@atlas-ai.test")
    expect(row.locator(".state-pill")).to_have_text("Accepted")
    expect(row.get_by_role("button", name="Resend")).to_have_count(0)
