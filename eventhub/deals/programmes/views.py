"""The organiser's programme pages: the programmes themselves (list, create, edit and
rename, with their names in three languages), and each event's programme outcomes (a
table of every programme, a page per programme, its PDF report, and an XLSX export)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.deals.programmes.catalogue import ProgrammeError, all_programmes, save_programme
from eventhub.deals.programmes.forms import ProgrammeForm
from eventhub.deals.programmes.models import Programme
from eventhub.deals.programmes.outcomes import outcomes_by_programme, programme_outcome
from eventhub.deals.programmes.report import (
    figure_rows,
    meeting_bars,
    outcomes_table,
    report_pdf,
    step_bars,
)
from eventhub.events.lookup import event_or_404
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.responses import table_download

bp = Blueprint("programmes", __name__)


def _programme_or_404(programme_id: int) -> Programme:
    return db.get_or_404(Programme, programme_id)


@bp.route("/organiser/programmes", methods=["GET", "POST"])
@role_required("admin")
def programme_list():
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = save_programme(
                None, form.name.data, form.description.data, form.other_names()
            )
        except ProgrammeError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "programme.create", programme.name)
            db.session.commit()
            flash(_("Programme %(name)s added.", name=programme.name), "success")
            return redirect(url_for("programmes.programme_list"))
    return render_template(
        "deals/programmes/programmes.html", programmes=all_programmes(), form=form
    ), form_status(form)


@bp.route("/organiser/programmes/<id:programme_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_programme(programme_id: int):
    programme = _programme_or_404(programme_id)
    form = ProgrammeForm()
    if form.validate_on_submit():
        old_name = programme.name
        try:
            save_programme(programme, form.name.data, form.description.data, form.other_names())
        except ProgrammeError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            if programme.name != old_name:
                new_name = programme.name
                record_audit(current_user, "programme.rename", new_name, old=old_name, new=new_name)
            else:
                record_audit(current_user, "programme.update", programme.name)
            db.session.commit()
            flash(_("Programme %(name)s saved.", name=programme.name), "success")
            return redirect(url_for("programmes.programme_list"))
    elif not form.is_submitted():
        form.fill(programme)
    return render_template(
        "deals/programmes/programme_form.html", programme=programme, form=form
    ), form_status(form)


@bp.route("/organiser/events/<slug>/programmes")
@role_required("admin")
def outcomes(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    return render_template(
        "deals/programmes/outcomes.html", event=event, outcomes=outcomes_by_programme(event)
    )


@bp.route("/organiser/events/<slug>/programmes.xlsx")
@role_required("admin")
def outcomes_export(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    return table_download(outcomes_table(event, outcomes_by_programme(event)), "xlsx")


@bp.route("/organiser/events/<slug>/programmes/<id:programme_id>")
@role_required("admin")
def outcome(slug: str, programme_id: int):
    event = event_or_404(slug, include_unpublished=True)
    found = programme_outcome(event, _programme_or_404(programme_id))
    return render_template(
        "deals/programmes/outcome.html",
        event=event,
        outcome=found,
        figures=figure_rows(found),
        meetings=meeting_bars(found),
        steps=step_bars(found),
    )


@bp.route("/organiser/events/<slug>/programmes/<id:programme_id>/report.pdf")
@role_required("admin")
def report(slug: str, programme_id: int):
    event = event_or_404(slug, include_unpublished=True)
    programme = _programme_or_404(programme_id)
    pdf = report_pdf(event, programme_outcome(event, programme))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="{event.slug}-programme-{programme.id}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
