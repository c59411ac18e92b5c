"""Demo leads: the demo startup's booth and a dozen others scanned visitors of the expo,
some of whom agreed to share their contact (set on their registration, as the form would).

Deterministic (its own seeded generator) and idempotent: a lead is unique per startup and
registration, and a startup that has leads already gets none added.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import exists, select

from eventhub.auth.models import User
from eventhub.booths.models import Booth, BoothApplication
from eventhub.deals.leads.capture import record_lead
from eventhub.deals.leads.models import Lead
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.profiles.models import Startup
from eventhub.registration.models import Registration

SEED = "eventhub demo leads"
DEMO_STARTUP_EMAIL = "startup@eventhub.test"
OTHER_BOOTHS = 12
LEADS_PER_BOOTH = (3, 12)
DEMO_STARTUP_LEADS = 18
# One visitor in this many agreed to share their contact.
CONSENT_EVERY = 2
NOTES = (
    "Wants a pilot in Q3 for 40 cooperatives.",
    "Asked for the pricing deck.",
    "Investor scout, send the data room link.",
    "Student, interested in an internship.",
    "Distributor in Senegal, call back next week.",
    "",
)
TAGS = ("pilot", "follow up", "pricing", "partner", "hiring", "press")


def seed_leads(report: Any, *, expo: Event, demo_day: Event, rng: random.Random) -> None:
    """Leads at booths of the demo expo (see the module docstring). Flushes."""
    del demo_day, rng  # demo days have no booths; this seeder keeps its own generator
    own = random.Random(SEED)  # noqa: S311 (demo data, not security)
    visitors = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == expo.id, Registration.status == "confirmed")
            .order_by(Registration.id)
        )
    )
    if not visitors:
        return
    exhibitors = _exhibitors(expo)
    now = utcnow()
    for index, (startup, member) in enumerate(exhibitors):
        count = DEMO_STARTUP_LEADS if index == 0 else own.randint(*LEADS_PER_BOOTH)
        chosen = own.sample(visitors, min(count, len(visitors)))
        if db.session.scalar(
            select(exists().where(Lead.event_id == expo.id, Lead.startup_id == startup.id))
        ):
            continue
        for number, registration in enumerate(chosen):
            if registration.id % CONSENT_EVERY == 0 and registration.exhibitor_consent_at is None:
                registration.exhibitor_consent_at = registration.created_at
            at = now - timedelta(minutes=7 * (len(chosen) - number))
            lead = record_lead(expo, startup, registration, member, now=at).lead
            lead.rating = own.choice((None, 2, 3, 4, 5))
            lead.note = own.choice(NOTES)
            lead.tags = ", ".join(sorted(own.sample(TAGS, own.randint(0, 2))))
            report.add("leads")
    db.session.flush()


def _exhibitors(expo: Event) -> list[tuple[Startup, User | None]]:
    """(startup, a member) of the demo startup first, if it has a booth, then others."""
    rows = db.session.execute(
        select(Startup, Booth.code)
        .join(BoothApplication, BoothApplication.startup_id == Startup.id)
        .join(Booth, Booth.application_id == BoothApplication.id)
        .where(Booth.event_id == expo.id, Booth.status == "allocated")
        .order_by(Booth.code)
    ).all()
    demo_user = db.session.scalar(select(User).where(User.email == DEMO_STARTUP_EMAIL))
    demo_id = demo_user.startup_id if demo_user is not None else None
    ordered = sorted(rows, key=lambda row: row[0].id != demo_id)
    chosen = ordered[: OTHER_BOOTHS + 1]
    result: list[tuple[Startup, User | None]] = []
    for startup, _code in chosen:
        member = demo_user if startup.id == demo_id else startup.owner
        result.append((startup, member))
    return result
