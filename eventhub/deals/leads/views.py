"""The leads pages: a startup team's scanner and list at its booth, a lead's note, the
exports, the organiser's counts per booth, and the visitor's consent on their private
page. Nothing here shows a visitor's contact without their consent: every page reads its
leads through eventhub/deals/leads/contacts.py."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.booths.lookup import expo_or_404
from eventhub.deals.leads.capture import (
    Exhibitor,
    LeadError,
    exhibitor_for,
    lead_of,
    scan_badge,
    update_lead,
)
from eventhub.deals.leads.contacts import (
    DEFAULT_SORT,
    LEAD_SORTS,
    LeadView,
    lead_counts,
    lead_view,
    leads_export,
    leads_page,
    leads_per_booth,
)
from eventhub.deals.leads.forms import ExhibitorConsentForm, LeadForm, ScanForm
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.listing import list_args
from eventhub.privacy.access_log import count_leads, log_personal_data_access
from eventhub.privacy.consents import set_consent
from eventhub.registration.lookup import registration_or_404
from eventhub.registration.web import current_language
from eventhub.responses import table_download

bp = Blueprint("leads", __name__)

# Only a startup's team sees its leads; organisers see the counts per booth.
TEAM_ROLE = "startup"


def _exhibitor(slug: str) -> tuple[Event, Exhibitor]:
    event = expo_or_404(slug)
    return event, exhibitor_for(event, current_user)


def announce(view: LeadView, created: bool) -> str:
    """What the person scanning is told of a scan."""
    if view.contact is not None:
        who = view.contact.name
        if view.contact.organization:
            who = _("%(name)s (%(organization)s)", name=who, organization=view.contact.organization)
    else:
        who = _("An anonymous visitor of category %(category)s", category=view.category)
    if created:
        return _("New lead: %(who)s stopped by.", who=who)
    return _("Scanned again: %(who)s is already one of your leads.", who=who)


def _leads_page(event: Event, exhibitor: Exhibitor, form: ScanForm, status: int = 200):
    args = list_args(
        request.args, sorts=LEAD_SORTS, default_sort=DEFAULT_SORT, default_descending=True
    )
    page, views = leads_page(event, exhibitor.startup, args)
    return render_template(
        "deals/leads/leads.html",
        event=event,
        exhibitor=exhibitor,
        form=form,
        page=page,
        leads=views,
        args=args,
        counts=lead_counts(event, exhibitor.startup),
    ), status


@bp.route("/events/<slug>/leads")
@role_required(TEAM_ROLE)
def leads(slug: str):
    event, exhibitor = _exhibitor(slug)
    return _leads_page(event, exhibitor, ScanForm(formdata=None))


@bp.route("/events/<slug>/leads/scan", methods=["POST"])
@role_required(TEAM_ROLE)
def scan(slug: str):
    event, exhibitor = _exhibitor(slug)
    form = ScanForm()
    if not form.validate_on_submit():
        return _leads_page(event, exhibitor, form, form_status(form))
    try:
        capture = scan_badge(event, exhibitor, current_user, form.code.data)
    except LeadError as error:
        db.session.rollback()
        show_error(form, error)
        return _leads_page(event, exhibitor, form, error.status)
    view = lead_view(capture.lead)
    db.session.commit()
    flash(announce(view, capture.created), "success")
    return redirect(url_for("leads.lead", slug=slug, lead_id=view.id))


@bp.route("/events/<slug>/leads/<id:lead_id>", methods=["GET", "POST"])
@role_required(TEAM_ROLE)
def lead(slug: str, lead_id: int):
    event, exhibitor = _exhibitor(slug)
    found = lead_of(event, exhibitor.startup, lead_id)
    form = LeadForm(obj=found)
    if form.validate_on_submit():
        try:
            update_lead(found, form.details())
        except LeadError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Lead saved."), "success")
            return redirect(url_for("leads.leads", slug=slug))
    return render_template(
        "deals/leads/lead.html",
        event=event,
        exhibitor=exhibitor,
        lead=lead_view(found),
        form=form,
    ), form_status(form)


@bp.route("/events/<slug>/leads.<any(csv, xlsx):fmt>")
@role_required(TEAM_ROLE)
def export(slug: str, fmt: str):
    event, exhibitor = _exhibitor(slug)
    table = leads_export(event, exhibitor.startup)
    rows = count_leads(event, exhibitor.startup.id)
    log_personal_data_access(current_user, "export", event, what="leads", rows=rows, format=fmt)
    db.session.commit()
    return table_download(table, fmt)


@bp.route("/organiser/events/<slug>/leads")
@role_required("admin")
def organiser(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    if event.kind != "expo":
        abort(404)
    booths = leads_per_booth(event)
    return render_template(
        "deals/leads/organiser.html",
        event=event,
        booths=booths,
        total=sum(booth.leads for booth in booths),
        with_contact=sum(booth.with_contact for booth in booths),
    )


@bp.route("/r/<token>/exhibitor-consent", methods=["POST"])
def consent(token: str):
    """The visitor gives or withdraws their consent from their private page."""
    registration = registration_or_404(token)
    form = ExhibitorConsentForm()
    if not form.validate_on_submit():
        abort(400)
    share = bool(form.share.data)
    if set_consent(registration, "exhibitors", share, current_language()):
        db.session.commit()
    if share:
        flash(_("Exhibitors who scan your badge now see your contact details."), "success")
    else:
        flash(_("Exhibitors who scan your badge no longer see your contact details."), "success")
    return redirect(url_for("registration.manage", token=token))
