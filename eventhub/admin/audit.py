"""The audit log written for people: one translated sentence per recorded action, and the
organiser's list of it (search, filters by kind of action and by event, newest first).

`audit_sentence(entry)` says "Nadia changed Karim's role from investor to startup" rather
than `user.role_change`; an action with no sentence of its own gets a generic sentence
that names its kind ("Nadia made a change to the booths of GITEX Africa"), never its code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased, joinedload

from eventhub.admin.users import role_labels
from eventhub.auth.models import AuditEntry, User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import contains_text, search_text

# By action code. Placeholders: actor, target; event (the event's name) and thing (what
# of it: a booth, a hall, a registration number) for targets `event-slug/thing`; and the
# entry's details by name (user, old, new, count, startup, reason…).
SENTENCES: dict[str, Any] = {
    # Accounts
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
    "team.remove": _l("%(actor)s removed %(user)s from the team of %(team)s."),
    "team.leave": _l("%(actor)s left the team of %(team)s."),
    "team.hand_over": _l("%(actor)s handed the team of %(team)s over to %(user)s."),
    "account.invite": _l("%(actor)s invited %(target)s."),
    "account.invitation_resend": _l("%(actor)s sent the invitation of %(target)s again."),
    "account.invitation_revoke": _l("%(actor)s revoked the invitation of %(target)s."),
    "account.invitation_accept": _l("%(actor)s accepted their invitation."),
    "account.invitation_import": _l("%(actor)s invited %(count)s people from a cohort file."),
    "account.invitations_resend_expired": _l("%(actor)s sent %(count)s expired invitations again."),
    "calendar_feed.reset": _l("%(actor)s drew a new address for their calendar feed."),
    # Events, doors
    "event.create": _l("%(actor)s created the event %(event)s."),
    "event.update": _l("%(actor)s changed the event %(event)s."),
    "event.translations": _l("%(actor)s updated the translations of %(event)s."),
    "zone.delete": _l("%(actor)s deleted the zone %(thing)s of %(event)s."),
    "gate.create": _l("%(actor)s added the gate %(thing)s at %(event)s."),
    "gate.delete": _l("%(actor)s removed the gate %(thing)s at %(event)s."),
    # Meeting tables
    "tables.settings": _l("%(actor)s changed the table check-in settings of %(event)s."),
    "tables.reissue": _l("%(actor)s drew a new code for the table %(thing)s at %(event)s."),
    "tables.standby_take": _l(
        "%(actor)s took a freed meeting slot from the standby list at %(event)s."
    ),
    "checkin.manual": _l(
        "%(actor)s checked in the registration %(thing)s by hand at the help desk of %(event)s."
    ),
    "checkin.export": _l("%(actor)s exported the check-ins of %(event)s."),
    # Registrations, badges, mail
    "registration.import": _l("%(actor)s imported guests into %(event)s."),
    "registration.walk_in": _l(
        "%(actor)s registered the walk-in %(email)s at the help desk of %(event)s."
    ),
    "registration.cancel": _l("%(actor)s cancelled the registration of %(email)s at %(event)s."),
    "registration.reinstate": _l(
        "%(actor)s reinstated the registration of %(email)s at %(event)s."
    ),
    "registration.category": _l(
        "%(actor)s moved the registration of %(email)s at %(event)s to %(category)s."
    ),
    "registration.reissue_badge": _l("%(actor)s issued a new badge to %(email)s for %(event)s."),
    "registration.export": _l("%(actor)s exported the registrations of %(event)s."),
    "badges.bulk": _l("%(actor)s started printing the badges of %(event)s (%(badges)s badges)."),
    "mail.resend": _l("%(actor)s sent an e-mail of %(event)s to %(recipient)s again."),
    "mail.resend_failed": _l("%(actor)s sent the failed e-mails of %(event)s again (%(count)s)."),
    "job.retry": _l("%(actor)s started a failed background task again."),
    # Personal data (eventhub/privacy): organisers' access, erasures, retention
    "personal_data.export": _l(
        "%(actor)s exported personal data of %(event)s (%(what)s, %(rows)s rows)."
    ),
    "personal_data.search": _l(
        "%(actor)s searched for people at the help desk of %(event)s (%(rows)s found)."
    ),
    "personal_data.erase": _l("An attendee erased their registration %(thing)s at %(event)s."),
    "personal_data.retention": _l(
        "The retention job anonymised %(event)s: %(registrations)s registrations, %(scans)s "
        "scans, %(leads)s leads, %(meeting_notes)s meeting notes."
    ),
    "personal_data.retention_run": _l("The retention job ran: %(count)s events anonymised."),
    # Booths
    "hall.create": _l("%(actor)s added the hall %(thing)s to %(event)s."),
    "hall.update": _l("%(actor)s changed the hall %(thing)s of %(event)s."),
    "hall.delete": _l("%(actor)s deleted the hall %(thing)s of %(event)s."),
    "hall.self_service": _l(
        "%(actor)s opened the hall %(thing)s of %(event)s: approved startups choose their booth."
    ),
    "hall.self_service.closed": _l(
        "%(actor)s closed the hall %(thing)s of %(event)s to startups choosing their booth."
    ),
    "booth.create": _l("%(actor)s added the booth %(thing)s to %(event)s."),
    "booth.update": _l("%(actor)s changed the booth %(thing)s of %(event)s."),
    "booth.delete": _l("%(actor)s deleted the booth %(thing)s of %(event)s."),
    "booth.grid": _l(
        "%(actor)s drew booths %(first)s to %(last)s in the hall %(thing)s of %(event)s."
    ),
    "booth.import": _l("%(actor)s imported booths into %(event)s."),
    "booth.allocation": _l(
        "%(actor)s saved the booth allocation of %(event)s: %(placed)s startups placed "
        "(%(new)s new, %(moved)s moved), %(unplaced)s without a booth."
    ),
    "booth.pick": _l("%(actor)s chose the booth %(thing)s at %(event)s for %(startup)s."),
    "booth.pin": _l("%(actor)s placed %(startup)s on the booth %(thing)s at %(event)s."),
    "booth.unpin": _l("%(actor)s let the allocator move the exhibitor of booth %(thing)s again."),
    "booth.swap": _l(
        "%(actor)s swapped the exhibitors of the booths %(thing)s and %(other)s at %(event)s."
    ),
    "booth.release": _l("%(actor)s freed the booth %(thing)s at %(event)s."),
    "booth_application.save": _l("%(actor)s sent or changed a booth application for %(event)s."),
    "booth_application.approve": _l(
        "%(actor)s approved the booth application of %(startup)s at %(event)s."
    ),
    "booth_application.reject": _l(
        "%(actor)s rejected the booth application of %(startup)s at %(event)s: %(reason)s"
    ),
    "booth_application.waitlist": _l(
        "%(actor)s put the booth application of %(startup)s at %(event)s on the waiting list."
    ),
    "booth_application.export": _l("%(actor)s exported the booth applications of %(event)s."),
    # Meetings
    "meeting.book": _l("%(actor)s booked a meeting at %(event)s."),
    "meeting.cancel": _l("%(actor)s cancelled a meeting at %(event)s."),
    "meeting.decline": _l("%(actor)s declined a meeting request at %(event)s."),
    "meetings.schedule": _l(
        "%(actor)s ran the meeting scheduler of %(event)s: %(placed)s meetings placed, "
        "%(unplaced)s not."
    ),
    "meetings.settings": _l("%(actor)s changed the meeting settings of %(event)s."),
    "slots.open": _l("%(actor)s opened meeting slots at %(event)s (%(count)s)."),
    "slot.delete": _l("%(actor)s deleted a meeting slot at %(event)s."),
    "slot.restore": _l("%(actor)s restored a deleted meeting slot at %(event)s."),
    # Programmes (eventhub/deals/programmes)
    "programme.create": _l("%(actor)s added the programme %(target)s."),
    "programme.update": _l("%(actor)s changed the programme %(target)s."),
    "programme.rename": _l(
        "%(actor)s renamed the programme %(old)s to %(new)s, on its startups too."
    ),
}

# The kinds of action of the list's filter: the first part of their code.
KIND_PREFIXES: dict[str, tuple[str, ...]] = {
    "accounts": (
        "account",
        "user",
        "signup",
        "api_token",
        "settings",
        "team",
        "calendar_feed",
        "programme",
    ),
    "events": ("event", "zone", "gate", "checkin"),
    "registrations": ("registration", "badges", "mail", "job", "personal_data"),
    "booths": ("hall", "booth", "booth_application"),
    "meetings": ("meeting", "meetings", "slots", "slot", "tables"),
}


def kind_labels() -> dict[str, Any]:
    return {
        "accounts": _l("Accounts and sign-in"),
        "events": _l("Events and doors"),
        "registrations": _l("Registrations, badges and e-mails"),
        "booths": _l("Booths"),
        "meetings": _l("Meetings"),
    }


def _generic_sentences() -> dict[str, Any]:
    """For an action with no sentence of its own: one per kind, and one for all."""
    return {
        "accounts": _l("%(actor)s made a change to accounts (%(target)s)."),
        "events": _l("%(actor)s made a change to the event %(event)s."),
        "registrations": _l("%(actor)s made a change to the registrations of %(event)s."),
        "booths": _l("%(actor)s made a change to the booths of %(event)s."),
        "meetings": _l("%(actor)s made a change to the meetings of %(event)s."),
        None: _l("%(actor)s made a recorded change (%(target)s)."),
    }


def kind_of(action: str) -> str | None:
    prefix = action.split(".", 1)[0]
    return next((kind for kind, prefixes in KIND_PREFIXES.items() if prefix in prefixes), None)


def _isolated(value: Any) -> Markup:
    """A name or address kept in its own direction inside a sentence (Arabic pages)."""
    return Markup("<bdi>%s</bdi>") % value


class _Blank(dict):
    """The sentence's values; a detail this entry lacks reads as nothing."""

    def __missing__(self, key: str) -> Markup:
        return _isolated("")


def _detail(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return "" if value is None else value


def audit_sentence(entry: AuditEntry, events: Mapping[str, str] | None = None) -> Markup:
    """The entry as a sentence for a person; `events` names events by slug (else the
    sentence shows the slug)."""
    details = entry.details or {}
    actor = entry.actor.name if entry.actor is not None else _("Someone at the command line")
    labels = role_labels()
    target = entry.target or ""
    slug, _slash, thing = target.partition("/")
    values: dict[str, Any] = {key: _detail(value) for key, value in details.items()}
    values.update(
        {
            "actor": actor,
            "target": target,
            "event": (events or {}).get(slug, slug),
            "thing": thing,
            "user": details.get("user") or target,
            "team": details.get("team", ""),
            "old": labels.get(details.get("old"), details.get("old", "")),
            "new": labels.get(details.get("new"), details.get("new", "")),
            "count": details.get("count", ""),
        }
    )
    action = entry.action
    if action == "hall.self_service" and not details.get("open"):
        action = "hall.self_service.closed"
    template = SENTENCES.get(action) or _generic_sentences()[kind_of(action)]
    return escape(str(template)) % _Blank({key: _isolated(value) for key, value in values.items()})


def event_names(entries: Iterable[AuditEntry]) -> dict[str, str]:
    """The names of the events the entries' targets start with, by slug, in one query."""
    slugs = {(entry.target or "").partition("/")[0] for entry in entries} - {""}
    if not slugs:
        return {}
    rows = db.session.execute(select(Event.slug, Event.name).where(Event.slug.in_(slugs)))
    return {slug: name for slug, name in rows}


# The organiser's list -----------------------------------------------------------------

AUDIT_SORTS: dict[str, Any] = {"time": AuditEntry.at}


@dataclass(frozen=True)
class AuditFilters:
    q: str = ""
    kind: str | None = None
    event: Event | None = None

    @classmethod
    def read(cls, q: str | None, kind: str | None, event_slug: str | None) -> AuditFilters:
        """Filters from the address; an unknown kind or event is no filter."""
        event = None
        if event_slug:
            event = db.session.scalar(select(Event).where(Event.slug == event_slug[:80]))
        return cls(
            q=search_text(q)[:100],
            kind=kind if kind in KIND_PREFIXES else None,
            event=event,
        )


def _like_prefix(prefix: str) -> Any:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return AuditEntry.action.like(f"{escaped}.%", escape="\\")


def select_audit(filters: AuditFilters) -> Select[tuple[AuditEntry]]:
    """The entries that match, newest first: the text in the actor's name or e-mail or in
    the target; the kind by the first part of the action's code; the event by the target."""
    actor = aliased(User)
    query = (
        select(AuditEntry)
        .outerjoin(actor, AuditEntry.actor_id == actor.id)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if filters.q:
        query = query.where(contains_text(filters.q, actor.name, actor.email, AuditEntry.target))
    if filters.kind:
        query = query.where(or_(*(_like_prefix(p) for p in KIND_PREFIXES[filters.kind])))
    if filters.event is not None:
        slug = filters.event.slug
        escaped = slug.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(
            (AuditEntry.target == slug) | AuditEntry.target.like(f"{escaped}/%", escape="\\")
        )
    return query
