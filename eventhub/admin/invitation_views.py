"""The organiser's invitation pages: the list (search, state, resend, revoke), inviting one
person, and a cohort's import (upload, preview, confirm). The rules are in
eventhub/admin/invitations.py."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from eventhub.admin import invitations
from eventhub.admin.invitation_forms import (
    LANGUAGE_NAMES,
    ConfirmImportForm,
    ImportForm,
    InvitationFilterForm,
    InviteForm,
)
from eventhub.admin.users import role_labels
from eventhub.admin.views import bp
from eventhub.auth.access import role_required
from eventhub.auth.accounts import AccountError
from eventhub.auth.forms import EmptyForm
from eventhub.auth.models import Invitation
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.models_common import utcnow
from eventhub.routing import redirect_target
from eventhub.spreadsheets import SpreadsheetError

PAGE_SIZE = 50
MAX_PAGE = 100_000
# The preview lists at most this many of the good rows (every refused row is listed).
PREVIEW_ROWS = 200


def _page_number() -> int:
    page = request.args.get("page", default=1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def _invitation_or_404(invitation_id: int) -> Invitation:
    try:
        return invitations.find_invitation(invitation_id)
    except invitations.InvitationAdminError:
        abort(404)


def _back() -> Any:
    """To the page the button was on (the list, a user's page), else the list."""
    return redirect(redirect_target(request.form.get("next"), url_for("admin.invitation_list")))


# The list ---------------------------------------------------------------------------------


@bp.route("/organiser/invitations")
@role_required("admin")
def invitation_list():
    form = InvitationFilterForm(formdata=request.args)
    form.validate()
    filters = invitations.InvitationFilters.read(form.q.data, form.state.data)
    now = utcnow()
    page = db.paginate(
        invitations.select_invitations(filters, now),
        page=_page_number(),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "admin/invitations.html",
        page=page,
        now=now,
        filter_form=form,
        action_form=EmptyForm(),
        query_args=filters.query_args(),
        counts=invitations.count_by_state(now),
        state_labels=invitations.state_labels(),
        role_labels=role_labels(),
        state_of=invitations.state_of,
        can_resend=invitations.can_resend,
        can_revoke=invitations.can_revoke,
    )


@bp.route("/organiser/invitations/<id:invitation_id>/resend", methods=["POST"])
@role_required("admin")
def resend_invitation(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        invitations.resend_invitation(invitation, current_user)
    except AccountError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(
            _(
                "A new invitation is on its way to %(email)s; the previous link no longer works.",
                email=invitation.user.email,
            ),
            "success",
        )
    return _back()


@bp.route("/organiser/invitations/<id:invitation_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke_invitation(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        revoked = invitations.revoke_invitation(invitation, current_user)
    except AccountError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        if revoked:
            flash(
                _(
                    "The invitation of %(email)s is revoked: its link no longer works.",
                    email=invitation.user.email,
                ),
                "success",
            )
    return _back()


@bp.route("/organiser/invitations/resend-expired", methods=["POST"])
@role_required("admin")
def resend_expired_invitations():
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = invitations.resend_expired(current_user)
    db.session.commit()
    if count:
        flash(
            ngettext(
                "%(num)d expired invitation is sent again.",
                "%(num)d expired invitations are sent again.",
                count,
            ),
            "success",
        )
    else:
        flash(_("No invitation has expired."), "info")
    return redirect(url_for("admin.invitation_list"))


# One person -------------------------------------------------------------------------------


@bp.route("/organiser/invitations/new", methods=["GET", "POST"])
@role_required("admin")
def new_invitation():
    form = InviteForm()
    if form.validate_on_submit():
        person = invitations.check_one(form.values())
        for problem in person.problems:
            field = form[problem.field]
            field.errors = [*field.errors, str(problem.message)]
        if person.ok:
            try:
                user = invitations.invite_one(person, current_user)
                db.session.commit()
            except (AccountError, IntegrityError) as error:
                db.session.rollback()
                if isinstance(error, AccountError):
                    show_error(form, error)
                else:
                    form.email.errors = [_("An account already uses this address.")]
            else:
                flash(_invited_message(person, user.name), "success")
                return redirect(url_for("admin.invitation_list"))
    page = render_template("admin/invitations_new.html", form=form)
    return page, form_status(form)


def _invited_message(person: invitations.Person, name: str) -> str:
    team = person.startup.name if person.startup is not None else None
    if person.investor is not None:
        team = person.investor.fund
    if team:
        return _(
            "%(name)s is invited, as a teammate of %(team)s: the e-mail is on its way.",
            name=name,
            team=team,
        )
    return _("%(name)s is invited: the e-mail is on its way.", name=name)


# A cohort ---------------------------------------------------------------------------------


def _import_page(
    form: ImportForm,
    cohort: invitations.Cohort | None = None,
    confirm: ConfirmImportForm | None = None,
    status: int | None = None,
):
    page = render_template(
        "admin/invitations_import.html",
        form=form,
        cohort=cohort,
        confirm=confirm,
        role_labels=role_labels(),
        language_names=LANGUAGE_NAMES,
        preview_rows=PREVIEW_ROWS,
        lines={person.line: person for person in cohort.people} if cohort else {},
    )
    return page, status or form_status(form)


def _confirm_form(token: str, cohort: invitations.Cohort) -> ConfirmImportForm:
    return ConfirmImportForm(formdata=None, data={"upload": token, "expected": len(cohort.valid)})


@bp.route("/organiser/invitations/import", methods=["GET", "POST"])
@role_required("admin")
def import_invitations():
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form)
    data = form.file.data.read()
    try:
        cohort = invitations.preview_cohort(data)
    except SpreadsheetError as error:
        show_error(form, error)
        return _import_page(form)
    token = invitations.keep_upload(data, current_user.id)
    return _import_page(ImportForm(formdata=None), cohort, _confirm_form(token, cohort))


@bp.route("/organiser/invitations/import/confirm", methods=["POST"])
@role_required("admin")
def confirm_invitation_import():
    confirm = ConfirmImportForm()
    if not confirm.validate_on_submit():
        abort(400)
    token = confirm.upload.data
    try:
        cohort = invitations.preview_cohort(invitations.kept_upload(token, current_user.id))
    except SpreadsheetError as error:
        flash(str(error.message), "error")
        return redirect(url_for("admin.import_invitations"))
    form = ImportForm(formdata=None)
    if len(cohort.valid) != confirm.expected.data:
        flash(
            _("Some rows read differently now (an address was used meanwhile?): check again."),
            "warning",
        )
        return _import_page(form, cohort, _confirm_form(token, cohort), 409)
    if not cohort.valid:
        flash(_("No row of this file can be invited."), "error")
        return _import_page(form, cohort, None, 422)
    try:
        invited = invitations.invite_cohort(cohort, current_user)
        db.session.commit()
    except (AccountError, IntegrityError):
        db.session.rollback()
        flash(_("Nothing was saved: the file's check changed meanwhile. Check it again."), "error")
        cohort = invitations.preview_cohort(invitations.kept_upload(token, current_user.id))
        return _import_page(form, cohort, _confirm_form(token, cohort), 409)
    invitations.drop_upload(token, current_user.id)
    flash(
        ngettext(
            "%(num)d person is invited: the e-mails are on their way.",
            "%(num)d people are invited: the e-mails are on their way.",
            len(invited),
        ),
        "success",
    )
    return redirect(url_for("admin.invitation_list"))
