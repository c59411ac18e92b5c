"""`flask --app eventhub invite FILE`: a cohort invited from the command line, checked like
the organiser's import; a file with problems refused (stderr, exit code 1) unless
--skip-invalid; --dry-run saves nothing; without --yes it asks first."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from eventhub.auth.models import AuditEntry, Invitation, User
from eventhub.extensions import db
from eventhub.profiles.models import Startup

GOOD_CSV = (
    "nom;courriel;rôle;startup;programme;ville;langue\n"
    "Salma Bennani;salma@atlas.test;startup;Atlas AI;Accelerate;Rabat;fr\n"
    "Omar Idrissi;omar@atlas.test;startup;Atlas AI;Accelerate;Rabat;en\n"
    "Karim Tazi;karim@sahara.test;investisseur;Sahara Capital;;;ar\n"
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_csv_cohort_is_invited(runner, tmp_path, outbox):
    result = runner.invoke(args=["invite", write(tmp_path, "cohort.csv", GOOD_CSV), "--yes"])
    assert result.exit_code == 0, result.output
    assert "3 rows: 3 to invite (2 startup founders, 1 investors" in result.stdout
    assert "Invited 3 people" in result.stdout
    people = db.session.scalars(select(User).order_by(User.email)).all()
    assert [(user.email, user.status) for user in people] == [
        ("karim@sahara.test", "invited"),
        ("omar@atlas.test", "invited"),
        ("salma@atlas.test", "invited"),
    ]
    [atlas] = db.session.scalars(select(Startup)).all()
    assert (atlas.name, atlas.programme, atlas.city_site, len(atlas.members)) == (
        "Atlas AI",
        "Accelerate",
        "Rabat",
        2,
    )
    assert people[0].investor.fund == "Sahara Capital"
    assert len(outbox()) == 3
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "account.invitation_import")
    )
    assert entry.actor_id is None and entry.details == {"count": 3, "skipped": 0}
    assert all(
        invitation.invited_by_id is None for invitation in db.session.scalars(select(Invitation))
    )


def test_an_xlsx_cohort_is_invited(runner, tmp_path, outbox):
    book = Workbook()
    book.active.append(["Name", "E-mail", "Role", "Fund", "Programme", "City", "Language"])
    for number in range(5):
        founder = [f"Founder {number}", f"f{number}@example.test", "startup", f"S{number}"]
        book.active.append([*founder, "Ignite", "Tanger", "fr"])
    book.active.append(["Investor", "i@example.test", "investor", "Atlas Fund", None, None, "en"])
    path = tmp_path / "cohort.xlsx"
    book.save(path)
    result = runner.invoke(args=["invite", str(path)], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Invite 6 people?" in result.output
    assert count(User) == 6 and count(Invitation) == 6 and len(outbox()) == 6
    assert {s.city_site for s in db.session.scalars(select(Startup))} == {"Tanger"}


def test_a_file_with_problems_is_refused_whole(runner, tmp_path, make_user):
    make_user("staff", email="taken@example.test")
    text = GOOD_CSV + (
        "Bad;not-an-address;startup;;;;\n"
        "Taken;TAKEN@example.test;startup;;;;\n"
        "Who;who@example.test;wizard;;;;\n"
    )
    path = write(tmp_path, "cohort.csv", text)
    result = runner.invoke(args=["invite", path, "--yes"])
    assert result.exit_code == 1
    assert "line 5 not-an-address: Missing or invalid e-mail address." in result.stderr
    assert "line 6 taken@example.test: An account already uses this address." in result.stderr
    assert "line 7 who@example.test: Unknown role “wizard”" in result.stderr
    assert "3 rows have a problem: nothing was saved" in result.stderr
    assert count(Invitation) == 0

    result = runner.invoke(args=["invite", path, "--dry-run", "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was saved." in result.stdout and count(Invitation) == 0

    result = runner.invoke(args=["invite", path, "--skip-invalid", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Invited 3 people" in result.stdout and count(Invitation) == 3


def test_dry_run_and_saying_no_save_nothing(runner, tmp_path, outbox):
    path = write(tmp_path, "cohort.csv", GOOD_CSV)
    result = runner.invoke(args=["invite", path, "--dry-run"])
    assert result.exit_code == 0 and "Dry run" in result.stdout
    result = runner.invoke(args=["invite", path], input="n\n")
    assert result.exit_code == 1
    assert count(User) == 0 and outbox() == []


def test_unreadable_files_are_refused(runner, tmp_path):
    cases = {
        "empty.csv": ("", "The file is empty."),
        "columns.csv": ("name,mail\nA,a@example.test\n", "missing: role"),
        "only-header.csv": ("name,email,role\n", "No row to invite."),
    }
    for name, (text, message) in cases.items():
        result = runner.invoke(args=["invite", write(tmp_path, name, text), "--yes"])
        assert result.exit_code == 1, name
        assert message in result.stderr, (name, result.stderr)
    binary = tmp_path / "fake.xlsx"
    binary.write_bytes(b"PK\x03\x04 nothing")
    result = runner.invoke(args=["invite", str(binary)])
    assert result.exit_code == 1 and "This is not a CSV or XLSX file." in result.stderr
    result = runner.invoke(args=["invite", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2
    assert count(User) == 0
