"""Sign-ups that nobody confirmed are deleted, with their profile, once their link has long
expired (UNCONFIRMED_SIGNUP_DAYS after the sign-up): an address typed by someone else, or
a person who changed their mind, leaves no personal data behind.

A plain function over a UTC moment (tested without Celery), wrapped in a task run daily by
beat (see BEAT_SCHEDULE in eventhub/jobs.py); safe to run twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import delete, select

from eventhub.auth.models import User
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.profiles.models import Startup

log = logging.getLogger(__name__)
PURGE_BATCH = 500


def purge_unconfirmed_signups(now: datetime) -> int:
    """Delete the unconfirmed sign-ups older than UNCONFIRMED_SIGNUP_DAYS and the startups
    they created (an investor profile goes with its account); how many were deleted."""
    cutoff = now - timedelta(days=current_app.config["UNCONFIRMED_SIGNUP_DAYS"])
    deleted = 0
    while True:
        user_ids = db.session.scalars(
            select(User.id)
            .where(User.status == "unverified", User.created_at < cutoff)
            .order_by(User.id)
            .limit(PURGE_BATCH)
        ).all()
        if not user_ids:
            break
        startup_ids = db.session.scalars(
            select(Startup.id).where(
                Startup.owner_id.in_(user_ids),
                ~Startup.members.any(User.id.not_in(user_ids)),
            )
        ).all()
        db.session.execute(delete(User).where(User.id.in_(user_ids)))
        if startup_ids:
            db.session.execute(delete(Startup).where(Startup.id.in_(startup_ids)))
        db.session.commit()
        deleted += len(user_ids)
    if deleted:
        log.info("Deleted %d sign-ups never confirmed", deleted)
    return deleted


@shared_task(name="eventhub.auth.tasks.purge_unconfirmed_signups")
def purge_unconfirmed_signups_task() -> int:
    return purge_unconfirmed_signups(utcnow())
