"""Profile logic: every startup and investor account has a profile to keep up to date."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.profiles.models import Investor, Startup

MAX_STARTUP_NAME_LENGTH = 120  # startups.name


class ProfileError(DomainError):
    """A profile that cannot be saved so."""


def create_profile_for(user: object) -> None:
    """A new startup user gets its startup, a new investor user its investor profile."""
    if user.role == "startup" and user.startup is None:
        user.startup = Startup(
            name=unique_startup_name(user.name), sector="ai", stage="idea", owner=user
        )
    elif user.role == "investor" and user.investor is None:
        user.investor = Investor(fund=user.name, user=user)


def unique_startup_name(wanted: str) -> str:
    name, suffix = wanted[:MAX_STARTUP_NAME_LENGTH], 2
    while db.session.scalar(select(Startup.id).where(func.lower(Startup.name) == name.lower())):
        tail = f" ({suffix})"
        name = wanted[: MAX_STARTUP_NAME_LENGTH - len(tail)] + tail
        suffix += 1
    return name


@dataclass
class StartupDetails:
    name: str
    sector: str
    stage: str
    programme: str
    city_site: str
    website: str
    pitch: str
    round_size_eur: int | None = None


def update_startup(startup: Startup, details: StartupDetails) -> Startup:
    clash = db.session.scalar(
        select(Startup.id).where(
            func.lower(Startup.name) == details.name.lower(), Startup.id != startup.id
        )
    )
    if clash:
        raise ProfileError(_l("Another startup already has this name."), "name_taken", "name")
    for field, value in vars(details).items():
        setattr(startup, field, value)
    db.session.flush()
    return startup


@dataclass
class InvestorDetails:
    fund: str
    ticket_min_eur: int | None
    ticket_max_eur: int | None
    sectors: list[str]
    stages: list[str]
    bio: str


def update_investor(investor: Investor, details: InvestorDetails) -> Investor:
    low, high = details.ticket_min_eur, details.ticket_max_eur
    if low is not None and high is not None and high < low:
        raise ProfileError(
            _l("The largest ticket cannot be smaller than the smallest."),
            "ticket_range",
            "ticket_max_eur",
        )
    for field, value in vars(details).items():
        setattr(investor, field, value)
    db.session.flush()
    return investor
