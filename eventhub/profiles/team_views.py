"""The team page of a startup or an investor firm: who is in it, and for its owner the
invitations, removals and hand-over. The rules are in eventhub/profiles/team.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from eventhub.admin.users import state_labels
from eventhub.auth.access import role_required
from eventhub.auth.forms import EmptyForm
from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.i18n import supported_languages
from eventhub.profiles import team as teams
from eventhub.profiles.team_forms import InviteTeammateForm
from eventhub.profiles.views import bp

# A refusal that is about who asks or what they point at, not about the team's state.
_STATUS_OF_REFUSAL = {"no_team": 403, "not_owner": 403, "not_member": 404}


def invitation_labels() -> dict[str, Any]:
    return {
        "sent": _l("Invitation sent"),
        "opened": _l("Link opened, password not set yet"),
        "expired": _l("Invitation expired"),
        "revoked": _l("Invitation withdrawn"),
        "accepted": _l("Invitation accepted"),
    }


def _blank_invite_form() -> InviteTeammateForm:
    """The form as first shown: the invitation in the inviter's language by default."""
    language = current_user.preferred_language
    if language not in supported_languages():
        language = str(get_locale() or supported_languages()[0])
    return InviteTeammateForm(formdata=None, data={"language": language})


def _team_page(form: InviteTeammateForm, status: int | None = None):
    team = teams.team_for(current_user)
    if team is None:
        flash(_("Your account belongs to no startup or firm yet. Ask the organisers."), "error")
        return redirect(url_for("events.home"))
    members = teams.team_of(current_user)
    page = render_template(
        "profiles/team.html",
        team=team,
        team_name=teams.team_name(team),
        members=members,
        owner=next((member.user for member in members if member.is_owner), None),
        is_owner=any(m.is_owner and m.user.id == current_user.id for m in members),
        member_count=teams.count_members(team),
        max_members=teams.max_members(),
        form=form,
        action_form=EmptyForm(),
        state_labels=state_labels(),
        invitation_labels=invitation_labels(),
        profile_url=url_for(
            "profiles.my_startup" if current_user.role == "startup" else "profiles.my_investor"
        ),
    )
    return page, status or form_status(form)


def _refused(error: DomainError, form: InviteTeammateForm | None = None):
    """The page again with the refusal (under its field, or at the top), nothing saved."""
    db.session.rollback()
    if error.code in _STATUS_OF_REFUSAL:
        abort(_STATUS_OF_REFUSAL[error.code])
    form = form or _blank_invite_form()
    show_error(form, error)
    return _team_page(form, 422 if form.errors else 409)


@bp.route("/my/team")
@role_required(*teams.TEAM_ROLES)
def team():
    return _team_page(_blank_invite_form())


@bp.route("/my/team/invite", methods=["POST"])
@role_required(*teams.TEAM_ROLES)
def invite_teammate():
    form = InviteTeammateForm()
    if not form.validate_on_submit():
        return _team_page(form)
    try:
        user = teams.invite_teammate(
            current_user, form.email.data, form.name.data, form.language.data
        )
    except DomainError as error:
        return _refused(error, form)
    db.session.commit()
    flash(
        _(
            "%(name)s is invited: an e-mail with a link to join the team went to %(email)s.",
            name=user.name,
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("profiles.team"))


def _teammate_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _on_teammate(user_id: int, change: Callable[[User, User], None], done: Callable[[User], str]):
    """Check the button's form, apply `change(current_user, member)`, commit, tell."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    member = _teammate_or_404(user_id)
    try:
        change(current_user, member)
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    flash(done(member), "success")
    return redirect(url_for("profiles.team"))


@bp.route("/my/team/<id:user_id>/resend", methods=["POST"])
@role_required(*teams.TEAM_ROLES)
def resend_teammate_invitation(user_id: int):
    return _on_teammate(
        user_id,
        teams.resend_invitation,
        lambda member: _(
            "A new invitation went to %(email)s; the link sent before no longer works.",
            email=member.email,
        ),
    )


@bp.route("/my/team/<id:user_id>/remove", methods=["POST"])
@role_required(*teams.TEAM_ROLES)
def remove_teammate(user_id: int):
    return _on_teammate(
        user_id,
        teams.remove_teammate,
        lambda member: _(
            "%(name)s is no longer in the team: their account is closed.", name=member.name
        ),
    )


@bp.route("/my/team/<id:user_id>/owner", methods=["POST"])
@role_required(*teams.TEAM_ROLES)
def hand_over_team(user_id: int):
    return _on_teammate(
        user_id,
        teams.hand_over_ownership,
        lambda member: _("%(name)s now owns the team.", name=member.name),
    )


@bp.route("/my/team/leave", methods=["POST"])
@role_required(*teams.TEAM_ROLES)
def leave_team():
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        teams.leave_team(current_user)
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    logout_user()
    flash(_("You left the team; your account is closed."), "success")
    return redirect(url_for("events.home"))
