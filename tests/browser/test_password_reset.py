"""A person who forgot the password asks for a link, follows it from the e-mail, chooses a
new password and lands signed in on their home page."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-brand-new-secret"


def test_forgotten_password_is_reset_from_the_emailed_link(page, live_server, make_user, outbox):
    from playwright.sync_api import expect

    user = make_user("startup", email="founder@example.test")
    page.goto(live_server("/login"))
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail").fill("Founder@Example.test")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.locator("main")).to_contain_text("If an account exists for this address")

    [message] = outbox()
    assert message["To"] == user.email
    text = message.get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/password/reset/[A-Za-z0-9_-]+)", text).group(1)

    page.goto(live_server(path))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password, again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the password").click()

    expect(page).to_have_url(live_server("/my/home"))
    expect(page.locator(".flashes")).to_contain_text("Your password is changed")
    expect(page.locator(".site-header .who")).to_have_text(user.name)

    page.goto(live_server(path))  # the link worked once
    expect(page.locator("main h1")).to_have_text("This link cannot be used")
