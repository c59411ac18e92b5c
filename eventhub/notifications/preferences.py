"""The optional messages a person turned off, and the signed link in each such message
that turns its topic off without signing in."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from eventhub.extensions import db
from eventhub.models_common import insert_ignoring_duplicates
from eventhub.notifications.models import OPT_OUT_TOPICS, MailOptOut
from eventhub.routing import public_url

_SALT = "eventhub.mail-opt-out"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def opt_out_token(email: str, topic: str) -> str:
    return _serializer().dumps({"email": email.lower(), "topic": topic})


def read_opt_out_token(token: str) -> tuple[str, str] | None:
    """(e-mail, topic) of a link this site signed; None for anything else."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    email, topic = data.get("email"), data.get("topic")
    if not isinstance(email, str) or topic not in OPT_OUT_TOPICS:
        return None
    return email, topic


def unsubscribe_url(email: str, topic: str) -> str:
    """The absolute link, for an optional message, that turns its topic off."""
    return public_url("notifications.unsubscribe", token=opt_out_token(email, topic))


def opt_out(email: str, topic: str) -> None:
    """Turn `topic` off for `email` (again is no change); the caller commits."""
    statement = insert_ignoring_duplicates(MailOptOut).values(email=email.lower(), topic=topic)
    db.session.execute(statement)


def opt_in(email: str, topic: str) -> None:
    db.session.execute(
        MailOptOut.__table__.delete().where(
            MailOptOut.email == email.lower(), MailOptOut.topic == topic
        )
    )


def topics_on(email: str) -> dict[str, bool]:
    """Each optional topic, and whether `email` receives it."""
    off = set(db.session.scalars(select(MailOptOut.topic).where(MailOptOut.email == email.lower())))
    return {topic: topic not in off for topic in OPT_OUT_TOPICS}


def save_topics(email: str, wanted: dict[str, bool]) -> None:
    """Turn each topic of `wanted` on or off for `email`; the caller commits."""
    for topic, on in wanted.items():
        if topic not in OPT_OUT_TOPICS:
            raise ValueError(f"Unknown topic {topic!r}")
        if on:
            opt_in(email, topic)
        else:
            opt_out(email, topic)
