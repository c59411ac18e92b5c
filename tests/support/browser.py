"""Browser fixtures (a plugin of tests/conftest.py, so that every folder shares one Chromium):
the app served for real on 127.0.0.1, driven by Debian's Chromium.

Chromium comes from Debian (`apt-get install -y chromium`, /usr/bin/chromium), never from a
browser download. Without it the browser tests are skipped with the reason shown, unless
EVENTHUB_REQUIRE_BROWSER=1 (as .ci/run sets), which makes a missing browser a failure.

The live server shares the session's `app` object, so it uses the same test database, and
the per-test table emptying of tests/conftest.py applies to what the browser did as well.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MISSING_CHROMIUM = "Debian's Chromium is not installed (apt-get install -y chromium)"
TIMEOUT_MS = 15_000


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="live-server", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The test app served by a threaded werkzeug server on a free port of 127.0.0.1."""
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("EVENTHUB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{MISSING_CHROMIUM}; EVENTHUB_REQUIRE_BROWSER=1 makes this an error.")
        pytest.skip(MISSING_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server: LiveServer, app: Flask) -> Iterator[object]:
    """A fresh browser context (no cookies) on the live server, with CSRF protection on,
    as in production; the app's setting is restored afterwards for the other tests."""
    csrf_before = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = True
    # The tests' own tools (Playwright's wait_for_function, injected helpers) run as page
    # scripts, which the Content-Security-Policy would refuse: tests/browser/
    # test_content_security.py checks the pages under the policy itself.
    context = browser.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
        app.config["WTF_CSRF_ENABLED"] = csrf_before


def sign_in(page, live_server: LiveServer, user, password: str | None = None) -> None:
    """Sign `user` in through the login form, as a person would."""
    from tests.support.factories import TEST_PASSWORD

    page.goto(live_server("/login"))
    form = page.locator("main form")
    form.locator("input[name='email']").fill(user.email)
    form.locator("input[name='password']").fill(password or TEST_PASSWORD)
    form.locator("button[type='submit']").click()
    page.wait_for_url(lambda url: "/login" not in url)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives Chromium is a browser test, whether or not its module says
    so: `-m "not browser"` leaves them all out."""
    for item in items:
        if {"browser", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
