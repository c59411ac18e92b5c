"""Consents as records: which privacy notice (version, language) an attendee accepted and
when, and the optional consents (sharing contact details with the exhibitors who scan the
badge; news from the organiser), each given and withdrawn any number of times.

Every change is a new row of `privacy_consent_events`; the current state of a consent is
its latest row. The exhibitors' consent is also kept, as before, in
`registrations.exhibitor_consent_at`, which the leads pages read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from eventhub.deals.leads.consent import set_exhibitor_consent
from eventhub.events.models import Event
from eventhub.events.privacy import privacy_notice
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.privacy.models import ConsentEvent
from eventhub.privacy.settings import PrivacyError, peek_settings
from eventhub.registration.models import Registration

OPTIONAL_KINDS = ("exhibitors", "news")


def notice_language(event: Event, language: str, fallbacks: Iterable[str] = ()) -> str:
    """The language of the notice a reader of `language` is shown: the organiser's text's,
    else (the platform's notice) the page's."""
    return privacy_notice(event, language, fallbacks).language or language


def _add(
    registration: Registration, kind: str, granted: bool, language: str, now: datetime
) -> ConsentEvent:
    entry = ConsentEvent(
        registration_id=registration.id,
        kind=kind,
        granted=granted,
        notice_version=peek_settings(registration.event).notice_version,
        language=(language or "")[:8],
        at=now,
    )
    db.session.add(entry)
    return entry


def record_registration_consents(
    registration: Registration,
    language: str,
    *,
    news: bool = False,
    now: datetime | None = None,
) -> None:
    """At registration: the notice accepted (in `language`, its current version), and
    each optional consent as given or not. Flushes; the caller commits."""
    now = now or utcnow()
    _add(registration, "privacy_notice", True, language, now)
    _add(registration, "exhibitors", registration.exhibitor_consent_at is not None, language, now)
    _add(registration, "news", news, language, now)
    db.session.flush()


def consent_history(registration: Registration) -> list[ConsentEvent]:
    """Every consent record of the registration, oldest first."""
    return list(
        db.session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.registration_id == registration.id)
            .order_by(ConsentEvent.at, ConsentEvent.id)
        )
    )


def current_consents(registration: Registration) -> dict[str, ConsentEvent | None]:
    """The latest record of each kind (None: never recorded)."""
    latest: dict[str, ConsentEvent | None] = {
        "privacy_notice": None,
        "exhibitors": None,
        "news": None,
    }
    for entry in consent_history(registration):
        latest[entry.kind] = entry
    return latest


def is_granted(registration: Registration, kind: str) -> bool:
    if kind == "exhibitors":
        return registration.exhibitor_consent_at is not None
    entry = current_consents(registration)[kind]
    return bool(entry and entry.granted)


def set_consent(
    registration: Registration,
    kind: str,
    granted: bool,
    language: str,
    now: datetime | None = None,
) -> bool:
    """Give or withdraw an optional consent; True when it changed (a record is added).
    Flushes; the caller commits."""
    if kind not in OPTIONAL_KINDS:
        raise PrivacyError("unknown consent", "unknown_consent")
    now = now or utcnow()
    if is_granted(registration, kind) == granted:
        return False
    if kind == "exhibitors":
        set_exhibitor_consent(registration, granted, now=now)
    _add(registration, kind, granted, language, now)
    db.session.flush()
    return True
