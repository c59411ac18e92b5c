"""Invitations, the organiser's side: one person from a form, a whole cohort from a
spreadsheet, the list of invitations with their state, resending and revoking.

A cohort file is checked in full before anything is saved (`preview_cohort`): every row
with its problems, and for the good ones how their team is formed. Startups of the file
that name the same organisation share one startup (its first row owns it, the next ones
join it), and so do investors of the same fund; an organisation already on EventHub is
joined. `invite_cohort` then invites the good rows. Nothing here commits: the caller
commits once, or rolls back.

The uploaded file is kept between the preview and the confirmation (`keep_upload`), and
read again at the confirmation: what is saved is what the file says then.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import contains_eager, joinedload

from eventhub.auth import invitations as core
from eventhub.auth.accounts import record_audit
from eventhub.auth.invitations import INVITATION_STATES, Invitee, invitation_state
from eventhub.auth.models import ROLES, Invitation, User
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.models_common import MAX_ROW_ID, contains_text, search_text, utcnow
from eventhub.profiles.models import Investor, Startup
from eventhub.registration.forms import FieldProblem, clean_email
from eventhub.spreadsheets import ZIP_MAGIC, Columns, Row, SpreadsheetError, read_upload

HEADER_ALIASES = {
    "name": "name",
    "full_name": "name",
    "nom": "name",
    "nom_complet": "name",
    "contact": "name",
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "courriel": "email",
    "adresse_e_mail": "email",
    "role": "role",
    "rôle": "role",
    "type": "role",
    "profil": "role",
    "organisation": "organisation",
    "organization": "organisation",
    "startup": "organisation",
    "start_up": "organisation",
    "fund": "organisation",
    "fonds": "organisation",
    "company": "organisation",
    "entreprise": "organisation",
    "société": "organisation",
    "societe": "organisation",
    "structure": "organisation",
    "programme": "programme",
    "program": "programme",
    "cohort": "programme",
    "cohorte": "programme",
    "city_site": "city_site",
    "city": "city_site",
    "site": "city_site",
    "ville": "city_site",
    "campus": "city_site",
    "language": "language",
    "lang": "language",
    "langue": "language",
}
COHORT_COLUMNS = Columns(HEADER_ALIASES, required=("name", "email", "role"))
# A cohort is invited in the request that confirms it: a bounded number of rows.
MAX_COHORT_ROWS = 1000

ROLE_ALIASES = {
    "startup": "startup",
    "start_up": "startup",
    "founder": "startup",
    "fondateur": "startup",
    "fondatrice": "startup",
    "investor": "investor",
    "investisseur": "investor",
    "investisseuse": "investor",
    "staff": "staff",
    "door_staff": "staff",
    "personnel": "staff",
    "accueil": "staff",
    "admin": "admin",
    "organiser": "admin",
    "organizer": "admin",
    "organisateur": "admin",
    "organisatrice": "admin",
}
LANGUAGES = ("fr", "en", "ar")
LANGUAGE_ALIASES = {
    "fr": "fr",
    "français": "fr",
    "francais": "fr",
    "french": "fr",
    "en": "en",
    "english": "en",
    "anglais": "en",
    "ar": "ar",
    "arabic": "ar",
    "arabe": "ar",
    "العربية": "ar",
}
LIMITS = {"name": 120, "email": 254, "organisation": 120, "programme": 60, "city_site": 60}
TEXT_FIELDS = ("name", "organisation", "programme", "city_site")
# A cell starting so would run as a formula once exported again to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@")


class InvitationAdminError(DomainError):
    """An invitation the organiser cannot make, resend or revoke."""


# Checking people ------------------------------------------------------------------------


@dataclass
class Problem:
    code: str
    message: Any  # a lazy translated string
    field: str


@dataclass
class Person:
    """One person to invite, as typed or as read from a row, with what is wrong with it
    and, once planned, how it joins its team."""

    line: int
    name: str
    email: str
    role: str
    organisation: str = ""
    programme: str = ""
    city_site: str = ""
    language: str | None = None
    problems: list[Problem] = field(default_factory=list)
    # How the team is formed: "new" (its own startup or firm), "file" (joins the one of an
    # earlier row, `leader_line`), "existing" (joins `startup` or `investor`), "" (none).
    team: str = ""
    leader_line: int | None = None
    startup: Startup | None = None
    investor: Investor | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def refuse(self, code: str, message: Any, field_name: str) -> None:
        self.problems.append(Problem(code, message, field_name))

    @property
    def has_team(self) -> bool:
        return self.role in ("startup", "investor")


def _text(person: Person, field_name: str, raw: str | None) -> str:
    value = " ".join((raw or "").replace("\x00", "").split())
    if any(unicodedata.category(char) == "Cc" for char in value):
        person.refuse(
            "bad_text", _l("Remove the invisible control characters from this field."), field_name
        )
    elif value.startswith(FORMULA_STARTS):
        person.refuse(
            "formula",
            _l("A value may not start with = + - or @ (a spreadsheet formula)."),
            field_name,
        )
    elif len(value) > LIMITS[field_name]:
        person.refuse(
            "too_long", _l("At most %(max)d characters.", max=LIMITS[field_name]), field_name
        )
    return value


def _key(text: str) -> str:
    return text.replace("-", "_").replace(" ", "_").strip().casefold()


def check_person(values: dict[str, str | None], line: int = 0) -> Person:
    """One person's values checked on their own (not against the database nor a file)."""
    raw_email = (values.get("email") or "").strip()
    person = Person(line=line, name="", email=raw_email[: LIMITS["email"]], role="")
    texts = {name: _text(person, name, values.get(name)) for name in TEXT_FIELDS}
    person.name = texts["name"]
    person.organisation = texts["organisation"]
    person.programme = texts["programme"]
    person.city_site = texts["city_site"]
    if not person.name:
        person.refuse("missing_name", _l("The name is missing."), "name")
    try:
        person.email = clean_email(raw_email)
    except FieldProblem:
        person.refuse("bad_email", _l("Missing or invalid e-mail address."), "email")
    raw_role = (values.get("role") or "").strip()
    person.role = ROLE_ALIASES.get(_key(raw_role), "")
    if person.role not in ROLES:
        person.refuse(
            "unknown_role",
            _l("Unknown role “%(role)s”: startup, investor, staff or admin.", role=raw_role[:40]),
            "role",
        )
    raw_language = (values.get("language") or "").strip()
    if raw_language:
        person.language = LANGUAGE_ALIASES.get(raw_language.casefold())
        if person.language is None:
            person.refuse(
                "unknown_language",
                _l("Unknown language “%(language)s”: fr, en or ar.", language=raw_language[:40]),
                "language",
            )
    return person


def taken_emails(emails: Iterable[str]) -> set[str]:
    """Which of these (normalised) addresses an account already uses."""
    wanted = sorted(set(emails))
    taken: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        taken.update(db.session.scalars(select(User.email).where(User.email.in_(chunk))))
    return taken


def existing_startups(names: Iterable[str]) -> dict[str, Startup]:
    """The startups already on EventHub with these names (ignoring case), by lowercase name."""
    wanted = sorted({name.lower() for name in names})
    if not wanted:
        return {}
    found = db.session.scalars(select(Startup).where(func.lower(Startup.name).in_(wanted)))
    return {startup.name.lower(): startup for startup in found}


def existing_funds(names: Iterable[str]) -> dict[str, Investor]:
    """The investor firms already on EventHub with these funds (ignoring case): the oldest
    one for a fund that several firms share."""
    wanted = sorted({name.lower() for name in names})
    if not wanted:
        return {}
    found = db.session.scalars(
        select(Investor).where(func.lower(Investor.fund).in_(wanted)).order_by(Investor.id.desc())
    )
    return {investor.fund.lower(): investor for investor in found}


def _check_against_accounts(people: list[Person]) -> None:
    taken = taken_emails(person.email for person in people if person.ok)
    for person in people:
        if person.ok and person.email in taken:
            person.refuse("email_taken", _l("An account already uses this address."), "email")


def _plan_teams(people: list[Person]) -> None:
    """How each good row joins its team: see `Person.team`."""
    good = [person for person in people if person.ok and person.has_team]
    startups = existing_startups(p.organisation for p in good if p.role == "startup")
    funds = existing_funds(p.organisation for p in good if p.role == "investor")
    leaders: dict[tuple[str, str], int] = {}
    for person in good:
        if not person.organisation:
            person.team = "new"
            continue
        key = person.organisation.lower()
        existing = (startups if person.role == "startup" else funds).get(key)
        if existing is not None:
            person.team = "existing"
            if person.role == "startup":
                person.startup = existing
            else:
                person.investor = existing
        elif (person.role, key) in leaders:
            person.team = "file"
            person.leader_line = leaders[(person.role, key)]
        else:
            person.team = "new"
            leaders[(person.role, key)] = person.line


# A cohort file ----------------------------------------------------------------------------


@dataclass
class Cohort:
    """A checked cohort file: every row, good or not, in the file's order."""

    people: list[Person]

    @property
    def valid(self) -> list[Person]:
        return [person for person in self.people if person.ok]

    @property
    def invalid(self) -> list[Person]:
        return [person for person in self.people if not person.ok]

    def figures(self) -> dict[str, int]:
        valid = self.valid
        return {
            "rows": len(self.people),
            "valid": len(valid),
            "invalid": len(self.people) - len(valid),
            "startups": sum(1 for p in valid if p.role == "startup"),
            "investors": sum(1 for p in valid if p.role == "investor"),
            "others": sum(1 for p in valid if not p.has_team),
            "new_startups": sum(1 for p in valid if p.role == "startup" and p.team == "new"),
            "new_firms": sum(1 for p in valid if p.role == "investor" and p.team == "new"),
        }


def check_cohort(rows: list[Row]) -> Cohort:
    """Every row checked on its own, then against the others of the file (a repeated
    address) and the accounts (an address already used), then the teams planned."""
    people = [check_person(row.values, row.line) for row in rows]
    first_line: dict[str, int] = {}
    for person in people:
        if not person.ok:
            continue
        if person.email in first_line:
            person.refuse(
                "duplicate_in_file",
                _l(
                    "Duplicate in the file (first on line %(line)d).", line=first_line[person.email]
                ),
                "email",
            )
        else:
            first_line[person.email] = person.line
    _check_against_accounts(people)
    _plan_teams(people)
    return Cohort(people)


def preview_cohort(data: bytes) -> Cohort:
    """The checked rows of an uploaded CSV or XLSX file; SpreadsheetError for a file that
    cannot be read. Saves nothing."""
    return check_cohort(read_upload(data, COHORT_COLUMNS, max_rows=MAX_COHORT_ROWS))


def _invitee(person: Person, leaders: dict[int, User]) -> Invitee:
    invitee = Invitee(
        email=person.email,
        name=person.name,
        role=person.role,
        language=person.language,
        startup=person.startup,
        investor=person.investor,
    )
    leader = leaders.get(person.leader_line) if person.leader_line is not None else None
    if person.role == "startup":
        invitee.startup_name = person.organisation
        invitee.programme = person.programme
        invitee.city_site = person.city_site
        if leader is not None:
            invitee.startup = leader.startup
    elif person.role == "investor":
        invitee.fund = person.organisation
        if leader is not None:
            invitee.investor = leader.investor
    return invitee


def invite_people(
    people: list[Person],
    organiser: User | None,
    *,
    now: datetime | None = None,
    progress: Callable[[int], object] | None = None,
) -> list[User]:
    """Invite the good ones of these checked people, in order (a team's first row before
    its next ones); `progress(1)` after each. Raises AccountError (the caller rolls back)
    for a row that can no longer be invited, an address taken meanwhile for example."""
    now = now or utcnow()
    leaders: dict[int, User] = {}
    invited: list[User] = []
    for person in people:
        if not person.ok:
            continue
        user = core.invite(_invitee(person, leaders), organiser, now=now)
        leaders[person.line] = user
        invited.append(user)
        if progress is not None:
            progress(1)
    db.session.flush()
    return invited


def invite_cohort(
    cohort: Cohort,
    organiser: User | None,
    *,
    now: datetime | None = None,
    progress: Callable[[int], object] | None = None,
) -> list[User]:
    """Invite every good row of the cohort, and record the import in the audit log."""
    invited = invite_people(cohort.people, organiser, now=now, progress=progress)
    figures = cohort.figures()
    record_audit(
        organiser,
        "account.invitation_import",
        None,
        count=len(invited),
        skipped=figures["invalid"],
    )
    return invited


# One person -------------------------------------------------------------------------------


def check_one(values: dict[str, str | None]) -> Person:
    """One person from the form, checked like a row of a file."""
    person = check_person(values, line=1)
    _check_against_accounts([person])
    _plan_teams([person])
    return person


def invite_one(person: Person, organiser: User, *, now: datetime | None = None) -> User:
    """Invite a person checked by `check_one` (with no problem)."""
    [user] = invite_people([person], organiser, now=now)
    return user


# The kept upload --------------------------------------------------------------------------

UPLOADS_FOLDER = "invitation_imports"
UPLOAD_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
UPLOAD_KEPT_SECONDS = 24 * 3600


def _uploads_folder() -> Path:
    return Path(current_app.instance_path) / UPLOADS_FOLDER


def _upload_path(user_id: int, token: str) -> Path | None:
    if not UPLOAD_PATTERN.match(token or ""):
        return None
    return _uploads_folder() / f"{int(user_id)}-{token}"


def keep_upload(data: bytes, user_id: int) -> str:
    """Keep an uploaded file for its confirmation; the token that finds it again, for
    this organiser only. Files older than a day are removed on the way."""
    folder = _uploads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_old_uploads(folder)
    token = secrets.token_urlsafe(24)
    path = _upload_path(user_id, token)
    assert path is not None
    path.write_bytes(data)
    return token


def kept_upload(token: str, user_id: int) -> bytes:
    path = _upload_path(user_id, token)
    if path is None or not path.is_file():
        raise SpreadsheetError(
            _l("The uploaded file is no longer there: upload it again."), "no_upload"
        )
    return path.read_bytes()


def drop_upload(token: str, user_id: int) -> None:
    path = _upload_path(user_id, token)
    if path is not None:
        path.unlink(missing_ok=True)


def _remove_old_uploads(folder: Path) -> None:
    limit = time.time() - UPLOAD_KEPT_SECONDS
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def upload_kind(data: bytes) -> str:
    return "xlsx" if data.startswith(ZIP_MAGIC) else "csv"


# The list ---------------------------------------------------------------------------------


def state_labels() -> dict[str, Any]:
    return {
        "sent": _l("Sent"),
        "opened": _l("Opened"),
        "accepted": _l("Accepted"),
        "expired": _l("Expired"),
        "revoked": _l("Revoked"),
    }


def _state_case(now: datetime) -> Any:
    """The state of an invitation in SQL, as `invitation_state` says it in Python."""
    return case(
        (Invitation.revoked_at.is_not(None), "revoked"),
        (Invitation.accepted_at.is_not(None), "accepted"),
        (Invitation.expires_at <= now, "expired"),
        (Invitation.opened_at.is_not(None), "opened"),
        else_="sent",
    )


def state_condition(state: str, now: datetime) -> ColumnElement[bool]:
    pending = and_(Invitation.revoked_at.is_(None), Invitation.accepted_at.is_(None))
    conditions = {
        "revoked": Invitation.revoked_at.is_not(None),
        "accepted": and_(Invitation.revoked_at.is_(None), Invitation.accepted_at.is_not(None)),
        "expired": and_(pending, Invitation.expires_at <= now),
        "opened": and_(pending, Invitation.expires_at > now, Invitation.opened_at.is_not(None)),
        "sent": and_(pending, Invitation.expires_at > now, Invitation.opened_at.is_(None)),
    }
    return conditions[state]


@dataclass(frozen=True)
class InvitationFilters:
    q: str = ""
    state: str | None = None

    @classmethod
    def read(cls, q: str | None, state: str | None) -> InvitationFilters:
        """Filters from what was typed or picked; an unknown state is no filter."""
        return cls(q=search_text(q)[:100], state=state if state in INVITATION_STATES else None)

    def query_args(self) -> dict[str, str]:
        args = {"q": self.q, "state": self.state or ""}
        return {key: value for key, value in args.items() if value}


def select_invitations(filters: InvitationFilters, now: datetime) -> Select[tuple[Invitation]]:
    """The invitations that match, the last sent first, each with its person (and their
    startup or firm) and who invited them: one statement per page."""
    query = (
        select(Invitation)
        .join(Invitation.user)
        .options(
            contains_eager(Invitation.user).joinedload(User.startup),
            contains_eager(Invitation.user).joinedload(User.investor),
            joinedload(Invitation.invited_by),
        )
    )
    if filters.q:
        query = query.where(contains_text(filters.q, User.name, User.email))
    if filters.state:
        query = query.where(state_condition(filters.state, now))
    return query.order_by(Invitation.sent_at.desc(), Invitation.id.desc())


def count_by_state(now: datetime) -> dict[str, int]:
    state = _state_case(now)
    counts = dict.fromkeys(INVITATION_STATES, 0)
    for name, count in db.session.execute(select(state, func.count()).group_by(state)):
        counts[name] = count
    return counts


def state_of(invitation: Invitation, now: datetime) -> str:
    return invitation_state(invitation, now)


def can_resend(invitation: Invitation) -> bool:
    return invitation.accepted_at is None and invitation.user.is_active


def can_revoke(invitation: Invitation) -> bool:
    return invitation.accepted_at is None and invitation.revoked_at is None


def find_invitation(invitation_id: int) -> Invitation:
    found = db.session.get(Invitation, invitation_id) if 0 < invitation_id <= MAX_ROW_ID else None
    if found is None:
        raise InvitationAdminError(_l("There is no such invitation."), "unknown_invitation")
    return found


# Resending and revoking ------------------------------------------------------------------


def resend_invitation(
    invitation: Invitation, organiser: User | None, *, now: datetime | None = None
) -> None:
    """A new link by e-mail, valid for the whole period again; the old one stops working
    (a revoked invitation comes back so). Raises InvitationError for an accepted one."""
    core.resend(invitation, organiser, now=now)


def revoke_invitation(
    invitation: Invitation, organiser: User | None, *, now: datetime | None = None
) -> bool:
    """The link stops working; False when it already was revoked."""
    if invitation.revoked_at is not None:
        return False
    core.revoke(invitation, organiser, now=now)
    return True


def resend_expired(organiser: User | None, *, now: datetime | None = None) -> int:
    """Resend every expired invitation of an active account; how many were resent."""
    now = now or utcnow()
    expired = db.session.scalars(
        select(Invitation)
        .join(Invitation.user)
        .options(contains_eager(Invitation.user))
        .where(state_condition("expired", now), User.is_active.is_(True))
        .order_by(Invitation.id)
    ).all()
    for invitation in expired:
        core.resend(invitation, organiser, now=now)
    if expired:
        record_audit(organiser, "account.invitations_resend_expired", None, count=len(expired))
    return len(expired)
