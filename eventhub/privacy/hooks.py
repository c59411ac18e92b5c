"""What the registration views call into this package: kept small, so that the
registration code only holds one call per place."""

from __future__ import annotations

from flask import current_app

from eventhub.privacy.consents import notice_language, record_registration_consents
from eventhub.registration.models import Registration


def record_consents_of_request(registration: Registration, *, news: bool) -> None:
    """At a registration by the attendee (form or API): the notice they were shown (in
    the registration's language, or the one the notice falls back to) accepted now, and
    their optional consents. Flushes; the caller commits."""
    language = notice_language(
        registration.event,
        registration.language,
        [current_app.config["BABEL_DEFAULT_LOCALE"]],
    )
    record_registration_consents(registration, language, news=news)
