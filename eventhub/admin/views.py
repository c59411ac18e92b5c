"""The organiser dashboard and the door duty page: each role's home."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template

from eventhub.admin.audit import event_names
from eventhub.admin.dashboard import door_duty_events, organiser_dashboard
from eventhub.auth.access import role_required

bp = Blueprint("admin", __name__)


@bp.route("/organiser/")
@role_required("admin")
def dashboard():
    dashboard = organiser_dashboard()
    return render_template(
        "admin/dashboard.html",
        dashboard=dashboard,
        audit_events=event_names(dashboard.recent_audit),
    )


@bp.route("/staff/")
@role_required("staff", "admin")
def staff_home():
    return render_template("admin/staff_home.html", events=door_duty_events(date.today()))


# The pages for accounts are routes of this blueprint, kept in their own module.
from eventhub.admin import (  # noqa: E402, F401
    audit_views,
    invitation_views,
    security_views,
    signup_views,
    user_views,
)
