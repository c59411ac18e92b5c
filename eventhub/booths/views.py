"""Booth pages: the public floor plan and exhibitor directory, startups' applications and
self-service choice, and the organiser's plan editor, review list and allocation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.booths.allocation_runs import commit_allocation, newly_placed, plan_allocation
from eventhub.booths.applications import (
    EDITABLE_STATUSES,
    ApplicationDetails,
    application_of,
    applications_of_startup,
    apply_for_booth,
    check_open_for_applications,
    decide,
    select_applications,
    status_counts,
    update_application,
)
from eventhub.booths.errors import BoothError
from eventhub.booths.exports import APPLICATION_COLUMNS, application_rows
from eventhub.booths.floorplan import GridSpec, HallDrawing, PlanBooth, draw_hall
from eventhub.booths.forms import (
    ApplicationFilterForm,
    ApplicationForm,
    BoothForm,
    BoothImportForm,
    CommitForm,
    DecisionForm,
    GridForm,
    HallForm,
    PickForm,
    PinForm,
    SwapForm,
    application_status_labels,
    booth_status_labels,
    kind_labels,
    tier_labels,
    zone_labels,
)
from eventhub.booths.holding import release_booth
from eventhub.booths.imports import EXAMPLE
from eventhub.booths.imports import import_booths as import_booth_rows
from eventhub.booths.layout import (
    BoothDetails,
    HallDetails,
    add_grid,
    booth_by_code,
    booth_counts,
    booth_of,
    create_hall,
    delete_booth,
    delete_hall,
    hall_of,
    halls_of,
    save_booth,
    set_self_service,
    update_hall,
)
from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.booths.moves import booth_history, pin_booth, swap_booths, unpin_booth
from eventhub.booths.notices import notify_booth, notify_changes
from eventhub.booths.self_service import free_booths, pick_booth, self_service_halls
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.models_common import contains_text, search_text
from eventhub.profiles.models import Startup
from eventhub.profiles.vocabulary import PROGRAMMES, SECTORS
from eventhub.routing import redirect_target
from eventhub.spreadsheets import SpreadsheetError, csv_stream

bp = Blueprint("booths", __name__)


# --- helpers ------------------------------------------------------------------------------


def expo_or_404(slug: str, *, organiser: bool = False) -> Event:
    event = event_or_404(slug, include_unpublished=organiser)
    if event.kind != "expo":
        abort(404)
    return event


def labels() -> dict[str, Any]:
    return {
        "kinds": kind_labels(),
        "statuses": booth_status_labels(),
        "tiers": tier_labels(),
        "zones": zone_labels(),
        "applications": application_status_labels(),
    }


def plan_booth(booth: Booth, href: str | None, names: dict[str, Any]) -> PlanBooth:
    startup = booth.exhibitor
    return PlanBooth(
        id=booth.id,
        code=booth.code,
        x=booth.x,
        y=booth.y,
        width=booth.width,
        depth=booth.depth,
        kind=booth.kind,
        status=booth.status,
        zone=booth.zone,
        zone_label=names["zones"].get(booth.zone, booth.zone or ""),
        status_label=str(names["statuses"].get(booth.status, booth.status)),
        kind_label=str(names["kinds"].get(booth.kind, booth.kind)),
        exhibitor_name=startup.name if startup is not None else None,
        exhibitor_id=startup.id if startup is not None else None,
        exhibitor_sector=startup.sector if startup is not None else None,
        exhibitor_programme=(booth.application.programme or None) if startup else None,
        href=href,
    )


def exhibitor_link(event: Event) -> Callable[[Booth], str | None]:
    def link(booth: Booth) -> str | None:
        startup = booth.exhibitor
        if startup is None:
            return None
        return url_for("booths.exhibitors", slug=event.slug, _anchor=f"exhibitor-{startup.id}")

    return link


def drawings(
    halls: list[Hall],
    *,
    colour_by: str,
    highlight: str | None,
    href_for: Callable[[Booth], str | None],
) -> list[HallDrawing]:
    names = labels()
    status_names = {key: str(value) for key, value in names["statuses"].items()}
    return [
        draw_hall(
            hall.id,
            hall.name,
            hall.width,
            hall.depth,
            [plan_booth(booth, href_for(booth), names) for booth in hall.booths],
            colour_by=colour_by,
            highlight=highlight,
            self_service=hall.self_service,
            zone_labels=names["zones"],
            status_labels=status_names,
        )
        for hall in halls
    ]


def colour_choice() -> str:
    return "status" if request.args.get("colour") == "status" else "zone"


def _next_or(default: str) -> str:
    return redirect_target(request.form.get("next"), default)


# --- public: the plan and the exhibitor directory ------------------------------------------


@bp.route("/events/<slug>/floor-plan")
def floor_plan(slug: str):
    event = expo_or_404(slug)
    halls = halls_of(event)
    highlight = (request.args.get("booth") or "").strip().upper()[:20] or None
    highlighted = None
    if highlight:
        highlighted = next(
            (booth for hall in halls for booth in hall.booths if booth.code == highlight), None
        )
    exhibitors = sorted(
        (booth for hall in halls for booth in hall.booths if booth.exhibitor is not None),
        key=lambda booth: booth.exhibitor.name.casefold(),
    )
    return render_template(
        "booths/floor_plan.html",
        event=event,
        halls=halls,
        drawings=drawings(
            halls, colour_by=colour_choice(), highlight=highlight, href_for=exhibitor_link(event)
        ),
        colour_by=colour_choice(),
        highlighted=highlighted,
        exhibitors=exhibitors,
        labels=labels(),
    )


@bp.route("/events/<slug>/exhibitors")
def exhibitors(slug: str):
    event = expo_or_404(slug)
    q = search_text(request.args.get("q"))[:100]
    sector = request.args.get("sector") if request.args.get("sector") in SECTORS else None
    programme = request.args.get("programme")
    programme = programme if programme in PROGRAMMES else None
    query = (
        select(Booth, Startup, BoothApplication)
        .join(BoothApplication, Booth.application_id == BoothApplication.id)
        .join(Startup, BoothApplication.startup_id == Startup.id)
        .where(Booth.event_id == event.id)
        .options(joinedload(Booth.hall))
        .order_by(Startup.name)
    )
    if q:
        query = query.where(contains_text(q, Startup.name, Startup.pitch, Booth.code))
    if sector:
        query = query.where(Startup.sector == sector)
    if programme:
        query = query.where(BoothApplication.programme == programme)
    rows = db.session.execute(query).all()
    return render_template(
        "booths/exhibitors.html",
        event=event,
        rows=rows,
        q=q,
        sector=sector,
        programme=programme,
        sectors=SECTORS,
        programmes=PROGRAMMES,
        filtered=bool(q or sector or programme),
    )


# --- startups: apply, see the booth, choose one --------------------------------------------


def _startup_or_redirect():
    startup = current_user.startup
    if startup is None:
        flash(_("Your account is not linked to a startup yet. Ask the organisers."), "error")
    return startup


def _details(form: ApplicationForm) -> ApplicationDetails:
    return ApplicationDetails(
        kind=form.kind.data,
        area_wanted=form.area_wanted.data,
        preferred_zones=form.zones,
        preferred_booths=form.booth_codes,
        notes=form.notes.data or "",
    )


@bp.route("/events/<slug>/booth-application", methods=["GET", "POST"])
@role_required("startup")
def apply(slug: str):
    event = expo_or_404(slug)
    startup = _startup_or_redirect()
    if startup is None:
        return redirect(url_for("events.event_page", slug=slug))
    application = application_of(event, startup)
    form = ApplicationForm(obj=application)
    if application is not None and request.method == "GET":
        form.fill_from(application)
    closed = None
    try:
        check_open_for_applications(event)
    except BoothError as error:
        closed = error
    editable = application is None or application.status in EDITABLE_STATUSES
    status = 200
    if form.is_submitted() and closed is not None:
        flash(str(closed.message), "error")
        status = 409
    elif form.validate_on_submit():
        try:
            if application is None:
                application = apply_for_booth(event, startup, _details(form))
                message = _("Application sent. The organisers will review it.")
            else:
                update_application(application, _details(form))
                message = _("Application updated.")
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
            status = 409 if error.field is None else 422
        else:
            record_audit(current_user, "booth_application.save", f"{event.slug}/{application.id}")
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("booths.apply", slug=slug))
    elif form.is_submitted():
        status = 422
    return render_template(
        "booths/apply.html",
        event=event,
        startup=startup,
        application=application,
        form=form,
        closed=closed,
        editable=editable,
        labels=labels(),
        self_service=bool(self_service_halls(event)),
    ), status


@bp.route("/my/booths")
@role_required("startup")
def my_booths():
    startup = _startup_or_redirect()
    if startup is None:
        return redirect(url_for("events.home"))
    applications = applications_of_startup(startup)
    applied = {application.event_id for application in applications}
    open_expos = [
        event
        for event in db.session.scalars(Event.select_published_upcoming(date.today()))
        if event.kind == "expo" and event.id not in applied
    ]
    return render_template(
        "booths/my_booths.html",
        startup=startup,
        applications=applications,
        open_expos=open_expos,
        labels=labels(),
    )


@bp.route("/events/<slug>/booths/choose", methods=["GET", "POST"])
@role_required("startup")
def choose(slug: str):
    event = expo_or_404(slug)
    startup = _startup_or_redirect()
    if startup is None:
        return redirect(url_for("events.event_page", slug=slug))
    application = application_of(event, startup)
    halls = [hall for hall in halls_of(event) if hall.self_service]
    form = PickForm()
    status = 200
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"].strip().upper()[:20]
    if form.validate_on_submit():
        booth = booth_by_code(event, form.code.data)
        try:
            pick_booth(event, startup, booth, current_user)
        except BoothError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            status = 404 if error.code == "unknown_booth" else 409
        else:
            db.session.commit()
            notify_booth(event, startup, booth)
            flash(_("Booth %(code)s is yours.", code=booth.code), "success")
            return redirect(
                url_for(
                    "booths.floor_plan", slug=slug, booth=booth.code, _anchor=f"booth-{booth.code}"
                )
            )
    elif form.is_submitted():
        status = 422
    application = application_of(event, startup)
    free = free_booths(event, application)
    free_codes = {booth.code for booth in free}

    def pick_link(booth: Booth) -> str | None:
        if booth.code in free_codes:
            return url_for("booths.choose", slug=slug, code=booth.code, _anchor="pick")
        return None

    selected = (form.code.data or "").upper() or None
    mine = application.booth.code if application is not None and application.booth else None
    return render_template(
        "booths/choose.html",
        event=event,
        application=application,
        halls=halls,
        drawings=drawings(
            halls, colour_by="status", highlight=selected or mine, href_for=pick_link
        ),
        free=free,
        form=form,
        selected=selected,
        mine=mine,
        labels=labels(),
    ), status


# --- organiser: the plan editor ------------------------------------------------------------


@bp.route("/organiser/events/<slug>/booths")
@role_required("admin")
def organiser_plan(slug: str):
    event = expo_or_404(slug, organiser=True)
    halls = halls_of(event)
    return render_template(
        "booths/organiser_plan.html",
        event=event,
        halls=halls,
        counts=booth_counts(event),
        drawings=drawings(
            halls,
            colour_by=colour_choice(),
            highlight=None,
            href_for=lambda booth: url_for("booths.edit_booth", slug=slug, booth_id=booth.id),
        ),
        colour_by=colour_choice(),
        action_form=EmptyForm(),
        labels=labels(),
    )


def _hall_details(form: HallForm) -> HallDetails:
    return HallDetails(
        name=form.name.data,
        width=form.width.data,
        depth=form.depth.data,
        zone_id=form.zone_id.data or None,
        position=form.position.data or 0,
    )


@bp.route("/organiser/events/<slug>/halls/new", methods=["GET", "POST"])
@role_required("admin")
def new_hall(slug: str):
    event = expo_or_404(slug, organiser=True)
    form = HallForm(event)
    if form.validate_on_submit():
        try:
            hall = create_hall(event, _hall_details(form))
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "hall.create", f"{slug}/{hall.name}")
            db.session.commit()
            flash(_("Hall added. Now add its booths."), "success")
            return redirect(url_for("booths.grid", slug=slug, hall=hall.id))
    return render_template("booths/hall_form.html", event=event, form=form, hall=None), form_status(
        form
    )


@bp.route("/organiser/events/<slug>/halls/<id:hall_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_hall(slug: str, hall_id: int):
    event = expo_or_404(slug, organiser=True)
    hall = hall_of(event, hall_id) or abort(404)
    form = HallForm(event, obj=hall)
    if request.method == "GET":
        form.zone_id.data = hall.zone_id or 0
    if form.validate_on_submit():
        try:
            update_hall(hall, _hall_details(form))
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "hall.update", f"{slug}/{hall.name}")
            db.session.commit()
            flash(_("Hall saved."), "success")
            return redirect(url_for("booths.organiser_plan", slug=slug))
    return render_template(
        "booths/hall_form.html", event=event, form=form, hall=hall, delete_form=EmptyForm()
    ), form_status(form)


@bp.route("/organiser/events/<slug>/halls/<id:hall_id>/delete", methods=["POST"])
@role_required("admin")
def remove_hall(slug: str, hall_id: int):
    event = expo_or_404(slug, organiser=True)
    hall = hall_of(event, hall_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = hall.name
    try:
        delete_hall(hall)
    except BoothError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("booths.edit_hall", slug=slug, hall_id=hall_id))
    record_audit(current_user, "hall.delete", f"{slug}/{name}")
    db.session.commit()
    flash(_("Hall deleted."), "success")
    return redirect(url_for("booths.organiser_plan", slug=slug))


@bp.route("/organiser/events/<slug>/halls/<id:hall_id>/self-service", methods=["POST"])
@role_required("admin")
def hall_self_service(slug: str, hall_id: int):
    event = expo_or_404(slug, organiser=True)
    hall = hall_of(event, hall_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    is_open = request.form.get("open") == "1"
    set_self_service(hall, is_open)
    record_audit(current_user, "hall.self_service", f"{slug}/{hall.name}", open=is_open)
    db.session.commit()
    if is_open:
        flash(
            _("%(hall)s is open: approved startups now choose their booth there.", hall=hall.name),
            "success",
        )
    else:
        flash(
            _("%(hall)s is closed for choosing: the allocation covers it again.", hall=hall.name),
            "success",
        )
    return redirect(url_for("booths.organiser_plan", slug=slug))


def _booth_details(form: BoothForm) -> BoothDetails:
    return BoothDetails(
        code=form.code.data,
        hall_id=form.hall_id.data,
        x=form.x.data,
        y=form.y.data,
        width=form.width.data,
        depth=form.depth.data,
        zone=form.zone.data or None,
        price_tier=form.price_tier.data,
        kind=form.kind.data,
        status=form.status.data,
    )


@bp.route("/organiser/events/<slug>/booths/new", methods=["GET", "POST"])
@role_required("admin")
def new_booth(slug: str):
    event = expo_or_404(slug, organiser=True)
    halls = halls_of(event)
    if not halls:
        flash(_("Add a hall first."), "info")
        return redirect(url_for("booths.new_hall", slug=slug))
    form = BoothForm(halls)
    if request.method == "GET" and request.args.get("hall", type=int):
        form.hall_id.data = request.args.get("hall", type=int)
    if form.validate_on_submit():
        try:
            booth = save_booth(event, _booth_details(form))
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "booth.create", f"{slug}/{booth.code}")
            db.session.commit()
            flash(_("Booth %(code)s added.", code=booth.code), "success")
            return redirect(url_for("booths.new_booth", slug=slug, hall=booth.hall_id))
    return render_template(
        "booths/booth_form.html", event=event, form=form, booth=None
    ), form_status(form)


@bp.route("/organiser/events/<slug>/booths/<id:booth_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_booth(slug: str, booth_id: int):
    event = expo_or_404(slug, organiser=True)
    booth = booth_of(event, booth_id) or abort(404)
    form = BoothForm(halls_of(event), obj=booth, allocated=booth.status == "allocated")
    if request.method == "GET":
        form.zone.data = booth.zone or ""
    if form.validate_on_submit():
        try:
            save_booth(event, _booth_details(form), booth)
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "booth.update", f"{slug}/{booth.code}")
            db.session.commit()
            flash(_("Booth %(code)s saved.", code=booth.code), "success")
            return redirect(url_for("booths.organiser_plan", slug=slug))
    return render_template(
        "booths/booth_form.html",
        event=event,
        form=form,
        booth=booth,
        action_form=EmptyForm(),
        labels=labels(),
    ), form_status(form)


@bp.route("/organiser/events/<slug>/booths/<id:booth_id>/delete", methods=["POST"])
@role_required("admin")
def remove_booth(slug: str, booth_id: int):
    event = expo_or_404(slug, organiser=True)
    booth = booth_of(event, booth_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    code = booth.code
    try:
        delete_booth(booth)
    except BoothError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("booths.edit_booth", slug=slug, booth_id=booth_id))
    record_audit(current_user, "booth.delete", f"{slug}/{code}")
    db.session.commit()
    flash(_("Booth %(code)s deleted.", code=code), "success")
    return redirect(url_for("booths.organiser_plan", slug=slug))


@bp.route("/organiser/events/<slug>/booths/grid", methods=["GET", "POST"])
@role_required("admin")
def grid(slug: str):
    event = expo_or_404(slug, organiser=True)
    halls = halls_of(event)
    if not halls:
        flash(_("Add a hall first."), "info")
        return redirect(url_for("booths.new_hall", slug=slug))
    form = GridForm(halls)
    if request.method == "GET" and request.args.get("hall", type=int):
        form.hall_id.data = request.args.get("hall", type=int)
    if form.validate_on_submit():
        hall = hall_of(event, form.hall_id.data)
        spec = GridSpec(
            prefix=form.prefix.data or "",
            rows=form.rows.data,
            columns=form.columns.data,
            booth_width=form.booth_width.data,
            booth_depth=form.booth_depth.data,
            aisle=form.aisle.data,
            rows_per_block=form.rows_per_block.data or 0,
            columns_per_block=form.columns_per_block.data or 0,
            origin_x=form.origin_x.data,
            origin_y=form.origin_y.data,
            start_number=form.start_number.data or 0,
            kind=form.kind.data,
            corners=form.corners.data,
            zone=form.zone.data or None,
            price_tier=form.price_tier.data,
        )
        try:
            if hall is None:
                raise BoothError(_("Choose one of the event's halls."), "unknown_hall", "hall_id")
            booths = add_grid(event, hall, spec)
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(
                current_user,
                "booth.grid",
                f"{slug}/{hall.name}",
                count=len(booths),
                first=booths[0].code,
                last=booths[-1].code,
            )
            db.session.commit()
            flash(
                _(
                    "%(count)d booths added to %(hall)s (%(first)s to %(last)s).",
                    count=len(booths),
                    hall=hall.name,
                    first=booths[0].code,
                    last=booths[-1].code,
                ),
                "success",
            )
            return redirect(url_for("booths.organiser_plan", slug=slug, _anchor=f"hall-{hall.id}"))
    return render_template("booths/grid_form.html", event=event, form=form), form_status(form)


@bp.route("/organiser/events/<slug>/booths/import", methods=["GET", "POST"])
@role_required("admin")
def import_booths(slug: str):
    event = expo_or_404(slug, organiser=True)
    form = BoothImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        try:
            report = import_booth_rows(
                event, form.file.data.read(), check_only=form.check_only.data
            )
        except (SpreadsheetError, BoothError) as error:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(error.message)]
            status = 422
        else:
            if report.saved:
                record_audit(
                    current_user,
                    "booth.import",
                    slug,
                    added=report.accepted_count,
                    rejected=len(report.rejected),
                )
                db.session.commit()
            else:
                db.session.rollback()
            status = 200 if not report.rejected else 422
    elif form.is_submitted():
        status = 422
    return render_template(
        "booths/import.html", event=event, form=form, report=report, example=EXAMPLE
    ), status


# --- organiser: applications --------------------------------------------------------------


@bp.route("/organiser/events/<slug>/booth-applications")
@role_required("admin")
def applications(slug: str):
    event = expo_or_404(slug, organiser=True)
    filter_form = ApplicationFilterForm(formdata=request.args)
    filters = filter_form.values()
    rows = db.session.scalars(select_applications(event, **filters)).all()
    query_args = {key: value for key, value in filters.items() if value}
    return render_template(
        "booths/applications.html",
        event=event,
        rows=rows,
        filter_form=filter_form,
        query_args=query_args,
        counts=status_counts(event),
        decision_form=DecisionForm(formdata=None),
        labels=labels(),
        current_list=request.full_path.rstrip("?"),
    )


@bp.route("/organiser/events/<slug>/booth-applications.csv")
@role_required("admin")
def export_applications(slug: str):
    event = expo_or_404(slug, organiser=True)
    filters = ApplicationFilterForm(formdata=request.args).values()
    rows = application_rows(list(db.session.scalars(select_applications(event, **filters))))
    record_audit(current_user, "booth_application.export", slug, count=len(rows))
    db.session.commit()
    response = Response(
        stream_with_context(csv_stream(APPLICATION_COLUMNS, rows)),
        mimetype="text/csv; charset=utf-8",
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="booth-applications-{slug}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(
    "/organiser/events/<slug>/booth-applications/<id:application_id>/decision",
    methods=["POST"],
)
@role_required("admin")
def decide_application(slug: str, application_id: int):
    event = expo_or_404(slug, organiser=True)
    application = db.session.get(BoothApplication, application_id)
    if application is None or application.event_id != event.id:
        abort(404)
    form = DecisionForm()
    back = _next_or(url_for("booths.applications", slug=slug))
    if not form.validate_on_submit():
        flash(_("Choose a decision."), "error")
        return redirect(back)
    try:
        decide(application, form.decision.data, current_user, form.reason.data or "")
    except BoothError as error:
        db.session.rollback()
        flash(
            _("%(startup)s: %(message)s", startup=application.startup.name, message=error.message),
            "error",
        )
        return redirect(back)
    db.session.commit()
    flash(
        _(
            "%(startup)s: %(status)s.",
            startup=application.startup.name,
            status=application_status_labels()[application.status],
        ),
        "success",
    )
    return redirect(back)


# --- organiser: allocation ----------------------------------------------------------------


@bp.route("/organiser/events/<slug>/allocation")
@role_required("admin")
def allocation(slug: str):
    event = expo_or_404(slug, organiser=True)
    plan = plan_allocation(event)
    approved = db.session.scalars(
        select(BoothApplication)
        .where(BoothApplication.event_id == event.id, BoothApplication.status == "approved")
        .options(joinedload(BoothApplication.startup))
        .join(Startup, BoothApplication.startup_id == Startup.id)
        .order_by(Startup.name)
    ).all()
    pinned = db.session.scalars(
        select(Booth).where(Booth.event_id == event.id, Booth.pinned.is_(True)).order_by(Booth.code)
    ).all()
    pin_form = PinForm()
    pin_form.application_id.choices = [(a.id, a.startup.name) for a in approved]
    return render_template(
        "booths/allocation.html",
        event=event,
        plan=plan,
        commit_form=CommitForm(fingerprint=plan.fingerprint),
        pin_form=pin_form,
        swap_form=SwapForm(),
        action_form=EmptyForm(),
        pinned=pinned,
        history=booth_history(event),
        counts=booth_counts(event),
        self_service=self_service_halls(event),
        labels=labels(),
    )


@bp.route("/organiser/events/<slug>/allocation", methods=["POST"])
@role_required("admin")
def commit(slug: str):
    event = expo_or_404(slug, organiser=True)
    form = CommitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = commit_allocation(event, current_user, expected_fingerprint=form.fingerprint.data)
    except BoothError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("booths.allocation", slug=slug))
    db.session.commit()
    sent = notify_changes(event, newly_placed(plan))
    counts = plan.counts
    flash(
        _(
            "Allocation saved: %(placed)d startups placed (%(new)d new, %(moved)d moved), "
            "%(unplaced)d not placed. %(sent)d startups notified.",
            placed=counts["placed"],
            new=counts["new"],
            moved=counts["moved"],
            unplaced=counts["unplaced"],
            sent=sent,
        ),
        "success",
    )
    return redirect(url_for("booths.allocation", slug=slug))


def _booth_or_flash(event: Event, code: str) -> Booth | None:
    booth = booth_by_code(event, code)
    if booth is None:
        flash(
            _("There is no booth %(code)s on this plan.", code=(code or "").strip()[:20]), "error"
        )
    return booth


@bp.route("/organiser/events/<slug>/allocation/pin", methods=["POST"])
@role_required("admin")
def pin(slug: str):
    event = expo_or_404(slug, organiser=True)
    form = PinForm()
    form.application_id.choices = None  # any id; checked below
    form.application_id.validate_choice = False
    back = url_for("booths.allocation", slug=slug)
    if not form.validate_on_submit():
        flash(_("Give a booth code and choose a startup."), "error")
        return redirect(back)
    booth = _booth_or_flash(event, form.booth.data)
    application = db.session.get(BoothApplication, form.application_id.data)
    if booth is None:
        return redirect(back)
    if application is None or application.event_id != event.id:
        flash(_("Choose a startup with an approved application."), "error")
        return redirect(back)
    try:
        previous = application.booth.code if application.booth else None
        pin_booth(booth, application, current_user)
    except BoothError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    notify_booth(event, application.startup, booth, previous)
    flash(
        _(
            "%(startup)s is pinned to booth %(code)s.",
            startup=application.startup.name,
            code=booth.code,
        ),
        "success",
    )
    return redirect(back)


@bp.route("/organiser/events/<slug>/allocation/swap", methods=["POST"])
@role_required("admin")
def swap(slug: str):
    event = expo_or_404(slug, organiser=True)
    form = SwapForm()
    back = url_for("booths.allocation", slug=slug)
    if not form.validate_on_submit():
        flash(_("Give the codes of two booths."), "error")
        return redirect(back)
    first = _booth_or_flash(event, form.first.data)
    second = _booth_or_flash(event, form.second.data) if first is not None else None
    if first is None or second is None:
        return redirect(back)
    try:
        swap_booths(first, second, current_user)
    except BoothError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    for booth, other in ((first, second), (second, first)):
        notify_booth(event, booth.exhibitor, booth, other.code)
    flash(
        _("Booths %(first)s and %(second)s swapped.", first=first.code, second=second.code),
        "success",
    )
    return redirect(back)


@bp.route("/organiser/events/<slug>/booths/<id:booth_id>/release", methods=["POST"])
@role_required("admin")
def release(slug: str, booth_id: int):
    event = expo_or_404(slug, organiser=True)
    booth = booth_of(event, booth_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = _next_or(url_for("booths.allocation", slug=slug))
    startup = booth.exhibitor
    try:
        release_booth(booth, current_user)
    except BoothError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    if startup is not None:
        notify_booth(event, startup, None, booth.code)
    flash(_("Booth %(code)s released.", code=booth.code), "success")
    return redirect(back)


@bp.route("/organiser/events/<slug>/booths/<id:booth_id>/unpin", methods=["POST"])
@role_required("admin")
def unpin(slug: str, booth_id: int):
    event = expo_or_404(slug, organiser=True)
    booth = booth_of(event, booth_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = _next_or(url_for("booths.allocation", slug=slug))
    try:
        unpin_booth(booth, current_user)
    except BoothError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Booth %(code)s is no longer pinned.", code=booth.code), "success")
    return redirect(back)
