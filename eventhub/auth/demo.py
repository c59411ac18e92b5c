"""Demo onboarding: a teammate in the demo startup, sign-ups waiting for approval, and a
few invitations of a cohort, so that the organiser's queue and invitations list and the
startup's team page show something. Idempotent: an address that exists is skipped."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from eventhub.auth.invitations import Invitee, invite
from eventhub.auth.models import User
from eventhub.auth.passwords import hash_password
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.profiles.models import Investor, Startup
from eventhub.profiles.profiles import create_profile_for

DEMO_TEAMMATE = ("teammate@eventhub.test", "Omar Bennani")
# E-mail, role, name, organisation, website, smallest and largest ticket (investors).
PENDING_SIGN_UPS = (
    ("contact@atlas-angels.example.ma", "investor", "Leila Amrani", "Atlas Angels",
     "https://atlas-angels.example.ma", 20_000, 150_000),
    ("hello@oasis-vc.example.com", "investor", "Pierre Lambert", "Oasis VC",
     "https://oasis-vc.example.com", 250_000, 2_000_000),
    ("founders@medina-robotics.example.ma", "startup", "Hind Tazi", "Medina Robotics",
     "https://medina-robotics.example.ma", None, None),
)  # fmt: skip
INVITED = (
    ("amine.chraibi@cohort.example.ma", "startup", "Amine Chraibi", "Tiznit Water Labs",
     "Accelerate", "Agadir", "fr"),
    ("sara.elidrissi@cohort.example.ma", "startup", "Sara El Idrissi", "Ifrane Care",
     "Boost up Lab", "Tétouan", "ar"),
    ("j.moreau@cohort.example.com", "investor", "Julien Moreau", "Atlas Seed Partners", "", "",
     "en"),
)  # fmt: skip


def _exists(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def seed_onboarding(report: Any, *, demo_day: Event, **_: Any) -> None:
    from eventhub.demo import DEMO_PASSWORD  # eventhub.demo imports this module

    organiser = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    password_hash = hash_password(DEMO_PASSWORD)
    _seed_teammate(report, password_hash)
    _seed_pending(report, demo_day, password_hash)
    for email, role, name, organisation, programme, city, language in INVITED:
        if _exists(email):
            continue
        invite(
            Invitee(
                email=email,
                name=name,
                role=role,
                language=language,
                startup_name=organisation if role == "startup" else "",
                fund=organisation if role == "investor" else "",
                programme=programme,
                city_site=city,
            ),
            organiser,
        )
        report.add("invitations")


def _seed_teammate(report: Any, password_hash: str) -> None:
    email, name = DEMO_TEAMMATE
    owner = db.session.scalar(select(User).where(User.email == "startup@eventhub.test"))
    if owner is None or owner.startup is None or _exists(email):
        return
    teammate = User(
        email=email,
        role="startup",
        name=name,
        password_hash=password_hash,
        startup=owner.startup,
    )
    db.session.add(teammate)
    report.add("users")


def _seed_pending(report: Any, event: Event, password_hash: str) -> None:
    for email, role, name, organisation, website, low, high in PENDING_SIGN_UPS:
        if _exists(email):
            continue
        user = User(
            email=email,
            role=role,
            name=name,
            password_hash=password_hash,
            status="pending",
            signup_event_id=event.id,
        )
        db.session.add(user)
        create_profile_for(user)
        if isinstance(user.investor, Investor):
            user.investor.fund = organisation
            user.investor.website = website
            user.investor.ticket_min_eur, user.investor.ticket_max_eur = low, high
        if isinstance(user.startup, Startup):
            user.startup.name = organisation
            user.startup.website = website
            user.startup.programme = "DigitAgri"
            user.startup.city_site = "Meknès"
        report.add("sign-ups")
