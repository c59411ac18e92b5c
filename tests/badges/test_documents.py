"""The app's side of badges: PDFs for registrations, bulk and streamed, and the CLI."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest

from eventhub.badges.documents import badge_pdf
from eventhub.badges.signing import badge_signing_key, badge_token
from eventhub.badges.tokens import read_badge_token
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
from tests.support.reading import decode_qr, needs_poppler, pages_as_images


@pytest.fixture
def registered(make_event):
    event = make_event()
    people = [
        ("Salma", "Bennani", "salma@example.test"),
        ("يوسف", "العلوي", "youssef@example.test"),
        ("Jean-Baptiste", "de la Rochefoucauld-Montmorency", "jb@example.test"),
    ]
    registrations = [
        register(event, event.categories[0], Attendee(first, last, email), enforce_window=False)
        for first, last, email in people
    ]
    db.session.commit()
    return event, registrations


def test_badge_pdf_carries_a_token_that_reads_back(registered):
    _event, registrations = registered
    pdf = badge_pdf(registrations[1])
    assert pdf.startswith(b"%PDF")
    ref = read_badge_token(badge_token(registrations[1]), badge_signing_key())
    assert ref.code == registrations[1].badge_code


@needs_poppler
def test_the_printed_badge_read_by_a_decoder_admits_its_holder(
    client, login_as, make_event, tmp_path
):
    """From the PDF the attendee downloads to the gate: page to image, QR decoded by
    zxing-cpp, the decoded text scanned through the API; a second scan is already inside."""
    today = date.today()
    event = make_event(first_day=today, last_day=today + timedelta(days=1))
    registration = register(
        event,
        event.categories[0],
        Attendee("يوسف", "العلوي", "y@example.test"),
        enforce_window=False,
    )
    db.session.commit()
    response = client.get(f"/r/{registration.manage_token}/badge.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    [page] = pages_as_images(response.get_data(), tmp_path)
    [qr] = decode_qr(page)
    login_as("staff")
    scans = f"/api/v1/events/{event.slug}/checkins"
    first = client.post(scans, json={"code": qr.text, "gate": "North"})
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["result"] == "admitted"
    assert first.get_json()["attendee"]["name"] == "يوسف العلوي"
    second = client.post(scans, json={"code": qr.text, "gate": "South"})
    assert second.get_json()["result"] == "already_inside"


def test_bulk_download_rejects_an_id_too_large_for_the_database(client, login_as, registered):
    event, _ = registered
    login_as("admin")
    url = f"/organiser/events/{event.slug}/badges.pdf?category={2**63 + 1}"
    assert client.get(url).status_code == 404


def test_bulk_download_streams_one_page_per_confirmed_badge(client, login_as, registered, tmp_path):
    event, _registrations = registered
    login_as("admin")
    response = client.get(f"/organiser/events/{event.slug}/badges.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    pdf = tmp_path / "badges.pdf"
    pdf.write_bytes(response.get_data())
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
        assert pages.split() == ["Pages:", "3"]


def test_bulk_download_of_an_empty_category_says_so(client, login_as, make_event):
    event = make_event()
    login_as("admin")
    vip = event.categories[1]
    response = client.get(f"/organiser/events/{event.slug}/badges.pdf?category={vip.id}")
    assert response.status_code == 302


def test_bulk_download_rejects_a_category_of_another_event(
    client, login_as, registered, make_event
):
    event, _ = registered
    other = make_event()
    login_as("admin")
    url = f"/organiser/events/{event.slug}/badges.pdf?category={other.categories[0].id}"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_bulk_download_is_for_organisers(client, login_as, registered, role):
    event, _ = registered
    login_as(role)
    assert client.get(f"/organiser/events/{event.slug}/badges.pdf").status_code == 403


def test_bulk_download_needs_login(client, registered):
    event, _ = registered
    assert client.get(f"/organiser/events/{event.slug}/badges.pdf").status_code == 302


def test_badges_command_writes_the_pdf(runner, registered, tmp_path):
    event, _ = registered
    output = tmp_path / "all.pdf"
    result = runner.invoke(args=["badges", event.slug, "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "3 badges written" in result.output
    assert output.read_bytes().startswith(b"%PDF")


def test_badges_command_refuses_unknown_event_and_category(runner, registered, tmp_path):
    event, _ = registered
    output = str(tmp_path / "x.pdf")
    unknown = runner.invoke(args=["badges", "nope", "-o", output])
    assert unknown.exit_code != 0 and "No event" in unknown.output
    category = runner.invoke(args=["badges", event.slug, "-o", output, "--category", "Martians"])
    assert category.exit_code != 0 and "No category" in category.output
    empty = runner.invoke(args=["badges", event.slug, "-o", output, "--category", "VIP"])
    assert empty.exit_code != 0 and "no badge" in empty.output
