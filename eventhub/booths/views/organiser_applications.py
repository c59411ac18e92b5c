"""The organiser's review of booth applications: the list (paged, searched, filtered and
sorted on the server, with its arguments in the address), decisions on the ticked rows at
once, one application's page with its own decision, and the export as CSV or XLSX."""

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
from flask_babel import ngettext
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.booths.applications import (
    APPLICATION_SORTS,
    application_in,
    decide,
    decide_many,
    select_applications,
    status_counts,
)
from eventhub.booths.errors import BoothError
from eventhub.booths.exports import APPLICATION_COLUMNS, applications_table
from eventhub.booths.forms import ApplicationFilterForm, BulkDecisionForm, DecisionForm
from eventhub.booths.labels import application_status_labels, page_labels
from eventhub.booths.lookup import expo_or_404
from eventhub.booths.models import BoothApplication
from eventhub.booths.notices import notify_decision
from eventhub.booths.views.blueprint import back_to, bp
from eventhub.extensions import db
from eventhub.forms_common import show_error
from eventhub.listing import list_args, page_of
from eventhub.responses import table_download
from eventhub.spreadsheets import Table


def _list_page(event, bulk_form: BulkDecisionForm, status: int = 200):
    """The list as the address asks for it, with the bulk bar (`bulk_form`: its errors and
    the ticked rows kept when a bulk decision was refused)."""
    filter_form = ApplicationFilterForm(formdata=request.args)
    filters = filter_form.values()
    args = list_args(request.args, sorts=APPLICATION_SORTS, default_sort="submitted")
    page = page_of(select_applications(event, **filters), args, BoothApplication.id)
    page_html = render_template(
        "booths/applications.html",
        event=event,
        page=page,
        args=args,
        filter_form=filter_form,
        query_args={key: value for key, value in filters.items() if value},
        counts=status_counts(event),
        bulk_form=bulk_form,
        selected=set(bulk_form.selected_ids),
        labels=page_labels(),
    )
    return page_html, status


@bp.route("/organiser/events/<slug>/booth-applications", methods=["GET", "POST"])
@role_required("admin")
def applications(slug: str):
    """GET: the list. POST: one decision on the ticked applications, all or none."""
    event = expo_or_404(slug, organiser=True)
    if request.method == "GET":
        return _list_page(event, BulkDecisionForm(formdata=None))
    form = BulkDecisionForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        if form.application.errors:
            flash(
                _("The selection is not valid. Reload the page and tick the rows again."), "error"
            )
        return _list_page(event, form, 422)
    try:
        decided = decide_many(
            event, form.selected_ids, form.decision.data, current_user, form.reason.data or ""
        )
        for application in decided:
            notify_decision(application, released_booth=None)
    except BoothError as error:
        db.session.rollback()
        show_error(form, error)
        return _list_page(event, form, 422 if error.field else 409)
    db.session.commit()
    if form.decision.data == "approve":
        message = ngettext(
            "%(num)d application approved.", "%(num)d applications approved.", len(decided)
        )
    else:
        message = ngettext(
            "%(num)d application rejected.", "%(num)d applications rejected.", len(decided)
        )
    flash(message, "success")
    return redirect(url_for("booths.applications", slug=slug, **request.args.to_dict()))


@bp.route("/organiser/events/<slug>/booth-applications/<id:application_id>")
@role_required("admin")
def application_page(slug: str, application_id: int):
    event = expo_or_404(slug, organiser=True)
    application = application_in(event, application_id) or abort(404)
    return render_template(
        "booths/application.html",
        event=event,
        application=application,
        decision_form=DecisionForm(formdata=None),
        labels=page_labels(),
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
