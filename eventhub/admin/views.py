from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from sqlalchemy import func, select

from eventhub.auth.access import role_required
from eventhub.auth.accounts import count_users_by_role
from eventhub.auth.models import AuditEntry
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.profiles.models import Investor, Startup

bp = Blueprint("admin", __name__)


@bp.route("/organiser/")
@role_required("admin")
def dashboard():
    events = db.session.scalars(select(Event).order_by(Event.first_day.desc())).all()
    return render_template(
        "admin/dashboard.html",
        events=events,
        users_by_role=count_users_by_role(),
        startup_count=db.session.scalar(select(func.count()).select_from(Startup)),
        investor_count=db.session.scalar(select(func.count()).select_from(Investor)),
        audit=db.session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc()).limit(15)),
    )


@bp.route("/staff/")
@role_required("staff", "admin")
def staff_home():
    events = db.session.scalars(Event.select_published_upcoming(date.today())).all()
    return render_template("admin/staff_home.html", events=events)
