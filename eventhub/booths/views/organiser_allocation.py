"""The organiser's allocation page: the allocator's dry run and its commit, pins, swaps,
releases, and the log of them. The dry run keeps current placements; `?reoptimise=1`
shows the re-optimised plan instead, with how many startups it moves, before its commit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.forms import EmptyForm
from eventhub.booths.allocation_runs import commit_allocation, newly_placed, plan_allocation
from eventhub.booths.errors import BoothError
from eventhub.booths.forms import CommitForm, PinForm, SwapForm
from eventhub.booths.holding import release_booth
from eventhub.booths.labels import page_labels
from eventhub.booths.layout import booth_counts, booth_of
from eventhub.booths.lookup import expo_or_404
from eventhub.booths.moves import (
    approved_applications,
    booth_history,
    pin_by_code,
    pinned_booths,
    swap_by_code,
    unpin_booth,
)
from eventhub.booths.notices import notify_booth, notify_changes, notify_moves
from eventhub.booths.self_service import self_service_halls
from eventhub.booths.views.blueprint import back_to, bp
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error


def allocation_page(
    event: Event, pin_form: PinForm, swap_form: SwapForm, *, reoptimise: bool = False
):
    """The page with the dry run as it is now (keeping current placements, or re-optimised),
    and the move forms as sent (with their errors) or empty."""
    plan = plan_allocation(event, reoptimise=reoptimise)
    mode = "reoptimise" if reoptimise else "keep"
    return render_template(
        "booths/allocation.html",
        event=event,
        plan=plan,
        commit_form=CommitForm(formdata=None, fingerprint=plan.fingerprint, mode=mode),
        pin_form=pin_form,
        swap_form=swap_form,
        action_form=EmptyForm(),
        pinned=pinned_booths(event),
        history=booth_history(event),
        counts=booth_counts(event),
        self_service=self_service_halls(event),
        labels=page_labels(),
    ), form_status(pin_form, swap_form)


@bp.route("/organiser/events/<slug>/allocation")
@role_required("admin")
def allocation(slug: str):
    event = expo_or_404(slug, organiser=True)
    return allocation_page(
        event,
        PinForm(approved_applications(event), formdata=None),
        SwapForm(formdata=None),
        reoptimise=request.args.get("reoptimise") == "1",
    )


@bp.route("/organiser/events/<slug>/allocation", methods=["POST"])
@role_required("admin")
def commit(slug: str):
    event = expo_or_404(slug, organiser=True)
    form = CommitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = commit_allocation(
            event,
            current_user,
            expected_fingerprint=form.fingerprint.data,
            reoptimise=form.reoptimise,
        )
    except BoothError as error:
        db.session.rollback()
        show_error(None, error)
        again = {"reoptimise": "1"} if form.reoptimise else {}
        return redirect(url_for("booths.allocation", slug=slug, **again))
    sent = notify_changes(event, newly_placed(plan))
    db.session.commit()
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


@bp.route("/organiser/events/<slug>/allocation/pin", methods=["POST"])
@role_required("admin")
def pin(slug: str):
    event = expo_or_404(slug, organiser=True)
    form = PinForm(approved_applications(event))
    if form.validate_on_submit():
        try:
            notice = pin_by_code(event, form.booth.data, form.application, current_user)
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            notify_moves(event, [notice])
            db.session.commit()
            flash(
                _(
                    "%(startup)s is pinned to booth %(code)s.",
                    startup=notice.startup.name,
                    code=notice.booth.code,
                ),
                "success",
            )
            return redirect(url_for("booths.allocation", slug=slug))
    return allocation_page(event, form, SwapForm(formdata=None))


@bp.route("/organiser/events/<slug>/allocation/swap", methods=["POST"])
@role_required("admin")
def swap(slug: str):
    event = expo_or_404(slug, organiser=True)
    form = SwapForm()
    if form.validate_on_submit():
        try:
            first, second = swap_by_code(event, form.first.data, form.second.data, current_user)
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            notify_moves(event, [first, second])
            db.session.commit()
            flash(
                _(
                    "Booths %(first)s and %(second)s swapped.",
                    first=first.booth.code,
                    second=second.booth.code,
                ),
                "success",
            )
            return redirect(url_for("booths.allocation", slug=slug))
    return allocation_page(event, PinForm(approved_applications(event), formdata=None), form)


@bp.route("/organiser/events/<slug>/booths/<id:booth_id>/release", methods=["POST"])
@role_required("admin")
def release(slug: str, booth_id: int):
    event = expo_or_404(slug, organiser=True)
    booth = booth_of(event, booth_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = back_to(url_for("booths.allocation", slug=slug))
    startup = booth.exhibitor
    try:
        release_booth(booth, current_user)
    except BoothError as error:
        db.session.rollback()
        show_error(None, error)
        return redirect(back)
    if startup is not None:
        notify_booth(event, startup, None, booth.code)
    db.session.commit()
    flash(_("Booth %(code)s released.", code=booth.code), "success")
    return redirect(back)


@bp.route("/organiser/events/<slug>/booths/<id:booth_id>/unpin", methods=["POST"])
@role_required("admin")
def unpin(slug: str, booth_id: int):
    event = expo_or_404(slug, organiser=True)
    booth = booth_of(event, booth_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = back_to(url_for("booths.allocation", slug=slug))
    try:
        unpin_booth(booth, current_user)
    except BoothError as error:
        db.session.rollback()
        show_error(None, error)
        return redirect(back)
    db.session.commit()
    flash(_("Booth %(code)s is no longer pinned.", code=booth.code), "success")
    return redirect(back)
