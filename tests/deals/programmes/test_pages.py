"""The organiser's programme pages over HTTP: programmes kept with three names, the outcome
table, a programme's page, its PDF report (read back with pdftotext) and the XLSX export
(read back with openpyxl); other roles refused, bad input answered with 404 or form errors."""

from __future__ import annotations

import io
import subprocess
import unicodedata

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from eventhub.booths.models import BoothApplication
from eventhub.deals.programmes.models import Programme
from eventhub.extensions import db
from eventhub.profiles.models import Startup

pytestmark = pytest.mark.usefixtures("in_english")


def pages(world) -> list[str]:
    slug, agri = world.event.slug, world.programmes["DigitAgri"].id
    return [
        "/organiser/programmes",
        f"/organiser/programmes/{agri}/edit",
        f"/organiser/events/{slug}/programmes",
        f"/organiser/events/{slug}/programmes/{agri}",
        f"/organiser/events/{slug}/programmes/{agri}/report.pdf",
        f"/organiser/events/{slug}/programmes.xlsx",
    ]


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_other_roles_are_refused(client, login_as, world, role):
    login_as(role)
    for path in pages(world):
        assert client.get(path).status_code == 403, path
    posted = client.post("/organiser/programmes", data={"name": "Intruders"})
    assert posted.status_code == 403
    edited = client.post(pages(world)[1], data={"name": "Hijacked"})
    assert edited.status_code == 403
    names = set(db.session.scalars(select(Programme.name)))
    assert names == {"Accelerate", "Boost up Lab", "DigitAgri"}


def test_anonymous_is_sent_to_log_in(client, world):
    for path in pages(world):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_the_organiser_opens_every_page(client, login_as, world):
    login_as("admin")
    for path in pages(world):
        assert client.get(path).status_code == 200, path


def test_unknown_programme_or_event_is_404(client, login_as, world):
    login_as("admin")
    slug = world.event.slug
    for path in (
        "/organiser/programmes/99999/edit",
        f"/organiser/events/{slug}/programmes/99999",
        f"/organiser/events/{slug}/programmes/99999/report.pdf",
        "/organiser/events/no-such-event/programmes",
        "/organiser/events/no-such-event/programmes.xlsx",
        f"/organiser/events/no-such-event/programmes/{world.programmes['DigitAgri'].id}",
        f"/organiser/events/{slug}/programmes/abc",
        f"/organiser/events/{slug}/programmes/99999999999999999999999",
    ):
        assert client.get(path).status_code == 404, path


def test_the_outcome_table_shows_each_programme(client, login_as, world):
    login_as("admin")
    page = client.get(f"/organiser/events/{world.event.slug}/programmes").get_data(as_text=True)
    assert page.count('href="/organiser/events/outcome-expo/programmes/') == 6  # page, PDF
    assert page.count("/report.pdf") == 3
    assert "DigitAgri" in page and "Boost up Lab" in page and "2 / 3" in page
    assert 'aria-current="page"' in page  # the navigation marks the page
    assert "Private notes" not in page


def test_arabic_readers_see_the_arabic_names(client, login_as, world):
    login_as("admin")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    page = client.get(f"/organiser/events/{world.event.slug}/programmes").get_data(as_text=True)
    assert "الفلاحة الرقمية" in page


def test_the_pdf_report_holds_the_figures(client, login_as, world, tmp_path):
    login_as("admin")
    agri = world.programmes["DigitAgri"].id
    response = client.get(f"/organiser/events/{world.event.slug}/programmes/{agri}/report.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", path, "-"], check=True, capture_output=True, text=True
    ).stdout
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert "DigitAgri at Outcome Expo" in text
    for expected in (
        "Startups of the programme 3",
        "Startups taking part 2",
        "Booths 2",
        "Visitors at their booths 2",
        "Leads 3",
        "Meetings requested 2",
        "Meetings held 1",
        "Meetings missed (no-shows) 1",
        "Mutual interests 1",
    ):
        assert expected in lines, expected
    # The charts: their titles and category labels.
    assert "Next steps by stage" in text and "Second meeting" in text and "Term sheet" in text
    assert "Private notes" not in text
    fonts = subprocess.run(["pdffonts", path], check=True, capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts


def test_the_pdf_in_arabic_draws_the_arabic_name(client, login_as, world, tmp_path):
    login_as("admin")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    agri = world.programmes["DigitAgri"].id
    response = client.get(f"/organiser/events/{world.event.slug}/programmes/{agri}/report.pdf")
    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True, text=True)
    # Drawn in presentation forms, in visual order: compare letters, whatever their forms.
    letters = unicodedata.normalize("NFKC", text.stdout)
    assert "الرقمية"[::-1] in letters or "الرقمية" in letters


def test_the_xlsx_export_holds_every_programme(client, login_as, world):
    login_as("admin")
    response = client.get(f"/organiser/events/{world.event.slug}/programmes.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[:3] == ["Programme", "Programme (fr)", "Startups of the programme"]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"Accelerate", "Boost up Lab", "DigitAgri"}
    agri = by_name["DigitAgri"]
    assert (agri["Startups taking part"], agri["Leads"], agri["Meetings held"]) == (2, 3, 1)
    assert (agri["Meetings missed (no-shows)"], agri["Second meeting"]) == (1, 1)


def test_formula_names_are_written_as_text(client, login_as, world):
    login_as("admin")
    world.programmes["Boost up Lab"].name = "=HYPERLINK(1)"
    db.session.commit()
    response = client.get(f"/organiser/events/{world.event.slug}/programmes.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.data_type for cell in cells if cell.value == "=HYPERLINK(1)"] == ["s"]
    assert all(cell.data_type != "f" for cell in cells)


def test_the_organiser_adds_a_programme_in_three_languages(client, login_as, programmes):
    login_as("admin")
    response = client.post(
        "/organiser/programmes",
        data={"name": "Green Tech", "name_en": "Green Tech EN", "name_ar": "التقنية الخضراء"},
    )
    assert response.status_code == 302
    green = db.session.scalar(select(Programme).where(Programme.name == "Green Tech"))
    assert green.translation("name", "ar") == "التقنية الخضراء"
    assert green.localized("name", "en") == "Green Tech EN"
    assert green.localized("name", "fr") == "Green Tech"
    listing = client.get("/organiser/programmes").get_data(as_text=True)
    assert "التقنية الخضراء" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "digitagri"}, "Another programme already has this name."),
        ({"name": "x" * 61}, "Field cannot be longer than 60 characters."),
        ({"name": "Fine", "name_ar": "x" * 61}, "Field cannot be longer than 60 characters."),
    ],
)
def test_bad_programmes_are_form_errors(client, login_as, programmes, data, message):
    login_as("admin")
    response = client.post("/organiser/programmes", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Programme)) == 3


def test_renaming_a_programme_renames_it_on_its_startups(client, login_as, world):
    login_as("admin")
    agri = world.programmes["DigitAgri"]
    response = client.post(
        f"/organiser/programmes/{agri.id}/edit",
        data={"name": "Digit Agri", "name_en": "Digital Farming", "name_ar": "الفلاحة الرقمية"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Programme, agri.id).name == "Digit Agri"
    programmes_of = set(db.session.scalars(select(Startup.programme)))
    assert "DigitAgri" not in programmes_of and "Digit Agri" in programmes_of
    applications = set(db.session.scalars(select(BoothApplication.programme)))
    assert applications == {"Digit Agri"}
    taken = client.post(f"/organiser/programmes/{agri.id}/edit", data={"name": "Accelerate"})
    assert taken.status_code == 422
    assert "Another programme already has this name." in taken.get_data(as_text=True)


def test_the_edit_form_shows_the_names(client, login_as, world):
    login_as("admin")
    agri = world.programmes["DigitAgri"]
    page = client.get(f"/organiser/programmes/{agri.id}/edit").get_data(as_text=True)
    assert 'value="DigitAgri"' in page and 'value="الفلاحة الرقمية"' in page


def test_a_demo_day_leaves_out_booths_and_leads(client, login_as, make_event, programmes):
    login_as("admin")
    day = make_event(slug="outcome-day", kind="demo_day")
    page = client.get(f"/organiser/events/{day.slug}/programmes").get_data(as_text=True)
    assert "Meetings requested" in page and "Leads" not in page and "Booths" not in page


def test_adding_and_renaming_are_in_the_audit_log(client, login_as, programmes):
    from eventhub.auth.models import AuditEntry

    login_as("admin")
    client.post("/organiser/programmes", data={"name": "Green Tech"})
    green = db.session.scalar(select(Programme).where(Programme.name == "Green Tech"))
    client.post(f"/organiser/programmes/{green.id}/edit", data={"name": "Green Tech 2"})
    client.post(f"/organiser/programmes/{green.id}/edit", data={"name": "Green Tech 2"})
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.target) for e in entries] == [
        ("programme.create", "Green Tech"),
        ("programme.rename", "Green Tech 2"),
        ("programme.update", "Green Tech 2"),
    ]
    assert entries[1].details == {"old": "Green Tech", "new": "Green Tech 2"}
    log = client.get("/organiser/audit").get_data(as_text=True)
    assert "renamed the programme" in log
