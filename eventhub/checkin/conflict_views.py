"""The organiser's list of door conflicts: offline admissions the server recorded otherwise
(see conflicts.py)."""

from __future__ import annotations

from flask import render_template, request

from eventhub.auth.access import role_required
from eventhub.checkin.conflicts import conflicts_page
from eventhub.checkin.messages import result_title
from eventhub.checkin.views import bp
from eventhub.events.lookup import event_or_404
from eventhub.listing import list_args
from eventhub.registration.forms import status_labels


@bp.route("/organiser/events/<slug>/door-conflicts")
@role_required("admin")
def door_conflicts(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    return render_template(
        "checkin/conflicts.html",
        event=event,
        page=conflicts_page(event, list_args(request.args).page),
        result_title=result_title,
        status_labels=status_labels(),
    )
