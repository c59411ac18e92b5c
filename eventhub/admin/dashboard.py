"""What the organiser dashboard and the door duty page show: events, the accounts per role,
the startups and investors followed, the latest sensitive actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from eventhub.auth.accounts import count_users_by_role
from eventhub.auth.models import AuditEntry
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.profiles.models import Investor, Startup

RECENT_AUDIT_ENTRIES = 15


@dataclass(frozen=True)
class Dashboard:
    events: list[Event]  # every event, drafts and archived ones too, latest first
    users_by_role: dict[str, int]
    startup_count: int
    investor_count: int
    recent_audit: list[AuditEntry]  # newest first

    @property
    def staff_count(self) -> int:
        return self.users_by_role.get("staff", 0)


def organiser_dashboard(recent: int = RECENT_AUDIT_ENTRIES) -> Dashboard:
    return Dashboard(
        events=list(db.session.scalars(select(Event).order_by(Event.first_day.desc()))),
        users_by_role=count_users_by_role(),
        startup_count=db.session.scalar(select(func.count()).select_from(Startup)) or 0,
        investor_count=db.session.scalar(select(func.count()).select_from(Investor)) or 0,
        recent_audit=list(
            db.session.scalars(
                select(AuditEntry)
                .options(joinedload(AuditEntry.actor))
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(recent)
            )
        ),
    )


def door_duty_events(today: date) -> list[Event]:
    """The published events not over yet, soonest first: those door staff may scan for."""
    return list(db.session.scalars(Event.select_published_upcoming(today)))
