"""Sign-ups never confirmed are deleted with their profile after UNCONFIRMED_SIGNUP_DAYS."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from eventhub.auth.models import AccountToken, User
from eventhub.auth.signup import Applicant, sign_up
from eventhub.auth.tasks import purge_unconfirmed_signups
from eventhub.extensions import db
from eventhub.jobs import BEAT_SCHEDULE
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_old_unconfirmed_sign_ups_go_with_their_profile_and_nothing_else(app, make_user):
    now = utcnow()
    old, recent = now - timedelta(days=8), now - timedelta(days=2)
    startup_signup = make_user("startup", status="unverified", created_at=old)
    investor_signup = make_user("investor", status="unverified", created_at=old)
    make_user("investor", status="unverified", created_at=recent)
    waiting = make_user("startup", status="pending", created_at=old)
    active = make_user("investor", created_at=old)
    # A startup that an unconfirmed account owns but an active teammate shares stays.
    shared_owner = make_user("startup", status="unverified", created_at=old)
    make_user("startup", startup=shared_owner.startup)
    shared_startup_id = shared_owner.startup_id
    startup_id, investor_id = startup_signup.startup_id, investor_signup.investor.id
    db.session.commit()
    users, startups, investors = count(User), count(Startup), count(Investor)

    assert purge_unconfirmed_signups(now) == 3
    db.session.expire_all()
    assert count(User) == users - 3
    assert count(Startup) == startups - 1 and count(Investor) == investors - 1
    assert db.session.get(Startup, startup_id) is None
    assert db.session.get(Investor, investor_id) is None
    assert db.session.get(Startup, shared_startup_id) is not None
    assert {waiting.id, active.id} <= set(db.session.scalars(select(User.id)))
    assert purge_unconfirmed_signups(now) == 0


def test_the_links_of_a_deleted_sign_up_go_too(app, make_user):
    applicant = Applicant(
        role="investor", name="Leila Amrani", email="leila@atlas-angels.example.ma",
        password="a-long-password", language="en", fund="Atlas Angels",
        website="https://atlas-angels.example.ma",
    )  # fmt: skip
    user_id = sign_up(applicant).id
    db.session.commit()
    assert count(AccountToken) == 1
    later = utcnow() + timedelta(days=app.config["UNCONFIRMED_SIGNUP_DAYS"], minutes=1)
    assert purge_unconfirmed_signups(later) == 1
    assert count(AccountToken) == 0
    db.session.expire_all()
    assert db.session.get(User, user_id) is None


def test_beat_runs_it_daily(app):
    entry = BEAT_SCHEDULE["purge-unconfirmed-signups"]
    assert entry["schedule"] == timedelta(hours=24)
    assert entry["task"] in app.extensions["celery"].tasks
