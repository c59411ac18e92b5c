from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.checkin.attendance import attendance_for, bar_chart
from eventhub.checkin.forms import GateForm
from eventhub.checkin.gates import GateSetupError, add_gate, gates_of
from eventhub.checkin.messages import scanner_labels
from eventhub.checkin.models import Gate
from eventhub.checkin.pwa_views import scanner_shell
from eventhub.checkin.scanning import event_day
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Zone
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.models_common import utcnow

bp = Blueprint("checkin", __name__)


@bp.route("/events/<slug>/scan")
@role_required("staff", "admin")
def scanner(slug: str):
    event = event_or_404(slug)
    return render_template(
        "checkin/scanner.html",
        event=event,
        gates=gates_of(event),
        labels=scanner_labels(),
        shell=scanner_shell(),
    )


@bp.route("/organiser/events/<slug>/attendance")
@role_required("admin")
def attendance(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    now = utcnow()
    figures = attendance_for(event, event_day(event, now), now)
    template = "checkin/_figures.html" if request.args.get("partial") else "checkin/attendance.html"
    return render_template(
        template, event=event, figures=figures, bars=bar_chart(figures.arrivals_per_hour)
    )


@bp.route("/organiser/events/<slug>/gates", methods=["GET", "POST"])
@role_required("admin")
def gates(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = GateForm()
    form.zone_id.choices = [(0, _("The venue (no zone rule)"))] + [
        (zone.id, zone.localized("name")) for zone in event.zones
    ]
    if form.validate_on_submit():
        zone = db.session.get(Zone, form.zone_id.data) if form.zone_id.data else None
        try:
            add_gate(event, form.name.data, zone, form.direction.data)
        except GateSetupError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "gate.create", f"{event.slug}/{form.name.data}")
            db.session.commit()
            flash(_("Gate added."), "success")
            return redirect(url_for("checkin.gates", slug=slug))
    return render_template(
        "checkin/gates.html", event=event, form=form, gates=gates_of(event), delete_form=EmptyForm()
    ), form_status(form)


@bp.route("/organiser/events/<slug>/gates/<id:gate_id>/delete", methods=["POST"])
@role_required("admin")
def delete_gate(slug: str, gate_id: int):
    event = event_or_404(slug, include_unpublished=True)
    gate = db.session.get(Gate, gate_id)
    if gate is None or gate.event_id != event.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    record_audit(current_user, "gate.delete", f"{event.slug}/{gate.name}")
    db.session.delete(gate)
    db.session.commit()
    flash(_("Gate deleted."), "success")
    return redirect(url_for("checkin.gates", slug=slug))


# The help desk's pages and the door conflicts are routes of this blueprint, kept in their
# own modules.
from eventhub.checkin import conflict_views, desk_views  # noqa: E402, F401
