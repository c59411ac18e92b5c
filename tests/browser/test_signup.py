"""A visitor signs up as an investor, confirms the address from the e-mailed link and
waits for approval; an organiser approves the request from the queue (another browser);
the investor reloads and can open the startups directory."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import TIMEOUT_MS, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a-long-enough-secret"


def test_an_investor_signs_up_waits_and_is_approved(
    page, browser, live_server, make_user, make_event, outbox
):
    from playwright.sync_api import expect

    make_user("startup", name="Argan AI")
    organiser = make_user("admin", name="Nadia Organiser")
    event = make_event(name="Rabat Demo Day")

    # The visitor finds the form from the event's page and picks the investor's questions.
    page.goto(live_server(f"/events/{event.slug}"))
    page.get_by_role("link", name="Create an account").click()
    expect(page.locator("main h1")).to_have_text("Create an account")
    expect(page.locator("main")).to_contain_text("Rabat Demo Day")
    page.get_by_label("An investor").check()
    expect(page.get_by_label("Startup name")).to_be_hidden()
    page.get_by_label("Your name").fill("Leila Amrani")
    page.get_by_label("E-mail", exact=True).fill("leila@atlas-angels.example.ma")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password, again").fill(PASSWORD)
    page.get_by_label("Fund", exact=True).fill("Atlas Angels")
    page.get_by_label("Smallest ticket (EUR)").fill("20000")
    page.get_by_label("Largest ticket (EUR)").fill("150000")
    page.get_by_label("Website").fill("https://atlas-angels.example.ma")
    page.get_by_role("button", name="Ask for an account").click()
    expect(page.locator("main h1")).to_have_text("Check your inbox")

    # The link from the e-mail: confirm, signed in, waiting.
    [message] = outbox()
    assert message["To"] == "leila@atlas-angels.example.ma"
    text = message.get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/sign-up/verify/[A-Za-z0-9_-]+)", text).group(1)
    page.goto(live_server(path))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page).to_have_url(live_server("/my/home"))
    expect(page.locator(".signup-waiting")).to_contain_text("Waiting for approval")
    expect(page.locator(".site-header .who")).to_have_text("Leila Amrani")
    page.goto(live_server("/startups"))
    expect(page.locator("main h1")).to_have_text("Waiting for approval")

    # The organiser, in another browser, approves the request from the queue.
    context = browser.new_context(bypass_csp=True, base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        organiser_page = context.new_page()
        sign_in(organiser_page, live_server, organiser)
        organiser_page.get_by_role("link", name=re.compile(r"^Sign-ups")).first.click()
        expect(organiser_page).to_have_url(live_server("/organiser/sign-ups"))
        request = organiser_page.locator(".signup-request", has_text="Leila Amrani")
        expect(request).to_contain_text("Atlas Angels")
        expect(request).to_contain_text("20,000 – 150,000")
        expect(request).to_contain_text("Rabat Demo Day")
        # confirm.js runs once the page is parsed; a click before it sends the form unasked.
        organiser_page.wait_for_load_state("domcontentloaded")
        request.get_by_role("button", name="Approve").click()
        organiser_page.get_by_role("dialog").get_by_role("button", name="Approve").click()
        expect(organiser_page.locator(".flashes")).to_contain_text(
            "Leila Amrani's account is approved"
        )
        expect(organiser_page.locator("main")).to_contain_text("No request is waiting")
    finally:
        context.close()

    # The investor reloads: no more waiting, and the directory opens.
    page.goto(live_server("/my/home"))
    expect(page.locator(".signup-waiting")).to_have_count(0)
    page.goto(live_server("/startups"))
    expect(page.locator("main h1")).to_have_text("Startups")
    expect(page.locator("main")).to_contain_text("Argan AI")
