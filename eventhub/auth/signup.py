"""Sign-up with vetting: a startup or an investor asks for an account from the public site.

1. `sign_up` creates the account, "unverified", with its profile, and e-mails a link that
   confirms the address (48 h). For an address that an account already uses, nothing is
   created: its owner is told instead that someone tried to sign up with it. The page
   answers the same either way, and the password is hashed in both cases, so that neither
   the answer nor its time says whether the address is known.
2. `verify` (the link, used once) makes the account "pending": it may sign in, see its
   home and complete its profile, nothing else of its role (access.role_required), and
   every active organiser is told there is a request to review.
3. An organiser approves or rejects it (eventhub/admin/signups.py); the person is told.

The `tell_…` functions queue the e-mails in the caller's transaction; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventhub.auth.accounts import (
    AccountError,
    check_new_password,
    find_user_by_email,
    normalise_email,
    record_audit,
)
from eventhub.auth.links import (
    EMAIL_VERIFICATION,
    IssuedLink,
    issue_link,
    redeem_link,
)
from eventhub.auth.mail import valid_link
from eventhub.auth.models import AccountToken, User
from eventhub.auth.passwords import hash_password
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.notifications.mailing import Mail, builds, queue_mail
from eventhub.notifications.models import MailMessage
from eventhub.profiles.models import Startup
from eventhub.profiles.profiles import create_profile_for
from eventhub.routing import public_url

SIGNUP_ROLES = ("startup", "investor")
VERIFICATION_LINK_TTL = timedelta(hours=48)
MAX_NAME_LENGTH = 120  # users.name, startups.name, investors.fund
MAX_REVIEW_NOTE_LENGTH = 1000

VERIFICATION_KIND = "account.signup_verification"
TAKEN_KIND = "account.signup_taken"
PENDING_KIND = "account.signup_pending"
APPROVED_KIND = "account.signup_approved"
REJECTED_KIND = "account.signup_rejected"


class SignupError(AccountError):
    """A sign-up that cannot be accepted as typed (the field says where)."""


@dataclass
class Applicant:
    """What the sign-up form gives, checked by the form for its shape."""

    role: str
    name: str
    email: str
    password: str
    language: str | None = None
    website: str = ""
    event: Event | None = None
    # A startup
    startup_name: str = ""
    sector: str = ""
    stage: str = ""
    programme: str = ""
    city_site: str = ""
    # An investor
    fund: str = ""
    ticket_min_eur: int | None = None
    ticket_max_eur: int | None = None


def _check(applicant: Applicant) -> None:
    if applicant.role not in SIGNUP_ROLES:
        raise SignupError(_l("Choose startup or investor."), "bad_role", "role")
    if not applicant.name.strip() or len(applicant.name.strip()) > MAX_NAME_LENGTH:
        raise SignupError(
            _l("The name must have 1 to %(count)d characters.", count=MAX_NAME_LENGTH),
            "bad_name",
            "name",
        )
    check_new_password(applicant.password)
    if applicant.role == "startup":
        if not applicant.startup_name.strip():
            raise SignupError(_l("Give the name of your startup."), "bad_name", "startup_name")
        taken = db.session.scalar(
            select(Startup.id).where(
                func.lower(Startup.name) == applicant.startup_name.strip().lower()
            )
        )
        if taken:
            raise SignupError(
                _l("Another startup already has this name."), "name_taken", "startup_name"
            )
    else:
        if not applicant.fund.strip():
            raise SignupError(_l("Give the name of your fund."), "bad_fund", "fund")
        low, high = applicant.ticket_min_eur, applicant.ticket_max_eur
        if low is not None and high is not None and high < low:
            raise SignupError(
                _l("The largest ticket cannot be smaller than the smallest."),
                "ticket_range",
                "ticket_max_eur",
            )


def sign_up(applicant: Applicant, *, now: datetime | None = None) -> User | None:
    """Create the unverified account and send its verification link: the account, or None
    when the address is taken (its owner is told instead; nothing is created). Raises
    SignupError for input the person must correct. Flushes; the caller commits."""
    now = now or utcnow()
    _check(applicant)
    password_hash = hash_password(applicant.password)  # known address or not: as slow
    existing = find_user_by_email(applicant.email)
    if existing is not None:
        _tell_existing(existing, now)
        return None
    user = _new_account(applicant, password_hash)
    try:
        with db.session.begin_nested():
            db.session.add(user)
            create_profile_for(user)
            _fill_profile(user, applicant)
            db.session.flush()
    except IntegrityError:
        # The address or the startup's name was taken by a sign-up at the same moment.
        existing = find_user_by_email(applicant.email)
        if existing is None:
            raise SignupError(
                _l("Another startup already has this name."), "name_taken", "startup_name"
            ) from None
        _tell_existing(existing, now)
        return None
    record_audit(user, "account.signup", user.email, role=user.role)
    _send_verification(user, now)
    return user


def _new_account(applicant: Applicant, password_hash: str) -> User:
    return User(
        email=normalise_email(applicant.email),
        password_hash=password_hash,
        role=applicant.role,
        name=applicant.name.strip(),
        preferred_language=applicant.language or None,
        status="unverified",
        is_active=True,
        signup_event_id=applicant.event.id if applicant.event is not None else None,
    )


def _fill_profile(user: User, applicant: Applicant) -> None:
    if user.startup is not None:
        startup = user.startup
        startup.name = applicant.startup_name.strip()
        startup.sector = applicant.sector
        startup.stage = applicant.stage
        startup.programme = applicant.programme
        startup.city_site = applicant.city_site
        startup.website = applicant.website
    if user.investor is not None:
        investor = user.investor
        investor.fund = applicant.fund.strip()
        investor.website = applicant.website
        investor.ticket_min_eur = applicant.ticket_min_eur
        investor.ticket_max_eur = applicant.ticket_max_eur


def _tell_existing(user: User, now: datetime) -> None:
    """Someone signed up with the address of an existing account. Still unconfirmed: a new
    link (its owner may have lost the first); else a warning with the ways in."""
    if not user.is_active:
        return
    if user.status == "unverified":
        _send_verification(user, now)
    else:
        tell_address_taken(user, now)


def _send_verification(user: User, now: datetime) -> None:
    issued = issue_link(user, EMAIL_VERIFICATION, VERIFICATION_LINK_TTL, now=now)
    tell_verification(user, issued)


def resend_verification(email: str, *, now: datetime | None = None) -> None:
    """A new verification link for an unconfirmed account with this address; nothing
    otherwise, and nothing tells the caller which it was."""
    user = find_user_by_email(email)
    if user is not None and user.is_active and user.status == "unverified":
        _send_verification(user, now or utcnow())


def verify(secret: str, now: datetime) -> User | None:
    """Confirm the address: the account, now waiting for approval, or None when the link
    cannot be used (used, expired, unknown, or its account is no longer unconfirmed)."""
    token = redeem_link(secret, EMAIL_VERIFICATION, now)
    if token is None:
        return None
    user = token.user
    if not user.is_active or user.status != "unverified":
        return None
    user.status = "pending"
    record_audit(user, "account.signup_verify", user.email)
    tell_organisers(user)
    return user


def organisers() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == "admin", User.is_active.is_(True), User.status == "active")
            .order_by(User.id)
        )
    )


# E-mails ---------------------------------------------------------------------------------


def _language(user: User) -> str | None:
    """The person's language, else the one of the page they asked from."""
    locale = get_locale()
    return user.preferred_language or (str(locale) if locale is not None else None)


def tell_verification(user: User, issued: IssuedLink) -> bool:
    return queue_mail(
        VERIFICATION_KIND,
        key=f"{VERIFICATION_KIND}:{issued.token.id}",
        to=user.email,
        language=_language(user),
        params={"token_id": issued.token.id, "seed": issued.seed},
    )


def tell_address_taken(user: User, now: datetime) -> bool:
    """At most one warning an hour per account: the form cannot be used to flood it."""
    return queue_mail(
        TAKEN_KIND,
        key=f"{TAKEN_KIND}:{user.id}:{now:%Y%m%d%H}",
        to=user.email,
        language=user.preferred_language,
        params={"user_id": user.id},
    )


def tell_organisers(applicant: User) -> None:
    """One message per organiser, in the organiser's language."""
    for organiser in organisers():
        queue_mail(
            PENDING_KIND,
            key=f"{PENDING_KIND}:{applicant.id}:{organiser.id}",
            to=organiser.email,
            language=organiser.preferred_language,
            params={"applicant_id": applicant.id},
        )


def tell_decision(user: User) -> bool:
    kind = APPROVED_KIND if user.status == "active" else REJECTED_KIND
    return queue_mail(
        kind,
        key=f"{kind}:{user.id}",
        to=user.email,
        language=user.preferred_language,
        params={"user_id": user.id},
    )


def _valid_verification(message: MailMessage) -> tuple[AccountToken, str] | None:
    link = valid_link(message)
    if link is None or link[0].user.status != "unverified":
        return None
    return link


@builds(VERIFICATION_KIND)
def verification_mail(message: MailMessage) -> Mail | None:
    link = _valid_verification(message)
    if link is None:
        return None
    token, secret = link
    return Mail(
        subject=_("Confirm your e-mail address for EventHub"),
        text=render_template(
            "auth/mail_signup_verification.txt",
            user=token.user,
            organisation=organisation_of(token.user),
            verify_url=public_url("auth.verify_email", secret=secret),
        ),
    )


@builds(TAKEN_KIND)
def address_taken_mail(message: MailMessage) -> Mail | None:
    user = db.session.get(User, message.params.get("user_id"))
    if user is None or not user.is_active:
        return None
    return Mail(
        subject=_("Someone tried to create an EventHub account with your address"),
        text=render_template(
            "auth/mail_signup_taken.txt",
            user=user,
            login_url=public_url("auth.login"),
            forgot_url=public_url("auth.forgot_password"),
        ),
    )


@builds(PENDING_KIND)
def pending_mail(message: MailMessage) -> Mail | None:
    applicant = db.session.get(User, message.params.get("applicant_id"))
    if applicant is None or applicant.status != "pending":
        return None  # decided (or gone) before this was sent
    return Mail(
        subject=_("A sign-up waits for your approval: %(name)s", name=applicant.name),
        text=render_template(
            "auth/mail_signup_pending.txt",
            applicant=applicant,
            organisation=organisation_of(applicant),
            queue_url=public_url("admin.signups"),
        ),
    )


@builds(APPROVED_KIND)
def approved_mail(message: MailMessage) -> Mail | None:
    user = db.session.get(User, message.params.get("user_id"))
    if user is None or user.status != "active":
        return None
    return Mail(
        subject=_("Your EventHub account is approved"),
        text=render_template(
            "auth/mail_signup_approved.txt", user=user, home_url=public_url("profiles.home")
        ),
    )


@builds(REJECTED_KIND)
def rejected_mail(message: MailMessage) -> Mail | None:
    user = db.session.get(User, message.params.get("user_id"))
    if user is None or user.status != "rejected":
        return None
    return Mail(
        subject=_("Your request for an EventHub account"),
        text=render_template("auth/mail_signup_rejected.txt", user=user),
    )


def organisation_of(user: User) -> str:
    if user.role == "startup" and user.startup is not None:
        return user.startup.name
    if user.role == "investor" and user.investor is not None:
        return user.investor.fund
    return ""
