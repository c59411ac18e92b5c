"""Each kind of job end to end (the test worker runs a job as soon as it is queued): bulk
badges as a PDF or a ZIP of parts, exports with the list's filters, large imports."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from eventhub.auth.models import AuditEntry
from eventhub.badges import bulk
from eventhub.booths.models import Booth
from eventhub.extensions import db
from eventhub.registration.models import Registration
from eventhub.registration.views import organiser as registration_views
from eventhub.work import runners, tracking
from eventhub.work.models import Job
from tests.badges.test_documents import page_count
from tests.support.factories import create_hall
from tests.support.reading import needs_poppler
from tests.work.conftest import reload

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def organiser(login_as):
    return login_as("admin")


def only_job() -> Job:
    db.session.expire_all()
    return db.session.scalars(select(Job)).one()


def download(client, job: Job) -> bytes:
    response = client.get(f"/organiser/jobs/{job.id}/download")
    assert response.status_code == 200
    return response.data


# --- Bulk badges --------------------------------------------------------------------------


def test_the_start_page_says_what_will_be_printed(client, organiser, make_event, make_registration):
    event = make_event()
    for _ in range(3):
        make_registration(event)
    page = client.get(f"/organiser/events/{event.slug}/badges", headers=ENGLISH)
    assert page.status_code == 200
    assert "3 confirmed attendees: 3 badges will be printed." in page.text
    assert db.session.scalars(select(Job)).all() == []  # a GET starts nothing


@needs_poppler
def test_bulk_badges_job_makes_one_pdf(client, organiser, make_event, make_registration, tmp_path):
    event = make_event()
    for _ in range(3):
        make_registration(event)
    response = client.post(f"/organiser/events/{event.slug}/badges")
    job = only_job()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organiser/jobs/{job.id}"
    assert (job.kind, job.status, job.done, job.total) == ("bulk_badges", "done", 3, 3)
    assert job.summary == {"badges": 3} and job.mimetype == "application/pdf"
    assert page_count(download(client, job), tmp_path) == 3
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "badges.bulk")).one()
    assert entry.details["badges"] == 3 and entry.details["job"] == job.id


@needs_poppler
def test_bulk_badges_job_of_more_than_a_part_is_a_zip(
    client, organiser, make_event, make_registration, monkeypatch, tmp_path
):
    monkeypatch.setattr(bulk, "PART_SIZE", 2)
    event = make_event()
    visitors = event.categories[0]
    for _ in range(5):
        make_registration(event, visitors)
    make_registration(event, event.categories[1])  # another category: not printed
    client.post(f"/organiser/events/{event.slug}/badges?category={visitors.id}")
    job = only_job()
    assert job.file_name == f"badges-{event.slug}-visitor.zip"
    with zipfile.ZipFile(io.BytesIO(download(client, job))) as archive:
        assert archive.testzip() is None
        pages = [page_count(archive.read(name), tmp_path) for name in archive.namelist()]
    assert pages == [2, 2, 1]


def test_bulk_badges_progress_is_reported_per_batch(
    make_event, make_registration, make_job, monkeypatch
):
    event = make_event()
    for _ in range(3):
        make_registration(event)
    seen: list[tuple[int, int]] = []
    real = tracking.report_progress

    def spy(job_id, done, total, now=None):
        seen.append((done, total))
        return real(job_id, done, total, now)

    monkeypatch.setattr(tracking, "report_progress", spy)
    job = make_job(event, kind="bulk_badges", params={"category_id": None})
    assert runners.perform(job.id).status == "done"
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_bulk_badges_with_nothing_to_print_starts_no_job(client, organiser, make_event):
    event = make_event()
    response = client.post(
        f"/organiser/events/{event.slug}/badges", headers=ENGLISH, follow_redirects=True
    )
    assert "There is no confirmed registration to print a badge for." in response.text
    assert db.session.scalars(select(Job)).all() == []


def test_bulk_badges_needs_the_csrf_token(
    client, organiser, make_event, make_registration, csrf_enabled
):
    event = make_event()
    make_registration(event)
    assert client.post(f"/organiser/events/{event.slug}/badges").status_code == 400
    assert db.session.scalars(select(Job)).all() == []


def test_a_category_removed_before_the_job_runs_fails_it_clearly(
    make_event, make_registration, make_job
):
    event = make_event()
    make_registration(event)
    job = make_job(event, kind="bulk_badges", params={"category_id": 99999999, "language": "en"})
    runners.perform(job.id)
    job = reload(job)
    assert job.status == "failed" and job.error == "The category of this job no longer exists."


# --- Exports ------------------------------------------------------------------------------


def base(event) -> str:
    return f"/organiser/events/{event.slug}/registrations"


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))


def test_a_small_export_is_sent_at_once(client, organiser, make_event, make_registration):
    event = make_event()
    make_registration(event, first_name="Salma")
    response = client.post(f"{base(event)}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert len(csv_rows(response.data)) == 2
    assert db.session.scalars(select(Job)).all() == []


def test_a_large_export_is_a_job_that_keeps_the_filters(
    client, organiser, make_event, make_registration, monkeypatch
):
    monkeypatch.setattr(registration_views, "EXPORT_IMMEDIATE_ROWS", 1)
    event = make_event()
    make_registration(event, first_name="Salma", last_name="=cmd")
    make_registration(event, first_name="Omar", last_name="A")
    make_registration(event, first_name="Omar", last_name="B")
    response = client.post(f"{base(event)}/export.csv", query_string={"q": "omar"})
    job = only_job()
    assert response.headers["Location"] == f"/organiser/jobs/{job.id}"
    assert job.params["filters"]["q"] == "omar"
    assert (job.status, job.done, job.total, job.summary) == ("done", 2, 2, {"rows": 2})
    rows = csv_rows(download(client, job))
    assert [row[3:5] for row in rows[1:]] == [["Omar", "A"], ["Omar", "B"]]
    assert job.file_name == f"registrations-{event.slug}.csv"


def test_a_large_xlsx_export_opens_with_openpyxl(
    client, organiser, make_event, make_registration, monkeypatch
):
    monkeypatch.setattr(registration_views, "EXPORT_IMMEDIATE_ROWS", 0)
    event = make_event()
    make_registration(event, first_name="=1+2", last_name="بناني")
    client.post(f"{base(event)}/export.xlsx")
    job = only_job()
    sheet = load_workbook(io.BytesIO(download(client, job))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "=1+2" in rows[1] and "بناني" in rows[1]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_large_checkin_export_is_a_job_too(
    client, organiser, make_event, make_registration, monkeypatch
):
    monkeypatch.setattr(registration_views, "EXPORT_IMMEDIATE_ROWS", -1)
    event = make_event()
    client.post(f"/organiser/events/{event.slug}/checkins/export.csv", headers=ENGLISH)
    job = only_job()
    assert job.params["table"] == "checkins" and job.status == "done"
    assert len(csv_rows(download(client, job))) == 1  # the header alone


def test_a_get_of_a_large_export_asks_before_starting(
    client, organiser, make_event, make_registration, monkeypatch
):
    monkeypatch.setattr(registration_views, "EXPORT_IMMEDIATE_ROWS", 0)
    event = make_event()
    make_registration(event)
    page = client.get(f"{base(event)}/export.xlsx", headers=ENGLISH)
    assert page.status_code == 200 and "Start the export" in page.text
    assert db.session.scalars(select(Job)).all() == []


def test_exports_need_the_csrf_token(client, organiser, make_event, csrf_enabled):
    event = make_event()
    assert client.post(f"{base(event)}/export.csv").status_code == 400


# --- Imports ------------------------------------------------------------------------------


GUESTS = (
    "first_name;last_name;email;category\n"
    "Salma;Bennani;salma@example.com;\n"  # 2
    "Omar;;omar@example.com;\n"  # 3: missing name
    "يوسف;العلوي;youssef@example.com;Visitor\n"  # 4
    "Sara;Berrada;salma@example.com;\n"  # 5: duplicate of line 2
    "Imane;Alaoui;imane@example.com;Speakers\n"  # 6: unknown category
    "Reda;Lahlou;reda@example.com;\n"  # 7
)


def post_guests(client, event, text: str = GUESTS, **data):
    vip = next(c for c in event.categories if c.name == "VIP")
    return client.post(
        f"{base(event)}/import",
        data={"file": (io.BytesIO(text.encode()), "guests.csv"), "category": str(vip.id), **data},
        content_type="multipart/form-data",
        headers=ENGLISH,
    )


def imported() -> list[tuple[str, str]]:
    return [
        (registration.email, registration.category.name)
        for registration in db.session.scalars(
            select(Registration).where(Registration.source == "import").order_by(Registration.id)
        )
    ]


def test_a_small_import_stays_in_the_request(client, organiser, make_event, monkeypatch):
    event = make_event()
    response = post_guests(client, event)
    assert response.status_code == 200
    assert db.session.scalars(select(Job)).all() == []
    assert len(imported()) == 3


def test_a_large_import_is_a_job_that_reports_each_refused_row(
    client, organiser, make_event, monkeypatch, outbox
):
    monkeypatch.setattr(registration_views, "IMPORT_JOB_ROWS", 2)
    monkeypatch.setattr(runners, "IMPORT_CHUNK", 2)
    event = make_event()
    response = post_guests(client, event, send_emails="y")
    job = only_job()
    assert response.headers["Location"] == f"/organiser/jobs/{job.id}"
    assert (job.kind, job.status, job.done, job.total) == ("registration_import", "done", 6, 6)
    assert job.summary["registered"] == 3 and job.summary["confirmed"] == 3
    assert [(r["line"], r["code"]) for r in job.summary["rejected"]] == [
        (3, "missing_name"),
        (5, "duplicate_in_file"),
        (6, "unknown_category"),
    ]
    assert imported() == [
        ("salma@example.com", "VIP"),
        ("youssef@example.com", "Visitor"),
        ("reda@example.com", "VIP"),
    ]
    assert len(outbox()) == 3
    assert not (tracking.job_folder(job.id) / "upload.csv").exists()  # personal data: gone
    page = client.get(f"/organiser/jobs/{job.id}", headers=ENGLISH).text
    assert re.findall(r'<tr data-code="(\w+)"><td>(\d+)</td>', page) == [
        ("missing_name", "3"),
        ("duplicate_in_file", "5"),
        ("unknown_category", "6"),
    ]
    assert "3 guests registered" in page and "Duplicate in the file (first on line 2)." in page


def test_an_import_job_tried_again_goes_on_where_it_stopped(
    client, organiser, make_event, monkeypatch
):
    monkeypatch.setattr(registration_views, "IMPORT_JOB_ROWS", 2)
    monkeypatch.setattr(runners, "IMPORT_CHUNK", 2)
    monkeypatch.setattr(tracking, "enqueue", lambda *_args: True)  # the worker is late
    event = make_event()
    post_guests(client, event)
    job = only_job()
    real = runners.import_rows
    calls = 0

    def dies_on_the_second_chunk(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(runners, "import_rows", dies_on_the_second_chunk)
    assert runners.perform(job.id).status == "queued"
    job = reload(job)
    assert job.summary["last_line"] == 3 and job.done == 2
    assert imported() == [("salma@example.com", "VIP")]  # the first chunk stays
    assert runners.perform(job.id).status == "done"
    job = reload(job)
    assert job.summary["registered"] == 3
    assert [r["line"] for r in job.summary["rejected"]] == [3, 5, 6]  # no line twice
    assert len(imported()) == 3


def test_a_large_import_with_an_unreadable_file_starts_no_job(
    client, organiser, make_event, monkeypatch, field_errors
):
    monkeypatch.setattr(registration_views, "IMPORT_JOB_ROWS", 0)
    event = make_event()
    response = post_guests(client, event, text="name,mail\nA,a@example.com\n")
    assert response.status_code == 422
    assert any("must name the columns" in error for error in field_errors(response, "file"))
    assert db.session.scalars(select(Job)).all() == []


BOOTHS = """code,hall,x,y,width,depth
H1-A01,Hall 1,2,2,3,3
H1-A02,Hall 1,5,2,3,3
H1-A03,Hall 1,6,2,3,3
H1-A04,Hall 9,2,8,3,3
"""


def test_a_large_booth_import_is_a_job(client, organiser, make_event, monkeypatch):
    from eventhub.booths.views import organiser_plan

    monkeypatch.setattr(organiser_plan, "IMPORT_JOB_ROWS", 2)
    event = make_event()
    create_hall(event)
    url = f"/organiser/events/{event.slug}/booths/import"
    upload = {"file": (io.BytesIO(BOOTHS.encode()), "booths.csv")}
    check = client.post(url, data={**upload, "check_only": "y"}, headers=ENGLISH)
    assert check.status_code == 200  # the check stays in the request
    assert db.session.scalars(select(Job)).all() == []
    upload = {"file": (io.BytesIO(BOOTHS.encode()), "booths.csv")}
    response = client.post(url, data=upload, headers=ENGLISH)
    job = only_job()
    assert response.headers["Location"] == f"/organiser/jobs/{job.id}"
    assert job.status == "done" and job.summary["added"] == 2
    assert [(r["line"], r["error_code"]) for r in job.summary["rejected"]] == [
        (4, "overlap"),
        (5, "unknown_hall"),
    ]
    assert db.session.scalar(select(func.count(Booth.id))) == 2
    page = client.get(f"/organiser/jobs/{job.id}", headers=ENGLISH).text
    assert "2 booths added" in page
