"""Matchmaking pages: the investor's startup directory at an event (recommendations, marks,
"Request a meeting"), the investor's request form, and marking (both sides).

The startup's side shows on the meeting pages it already has: the investor directory
(recommendations and marks) and the requests page (requests received, to answer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.deals.matchmaking.forms import InvestorRequestForm, MarkForm
from eventhub.deals.matchmaking.marks import MatchError, mark_labels, set_mark
from eventhub.deals.matchmaking.matching import (
    MarkView,
    Recommended,
    investors_for,
    mark_view,
    startups_for,
)
from eventhub.deals.matchmaking.outreach import investor_requests_left, send_investor_request
from eventhub.deals.matchmaking.recommend import Fact, why_text
from eventhub.events.lookup import event_or_404
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.listing import list_args, page_of
from eventhub.meetings.directory import find_event_investor, is_event_investor
from eventhub.meetings.mail import notify_new_request
from eventhub.meetings.models import MeetingRequest
from eventhub.meetings.slots import MeetingError, settings_of
from eventhub.profiles.directory import (
    STARTUP_SORTS,
    STARTUPS_PER_PAGE,
    StartupFilters,
    select_startups,
)
from eventhub.profiles.forms import StartupFilterForm
from eventhub.profiles.models import Startup
from eventhub.routing import redirect_target

bp = Blueprint("matchmaking", __name__)


def _investor():
    investor = current_user.investor
    if investor is None:
        abort(403)
    return investor


def _requests_by_startup(event, investor) -> dict[int, MeetingRequest]:
    rows = db.session.scalars(
        db.select(MeetingRequest).where(
            MeetingRequest.event_id == event.id, MeetingRequest.investor_id == investor.id
        )
    )
    return {r.startup_id: r for r in rows}


@bp.route("/events/<slug>/startups")
@role_required("investor")
def startups(slug: str):
    """The investor's startup directory at the event."""
    event = event_or_404(slug)
    investor = _investor()
    form = StartupFilterForm(formdata=request.args)
    form.validate()
    filters = StartupFilters.read(
        form.q.data, form.sector.data, form.stage.data, form.programme.data, form.city_site.data
    )
    args = list_args(
        request.args, sorts=STARTUP_SORTS, default_sort="name", per_page=STARTUPS_PER_PAGE
    )
    at_event = is_event_investor(event, investor)
    return render_template(
        "deals/matchmaking/startups.html",
        event=event,
        investor=investor,
        at_event=at_event,
        page=page_of(select_startups(filters), args, Startup.id),
        args=args,
        filters=filters,
        filter_form=form,
        recommendations=(
            startups_for(event, investor)
            if at_event and args.page == 1 and not filters.filtered
            else None
        ),
        marks=mark_view(event, "investor", investor.id),
        requests=_requests_by_startup(event, investor),
        settings=settings_of(event),
        remaining=investor_requests_left(event, investor),
        marking=MarkForm(),
        mark_labels=mark_labels(),
        why_text=why_text,
    )


@bp.route("/events/<slug>/startups/<id:startup_id>/request", methods=["GET", "POST"])
@role_required("investor")
def ask(slug: str, startup_id: int):
    """An investor asks a startup for a meeting."""
    event = event_or_404(slug)
    investor = _investor()
    startup = db.session.get(Startup, startup_id)
    if startup is None:
        abort(404)
    form = InvestorRequestForm()
    status = None
    if form.validate_on_submit():
        try:
            sent = send_investor_request(
                event, investor, startup, form.pitch.data, by_user=current_user
            )
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            notify_new_request(sent)
            db.session.commit()
            flash(_("Request sent to %(startup)s.", startup=startup.name), "success")
            return redirect(url_for("matchmaking.startups", slug=slug))
    return render_template(
        "deals/matchmaking/ask.html",
        event=event,
        startup=startup,
        form=form,
        settings=settings_of(event),
        at_event=is_event_investor(event, investor),
        remaining=investor_requests_left(event, investor),
        existing=_requests_by_startup(event, investor).get(startup.id),
    ), status or form_status(form)


@bp.route("/events/<slug>/marks", methods=["POST"])
@role_required("startup", "investor")
def mark(slug: str):
    """Mark a startup (as an investor) or an investor (as a startup) for this event."""
    event = event_or_404(slug)
    form = MarkForm()
    side = current_user.role
    back = redirect_target(
        form.next.data,
        url_for("matchmaking.startups" if side == "investor" else "meetings.directory", slug=slug),
    )
    if not form.validate_on_submit():
        for messages in form.errors.values():
            flash(str(messages[0]), "error")
        return redirect(back)
    if side == "investor":
        me, other = _investor(), db.session.get(Startup, form.other.data)
    else:
        me = current_user.startup
        if me is None:
            abort(403)
        other = find_event_investor(event, form.other.data)
    try:
        saved = set_mark(event, side, me, other, form.mark.data, by_user=current_user)
    except MatchError as error:
        db.session.rollback()
        show_error(None, error)
    else:
        db.session.commit()
        if saved is None:
            flash(_("Mark removed."), "success")
        else:
            flash(_("Marked: %(mark)s.", mark=mark_labels()[saved.mark]), "success")
    return redirect(back)


@dataclass
class Matchmaking:
    """What a page needs to show one side's recommendations and marks."""

    recommendations: list[Recommended] | None  # None: not shown (a filtered list)
    marks: MarkView
    form: MarkForm
    labels: dict
    why_text: Callable[[Fact], str] = why_text


def startup_matchmaking(event, user, *, recommend: bool = True) -> Matchmaking | None:
    """For the investor directory: the signed-in startup's marks, and its recommendations
    when `recommend` (the first page of the list, not filtered)."""
    startup = user.startup if user.role == "startup" else None
    if startup is None:
        return None
    return Matchmaking(
        recommendations=investors_for(event, startup) if recommend else None,
        marks=mark_view(event, "startup", startup.id),
        form=MarkForm(),
        labels=mark_labels(),
    )


def requests_marks(event, user) -> MarkView | None:
    """For the requests page: the signed-in party's marks."""
    if user.role == "startup" and user.startup is not None:
        return mark_view(event, "startup", user.startup.id)
    if user.role == "investor" and user.investor is not None:
        return mark_view(event, "investor", user.investor.id)
    return None
