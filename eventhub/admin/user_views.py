"""The organiser's pages for accounts: the list of users, one user's page, and the changes
made from it (role, deactivation, reactivation). The rules are in eventhub/admin/users.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from eventhub.admin import users
from eventhub.admin.invitations import state_labels as invitation_labels
from eventhub.admin.views import bp
from eventhub.auth.access import role_required
from eventhub.auth.forms import EmptyForm
from eventhub.auth.invitations import invitation_of, invitation_state
from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error, strip_filter
from eventhub.listing import list_args, page_of
from eventhub.models_common import utcnow


class UserFilterForm(FlaskForm):
    """The list's search box and filters (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name or e-mail"), filters=[strip_filter], validators=[Optional(), Length(max=100)]
    )
    role = SelectField(_l("Role"), validate_choice=False)
    state = SelectField(_l("State"), validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [("", _l("All roles")), *users.role_labels().items()]
        self.state.choices = [("", _l("All states")), *users.state_labels().items()]


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = list(users.role_labels().items())


def _user_or_404(user_id: int) -> User:
    try:
        return users.find_user(user_id)
    except users.UserAdminError:
        abort(404)


@bp.route("/organiser/users")
@role_required("admin")
def user_list():
    form = UserFilterForm(formdata=request.args)
    form.validate()
    filters = users.UserFilters.read(form.q.data, form.role.data, form.state.data)
    args = list_args(request.args, sorts=users.USER_SORTS, default_sort="name")
    page = page_of(users.select_users(filters), args, User.id)
    return render_template(
        "admin/users.html",
        page=page,
        args=args,
        filter_form=form,
        query_args=filters.query_args(),
        counts=users.count_by_state(),
        role_labels=users.role_labels(),
        state_labels=users.state_labels(),
        state_of=users.state_of,
        organisation_of=users.organisation_of,
    )


def _user_page(user: User, role_form: RoleForm | None = None, status: int | None = None):
    role_form = role_form or RoleForm(formdata=None, data={"role": user.role})
    invitation = invitation_of(user)
    page = render_template(
        "admin/user.html",
        user=user,
        invitation=invitation,
        invitation_state=invitation_state(invitation, utcnow()) if invitation else None,
        invitation_labels=invitation_labels(),
        role_form=role_form,
        action_form=EmptyForm(),
        role_labels=users.role_labels(),
        state_labels=users.state_labels(),
        state=users.state_of(user),
        organisation=users.organisation_of(user),
        is_self=user.id == current_user.id,
    )
    return page, status or form_status(role_form)


@bp.route("/organiser/users/<int:user_id>")
@role_required("admin")
def user_page(user_id: int):
    return _user_page(_user_or_404(user_id))


def _refused(user: User, error: DomainError, role_form: RoleForm | None = None):
    db.session.rollback()
    user = _user_or_404(user.id)
    show_error(role_form, error)
    return _user_page(user, role_form, 409 if role_form is None or not role_form.errors else 422)


@bp.route("/organiser/users/<int:user_id>/role", methods=["POST"])
@role_required("admin")
def change_user_role(user_id: int):
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _user_page(user, form, 400)
    role = form.role.data or ""
    try:
        old = user.role
        changed = users.change_role(current_user, user, role)
    except users.UserAdminError as error:
        return _refused(user, error, form)
    db.session.commit()
    if changed:
        labels = users.role_labels()
        flash(
            _(
                "%(name)s is now %(new)s (was %(old)s).",
                name=user.name,
                new=labels[role],
                old=labels[old],
            ),
            "success",
        )
    return redirect(url_for("admin.user_page", user_id=user.id))


@bp.route("/organiser/users/<int:user_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        changed = users.deactivate(current_user, user)
    except users.UserAdminError as error:
        return _refused(user, error)
    db.session.commit()
    if changed:
        flash(
            _("%(name)s's account is deactivated: every session of it has ended.", name=user.name),
            "success",
        )
    return redirect(url_for("admin.user_page", user_id=user.id))


@bp.route("/organiser/users/<int:user_id>/reactivate", methods=["POST"])
@role_required("admin")
def reactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        changed = users.reactivate(current_user, user)
    except users.UserAdminError as error:
        return _refused(user, error)
    db.session.commit()
    if changed:
        flash(_("%(name)s's account is active again.", name=user.name), "success")
    return redirect(url_for("admin.user_page", user_id=user.id))
