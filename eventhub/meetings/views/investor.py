"""Investor pages: its slots (opened in bulk, edited, deleted; the organiser edits and
deletes them too), declining a meeting, recording how it went, answering requests."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.meetings.booking import decline_meeting, meetings_by_slot, record_outcome
from eventhub.meetings.forms import AnswerForm, DeclineForm, OutcomeForm, SlotBulkForm, SlotEditForm
from eventhub.meetings.mail import notify_answered, notify_cancelled
from eventhub.meetings.requests import answer_request, request_of_party
from eventhub.meetings.slots import (
    MeetingError,
    SlotCopy,
    delete_slot,
    editable_slot,
    open_slots,
    restore_slot,
    slots_of_event,
    update_slot,
)
from eventhub.meetings.views.blueprint import bp
from eventhub.meetings.views.common import (
    agenda_redirect,
    current_investor,
    day_choices,
    own_meeting,
    table_choices,
)
from eventhub.undo import flash_with_undo

# "Restore slot" in the message after a deletion carries the deleted slot, signed so that
# it cannot be altered, for this long.
RESTORE_MAX_AGE_SECONDS = 24 * 3600


@bp.route("/events/<slug>/my-slots", methods=["GET", "POST"])
@role_required("investor")
def my_slots(slug: str):
    event = event_or_404(slug)
    investor = current_investor()
    form = SlotBulkForm()
    form.days.choices = day_choices(event)
    form.table_id.choices = table_choices(event)
    status = None
    if form.validate_on_submit():
        try:
            opened = open_slots(event, investor, form.plan())
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            record_audit(
                current_user, "slots.open", f"{event.slug}/{investor.id}", count=len(opened)
            )
            db.session.commit()
            flash(_("%(count)s slots opened.", count=len(opened)), "success")
            return redirect(url_for("meetings.my_slots", slug=slug))
    return render_template(
        "meetings/my_slots.html",
        event=event,
        form=form,
        slots=slots_of_event(event, investor=investor),
        meetings=meetings_by_slot(event, investor),
        delete_form=EmptyForm(),
    ), status or form_status(form)


def _slots_redirect(event: Event) -> Response:
    if current_user.role == "admin":
        return redirect(url_for("meetings.organiser_slots", slug=event.slug))
    return redirect(url_for("meetings.my_slots", slug=event.slug))


@bp.route("/events/<slug>/slots/<id:slot_id>/edit", methods=["GET", "POST"])
@role_required("investor", "admin")
def edit_slot(slug: str, slot_id: int):
    event = event_or_404(slug, include_unpublished=True)
    slot = editable_slot(event, slot_id, current_user)
    if slot is None:
        abort(404)
    form = SlotEditForm()
    form.day.choices = day_choices(event)
    form.table_id.choices = table_choices(event)
    if request.method == "GET":
        form.show(slot)
    status = None
    if form.validate_on_submit():
        try:
            update_slot(slot, *form.period(), form.table_id.data or None)
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("Slot saved."), "success")
            return _slots_redirect(event)
    return render_template(
        "meetings/slot_form.html", event=event, slot=slot, form=form
    ), status or form_status(form)


@bp.route("/events/<slug>/slots/<id:slot_id>/delete", methods=["POST"])
@role_required("investor", "admin")
def remove_slot(slug: str, slot_id: int):
    event = event_or_404(slug, include_unpublished=True)
    slot = editable_slot(event, slot_id, current_user)
    if slot is None:
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        copy = delete_slot(slot)
    except MeetingError as error:
        db.session.rollback()
        show_error(None, error)  # shown on the page it redirects to
    else:
        record_audit(current_user, "slot.delete", f"{event.slug}/{slot_id}")
        db.session.commit()
        flash_with_undo(
            _("Slot deleted."),
            _("Restore slot"),
            "meetings.restore_deleted_slot",
            fields={"slot": _restore_signer().dumps(copy.to_data())},
            slug=event.slug,
        )
    return _slots_redirect(event)


def _restore_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="meetings.slot-restore")


def _signed_copy(event: Event) -> SlotCopy:
    """The deleted slot the form carries, if signed here, recent and of this event, and one
    the signed-in user may open (an investor: only its own); else 400 or 404."""
    try:
        data = _restore_signer().loads(
            request.form.get("slot", ""), max_age=RESTORE_MAX_AGE_SECONDS
        )
    except BadData:
        abort(400)
    copy = SlotCopy.from_data(data)
    if copy is None:
        abort(400)
    if copy.event_id != event.id:
        abort(404)
    if current_user.role != "admin" and copy.investor_id != current_investor().id:
        abort(404)
    return copy


@bp.route("/events/<slug>/slots/restore", methods=["POST"])
@role_required("investor", "admin")
def restore_deleted_slot(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    copy = _signed_copy(event)
    try:
        slot = restore_slot(event, copy)
    except MeetingError as error:
        db.session.rollback()
        show_error(None, error)  # shown on the page it redirects to
    else:
        record_audit(current_user, "slot.restore", f"{event.slug}/{slot.id}")
        db.session.commit()
        flash(_("Slot restored."), "success")
    return _slots_redirect(event)


@bp.route("/meetings/<id:meeting_id>/decline", methods=["GET", "POST"])
@role_required("investor")
def decline(meeting_id: int):
    meeting, party = own_meeting(meeting_id)
    form = DeclineForm()
    status = None
    if form.validate_on_submit():
        try:
            decline_meeting(meeting, current_user, form.reason.data)
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            record_audit(current_user, "meeting.decline", f"{meeting.event.slug}/{meeting.id}")
            notify_cancelled(meeting)
            db.session.commit()
            flash(_("Meeting declined; the startup will see your reason."), "success")
            return agenda_redirect(meeting, party)
    return render_template(
        "meetings/decline.html", event=meeting.event, meeting=meeting, form=form
    ), status or form_status(form)


@bp.route("/meetings/<id:meeting_id>/outcome", methods=["GET", "POST"])
@role_required("investor")
def outcome(meeting_id: int):
    meeting, party = own_meeting(meeting_id)
    form = OutcomeForm()
    if request.method == "GET":
        form.outcome.data, form.note.data = meeting.outcome, meeting.investor_note
    status = None
    if form.validate_on_submit():
        try:
            record_outcome(meeting, current_user, form.outcome.data, form.note.data)
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return agenda_redirect(meeting, party)
    return render_template(
        "meetings/outcome.html", event=meeting.event, meeting=meeting, form=form
    ), status or form_status(form)


@bp.route("/requests/<id:request_id>/answer", methods=["POST"])
@role_required("investor", "startup")
def answer(request_id: int):
    meeting_request = request_of_party(request_id, current_user)
    if meeting_request is None:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            flash(str(messages[0]), "error")
    else:
        accept = form.decision.data == "accept"
        try:
            answer_request(meeting_request, current_user, accept, form.reason.data)
        except MeetingError as error:
            db.session.rollback()
            show_error(None, error)  # shown on the page it redirects to
        else:
            notify_answered(meeting_request)
            db.session.commit()
            if accept:
                flash(_("Request accepted: the organiser's scheduler will place it."), "success")
            else:
                flash(_("Request declined."), "success")
    return redirect(url_for("meetings.requests_page", slug=meeting_request.event.slug))
