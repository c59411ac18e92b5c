"""Booth pages for everyone: the floor plan of an expo and its exhibitor directory."""

from __future__ import annotations

from flask import render_template, request, url_for

from eventhub.booths.directory import (
    EXHIBITOR_SORTS,
    EXHIBITORS_PER_PAGE,
    DirectorySearch,
    booth_on_plan,
    exhibitor_page,
    halls_at,
    plan_exhibitors,
    wanted_code,
)
from eventhub.booths.labels import page_labels
from eventhub.booths.layout import halls_of
from eventhub.booths.lookup import expo_or_404
from eventhub.booths.models import Booth
from eventhub.booths.plan_drawings import colour_mode, hall_drawings
from eventhub.booths.views.blueprint import bp
from eventhub.deals.programmes.catalogue import programme_choices
from eventhub.listing import list_args
from eventhub.profiles.vocabulary import SECTORS


@bp.route("/events/<slug>/floor-plan")
def floor_plan(slug: str):
    event = expo_or_404(slug)
    halls = halls_of(event)
    highlight = wanted_code(request.args.get("booth"))
    colour_by = colour_mode(request.args.get("colour"))

    def exhibitor_link(booth: Booth) -> str | None:
        if booth.exhibitor is None:
            return None
        return url_for(
            "booths.exhibitors", slug=slug, q=booth.code, _anchor=f"exhibitor-{booth.exhibitor.id}"
        )

    return render_template(
        "booths/floor_plan.html",
        event=event,
        halls=halls,
        drawings=hall_drawings(
            halls, colour_by=colour_by, highlight=highlight, href_for=exhibitor_link
        ),
        colour_by=colour_by,
        highlighted=booth_on_plan(halls, highlight),
        exhibitors=plan_exhibitors(halls),
        labels=page_labels(),
    )


@bp.route("/events/<slug>/exhibitors")
def exhibitors(slug: str):
    event = expo_or_404(slug)
    halls = halls_at(event)
    search = DirectorySearch.of(
        request.args.get("q"),
        request.args.get("sector"),
        request.args.get("programme"),
        request.args.get("hall"),
        hall_ids=[hall.id for hall in halls],
    )
    args = list_args(
        request.args,
        sorts=EXHIBITOR_SORTS,
        default_sort="name",
        per_page=EXHIBITORS_PER_PAGE,
    )
    return render_template(
        "booths/exhibitors.html",
        event=event,
        page=exhibitor_page(event, search, args),
        args=args,
        search=search,
        halls=halls,
        sectors=SECTORS,
        programmes=programme_choices()[1:],
    )
