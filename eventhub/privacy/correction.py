"""Correction by the attendee of what they typed: name, organisation, job title, country
and language. A change of what the badge prints (name, organisation, job title) issues a
new badge version, as the organiser's reissue does: the badge printed before scans as
replaced, the new one is on the private page."""

from __future__ import annotations

from dataclasses import dataclass

from eventhub.extensions import db
from eventhub.registration.models import Registration
from eventhub.registration.register import reissue_badge

PRINTED_FIELDS = ("first_name", "last_name", "organization", "job_title")


@dataclass(frozen=True)
class Correction:
    """Values already cleaned by the form (registration/forms.py's cleaners)."""

    first_name: str
    last_name: str
    organization: str
    job_title: str
    country: str
    language: str


def correct(registration: Registration, values: Correction) -> list[str]:
    """Apply the values; the names of the fields that changed. Flushes; the caller commits."""
    changed = [name for name, value in vars(values).items() if getattr(registration, name) != value]
    for name in changed:
        setattr(registration, name, getattr(values, name))
    if any(name in PRINTED_FIELDS for name in changed) and registration.status != "cancelled":
        reissue_badge(registration)
    db.session.flush()
    return changed
