"""The organiser's invitations: one person from the form, a cohort from a CSV or XLSX file
(checked and previewed, then confirmed), the list with each invitation's state, resending
and revoking; who may do it; the users list's account states."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import event, func, select

from eventhub.admin import invitations, users
from eventhub.admin.audit import audit_sentence
from eventhub.auth.invitations import Invitee, invitation_of, invite
from eventhub.auth.models import AuditEntry, Invitation, User
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup
from eventhub.spreadsheets import MAX_UPLOAD_BYTES, SpreadsheetError
from tests.support.factories import create_investor, create_startup

pytestmark = pytest.mark.usefixtures("in_english", "logic_in_english")

LINK = re.compile(r"https?://[^/\s]+(/invitation/[A-Za-z0-9_-]+)")
HEADER = ["name", "email", "role", "organisation", "programme", "city_site", "language"]


def routes(invitation_id: int | str) -> list[tuple[str, str]]:
    return [
        ("GET", "/organiser/invitations"),
        ("GET", "/organiser/invitations/new"),
        ("POST", "/organiser/invitations/new"),
        ("GET", "/organiser/invitations/import"),
        ("POST", "/organiser/invitations/import"),
        ("POST", "/organiser/invitations/import/confirm"),
        ("POST", f"/organiser/invitations/{invitation_id}/resend"),
        ("POST", f"/organiser/invitations/{invitation_id}/revoke"),
        ("POST", "/organiser/invitations/resend-expired"),
    ]


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_of(text: str) -> list[Any]:
    from eventhub.spreadsheets import read_upload

    return read_upload(text.encode(), invitations.COHORT_COLUMNS)


def upload(client, content: bytes, filename: str = "cohort.csv") -> Any:
    return client.post(
        "/organiser/invitations/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def confirm_values(page: str) -> dict[str, str]:
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page)
    expected = re.search(r'name="expected" type="hidden" value="(\d+)"', page)
    assert token and expected, "no confirmation form on the page"
    return {"upload": token.group(1), "expected": expected.group(1)}


def invited(email: str, *, now=None, role: str = "startup", by: User | None = None) -> User:
    user = invite(Invitee(email=email, name=email.split("@")[0], role=role), by, now=now)
    db.session.commit()
    return user


def link_for(outbox, email: str) -> str:
    """The path of the last invitation link e-mailed to `email`."""
    for message in reversed(outbox()):
        if message["To"] == email:
            text = message.get_body(preferencelist=("plain",)).get_content()
            return LINK.search(text).group(1)
    raise AssertionError(f"no e-mail to {email}")


def fresh(model: Any, row_id: int) -> Any:
    db.session.expire_all()
    return db.session.get(model, row_id)


# Checking rows ----------------------------------------------------------------------------


def test_each_row_is_checked_on_its_own(app):
    def problems(**values: str) -> list[str]:
        base = {"name": "Salma Bennani", "email": "salma@example.test", "role": "startup"}
        return [p.code for p in invitations.check_person(base | values).problems]

    assert problems() == []
    assert problems(email="not-an-address") == ["bad_email"]
    assert problems(email="") == ["bad_email"]
    assert problems(name="  ") == ["missing_name"]
    assert problems(role="wizard") == ["unknown_role"]
    assert problems(role="") == ["unknown_role"]
    assert problems(language="klingon") == ["unknown_language"]
    assert problems(name="x" * 121) == ["too_long"]
    assert problems(organisation="o" * 121, programme="p" * 61, city_site="c" * 61) == [
        "too_long",
        "too_long",
        "too_long",
    ]
    assert problems(name='=HYPERLINK("http://evil.test","click")') == ["formula"]
    assert problems(organisation="@SUM(A1)") == ["formula"]
    assert problems(name="Salma\x07") == ["bad_text"]
    assert problems(name="", email="bad", role="nope") == [
        "missing_name",
        "bad_email",
        "unknown_role",
    ]
    person = invitations.check_person(
        {
            "name": "  Karim   Tazi ",
            "email": " Karim@Sahara.TEST ",
            "role": "Investisseur",
            "language": "Arabe",
        }
    )
    assert (person.name, person.email, person.role, person.language) == (
        "Karim Tazi",
        "karim@sahara.test",
        "investor",
        "ar",
    )
    assert invitations.check_person({"name": "N", "email": "n@x.test", "role": "Organisateur"}).ok
    assert invitations.check_person({"name": "N", "email": "n@x.test", "role": "Door staff"}).ok


def test_a_file_is_checked_against_itself_and_the_accounts(app, make_user):
    make_user("staff", email="taken@example.test")
    existing = create_startup(name="Argan Pay", programme="Scale", city_site="Agadir")
    firm = create_investor(fund="Sahara Capital")
    cohort = invitations.check_cohort(
        rows_of(
            "Nom;Courriel;Rôle;Startup;Programme;Ville;Langue\n"
            "Salma;salma@atlas.test;startup;Atlas AI;Accelerate;Rabat;fr\n"  # 2 new startup
            "Omar;omar@atlas.test;Startup;ATLAS ai;;;en\n"  # 3 joins line 2
            "Sara;sara@argan.test;startup;argan pay;Accelerate;Rabat;\n"  # 4 joins existing
            "Karim;karim@vc.test;investor;Sahara Capital;;;ar\n"  # 5 joins existing firm
            "Imane;imane@vc.test;investisseur;Atlas AI;;;\n"  # 6 a new fund, not the startup
            "Reda;reda@vc.test;investor;Atlas AI;;;\n"  # 7 joins line 6
            "Houda;houda@solo.test;startup;;;;\n"  # 8 a startup named after her
            "Nadia;nadia@org.test;admin;Whatever;;;\n"  # 9 no team
            "Sam;SALMA@atlas.test;startup;;;;\n"  # 10 duplicate of line 2
            "Taken;Taken@Example.test;investor;;;;\n"  # 11 address used
            ";;;;;;\n"  # blank: skipped
            "Bad;bad-address;startup;;;;\n"  # 13 bad e-mail
        )
    )
    by_line = {person.line: person for person in cohort.people}
    assert [p.line for p in cohort.valid] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert {p.line: [x.code for x in p.problems] for p in cohort.invalid} == {
        10: ["duplicate_in_file"],
        11: ["email_taken"],
        13: ["bad_email"],
    }
    with force_locale("en"):
        assert "first on line 2" in str(by_line[10].problems[0].message)
    teams = {line: (p.team, p.leader_line) for line, p in by_line.items() if p.ok}
    assert teams == {
        2: ("new", None),
        3: ("file", 2),
        4: ("existing", None),
        5: ("existing", None),
        6: ("new", None),
        7: ("file", 6),
        8: ("new", None),
        9: ("", None),
    }
    assert by_line[4].startup.id == existing.startup.id
    assert by_line[5].investor.id == firm.investor.id
    assert cohort.figures() == {
        "rows": 11,
        "valid": 8,
        "invalid": 3,
        "startups": 4,
        "investors": 3,
        "others": 1,
        "new_startups": 2,
        "new_firms": 1,
    }


def test_a_cohort_is_invited_with_its_teams(app, outbox):
    organiser = User(email="org@example.test", name="Nadia", role="admin", password_hash="x")
    db.session.add(organiser)
    existing = create_startup(name="Argan Pay", programme="Scale", city_site="Agadir")
    cohort = invitations.preview_cohort(
        (
            "name,email,role,organisation,programme,city_site,language\n"
            "Salma,salma@atlas.test,startup,Atlas AI,Accelerate,Rabat,fr\n"
            "Omar,omar@atlas.test,startup,Atlas AI,Other,Fès,en\n"
            "Sara,sara@argan.test,startup,Argan Pay,Accelerate,Rabat,\n"
            "Imane,imane@vc.test,investor,Atlas Ventures,,,ar\n"
            "Reda,reda@vc.test,investor,atlas ventures,,,\n"
            "Nobody,bad-address,startup,,,,\n"
        ).encode()
    )
    people = invitations.invite_cohort(cohort, organiser)
    db.session.commit()
    assert [user.email for user in people] == [
        "salma@atlas.test",
        "omar@atlas.test",
        "sara@argan.test",
        "imane@vc.test",
        "reda@vc.test",
    ]
    assert all(user.status == "invited" and user.password_hash == "" for user in people)
    salma, omar, sara, imane, reda = people
    atlas = salma.startup
    assert (atlas.name, atlas.programme, atlas.city_site) == ("Atlas AI", "Accelerate", "Rabat")
    assert atlas.owner_id == salma.id and omar.startup_id == atlas.id
    assert sara.startup_id == existing.startup.id
    assert fresh(Startup, existing.startup.id).programme == "Scale"  # joined, not changed
    assert imane.investor.fund == "Atlas Ventures" and imane.investor.user_id == imane.id
    assert reda.investor_id == imane.investor.id
    assert (salma.preferred_language, omar.preferred_language, sara.preferred_language) == (
        "fr",
        "en",
        None,
    )
    assert db.session.scalar(select(func.count()).select_from(Investor)) == 1
    assert len(outbox()) == 5
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "account.invitation_import")
    )
    assert entry.details == {"count": 5, "skipped": 1}
    with force_locale("en"):
        assert str(audit_sentence(entry)) == (
            "<bdi>Nadia</bdi> invited <bdi>5</bdi> people from a cohort file."
        )


# The cohort through the pages ---------------------------------------------------------------


def test_an_organiser_imports_30_startups_and_10_investors_from_xlsx(client, login_as, outbox):
    """The issue's "done when": a cohort of 30 startups and 10 investors, from an XLSX file."""
    organiser = login_as("admin")
    rows: list[list[Any]] = [["Nom complet", "E-mail", "Rôle", "Organisation", "Programme"]]
    rows[0] += ["Site", "Langue"]
    for number in range(30):
        rows.append(
            [
                f"Founder {number:02d}",
                f"founder{number:02d}@startups.test",
                "startup",
                f"Startup {number:02d}",
                "Accelerate" if number % 2 else "Ignite",
                "Rabat" if number < 15 else "Casablanca",
                ("fr", "en", "ar")[number % 3],
            ]
        )
    for number in range(10):
        rows.append(
            [f"Investor {number}", f"investor{number}@funds.test", "investor", f"Fund {number}"]
        )
    response = upload(client, xlsx(rows), "cohort.xlsx")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r'id="valid-count">40<', page) and re.search(r'id="invalid-count">0<', page)
    assert "Invite 40 people" in page and "New startup Startup 07" in page
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # nothing saved yet
    assert outbox() == []

    response = client.post("/organiser/invitations/import/confirm", data=confirm_values(page))
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/invitations"
    people = db.session.scalars(select(User).where(User.status == "invited")).all()
    assert len(people) == 40
    assert len(outbox()) == 40
    assert {message["To"] for message in outbox()} == {user.email for user in people}
    startups = db.session.scalars(select(Startup).order_by(Startup.name)).all()
    assert len(startups) == 30
    assert (startups[7].name, startups[7].programme, startups[7].city_site) == (
        "Startup 07",
        "Accelerate",
        "Rabat",
    )
    assert startups[20].city_site == "Casablanca" and startups[20].programme == "Ignite"
    assert all(startup.owner is not None for startup in startups)
    funds = sorted(db.session.scalars(select(Investor.fund)))
    assert funds == [f"Fund {number}" for number in range(10)]
    invitation = invitation_of(people[0])
    assert invitation.invited_by_id == organiser.id
    listing = client.get("/organiser/invitations").get_data(as_text=True)
    assert "40 invitations found." in listing and "Founder 07" in listing
    # The kept file is gone: confirming again saves nothing more.
    again = client.post("/organiser/invitations/import/confirm", data=confirm_values(page))
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(User)) == 41


def test_the_preview_lists_the_problems_and_confirm_saves_the_good_rows(
    client, login_as, make_user, outbox
):
    login_as("admin")
    make_user("investor", email="taken@example.test")
    content = (
        "name;email;role;organisation;programme;city_site;language\n"
        "Salma;salma@atlas.test;startup;Atlas AI;Accelerate;Rabat;fr\n"
        "Omar;omar@atlas.test;startup;Atlas AI;;;\n"
        ";nobody@example.test;startup;;;;\n"
        "Karim;not-an-address;investor;;;;\n"
        "Imane;imane@example.test;wizard;;;;\n"
        "Sara;Salma@atlas.test;startup;;;;\n"
        "Reda;taken@example.test;investor;;;;\n"
        "Houda;houda@example.test;startup;;;;tlh\n"
        "=1+2;formula@example.test;startup;;;;\n"
        f"Long;long@example.test;startup;{'x' * 121};;;\n"
    ).encode()
    response = upload(client, content)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    refused = dict(re.findall(r'<tr data-line="(\d+)" data-codes="([\w ]+)">', page))
    assert refused == {
        "4": "missing_name",
        "5": "bad_email",
        "6": "unknown_role",
        "7": "duplicate_in_file",
        "8": "email_taken",
        "9": "unknown_language",
        "10": "formula",
        "11": "too_long",
    }
    for message in (
        "The name is missing.",
        "Missing or invalid e-mail address.",
        "Unknown role “wizard”",
        "Duplicate in the file (first on line 2).",
        "An account already uses this address.",
        "Unknown language “tlh”",
        "spreadsheet formula",
        "At most 120 characters.",
    ):
        assert message in page, message
    assert "Joins Atlas AI (line 2)" in page and "Invite 2 people" in page
    assert "The 8 rows with a problem are left out." in page
    response = client.post("/organiser/invitations/import/confirm", data=confirm_values(page))
    assert response.status_code == 302
    invited_now = db.session.scalars(select(User.email).where(User.status == "invited")).all()
    assert sorted(invited_now) == ["omar@atlas.test", "salma@atlas.test"]
    assert len(outbox()) == 2


def test_a_file_that_reads_otherwise_at_confirmation_is_checked_again(
    client, login_as, make_user, outbox
):
    login_as("admin")
    content = b"name,email,role\nSalma,salma@example.test,startup\nOmar,omar@example.test,startup\n"
    page = upload(client, content).get_data(as_text=True)
    values = confirm_values(page)
    assert values["expected"] == "2"
    make_user("staff", email="omar@example.test")  # meanwhile, an account takes the address
    response = client.post("/organiser/invitations/import/confirm", data=values)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Some rows read differently now" in page and "Invite 1 person" in page
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    response = client.post(
        "/organiser/invitations/import/confirm", data=confirm_values(page)
    )  # the new preview's confirmation
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1


def test_confirmation_is_all_or_nothing(client, login_as, outbox, monkeypatch):
    login_as("admin")
    content = b"name,email,role\nA,a@example.test,startup\nB,b@example.test,startup\n"
    values = confirm_values(upload(client, content).get_data(as_text=True))
    from eventhub.auth import invitations as core

    real_invite, calls = core.invite, []

    def invite_then_fail(invitee, *args, **kwargs):
        calls.append(invitee.email)
        if len(calls) == 2:
            from eventhub.auth.accounts import AccountError

            raise AccountError("An account already uses this address.", "email_taken", "email")
        return real_invite(invitee, *args, **kwargs)

    monkeypatch.setattr(core, "invite", invite_then_fail)
    response = client.post("/organiser/invitations/import/confirm", data=values)
    assert response.status_code == 409
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the organiser
    assert outbox() == []


def test_bad_files_change_nothing(client, login_as, field_errors):
    login_as("admin")
    formula_book = Workbook()
    formula_book.active.append(["name", "email", "role"])
    formula_book.active.append(['=CONCAT("a","b")', "a@example.test", "startup"])
    out = io.BytesIO()
    formula_book.save(out)
    cases = [
        (b"", "cohort.csv", "The file is empty."),
        (b"name,mail\nA,a@example.test\n", "cohort.csv", "must name the columns"),
        (b"name,email\nA,a@example.test\n", "cohort.csv", "missing: role"),
        ("name,email,role\nLéa,lea@x.test,startup\n".encode("cp1252"), "c.csv", "UTF-8"),
        (b"%PDF-1.4\x00\x00binary", "cohort.csv", "This is not a CSV or XLSX file."),
        (b"PK\x03\x04 not a zip", "cohort.xlsx", "This is not a CSV or XLSX file."),
        (b"x", "cohort.pdf", "The file must be a .csv or .xlsx file."),
        (b"a" * (MAX_UPLOAD_BYTES + 1), "cohort.csv", "The file is too large (at most 4 MB)."),
    ]
    for content, filename, message in cases:
        response = upload(client, content, filename)
        assert response.status_code == 422, message
        assert any(message in error for error in field_errors(response, "file")), message
    response = client.post("/organiser/invitations/import", data={})
    assert response.status_code == 422
    assert field_errors(response, "file") == ["Choose a CSV or XLSX file."]
    # Beyond the request size limit (10 MB, larger than MAX_CONTENT_LENGTH): refused whole.
    response = upload(client, b"a" * (10 * 1024 * 1024), "cohort.csv")
    assert response.status_code == 413
    # A real formula in a workbook is read as its (absent) value: a row without a name.
    response = upload(client, out.getvalue(), "cohort.xlsx")
    assert response.status_code == 200
    assert 'data-codes="missing_name"' in response.get_data(as_text=True)
    too_many = "name,email,role\n" + "".join(
        f"P{n},p{n}@example.test,startup\n" for n in range(invitations.MAX_COHORT_ROWS + 1)
    )
    response = upload(client, too_many.encode())
    assert response.status_code == 422
    assert any("At most 1000 rows" in error for error in field_errors(response, "file"))
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_kept_upload_is_only_its_organisers(app, client, login_as, make_user, auth):
    login_as("admin")
    content = b"name,email,role\nA,a@example.test,startup\n"
    values = confirm_values(upload(client, content).get_data(as_text=True))
    other = make_user("admin")
    auth.logout()
    auth.login(other)
    response = client.post("/organiser/invitations/import/confirm", data=values)
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/invitations/import"
    assert "no longer there" in client.get("/organiser/invitations/import").get_data(as_text=True)
    for token in ("../../secret_key", "short", "a" * 65, ""):
        response = client.post(
            "/organiser/invitations/import/confirm", data={"upload": token, "expected": "1"}
        )
        assert response.status_code in (302, 400), token
    with pytest.raises(SpreadsheetError):
        invitations.kept_upload("../" + "a" * 30, other.id)
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


# One person ---------------------------------------------------------------------------------


def test_inviting_one_person_from_the_form(client, login_as, outbox):
    organiser = login_as("admin")
    assert client.get("/organiser/invitations/new").status_code == 200
    response = client.post(
        "/organiser/invitations/new",
        data={
            "name": "Salma Bennani",
            "email": "Salma@Atlas.test",
            "role": "startup",
            "organisation": "Atlas AI",
            "programme": "Accelerate",
            "city_site": "Rabat",
            "language": "ar",
        },
    )
    assert response.status_code == 302
    salma = db.session.scalar(select(User).where(User.email == "salma@atlas.test"))
    assert (salma.status, salma.role, salma.preferred_language) == ("invited", "startup", "ar")
    assert (salma.startup.name, salma.startup.programme, salma.startup.city_site) == (
        "Atlas AI",
        "Accelerate",
        "Rabat",
    )
    assert invitation_of(salma).invited_by_id == organiser.id
    [message] = outbox()
    assert message["To"] == "salma@atlas.test"
    page = client.get("/organiser/invitations").get_data(as_text=True)
    assert "Salma Bennani is invited" in page and 'data-state="sent"' in page

    # A second founder of the same startup joins it.
    response = client.post(
        "/organiser/invitations/new",
        data={"name": "Omar", "email": "omar@atlas.test", "role": "startup", "language": "fr"}
        | {"organisation": "atlas ai"},
    )
    assert response.status_code == 302
    omar = db.session.scalar(select(User).where(User.email == "omar@atlas.test"))
    assert omar.startup_id == salma.startup_id
    assert "as a teammate of Atlas AI" in client.get("/organiser/invitations").get_data(
        as_text=True
    )


def test_the_form_shows_each_problem_at_its_field(client, login_as, make_user, field_errors):
    login_as("admin")
    make_user("staff", email="taken@example.test")
    cases = [
        ({"email": "not-an-address"}, "email", "Missing or invalid e-mail address."),
        ({"email": "TAKEN@example.test"}, "email", "An account already uses this address."),
        ({"role": "wizard"}, "role", "Unknown role “wizard”: startup, investor, staff or admin."),
        ({"name": ""}, "name", "The name is missing."),
        ({"name": "=cmd|' /C calc'!A0"}, "name", "spreadsheet formula"),
        ({"organisation": "x" * 121}, "organisation", "120"),
        ({"language": "tlh"}, "language", "Unknown language “tlh”: fr, en or ar."),
    ]
    for change, field, message in cases:
        data = {"name": "Karim", "email": "karim@example.test", "role": "investor"}
        data["language"] = "en"
        response = client.post("/organiser/invitations/new", data=data | change)
        assert response.status_code == 422, change
        assert any(message in error for error in field_errors(response, field)), change
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


# The list, its states, resending and revoking --------------------------------------------------


def test_states_in_sql_agree_with_python(app):
    now = utcnow()
    past = now - timedelta(days=30)
    sent = invited("sent@example.test")
    opened = invited("opened@example.test")
    invitation_of(opened).opened_at = now
    accepted = invited("accepted@example.test")
    invitation_of(accepted).accepted_at = now
    expired = invited("expired@example.test", now=past)
    revoked = invited("revoked@example.test")
    invitations.revoke_invitation(invitation_of(revoked), None)
    db.session.commit()
    expected = {
        sent.id: "sent",
        opened.id: "opened",
        accepted.id: "accepted",
        expired.id: "expired",
        revoked.id: "revoked",
    }
    for user_id, state in expected.items():
        assert invitations.state_of(invitation_of(db.session.get(User, user_id)), now) == state
        filters = invitations.InvitationFilters.read(None, state)
        found = db.session.scalars(invitations.select_invitations(filters, now)).unique().all()
        assert [invitation.user_id for invitation in found] == [user_id]
    assert invitations.count_by_state(now) == dict.fromkeys(expected.values(), 1)
    # Later, the sent one has expired too.
    later = now + timedelta(days=15)
    assert invitations.count_by_state(later)["expired"] == 3  # sent, opened, expired
    filters = invitations.InvitationFilters.read("OPENED@", "nonsense")
    found = db.session.scalars(invitations.select_invitations(filters, now)).unique().all()
    assert [invitation.user_id for invitation in found] == [opened.id]


def test_the_list_page_filters_and_stays_cheap(client, login_as):
    organiser = login_as("admin")
    now = utcnow()
    for number in range(520):
        user = User(
            email=f"person{number:03d}@example.test",
            name=f"Person {number:03d}",
            role="investor" if number % 2 else "startup",
            password_hash="",
            status="invited",
        )
        db.session.add(user)
        db.session.add(
            Invitation(
                user=user,
                invited_by=organiser,
                created_at=now,
                sent_at=now - timedelta(minutes=number),
                expires_at=now + timedelta(days=14 if number % 10 else -1),
            )
        )
    db.session.commit()
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get("/organiser/invitations").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) <= 6, statements
    assert "520 invitations found." in page
    assert page.count('data-state="') == 50
    assert "Person 001" in page and "Person 060" not in page
    assert "Send the 52 expired invitations again" in page
    second = client.get("/organiser/invitations?page=2").get_data(as_text=True)
    assert "Person 060" in second
    expired = client.get("/organiser/invitations?state=expired").get_data(as_text=True)
    assert "52 invitations found." in expired and 'data-state="sent"' not in expired
    found = client.get("/organiser/invitations?q=person007").get_data(as_text=True)
    assert "1 invitation found." in found
    assert client.get("/organiser/invitations?page=99999999999&q=%00").status_code == 200


def test_revoke_then_resend(app, client, login_as, outbox):
    organiser = login_as("admin")
    visitor = app.test_client()  # the invited person's browser
    user = invited("salma@example.test", by=organiser)
    invitation = invitation_of(user)
    first_link = link_for(outbox, user.email)
    assert visitor.get(first_link).status_code == 200

    response = client.post(f"/organiser/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    assert invitations.state_of(fresh(Invitation, invitation.id), utcnow()) == "revoked"
    assert visitor.get(first_link).status_code == 410
    # Revoking twice changes nothing more.
    assert client.post(f"/organiser/invitations/{invitation.id}/revoke").status_code == 302

    response = client.post(
        f"/organiser/invitations/{invitation.id}/resend", data={"next": "https://evil.test/"}
    )
    assert response.headers["Location"] == "/organiser/invitations"
    invitation = fresh(Invitation, invitation.id)
    assert invitation.send_count == 2 and invitation.revoked_at is None
    second_link = link_for(outbox, user.email)
    assert second_link != first_link
    assert visitor.get(first_link).status_code == 410
    assert visitor.get(second_link).status_code == 200

    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["account.invitation_revoke", "account.invitation_resend"]
    with force_locale("en"):
        sentences = [
            str(audit_sentence(entry))
            for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert f"<bdi>{organiser.name}</bdi> invited <bdi>salma@example.test</bdi>." in sentences
    assert (
        f"<bdi>{organiser.name}</bdi> revoked the invitation of <bdi>salma@example.test</bdi>."
        in sentences
    )


def test_an_accepted_invitation_cannot_be_resent_nor_revoked(app, client, login_as, outbox):
    login_as("admin")
    user = invited("salma@example.test")
    invitation = invitation_of(user)
    response = app.test_client().post(
        link_for(outbox, user.email),
        data={"password": "a-long-enough-secret", "confirm": "a-long-enough-secret"},
    )
    assert response.status_code == 302
    for action in ("resend", "revoke"):
        response = client.post(f"/organiser/invitations/{invitation.id}/{action}")
        assert response.status_code == 302
        page = client.get("/organiser/invitations").get_data(as_text=True)
        assert "This invitation was already accepted." in page
    invitation = fresh(Invitation, invitation.id)
    assert invitation.send_count == 1 and invitation.revoked_at is None
    page = client.get("/organiser/invitations").get_data(as_text=True)
    assert 'data-state="accepted"' in page and "Resend" not in page.split("<tbody>")[1]


def test_expired_invitations_are_sent_again_in_bulk(app, client, login_as, outbox):
    organiser = login_as("admin")
    visitor = app.test_client()  # the invited people's browser
    past = utcnow() - timedelta(days=20)
    old = [invited(f"old{number}@example.test", now=past) for number in range(3)]
    deactivated = invited("gone@example.test", now=past)
    deactivated.is_active = False
    current = invited("current@example.test")
    db.session.commit()
    assert invitations.state_of(invitation_of(old[0]), utcnow()) == "expired"
    assert invitations.state_of(invitation_of(current), past + timedelta(days=13)) == "sent"
    before = len(outbox())  # an invitation already expired when sent is not e-mailed
    assert before == 1

    response = client.post("/organiser/invitations/resend-expired")
    assert response.status_code == 302
    assert len(outbox()) == before + 3
    now = utcnow()
    for user in old:
        assert invitations.state_of(fresh(Invitation, invitation_of(user).id), now) == "sent"
        assert visitor.get(link_for(outbox, user.email)).status_code == 200
    assert invitations.state_of(invitation_of(deactivated), now) == "expired"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "account.invitations_resend_expired")
    )
    assert entry.details == {"count": 3} and entry.actor_id == organiser.id
    with force_locale("en"):
        assert "sent <bdi>3</bdi> expired invitations again" in str(audit_sentence(entry))
    client.post("/organiser/invitations/resend-expired")
    assert "No invitation has expired." in client.get("/organiser/invitations").get_data(
        as_text=True
    )


def test_unknown_invitations_are_404(client, login_as):
    login_as("admin")
    for invitation_id in (987654, 2**31 - 1, 2**31, 0):
        for action in ("resend", "revoke"):
            response = client.post(f"/organiser/invitations/{invitation_id}/{action}")
            assert response.status_code == 404, (invitation_id, action)


# Who may ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, app):
    user = invited("salma@example.test")
    invitation_id = invitation_of(user).id
    for method, path in routes(invitation_id):
        response = client.open(path, method=method)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_other_roles_are_refused_everywhere(client, login_as, role, outbox):
    user = invited("salma@example.test")
    invitation = invitation_of(user)
    login_as(role)
    content = b"name,email,role\nA,a@example.test,startup\n"
    for method, path in routes(invitation.id):
        data = {"file": (io.BytesIO(content), "c.csv"), "name": "A", "email": "a@example.test"}
        response = client.open(path, method=method, data=data, content_type="multipart/form-data")
        assert response.status_code == 403, path
    invitation = fresh(Invitation, invitation.id)
    assert invitation.send_count == 1 and invitation.revoked_at is None
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1


def test_the_buttons_need_the_csrf_token(app, client, login_as, csrf_token):
    login_as("admin")
    invitation = invitation_of(invited("salma@example.test"))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for path in (
            f"/organiser/invitations/{invitation.id}/resend",
            f"/organiser/invitations/{invitation.id}/revoke",
            "/organiser/invitations/resend-expired",
            "/organiser/invitations/import/confirm",
            "/organiser/invitations/import",
            "/organiser/invitations/new",
        ):
            assert client.post(path).status_code == 400, path
        token = csrf_token("/organiser/invitations")
        response = client.post(
            f"/organiser/invitations/{invitation.id}/revoke", data={"csrf_token": token}
        )
        assert response.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert fresh(Invitation, invitation.id).revoked_at is not None


# The users list ------------------------------------------------------------------------------


def test_users_states(client, login_as, make_user, outbox):
    organiser = login_as("admin")
    make_user("startup", name="Active One")
    make_user("startup", name="Pending One", status="pending")
    make_user("investor", name="Unverified One", status="unverified")
    make_user("investor", name="Rejected One", status="rejected")
    make_user("staff", name="Gone One", is_active=False, status="invited")
    salma = invite(Invitee(email="salma@example.test", name="Invited One", role="startup"), None)
    db.session.commit()

    def found(state: str) -> list[str]:
        filters = users.UserFilters.read(None, None, state)
        return [user.name for user in db.session.scalars(users.select_users(filters))]

    assert found("invited") == ["Invited One"]
    assert found("pending") == ["Pending One", "Unverified One"]
    assert found("rejected") == ["Rejected One"]
    assert found("deactivated") == ["Gone One"]
    assert found("active") == ["Active One", organiser.name]
    assert users.count_by_state() == {
        "active": 2,
        "invited": 1,
        "pending": 2,
        "rejected": 1,
        "deactivated": 1,
    }
    assert users.state_of(salma) == "invited"
    page = client.get("/organiser/users?state=invited").get_data(as_text=True)
    assert "1 user found." in page and "state-invited" in page
    assert "/organiser/invitations" in page

    user_page = client.get(f"/organiser/users/{salma.id}").get_data(as_text=True)
    assert re.search(r'id="invitation-state">Sent<', user_page)
    assert "Resend invitation" in user_page
    invitation = invitation_of(salma)
    response = client.post(
        f"/organiser/invitations/{invitation.id}/resend",
        data={"next": f"/organiser/users/{salma.id}"},
    )
    assert response.headers["Location"] == f"/organiser/users/{salma.id}"
    assert fresh(Invitation, invitation.id).send_count == 2
    assert len(outbox()) == 2
    active_page = client.get(f"/organiser/users/{organiser.id}").get_data(as_text=True)
    assert "Resend invitation" not in active_page
    assert "/organiser/invitations" in client.get("/organiser/").get_data(as_text=True)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_pages_in_french_and_arabic(client, login_as, language):
    login_as("admin")
    invited("salma@example.test")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    for path in (
        "/organiser/invitations",
        "/organiser/invitations/new",
        "/organiser/invitations/import",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'lang="{language}"' in response.get_data(as_text=True)
    content = b"name,email,role\nA,a@example.test,startup\nB,bad,startup\n"
    assert upload(client, content).status_code == 200
