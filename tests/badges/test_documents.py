"""The app's side of badges: PDFs for registrations, bulk and streamed, and the CLI."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from eventhub.auth.models import AuditEntry
from eventhub.badges import bulk
from eventhub.badges.documents import badge_pdf, bulk_badge_name
from eventhub.badges.signing import badge_signing_key, badge_token
from eventhub.badges.tokens import read_badge_token
from eventhub.extensions import db
from eventhub.registration.register import Attendee, register
from eventhub.work.models import Job
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


ENGLISH = {"Accept-Language": "en"}


def bulk_url(event, category=None) -> str:
    query = f"?category={category.id}" if category is not None else ""
    return f"/organiser/events/{event.slug}/badges{query}"


def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


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
    assert (
        client.get(f"/organiser/events/{event.slug}/badges?category={2**63 + 1}").status_code == 404
    )


def bulk_job_file(client, event, category=None):
    """Start the bulk badge job as the organiser's button does (the test worker runs it at
    once), then download its file: (the job, the download)."""
    response = client.post(bulk_url(event, category))
    assert response.status_code == 302
    job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert response.headers["Location"] == f"/organiser/jobs/{job.id}"
    db.session.refresh(job)
    assert job.status == "done", job.error
    return job, client.get(f"/organiser/jobs/{job.id}/download")


@needs_poppler
def test_bulk_badges_job_makes_one_pdf_of_the_confirmed_badges(
    client, login_as, registered, tmp_path
):
    event, _registrations = registered
    admin = login_as("admin")
    job, response = bulk_job_file(client, event)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=badges-{event.slug}.pdf"
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    assert page_count(response.get_data(), tmp_path) == 3
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "badges.bulk")).one()
    assert entry.actor_id == admin.id and entry.details["badges"] == 3
    assert entry.details["job"] == job.id


@needs_poppler
def test_bulk_badges_job_of_more_than_a_part_is_a_zip_of_part_pdfs(
    client, login_as, registered, monkeypatch, tmp_path
):
    event, _registrations = registered
    monkeypatch.setattr(bulk, "PART_SIZE", 2)
    login_as("admin")
    _job, response = bulk_job_file(client, event)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=badges-{event.slug}.zip"
    )
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        names = archive.namelist()
        pages = [page_count(archive.read(name), tmp_path) for name in names]
    assert names == [f"badges-{event.slug}-001.pdf", f"badges-{event.slug}-002.pdf"]
    assert pages == [2, 1]


def test_bulk_badges_of_one_category_are_named_for_it(client, login_as, registered):
    event, _ = registered
    login_as("admin")
    visitors = event.categories[0]
    job, response = bulk_job_file(client, event, visitors)
    assert response.status_code == 200
    assert job.file_name == f"{bulk_badge_name(event, visitors)}.pdf"
    assert bulk_badge_name(event, visitors) in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "suffix"),
    [("Visitor", "visitor"), ("Presse écrite", "presse-ecrite"), ('VIP "Gold"', "vip-gold")],
)
def test_bulk_file_names_are_plain_ascii(make_event, name, suffix):
    event = make_event()
    category = event.categories[0]
    category.name = name
    assert bulk_badge_name(event, category) == f"badges-{event.slug}-{suffix}"
    category.name = "زوار"
    assert bulk_badge_name(event, category) == f"badges-{event.slug}-{category.id}"


def test_bulk_download_of_an_empty_category_says_so(client, login_as, make_event):
    event = make_event()
    login_as("admin")
    vip = event.categories[1]
    response = client.get(bulk_url(event, vip), headers=ENGLISH, follow_redirects=True)
    assert response.status_code == 200
    assert "There is no confirmed registration to print a badge for." in response.text
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_bulk_download_with_a_bad_colour_says_so_before_any_byte(client, login_as, registered):
    event, registrations = registered
    registrations[0].category.colour = "#12345"
    db.session.commit()
    login_as("admin")
    response = client.get(bulk_url(event), headers=ENGLISH)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organiser/events/{event.slug}/registrations")
    page = client.get(response.headers["Location"], headers=ENGLISH).text
    assert "is not a colour as #RRGGBB" in page


def test_attendee_badge_with_a_bad_colour_is_a_clear_refusal(client, registered):
    _event, registrations = registered
    registrations[0].category.colour = "blue"
    db.session.commit()
    response = client.get(f"/r/{registrations[0].manage_token}/badge.pdf", headers=ENGLISH)
    assert response.status_code == 422
    assert "is not a colour as #RRGGBB" in response.text
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_bulk_download_rejects_a_category_of_another_event(
    client, login_as, registered, make_event
):
    event, _ = registered
    other = make_event()
    login_as("admin")
    assert client.get(bulk_url(event, other.categories[0])).status_code == 404


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_bulk_download_is_for_organisers(client, login_as, registered, role):
    event, _ = registered
    login_as(role)
    assert client.get(bulk_url(event)).status_code == 403


def test_bulk_download_needs_login(client, registered):
    event, _ = registered
    assert client.get(bulk_url(event)).status_code == 302


def test_badges_command_writes_the_pdf(runner, registered, tmp_path):
    event, _ = registered
    output = tmp_path / "all.pdf"
    result = runner.invoke(args=["badges", event.slug, "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert f"3 badges written to {output}." in result.output
    assert output.read_bytes().startswith(b"%PDF")


def test_badges_command_writes_a_zip_for_more_than_a_part(
    runner, registered, tmp_path, monkeypatch
):
    event, _ = registered
    monkeypatch.setattr(bulk, "PART_SIZE", 2)
    result = runner.invoke(args=["badges", event.slug, "-o", str(tmp_path / "all.pdf")])
    assert result.exit_code == 0, result.output
    written = tmp_path / "all.zip"
    assert f"3 badges written to {written}." in result.output
    assert not (tmp_path / "all.pdf").exists()
    with zipfile.ZipFile(written) as archive:
        assert archive.namelist() == [
            f"badges-{event.slug}-001.pdf",
            f"badges-{event.slug}-002.pdf",
        ]


def test_badges_command_refuses_unknown_event_category_and_bad_colour(runner, registered, tmp_path):
    event, registrations = registered
    output = str(tmp_path / "x.pdf")
    unknown = runner.invoke(args=["badges", "nope", "-o", output])
    assert unknown.exit_code != 0 and "No event" in unknown.output
    category = runner.invoke(args=["badges", event.slug, "-o", output, "--category", "Martians"])
    assert category.exit_code != 0 and "No category" in category.output
    empty = runner.invoke(args=["badges", event.slug, "-o", output, "--category", "VIP"])
    assert empty.exit_code != 0 and "badge" in empty.output  # in the default language
    registrations[0].category.colour = "nope"
    db.session.commit()
    colour = runner.invoke(args=["badges", event.slug, "-o", output])
    assert (
        colour.exit_code != 0 and "pas une couleur au format #RRGGBB" in colour.output
    )  # in French, the default
    assert not Path(output).exists()


def test_no_badges_goes_back_to_the_list_never_to_the_referer(client, login_as, make_event):
    """Issue 20, finding 6: the "no badges" answer redirected to the Referer."""
    login_as("admin")
    event = make_event(slug="empty-expo")
    response = client.post(
        "/organiser/events/empty-expo/badges",
        headers={"Referer": "https://evil.example/phish"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organiser/events/{event.slug}/registrations"
