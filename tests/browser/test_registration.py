"""A visitor registers on the event page, lands on the private page and downloads the badge."""

from __future__ import annotations

import re

import pytest

from tests.support.reading import decode_qr, needs_poppler, pages_as_images

pytestmark = pytest.mark.browser


@needs_poppler
def test_visitor_registers_and_downloads_the_badge(page, live_server, make_event, tmp_path):
    from playwright.sync_api import expect

    event = make_event(name="GITEX Africa Test")
    page.goto(live_server(f"/events/{event.slug}"))
    form = page.locator("form.registration-form")
    form.get_by_label("First name").fill("Salma")
    form.get_by_label("Last name").fill("Bennani")
    # exact: the label of the consent for exhibitors names the e-mail and organisation too
    form.get_by_label("E-mail", exact=True).fill("Salma.Bennani@Example.test")
    form.get_by_label("Organisation", exact=True).fill("Argan Agri")
    form.get_by_label("Country").select_option("MA")
    form.get_by_label("I agree").check()
    assert not form.get_by_label("Exhibitors whose booth scans my badge").is_checked()
    form.get_by_label("Exhibitors whose booth scans my badge").check()
    form.get_by_role("button", name="Register").click()

    expect(page).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]{22,}$"))
    expect(page.locator(".badge-preview .badge-name")).to_have_text("Salma Bennani")
    consent = page.locator("#exhibitor-consent")
    expect(consent).to_contain_text("Since ")
    expect(consent.get_by_label("Exhibitors whose booth scans my badge")).to_be_checked()
    page.screenshot(path=str(tmp_path / "private-page.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my badge (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = tmp_path / "badge.pdf"
    download.save_as(pdf)
    [badge] = pages_as_images(pdf.read_bytes(), tmp_path)
    [qr] = decode_qr(badge)
    assert qr.text and len(qr.text) <= 60
