"""Two teammates scanning the same visitor at the same instant: one lead, two scans."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.deals.leads.capture import exhibitor_for, scan_badge
from eventhub.deals.leads.models import Lead
from eventhub.events.models import Event
from eventhub.extensions import db

SCANNERS = 6


def test_simultaneous_scans_of_one_badge_make_one_lead(app, show):
    event_id, user_ids = show.event.id, [show.atlas.id, show.atlas_mate.id]
    token = show.secret_token
    barrier = threading.Barrier(SCANNERS)
    created: list[bool] = []
    errors: list[BaseException] = []

    def scanner(number: int) -> None:
        try:
            with app.app_context():
                event = db.session.get(Event, event_id)
                user = db.session.get(User, user_ids[number % 2])
                exhibitor = exhibitor_for(event, user)
                barrier.wait(timeout=10)
                capture = scan_badge(event, exhibitor, user, token)
                db.session.commit()
                created.append(capture.created)
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=scanner, args=(n,)) for n in range(SCANNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(created) == [False] * (SCANNERS - 1) + [True]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 1
    assert db.session.scalar(select(Lead.scan_count)) == SCANNERS
