"""Deal-flow pages: the investor's pipeline, its record of a meeting and a startup's
history with it; the startup's next steps and its answer to one.

Only the investor's team reads interest and notes: every investor page looks rows up
through the signed-in user's firm (another firm's meeting or startup is 404), and the
startup's pages show the step and its answer only.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from eventhub.auth.access import role_required
from eventhub.deals.dealflow import pipeline as reading
from eventhub.deals.dealflow.forms import DealRecordForm, PipelineFilterForm, StepAnswerForm
from eventhub.deals.dealflow.labels import (
    INTEREST_LABELS,
    STARTUP_STEP_HINTS,
    STARTUP_STEP_LABELS,
    STEP_LABELS,
)
from eventhub.deals.dealflow.mail import notify_answer, notify_step
from eventhub.deals.dealflow.models import DealRecord
from eventhub.deals.dealflow.records import (
    DealFlowError,
    answer_step,
    check_recordable,
    current_step,
    own_meeting,
    own_step,
    record_deal,
    record_of,
)
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.listing import list_args, page_of
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup

bp = Blueprint("dealflow", __name__)


@bp.context_processor
def labels() -> dict[str, object]:
    return {
        "interest_labels": INTEREST_LABELS,
        "step_labels": STEP_LABELS,
        "startup_step_labels": STARTUP_STEP_LABELS,
        "startup_step_hints": STARTUP_STEP_HINTS,
    }


def _investor() -> Investor:
    investor = current_user.investor
    if investor is None:
        abort(403)
    return investor


def _startup() -> Startup:
    startup = current_user.startup
    if startup is None:
        abort(403)
    return startup


# The investor ----------------------------------------------------------------------------


@bp.route("/my/deal-flow")
@role_required("investor")
def pipeline():
    investor = _investor()
    events = reading.investor_events(investor)
    form = PipelineFilterForm(formdata=request.args, events=events)
    form.validate()
    filters = reading.PipelineFilters.read(
        request.args.get("stage"),
        request.args.get("interest"),
        request.args.get("event"),
        "" if form.q.errors else (form.q.data or ""),
    )
    args = list_args(request.args, sorts=reading.PIPELINE_SORTS)
    page = page_of(reading.pipeline_select(investor, filters), args, DealRecord.id)
    return render_template(
        "deals/dealflow/pipeline.html",
        investor=investor,
        form=form,
        filters=filters,
        args=args,
        page=page,
        steps=reading.current_steps(page.items),
        counts=reading.stage_counts(investor, filters.event_id),
        waiting=reading.meetings_to_record(investor),
    )


@bp.route("/meetings/<id:meeting_id>/deal-flow", methods=["GET", "POST"])
@role_required("investor")
def record(meeting_id: int):
    try:
        meeting = own_meeting(meeting_id, current_user)
    except DealFlowError:
        abort(404)
    existing = record_of(meeting)
    form = DealRecordForm()
    if request.method == "GET" and existing is not None:
        form.interest.data = existing.interest
        form.next_step.data = existing.next_step
        form.notes.data = existing.notes
        form.version.data = str(existing.version)
    refusal = None
    try:
        check_recordable(meeting)
    except DealFlowError as error:
        refusal = error
    status = refusal.status if refusal is not None else None
    if refusal is None and form.validate_on_submit():
        try:
            recorded = record_deal(meeting, current_user, form.details())
        except DealFlowError as error:
            db.session.rollback()
            if error.code == "changed_meanwhile":  # show the record as it is now
                flash(str(error.message), "error")
                return redirect(url_for("dealflow.record", meeting_id=meeting_id))
            show_error(form, error)
            status = error.status
        else:
            if recorded.tell_startup:
                notify_step(recorded.new_step)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("dealflow.pair", startup_id=meeting.startup_id))
    elif refusal is not None and request.method == "POST":
        flash(str(refusal.message), "error")
    return render_template(
        "deals/dealflow/record.html",
        meeting=meeting,
        event=meeting.event,
        form=form,
        existing=existing,
        step=current_step(existing) if existing is not None else None,
        refusal=refusal,
        started=meeting.starts_at <= utcnow(),
    ), status or form_status(form)


@bp.route("/my/deal-flow/startups/<id:startup_id>")
@role_required("investor")
def pair(startup_id: int):
    investor = _investor()
    startup = db.session.get(Startup, startup_id)
    if startup is None:
        abort(404)
    records = reading.pair_history(investor, startup)
    if not records:
        abort(404)
    return render_template(
        "deals/dealflow/pair.html",
        investor=investor,
        startup=startup,
        records=records,
        stage=max(records, key=lambda record: (record.step_at, record.id)).next_step,
    )


# The startup -----------------------------------------------------------------------------


@bp.route("/my/next-steps")
@role_required("startup")
def next_steps():
    startup = _startup()
    args = list_args(request.args)
    page = page_of(reading.startup_steps_select(startup.id), args)
    return render_template("deals/dealflow/next_steps.html", startup=startup, page=page)


@bp.route("/my/next-steps/<id:step_id>", methods=["GET", "POST"])
@role_required("startup")
def answer(step_id: int):
    _startup()
    try:
        step = own_step(step_id, current_user)
    except DealFlowError:
        abort(404)
    form = StepAnswerForm()
    if request.method == "GET" and step.answered:
        form.reply.data, form.link.data, form.done.data = step.reply, step.reply_link, step.done
    status = None
    if form.validate_on_submit():
        try:
            answered = answer_step(step_id, current_user, form.details())
        except DealFlowError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            notify_answer(answered)
            db.session.commit()
            flash(_("Your answer was sent to the investor."), "success")
            return _to_next_steps()
    return render_template(
        "deals/dealflow/answer.html", step=step, record=step.record, form=form
    ), status or form_status(form)


def _to_next_steps() -> Response:
    return redirect(url_for("dealflow.next_steps"))
