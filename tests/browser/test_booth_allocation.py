"""The stable booth allocation in Chromium, on the demo expo: approving three applications
and running the allocator places those three and moves nobody; 'Re-optimise everything'
shows how many startups it would move before anything is committed.

Here rather than in tests/booths so that it shares this folder's one browser session."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from eventhub.booths.demo import seed_booths
from eventhub.booths.models import Booth, BoothApplication
from eventhub.demo import EXPO_SLUG, seed_demo
from eventhub.extensions import db
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


def figure(page, stat: str) -> int:
    return int(page.inner_text(f"#dry-run #count-{stat} .figure"))


def holders() -> dict[int, int]:
    db.session.expire_all()
    booths = db.session.scalars(select(Booth).where(Booth.application_id.is_not(None)))
    return {booth.application_id: booth.id for booth in booths}


def test_three_approved_are_placed_and_nobody_moves(
    page, live_server, make_user, monkeypatch, tmp_path
):
    from playwright.sync_api import expect

    monkeypatch.setattr("eventhub.demo._capability_seeders", lambda: [seed_booths])
    seed_demo()
    db.session.commit()
    pending = db.session.scalars(
        select(BoothApplication)
        .where(BoothApplication.status == "pending")
        .order_by(BoothApplication.id)
    ).all()
    chosen = [application.startup.name for application in pending[:3]]
    assert len(chosen) == 3
    placed_before = holders()
    organiser = make_user("admin")

    sign_in(page, live_server, organiser)
    page.goto(live_server(f"/organiser/events/{EXPO_SLUG}/booth-applications?status=pending"))
    for name in chosen:  # ticked on the list, approved at once (issue 18's list)
        page.locator("tr", has_text=name).locator("input[name=application]").check()
    page.click("button:has-text('Approve ticked')")
    page.get_by_role("dialog").get_by_role("button", name="Decide").click()  # it asks first
    expect(page.locator(".flashes")).to_contain_text("3 applications approved.")

    # The dry run: 3 new, 0 moved, every current placement kept.
    page.goto(live_server(f"/organiser/events/{EXPO_SLUG}/allocation"))
    assert (figure(page, "new"), figure(page, "moved")) == (3, 0)
    assert figure(page, "kept") == len(placed_before)
    new_rows = page.locator("table.changes tr[data-kind=new]")
    assert all(any(n in text for n in chosen) for text in new_rows.all_inner_texts())
    assert new_rows.count() == 3
    assert page.locator("table.changes tr[data-kind=moved]").count() == 0
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(tmp_path / "allocation-keep-1280.png"), full_page=False)
    page.click("#dry-run form.commit-form button[type=submit]")
    page.get_by_role("dialog").get_by_role("button", name="Commit this plan").click()
    expect(page.locator(".flashes")).to_contain_text("(3 new, 0 moved)")
    after = holders()
    assert all(after[app_id] == booth_id for app_id, booth_id in placed_before.items())
    assert len(after) == len(placed_before) + 3

    # Re-optimising everything: the number of moves is shown before the commit.
    page.click("#reoptimise-link")
    page.wait_for_url(re.compile(r"reoptimise=1"))
    moved = figure(page, "moved")
    assert moved > 0
    warning = page.inner_text("#moves-warning")
    assert f"Re-optimising moves {moved} startups that already have a booth." in warning
    button = page.locator("#dry-run form.commit-form button[type=submit]")
    assert button.inner_text() == f"Re-optimise and move {moved} startups"
    assert page.locator("table.changes tr[data-kind=moved]").count() == moved
    assert "moved from" in page.locator("table.changes tr[data-kind=moved]").first.inner_text()
    page.screenshot(path=str(tmp_path / "allocation-reoptimise-1280.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "allocation-reoptimise-390.png"), full_page=True)
    assert holders() == after  # nothing saved by looking
    page.click("#keep-link")
    assert (figure(page, "new"), figure(page, "moved")) == (0, 0)
