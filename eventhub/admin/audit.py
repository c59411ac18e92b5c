"""The audit log written for people: one translated sentence per recorded action.

`audit_sentence(entry)` says "Nadia changed Karim's role from investor to startup" rather
than `user.role_change`; an action with no sentence here falls back to its code and target.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from eventhub.admin.users import role_labels
from eventhub.auth.models import AuditEntry

# By action code; placeholders: actor, target, and user, old, new, count where the action
# has them.
SENTENCES: dict[str, Any] = {
    "user.role_change": _l("%(actor)s changed %(user)s's role from %(old)s to %(new)s."),
    "user.deactivate": _l("%(actor)s deactivated the account of %(user)s."),
    "user.reactivate": _l("%(actor)s reactivated the account of %(user)s."),
    "account.password_change": _l("%(actor)s changed their password."),
    "account.password_reset": _l("%(actor)s reset their password from an e-mailed link."),
    "account.email_change": _l("%(actor)s changed their e-mail address to %(target)s."),
    "account.two_factor_enable": _l("%(actor)s turned on two-factor sign-in."),
    "account.two_factor_disable": _l("%(actor)s turned off two-factor sign-in."),
    "account.recovery_codes_regenerate": _l("%(actor)s drew new two-factor recovery codes."),
    "account.recovery_code_use": _l("%(actor)s signed in with a two-factor recovery code."),
    "account.two_factor_reset": _l("%(actor)s removed the two-factor sign-in of %(target)s."),
    "settings.two_factor_required": _l(
        "%(actor)s required two-factor sign-in for organisers and door staff."
    ),
    "settings.two_factor_optional": _l("%(actor)s made two-factor sign-in optional again."),
    "account.signup": _l("%(actor)s asked for an account from the sign-up page."),
    "account.signup_verify": _l("%(actor)s confirmed their address: the sign-up awaits approval."),
    "signup.approve": _l("%(actor)s approved the sign-up of %(user)s."),
    "signup.reject": _l("%(actor)s rejected the sign-up of %(user)s."),
    "api_token.create": _l("%(actor)s created the API token %(target)s."),
    "api_token.revoke": _l("%(actor)s revoked the API token %(target)s."),
    "event.create": _l("%(actor)s created the event %(target)s."),
    "event.update": _l("%(actor)s changed the event %(target)s."),
    "team.remove": _l("%(actor)s removed %(user)s from the team of %(team)s."),
    "team.leave": _l("%(actor)s left the team of %(team)s."),
    "team.hand_over": _l("%(actor)s handed the team of %(team)s over to %(user)s."),
    "gate.create": _l("%(actor)s added the gate %(target)s."),
    "gate.delete": _l("%(actor)s removed the gate %(target)s."),
    "registration.import": _l("%(actor)s imported guests into %(target)s."),
    "registration.walk_in": _l("%(actor)s registered the walk-in %(target)s at the help desk."),
    "checkin.manual": _l("%(actor)s checked in %(target)s by hand at the help desk."),
    "account.invite": _l("%(actor)s invited %(target)s."),
    "account.invitation_resend": _l("%(actor)s sent the invitation of %(target)s again."),
    "account.invitation_revoke": _l("%(actor)s revoked the invitation of %(target)s."),
    "account.invitation_accept": _l("%(actor)s accepted their invitation."),
    "account.invitation_import": _l("%(actor)s invited %(count)s people from a cohort file."),
    "account.invitations_resend_expired": _l("%(actor)s sent %(count)s expired invitations again."),
}


def _isolated(value: Any) -> Markup:
    """A name or address kept in its own direction inside a sentence (Arabic pages)."""
    return Markup("<bdi>%s</bdi>") % value


def audit_sentence(entry: AuditEntry) -> Markup:
    details = entry.details or {}
    actor = entry.actor.name if entry.actor is not None else _("Someone at the command line")
    labels = role_labels()
    values = {
        "actor": actor,
        "target": entry.target or "",
        "user": details.get("user") or entry.target or "",
        "team": details.get("team", ""),  # the team.* actions
        "old": labels.get(details.get("old"), details.get("old", "")),
        "new": labels.get(details.get("new"), details.get("new", "")),
        "count": details.get("count", ""),
    }
    template = SENTENCES.get(entry.action)
    if template is None:
        return Markup("%s · <code>%s</code> %s") % (
            _isolated(actor),
            entry.action,
            _isolated(entry.target or ""),
        )
    return escape(str(template)) % {key: _isolated(value) for key, value in values.items()}
