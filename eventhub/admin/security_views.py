"""The organiser's security settings: whether organisers and door staff must use two-factor
sign-in, and who has not set it up yet. The rules are in eventhub/auth/two_factor.py."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.admin.users import role_labels
from eventhub.admin.views import bp
from eventhub.auth import two_factor
from eventhub.auth.access import role_required
from eventhub.auth.two_factor_forms import PolicyForm
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error


def _security_page(form: PolicyForm, status: int | None = None):
    page = render_template(
        "admin/security.html",
        form=form,
        policy_on=two_factor.policy_is_on(),
        own_two_factor=current_user.two_factor_enabled,
        without=two_factor.accounts_without_two_factor(),
        role_labels=role_labels(),
    )
    return page, status or form_status(form)


@bp.route("/organiser/security", methods=["GET", "POST"])
@role_required("admin")
def security():
    if request.method == "POST":
        form = PolicyForm()  # an unticked box is sent as nothing: off
    else:
        form = PolicyForm(data={"required": two_factor.policy_is_on()})
    if form.validate_on_submit():
        required = bool(form.required.data)
        try:
            changed = two_factor.set_policy(current_user._get_current_object(), required)
        except two_factor.TwoFactorError as error:
            db.session.rollback()
            show_error(form, error)
            return _security_page(form, 409)
        db.session.commit()
        if changed and required:
            flash(
                _(
                    "Two-factor sign-in is now required for organisers and door staff: "
                    "those without it are asked to set it up at their next page."
                ),
                "success",
            )
        elif changed:
            flash(_("Two-factor sign-in is now optional for everyone."), "success")
        return redirect(url_for("admin.security"))
    return _security_page(form)
