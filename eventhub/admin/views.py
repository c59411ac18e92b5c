"""The organiser dashboard and the door duty page: each role's home."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template

from eventhub.admin.dashboard import door_duty_events, organiser_dashboard
from eventhub.auth.access import role_required

bp = Blueprint("admin", __name__)


@bp.route("/organiser/")
@role_required("admin")
def dashboard():
    return render_template("admin/dashboard.html", dashboard=organiser_dashboard())


@bp.route("/staff/")
@role_required("staff", "admin")
def staff_home():
    return render_template("admin/staff_home.html", events=door_duty_events(date.today()))


# The pages for accounts are routes of this blueprint, kept in their own module.
from eventhub.admin import invitation_views, security_views, signup_views, user_views  # noqa: E402, F401
