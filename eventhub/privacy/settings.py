"""Each event's privacy settings: the notice's version, the CNDP declaration number and
how long personal data is kept. The version goes up whenever what the notice says
changes (its texts, the declaration number, the retention), so that a consent record
names the very notice the attendee read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.events.privacy import privacy_texts, set_privacy_texts
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.privacy.models import (
    CNDP_LENGTH,
    DEFAULT_RETENTION_MONTHS,
    MAX_RETENTION_MONTHS,
    MIN_RETENTION_MONTHS,
    EventPrivacy,
)


class PrivacyError(DomainError):
    """A privacy setting or a request about personal data refused."""


def settings_of(event: Event) -> EventPrivacy:
    """The event's settings, made (unsaved until the caller commits) on first use."""
    settings = db.session.get(EventPrivacy, event.id)
    if settings is None:
        settings = EventPrivacy(
            event_id=event.id,
            notice_version=1,
            cndp_declaration="",
            retention_months=DEFAULT_RETENTION_MONTHS,
        )
        db.session.add(settings)
    return settings


def peek_settings(event: Event) -> EventPrivacy:
    """The settings to show, without adding a row (defaults for an event with none)."""
    return db.session.get(EventPrivacy, event.id) or EventPrivacy(
        event_id=event.id,
        notice_version=1,
        cndp_declaration="",
        retention_months=DEFAULT_RETENTION_MONTHS,
    )


@dataclass(frozen=True)
class NoticeSettings:
    texts: Mapping[str, str]
    cndp_declaration: str
    retention_months: int


def check_retention(months: int | None) -> int:
    if months is None or not MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS:
        raise PrivacyError(
            _l(
                "Keep personal data between %(low)d and %(high)d months.",
                low=MIN_RETENTION_MONTHS,
                high=MAX_RETENTION_MONTHS,
            ),
            "bad_retention",
            field="retention_months",
        )
    return months


def save_notice(event: Event, new: NoticeSettings, now: datetime | None = None) -> bool:
    """Save the texts and settings; the notice's version goes up when anything it says
    changed. True when it changed. Flushes; the caller commits."""
    months = check_retention(new.retention_months)
    cndp = " ".join((new.cndp_declaration or "").split())
    if len(cndp) > CNDP_LENGTH:
        raise PrivacyError(
            _l("At most %(max)d characters.", max=CNDP_LENGTH), "bad_cndp", field="cndp_declaration"
        )
    settings = settings_of(event)
    before = (privacy_texts(event), settings.cndp_declaration, settings.retention_months)
    set_privacy_texts(event, new.texts)
    settings.cndp_declaration = cndp
    settings.retention_months = months
    changed = before != (privacy_texts(event), cndp, months)
    if changed:
        settings.notice_version += 1
        settings.notice_changed_at = now or utcnow()
    db.session.flush()
    return changed


def purge_date(event: Event, settings: EventPrivacy | None = None) -> date:
    """The first day on which the event's personal data is past its retention."""
    settings = settings or peek_settings(event)
    # relativedelta keeps to the month's end: 31 January + 1 month is 28 February.
    return event.last_day + relativedelta(months=settings.retention_months) + timedelta(days=1)
