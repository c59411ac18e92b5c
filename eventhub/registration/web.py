"""What the registration pages and the registration API share about a request: one rate
limit for both, and the visitor's language for the confirmation e-mails."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale

from eventhub.extensions import limiter


def registration_rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


# One budget per client IP for the form and the API together.
registration_limit = limiter.shared_limit(
    registration_rate_limit, scope="registration-post", methods=["POST"]
)


def current_language() -> str:
    """The language of the page (or API request), when it is one the site offers."""
    language = str(get_locale() or "fr")
    return language if language in current_app.config["LANGUAGES"] else "fr"
