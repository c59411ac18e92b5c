"""Booth pages for startups: applying to exhibit, following their applications, and
choosing a booth in a hall open for self-service."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.booths.applications import (
    application_of,
    applications_of_startup,
    check_open_for_applications,
    closed_message,
    expos_to_apply_to,
    is_editable,
    save_application,
)
from eventhub.booths.directory import wanted_code
from eventhub.booths.errors import BoothError
from eventhub.booths.forms import ApplicationForm, PickForm
from eventhub.booths.labels import page_labels
from eventhub.booths.layout import booth_by_code
from eventhub.booths.lookup import expo_or_404
from eventhub.booths.models import Booth
from eventhub.booths.notices import notify_application_received, notify_booth
from eventhub.booths.plan_drawings import hall_drawings
from eventhub.booths.self_service import choice_of, pick_booth, self_service_halls
from eventhub.booths.views.blueprint import bp, current_startup
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error


@bp.route("/events/<slug>/booth-application", methods=["GET", "POST"])
@role_required("startup")
def apply(slug: str):
    event = expo_or_404(slug)
    startup = current_startup()
    if startup is None:
        return redirect(url_for("events.event_page", slug=slug))
    application = application_of(event, startup)
    form = ApplicationForm(obj=application)
    if application is not None and request.method == "GET":
        form.fill_from(application)
    if form.is_submitted():
        check_open_for_applications(event)  # else the error page, with the refusal's status
    if form.validate_on_submit():
        try:
            saved = save_application(event, startup, form.details())
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "booth_application.save", f"{event.slug}/{saved.id}")
            if application is None:
                notify_application_received(saved)
            db.session.commit()
            if application is None:
                flash(_("Application sent. The organisers will review it."), "success")
            else:
                flash(_("Application updated."), "success")
            return redirect(url_for("booths.apply", slug=slug))
    return render_template(
        "booths/apply.html",
        event=event,
        startup=startup,
        application=application,
        form=form,
        closed=closed_message(event),
        editable=is_editable(application),
        labels=page_labels(),
        self_service=bool(self_service_halls(event)),
    ), form_status(form)


@bp.route("/my/booths")
@role_required("startup")
def my_booths():
    startup = current_startup()
    if startup is None:
        return redirect(url_for("events.home"))
    return render_template(
        "booths/my_booths.html",
        startup=startup,
        applications=applications_of_startup(startup),
        open_expos=expos_to_apply_to(startup, date.today()),
        labels=page_labels(),
    )


@bp.route("/events/<slug>/booths/choose", methods=["GET", "POST"])
@role_required("startup")
def choose(slug: str):
    event = expo_or_404(slug)
    startup = current_startup()
    if startup is None:
        return redirect(url_for("events.event_page", slug=slug))
    form = PickForm()
    if request.method == "GET":
        form.code.data = wanted_code(request.args.get("code"))
    if form.validate_on_submit():
        try:
            booth = pick_booth(event, startup, booth_by_code(event, form.code.data), current_user)
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            notify_booth(event, startup, booth)
            db.session.commit()
            flash(_("Booth %(code)s is yours.", code=booth.code), "success")
            return redirect(
                url_for(
                    "booths.floor_plan", slug=slug, booth=booth.code, _anchor=f"booth-{booth.code}"
                )
            )
    choice = choice_of(event, startup)
    selected = wanted_code(form.code.data)
    free_codes = choice.free_codes

    def pick_link(booth: Booth) -> str | None:
        if booth.code not in free_codes:
            return None
        return url_for("booths.choose", slug=slug, code=booth.code, _anchor="pick")

    return render_template(
        "booths/choose.html",
        event=event,
        application=choice.application,
        halls=choice.halls,
        drawings=hall_drawings(
            choice.halls, colour_by="status", highlight=selected or choice.mine, href_for=pick_link
        ),
        free=choice.free,
        form=form,
        selected=selected,
        mine=choice.mine,
        labels=page_labels(),
    ), form_status(form)
