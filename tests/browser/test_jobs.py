"""A bulk badge job watched in the browser: the organiser starts it, the progress bar moves
as a worker draws the badges (without reloading the page), reaches 100 % and the download
link appears; the file downloads as a PDF. At a desktop width and a phone's, and in Arabic."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import pytest

from eventhub.badges import bulk
from eventhub.work import runners, tracking
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser

# Looked at by a person after a run (EVENTHUB_SCREENSHOTS overrides where).
SCREENSHOTS = Path(os.environ.get("EVENTHUB_SCREENSHOTS", tempfile.gettempdir())) / "eventhub-jobs"


@pytest.fixture
def slow_worker(app, monkeypatch):
    """A worker of its own (a thread) instead of the eager test worker: the job is queued,
    then run a moment later, a part of two badges every 0.4 s, as a real worker would."""
    monkeypatch.setattr(bulk, "PART_SIZE", 2)
    draw = bulk.render_pdf

    def slow_draw(*args, **kwargs):
        time.sleep(0.4)
        return draw(*args, **kwargs)

    monkeypatch.setattr(bulk, "render_pdf", slow_draw)
    threads: list[threading.Thread] = []

    def work(job_id: int) -> None:
        time.sleep(0.8)
        with app.app_context():
            runners.perform(job_id)

    def enqueue(_task, job_id):
        thread = threading.Thread(target=work, args=(job_id,), daemon=True)
        thread.start()
        threads.append(thread)
        return True

    monkeypatch.setattr(tracking, "enqueue", enqueue)
    yield
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (390, "en"), (390, "ar")])
def test_a_bulk_badge_job_shows_its_progress_then_the_download(
    page, live_server, make_user, make_event, make_registration, slow_worker, width, language
):
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    organiser = make_user("admin")
    event = make_event()
    for number in range(10):
        make_registration(event, first_name=f"Guest{number}", last_name="Bennani")
    sign_in(page, live_server, organiser)
    if language != "en":
        page.locator(f".lang-switch button[value='{language}']").click()
        page.wait_for_load_state()

    page.goto(live_server(f"/organiser/events/{event.slug}/badges"))
    page.locator("main form.start-job button[type='submit']").click()
    page.wait_for_url("**/organiser/jobs/*")
    page.evaluate("window.__sameDocument = true")
    bar = page.locator("progress#job-progress")
    expect(page.locator("#job-status")).to_have_attribute("aria-live", "polite")
    expect(page.locator("label[for='job-progress']")).to_be_visible()
    download = page.locator("#job-download")
    expect(download).to_be_hidden()

    seen: list[int] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seen.append(int(bar.get_attribute("value") or 0))
        if seen[-1] == 100:
            break
        if 0 < seen[-1] < 100 and len({value for value in seen if 0 < value < 100}) == 1:
            page.screenshot(path=str(SCREENSHOTS / f"running-{width}-{language}.png"))
        time.sleep(0.1)
    assert seen[-1] == 100, seen
    assert any(0 < value < 100 for value in seen), seen  # it moved on the way
    assert page.evaluate("window.__sameDocument") is True  # polled, not reloaded
    expect(download).to_be_visible()
    expect(page.locator("#job-counts")).to_contain_text("10")
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    page.screenshot(path=str(SCREENSHOTS / f"done-{width}-{language}.png"), full_page=True)

    with page.expect_download() as caught:
        download.click()
    path = caught.value.path()
    assert caught.value.suggested_filename == f"badges-{event.slug}.zip"
    assert Path(path).read_bytes()[:2] == b"PK"
