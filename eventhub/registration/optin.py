"""Public registration without giving anything away: duplicates, and double opt-in.

Anyone may type any address into the public form (or the API). So that nobody learns who
is registered, nor takes someone's registration:

- an address already registered for the event is answered "check your e-mail", and that
  address is sent the existing registration's private link ("you are already
  registered"); the caller never sees it;
- an event with `requires_email_confirmation` answers every public registration that way:
  a new one is `unconfirmed` (no place, no badge) and its address is sent a link to
  confirm it; following the link places it (confirmed if there is room, else waitlisted)
  and the normal confirmation e-mail goes out with the badge and the private link.

At most one "check your e-mail" message per registration in CHECK_EMAIL_INTERVAL, so that
the form cannot be used to flood an inbox; the answer stays the same.

The link's secret is derived from a random seed with SECRET_KEY (as in eventhub/auth/links.py):
only its SHA-256 is stored on the registration, and only the seed goes into the message's
parameters, for the job that writes the e-mail. Functions flush; the caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from eventhub.auth.links import LinkState, digest, link_secret
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.notifications.mailing import queue_mail
from eventhub.registration.models import Registration
from eventhub.registration.register import (
    Attendee,
    RegistrationError,
    apply_attendee,
    check_category,
    check_window,
    find_by_email,
    place,
    register,
)

# At most one "check your e-mail" message per registration in this time.
CHECK_EMAIL_INTERVAL = timedelta(minutes=10)
# How long a link to confirm an address works.
CONFIRMATION_TTL = timedelta(hours=48)

ALREADY_REGISTERED_KIND = "registration.already_registered"
CONFIRM_ADDRESS_KIND = "registration.confirm_address"


def confirmation_secret(seed: str) -> str:
    """The secret of the link issued with `seed`, written again by the job that sends it."""
    return link_secret(seed, "registration-confirm")


def register_publicly(
    event: Event,
    category: AttendeeCategory,
    attendee: Attendee,
    *,
    source: str,
    now: datetime | None = None,
    on_created: Callable[[Registration], None] | None = None,
) -> Registration | None:
    """A registration from the public form or API. Returns the new registration when the
    caller may see it (a new address on an event without double opt-in); None when the
    answer is "check your e-mail" (a duplicate, or any registration of an event that asks
    for the address to be confirmed). Window and category refusals are raised as before.
    `on_created` is given a registration this request created, whatever the answer (the
    consents of the form are recorded there)."""
    now = now or utcnow()
    existing = find_by_email(event, attendee.email)
    try:
        if existing is None:
            registration = register(
                event,
                category,
                attendee,
                source=source,
                unconfirmed=event.requires_email_confirmation,
            )
            if on_created is not None:
                on_created(registration)
            if registration.status != "unconfirmed":
                return registration
            registration.check_email_sent_at = now
            send_confirmation_link(registration, now)
            return None
    except RegistrationError as error:
        if error.code != "already_registered":
            raise
        # Registered at the same instant by another request: now it is a duplicate.
        existing = find_by_email(event, attendee.email)
        if existing is None:
            raise
    answer_duplicate(existing, event, category, attendee, now)
    return None


def answer_duplicate(
    existing: Registration,
    event: Event,
    category: AttendeeCategory,
    attendee: Attendee,
    now: datetime,
) -> None:
    """The address is registered: e-mail it its private link, or, while it is unconfirmed,
    a new link to confirm it (with the details just typed); once per CHECK_EMAIL_INTERVAL."""
    # Window and category are checked as for a new registration: the same refusals for all.
    check_window(event)
    check_category(event, category, public_only=True)
    if not claim_check_email(existing, now):
        return
    if existing.status == "unconfirmed":
        apply_attendee(existing, category, attendee)
        send_confirmation_link(existing, now)
    else:
        _mail_registrant(ALREADY_REGISTERED_KIND, existing, now)
    db.session.flush()


def claim_check_email(registration: Registration, now: datetime) -> bool:
    """Whether a "check your e-mail" message may go to this registration now; if so, it is
    recorded as sent (a conditional UPDATE: of two requests at once, one wins)."""
    claimed = db.session.execute(
        update(Registration)
        .where(
            Registration.id == registration.id,
            or_(
                Registration.check_email_sent_at.is_(None),
                Registration.check_email_sent_at <= now - CHECK_EMAIL_INTERVAL,
            ),
        )
        .values(check_email_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    db.session.refresh(registration)
    return True


def send_confirmation_link(registration: Registration, now: datetime) -> None:
    """A new link to confirm the address (an older one stops working), e-mailed to it."""
    seed = secrets.token_urlsafe(32)
    registration.confirm_token_hash = digest(confirmation_secret(seed))
    registration.confirm_expires_at = now + CONFIRMATION_TTL
    db.session.flush()
    _mail_registrant(CONFIRM_ADDRESS_KIND, registration, now, seed=seed)


def _mail_registrant(kind: str, registration: Registration, now: datetime, **params: str) -> None:
    """Queue an e-mail of `kind` to the registration's address, in its language."""
    queue_mail(
        kind,
        key=f"{kind}:{registration.id}:{now.isoformat()}",
        to=registration.email,
        language=registration.language,
        event_id=registration.event_id,
        params={"registration_id": registration.id, **params},
    )


def find_by_confirmation(secret: str) -> Registration | None:
    """The registration whose latest confirmation link has this secret, whatever its state."""
    if not secret or len(secret) > 200 or "\x00" in secret:
        return None
    return db.session.scalar(
        select(Registration).where(Registration.confirm_token_hash == digest(secret))
    )


def link_state(registration: Registration | None, now: datetime) -> LinkState:
    if registration is None:
        return LinkState.UNKNOWN
    if registration.status != "unconfirmed":
        return LinkState.USED
    if registration.confirm_expires_at is None or registration.confirm_expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.VALID


LINK_REFUSALS = {
    LinkState.UNKNOWN: (
        _l("This link is not valid. Check that you copied all of it, or register again."),
        "confirmation_unknown",
    ),
    LinkState.USED: (
        _l(
            "This address is confirmed already. Your private link is in the e-mail that "
            "followed the confirmation."
        ),
        "confirmation_used",
    ),
    LinkState.EXPIRED: (
        _l("This link has expired. Register again to receive a new one."),
        "confirmation_expired",
    ),
}


def check_link(registration: Registration | None, now: datetime) -> Registration:
    """The registration the link confirms, or RegistrationError saying why not."""
    state = link_state(registration, now)
    if state is not LinkState.VALID or registration is None:
        message, code = LINK_REFUSALS[state]
        raise RegistrationError(message, code)
    return registration


def confirm_address(secret: str, now: datetime | None = None) -> Registration:
    """Follow the link: the registration placed (confirmed if there is room, else on the
    waiting list) under the event's lock. Raises RegistrationError for a link unknown,
    used or expired, having changed nothing. The caller tells the attendee and commits."""
    now = now or utcnow()
    registration = check_link(find_by_confirmation(secret), now)
    try:
        return place(registration, now)
    except RegistrationError as error:  # confirmed by another click meanwhile
        message, code = LINK_REFUSALS[LinkState.USED]
        raise RegistrationError(message, code) from error
