"""The app's side of badges: PDFs for registrations, bulk and streamed, and the CLI."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from eventhub.badges.documents import badge_pdf
from eventhub.badges.signing import badge_signing_key, badge_token
from eventhub.badges.tokens import read_badge_token
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register


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
