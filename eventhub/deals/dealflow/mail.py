"""What each side is told by e-mail, in the recipient's language:

- the startup's team, of a next step addressed to it (`dealflow.step`): the step only,
  never the investor's interest or notes;
- the investor's team, of the startup's answer (`dealflow.answer`).

The `notify_*` functions record the messages in the caller's transaction (see
eventhub/notifications/mailing.py); a job builds and sends each once that commits.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from eventhub.auth.models import User
from eventhub.deals.dealflow.labels import STARTUP_STEP_LABELS, STEP_LABELS
from eventhub.deals.dealflow.models import DealStep
from eventhub.extensions import db
from eventhub.meetings.mail import investor_people, team_of
from eventhub.models_common import utcnow
from eventhub.notifications.mailing import Mail, builds, queue_mail
from eventhub.notifications.models import MailMessage
from eventhub.routing import public_url


def notify_step(step: DealStep) -> int:
    """A next step addressed to the startup: its team is told; the caller commits."""
    if not step.addressed:
        return 0
    db.session.flush()
    record = step.record
    queued = 0
    for user in team_of(record.startup):
        queued += queue_mail(
            "dealflow.step",
            key=f"dealflow.step:{step.id}:{user.id}",
            to=user.email,
            language=user.preferred_language,
            event_id=record.event_id,
            params={"step_id": step.id, "user_id": user.id},
        )
    return queued


def notify_answer(step: DealStep) -> int:
    """The startup answered a step: the investor's team is told; the caller commits."""
    db.session.flush()
    record = step.record
    stamp = (step.answered_at or utcnow()).isoformat()
    queued = 0
    for user in investor_people(record.investor):
        queued += queue_mail(
            "dealflow.answer",
            key=f"dealflow.answer:{step.id}:{stamp}:{user.id}",
            to=user.email,
            language=user.preferred_language,
            event_id=record.event_id,
            params={"step_id": step.id, "user_id": user.id},
        )
    return queued


def _loaded(message: MailMessage) -> tuple[DealStep, User] | None:
    step = db.session.get(DealStep, message.params.get("step_id"))
    user = db.session.get(User, message.params.get("user_id"))
    if step is None or user is None or not user.is_active:
        return None
    return step, user


@builds("dealflow.step")
def step_mail(message: MailMessage) -> Mail | None:
    loaded = _loaded(message)
    if loaded is None:
        return None
    step, user = loaded
    if not step.is_current or not step.addressed:
        return None  # the investor moved on meanwhile
    record = step.record
    fund = record.investor.fund
    context = {
        "user": user,
        "fund": fund,
        "event": record.event,
        "step": str(STARTUP_STEP_LABELS[step.step]),
        "url": public_url("dealflow.answer", step_id=step.id),
    }
    return Mail(
        subject=_("%(fund)s: %(step)s", fund=fund, step=context["step"]),
        text=render_template("deals/dealflow/mail_step.txt", **context),
        sender_name=record.event.localized("name"),
    )


@builds("dealflow.answer")
def answer_mail(message: MailMessage) -> Mail | None:
    loaded = _loaded(message)
    if loaded is None:
        return None
    step, user = loaded
    if not step.answered:
        return None
    record = step.record
    startup = record.startup
    context = {
        "user": user,
        "startup": startup,
        "step_label": str(STEP_LABELS[step.step]),
        "answer": step,
        "url": public_url("dealflow.pair", startup_id=startup.id),
    }
    return Mail(
        subject=_(
            "%(startup)s answered: %(step)s", startup=startup.name, step=context["step_label"]
        ),
        text=render_template("deals/dealflow/mail_answer.txt", **context),
        sender_name=record.event.localized("name"),
    )
