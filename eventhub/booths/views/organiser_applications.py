"""The organiser's review of booth applications: the filtered list, the decisions, and the
export as CSV or XLSX."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.booths.applications import (
    application_in,
    decide,
    select_applications,
    status_counts,
)
from eventhub.booths.errors import BoothError
from eventhub.booths.exports import APPLICATION_COLUMNS, applications_table
from eventhub.booths.forms import ApplicationFilterForm, DecisionForm
from eventhub.booths.labels import application_status_labels, page_labels
from eventhub.booths.lookup import expo_or_404
from eventhub.booths.notices import notify_decision
from eventhub.booths.views.blueprint import back_to, bp
from eventhub.extensions import db
from eventhub.responses import table_download
from eventhub.spreadsheets import Table


@bp.route("/organiser/events/<slug>/booth-applications")
@role_required("admin")
def applications(slug: str):
    event = expo_or_404(slug, organiser=True)
    filter_form = ApplicationFilterForm(formdata=request.args)
    filters = filter_form.values()
    return render_template(
        "booths/applications.html",
        event=event,
        rows=db.session.scalars(select_applications(event, **filters)).all(),
        filter_form=filter_form,
        query_args={key: value for key, value in filters.items() if value},
        counts=status_counts(event),
        decision_form=DecisionForm(formdata=None),
        labels=page_labels(),
        current_list=request.full_path.rstrip("?"),
    )


@bp.route("/organiser/events/<slug>/booth-applications.<any(csv, xlsx):fmt>")
@role_required("admin")
def export_applications(slug: str, fmt: str):
    event = expo_or_404(slug, organiser=True)
    filters = ApplicationFilterForm(formdata=request.args).values()
    rows = applications_table(event, **filters)
    record_audit(current_user, "booth_application.export", slug, count=len(rows), format=fmt)
    db.session.commit()
    table = Table(APPLICATION_COLUMNS, rows, f"booth-applications-{slug}", _("Booth applications"))
    return table_download(table, fmt)


@bp.route(
    "/organiser/events/<slug>/booth-applications/<id:application_id>/decision",
    methods=["POST"],
)
@role_required("admin")
def decide_application(slug: str, application_id: int):
    event = expo_or_404(slug, organiser=True)
    application = application_in(event, application_id) or abort(404)
    form = DecisionForm()
    back = back_to(url_for("booths.applications", slug=slug))
    if not form.validate_on_submit():
        flash(_("Choose a decision."), "error")
        return redirect(back)
    booth_before = application.booth.code if application.booth is not None else None
    try:
        decide(application, form.decision.data, current_user, form.reason.data or "")
    except BoothError as error:
        db.session.rollback()
        flash(
            _("%(startup)s: %(message)s", startup=application.startup.name, message=error.message),
            "error",
        )
        return redirect(back)
    released = booth_before if application.booth is None else None
    notify_decision(application, released_booth=released)
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
