from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from eventhub.auth.access import login_required, role_required
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.profiles.forms import InvestorForm, StartupForm
from eventhub.profiles.models import Investor, Startup
from eventhub.profiles.profiles import (
    InvestorDetails,
    ProfileError,
    StartupDetails,
    update_investor,
    update_startup,
)

bp = Blueprint("profiles", __name__)


@bp.route("/my/startup", methods=["GET", "POST"])
@role_required("startup")
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
@role_required("investor")
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
@login_required
def startup_directory():
    startups = db.session.scalars(select(Startup).order_by(Startup.name)).all()
    return render_template("profiles/startups.html", startups=startups)


@bp.route("/startups/<id:startup_id>")
@login_required
def startup_page(startup_id: int):
    startup = db.get_or_404(Startup, startup_id)
    return render_template("profiles/startup.html", startup=startup)


@bp.route("/investors/<id:investor_id>")
@login_required
def investor_page(investor_id: int):
    investor = db.get_or_404(Investor, investor_id)
    return render_template("profiles/investor.html", investor=investor)
