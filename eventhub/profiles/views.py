from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, user_logged_in
from sqlalchemy import inspect

from eventhub.auth.access import approved_required, role_required
from eventhub.booths.labels import application_status_labels
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.listing import list_args, page_of
from eventhub.profiles.directory import (
    STARTUP_SORTS,
    STARTUPS_PER_PAGE,
    StartupFilters,
    select_startups,
)
from eventhub.profiles.forms import InvestorForm, StartupFilterForm, StartupForm
from eventhub.profiles.home import investor_home, startup_home
from eventhub.profiles.models import Investor, Startup
from eventhub.profiles.profiles import (
    InvestorDetails,
    ProfileError,
    StartupDetails,
    update_investor,
    update_startup,
)

bp = Blueprint("profiles", __name__)

PREVIOUS_SIGN_IN = "previous_sign_in"


@user_logged_in.connect
def remember_previous_sign_in(sender: Flask, user: Any, **extra: Any) -> None:
    """Keep the sign-in before this one in the session: the investor's home page shows
    the bookings made since. Sign-in has just set `last_login_at`; its old value is in the
    attribute's history (or the column, when it was not changed)."""
    history = inspect(user).attrs.last_login_at.history
    previous = history.deleted[0] if history.deleted else user.last_login_at
    session[PREVIOUS_SIGN_IN] = previous.isoformat() if previous else None


def previous_sign_in() -> datetime | None:
    if PREVIOUS_SIGN_IN not in session:
        return current_user.last_login_at
    stored = session[PREVIOUS_SIGN_IN]
    return datetime.fromisoformat(stored) if stored else None


@bp.route("/my/home")
@role_required("startup", "investor", pending_ok=True)
def home():
    """The first page a startup or an investor sees: what is next, what is left to do."""
    if current_user.role == "startup":
        if current_user.startup is None:
            return redirect(url_for("profiles.my_startup"))
        return render_template(
            "profiles/home_startup.html",
            home=startup_home(current_user.startup),
            application_labels=application_status_labels(),
        )
    if current_user.investor is None:
        return redirect(url_for("profiles.my_investor"))
    return render_template(
        "profiles/home_investor.html",
        home=investor_home(current_user.investor, previous_sign_in()),
    )


@bp.route("/my/startup", methods=["GET", "POST"])
@role_required("startup", pending_ok=True)
def my_startup():
    startup = current_user.startup
    if startup is None:
        flash(_("Your account is not linked to a startup yet. Ask the organisers."), "error")
        return redirect(url_for("events.home"))
    form = StartupForm(obj=startup)
    if form.validate_on_submit():
        details = StartupDetails(
            name=form.name.data,
            sector=form.sector.data,
            stage=form.stage.data,
            programme=form.programme.data or "",
            city_site=form.city_site.data or "",
            website=form.website.data or "",
            pitch=form.pitch.data or "",
            round_size_eur=form.round_size_eur.data,
        )
        try:
            update_startup(startup, details)
        except ProfileError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Profile saved."), "success")
            return redirect(url_for("profiles.my_startup"))
    return render_template("profiles/my_startup.html", form=form, startup=startup), (
        form_status(form)
    )


@bp.route("/my/investor", methods=["GET", "POST"])
@role_required("investor", pending_ok=True)
def my_investor():
    investor = current_user.investor
    if investor is None:
        flash(_("Your account has no investor profile yet. Ask the organisers."), "error")
        return redirect(url_for("events.home"))
    form = InvestorForm(obj=investor)
    if form.validate_on_submit():
        details = InvestorDetails(
            fund=form.fund.data,
            ticket_min_eur=form.ticket_min_eur.data,
            ticket_max_eur=form.ticket_max_eur.data,
            sectors=list(form.sectors.data or []),
            stages=list(form.stages.data or []),
            bio=form.bio.data or "",
        )
        try:
            update_investor(investor, details)
        except ProfileError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Profile saved."), "success")
            return redirect(url_for("profiles.my_investor"))
    return render_template("profiles/my_investor.html", form=form, investor=investor), (
        form_status(form)
    )


@bp.route("/startups")
@approved_required
def startup_directory():
    form = StartupFilterForm(formdata=request.args)
    form.validate()
    filters = StartupFilters.read(
        form.q.data, form.sector.data, form.stage.data, form.programme.data, form.city_site.data
    )
    args = list_args(
        request.args, sorts=STARTUP_SORTS, default_sort="name", per_page=STARTUPS_PER_PAGE
    )
    return render_template(
        "profiles/startups.html",
        page=page_of(select_startups(filters), args, Startup.id),
        args=args,
        filters=filters,
        filter_form=form,
    )


@bp.route("/startups/<id:startup_id>")
@approved_required
def startup_page(startup_id: int):
    startup = db.get_or_404(Startup, startup_id)
    return render_template("profiles/startup.html", startup=startup)


@bp.route("/investors/<id:investor_id>")
@approved_required
def investor_page(investor_id: int):
    investor = db.get_or_404(Investor, investor_id)
    return render_template("profiles/investor.html", investor=investor)


# The team page and its changes are routes of this blueprint, kept in their own module.
from eventhub.profiles import team_views  # noqa: E402, F401
