"""The programmes the organiser keeps, and the choice lists the forms offer from them.

Nothing here is hard-coded: the forms (sign-up, startup profile, directory filter) offer
the programmes of the `programmes` table, named in the reader's language, with the
programme's own `name` as the value stored on the startup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from eventhub.booths.models import BoothApplication
from eventhub.content_languages import CONTENT_LANGUAGES
from eventhub.deals.programmes.models import MAIN_LANGUAGE, Programme
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.profiles.models import Startup


class ProgrammeError(DomainError):
    """A programme that cannot be saved as given: nothing was changed."""


def all_programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(func.lower(Programme.name))))


def programme_names() -> list[str]:
    return list(db.session.scalars(select(Programme.name).order_by(func.lower(Programme.name))))


def programme_choices(blank: Any = "—", keep: str | None = None) -> list[tuple[str, str]]:
    """("", blank) then (name, name in the reader's language) of every programme; `keep`, a
    value the row holds already (a programme since renamed away), stays a valid choice."""
    choices = [(p.name, p.localized("name")) for p in all_programmes()]
    if keep and keep not in {value for value, _label in choices}:
        choices.append((keep, keep))
    return [("", blank), *choices]


def known_programme(name: str | None) -> str | None:
    """`name` if it is a programme's name, else None (a filter's unknown value)."""
    if not name:
        return None
    return db.session.scalar(select(Programme.name).where(Programme.name == name))


def translation_languages() -> tuple[str, ...]:
    return tuple(language for language in CONTENT_LANGUAGES if language != MAIN_LANGUAGE)


def save_programme(
    programme: Programme | None,
    name: str | None,
    description: str | None = "",
    names: Mapping[str, str] | None = None,
) -> Programme:
    """Create a programme (`programme` None) or change one: its name in the main language
    (renamed on its startups and booth applications too), description and the names in
    the other languages. Flushes; the caller commits. Raises ProgrammeError on a name
    another programme has (any case)."""
    name = (name or "").strip()
    if not name:
        raise ProgrammeError(_l("Give the programme a name."), "name_required", field="name")
    taken = select(Programme.id).where(func.lower(Programme.name) == name.lower())
    if programme is not None:
        taken = taken.where(Programme.id != programme.id)
    if db.session.scalar(taken) is not None:
        raise _name_taken()
    if programme is None:
        programme = Programme(name=name, translations={})
        db.session.add(programme)
    elif programme.name != name:
        _rename(programme.name, name)
        programme.name = name
    programme.description = (description or "").strip()
    for language, text in (names or {}).items():
        programme.set_translation("name", language, (text or "").strip())
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # the same name saved at the same moment
        raise _name_taken() from error
    return programme


def _name_taken() -> ProgrammeError:
    return ProgrammeError(
        _l("Another programme already has this name."), "programme_exists", field="name"
    )


def _rename(old: str, new: str) -> None:
    """The programme's startups and booth applications follow its new name."""
    db.session.execute(
        update(Startup).where(Startup.programme == old).values(programme=new),
        execution_options={"synchronize_session": "fetch"},
    )
    db.session.execute(
        update(BoothApplication).where(BoothApplication.programme == old).values(programme=new),
        execution_options={"synchronize_session": "fetch"},
    )
