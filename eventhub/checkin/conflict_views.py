"""The organiser's list of door conflicts: offline admissions the server recorded otherwise
(see conflicts.py)."""

from __future__ import annotations

from flask import render_template, request

from eventhub.auth.access import role_required
from eventhub.checkin.conflicts import conflicts_page
from eventhub.checkin.messages import result_title
from eventhub.checkin.views import bp
from eventhub.events.lookup import event_or_404
from eventhub.registration.forms import status_labels

# Far beyond any real list; keeps the offset a small number whatever the query string says.
MAX_PAGE = 100_000


@bp.route("/organiser/events/<slug>/door-conflicts")
@role_required("admin")
def door_conflicts(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    page = min(max(request.args.get("page", default=1, type=int) or 1, 1), MAX_PAGE)
    return render_template(
        "checkin/conflicts.html",
        event=event,
        page=conflicts_page(event, page),
        result_title=result_title,
        status_labels=status_labels(),
    )
