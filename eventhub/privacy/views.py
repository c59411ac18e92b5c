"""The privacy pages: the attendee's "Your data" page from their private link (see,
download as JSON or CSV, consents, correct, erase), and the organiser's retention page
(what the retention job would anonymise, and when)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _

from eventhub.auth.access import role_required
from eventhub.checkin.messages import result_title
from eventhub.checkin.models import SCAN_RESULTS
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.models_common import utcnow
from eventhub.notifications.log import status_labels as mail_status_labels
from eventhub.privacy.consents import current_consents, is_granted, notice_language, set_consent
from eventhub.privacy.correction import correct
from eventhub.privacy.erasure import erase
from eventhub.privacy.forms import ConsentChangeForm, CorrectionForm, EraseForm
from eventhub.privacy.models import EventPrivacy
from eventhub.privacy.retention import anonymise_event, is_due
from eventhub.privacy.settings import peek_settings, purge_date
from eventhub.privacy.subject_access import data_csv, personal_data
from eventhub.registration.forms import country_name, status_labels
from eventhub.registration.lookup import registration_or_404
from eventhub.registration.mail import notify_badge_reissued, notify_statuses
from eventhub.registration.register import RegistrationError
from eventhub.registration.web import current_language
from eventhub.responses import private
from eventhub.spreadsheets import CSV_MIMETYPE

bp = Blueprint("privacy", __name__)

DATA_ROUTE = "/r/<token>/data"


@bp.app_template_global("event_privacy")
def event_privacy(event: Event) -> EventPrivacy:
    """The event's privacy settings for a template (the notice page shows them)."""
    return peek_settings(event)


@bp.route(DATA_ROUTE)
def data_page(token: str):
    registration = registration_or_404(token)
    data = personal_data(registration)
    consents = current_consents(registration)
    return private(
        render_template(
            "privacy/data.html",
            registration=registration,
            event=registration.event,
            data=data,
            consents=consents,
            granted={kind: is_granted(registration, kind) for kind in ("exhibitors", "news")},
            consent_form=ConsentChangeForm(formdata=None),
            country=country_name(registration.country),
            status_labels=status_labels(),
            scan_titles={result: result_title(result) for result in SCAN_RESULTS},
            mail_status_labels=mail_status_labels(),
        )
    )


@bp.route(DATA_ROUTE + ".json")
def data_json(token: str):
    registration = registration_or_404(token)
    response = current_app.json.response(personal_data(registration))
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return private(response)


@bp.route(DATA_ROUTE + ".csv")
def data_csv_download(token: str):
    registration = registration_or_404(token)
    response = Response("".join(data_csv(personal_data(registration))), content_type=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.csv"'
    return private(response)


@bp.route(DATA_ROUTE + "/consents/<any(exhibitors, news):kind>", methods=["POST"])
def change_consent(token: str, kind: str):
    registration = registration_or_404(token)
    form = ConsentChangeForm()
    if not form.validate_on_submit():
        abort(400)
    language = notice_language(
        registration.event, current_language(), [current_app.config["BABEL_DEFAULT_LOCALE"]]
    )
    if set_consent(registration, kind, form.granted, language):
        db.session.commit()
    messages = {
        ("exhibitors", True): _("Exhibitors who scan your badge now see your contact details."),
        ("exhibitors", False): _(
            "Exhibitors who scan your badge no longer see your contact details."
        ),
        ("news", True): _("You will receive news from the organiser."),
        ("news", False): _("You will no longer receive news from the organiser."),
    }
    flash(messages[kind, form.granted], "success")
    return redirect(url_for("privacy.data_page", token=token))


@bp.route(DATA_ROUTE + "/correct", methods=["GET", "POST"])
def correct_page(token: str):
    registration = registration_or_404(token)
    form = CorrectionForm(obj=registration)
    if form.validate_on_submit():
        version = registration.badge_version
        try:
            changed = correct(registration, form.correction())
        except RegistrationError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            if registration.badge_version != version:
                notify_badge_reissued(registration)
            db.session.commit()
            if changed:
                flash(_("Your details are corrected."), "success")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("privacy.data_page", token=token))
    page = render_template(
        "privacy/correct.html", registration=registration, event=registration.event, form=form
    )
    return private(page), form_status(form)


@bp.route(DATA_ROUTE + "/erase", methods=["GET", "POST"])
def erase_page(token: str):
    registration = registration_or_404(token)
    event = registration.event
    form = EraseForm()
    if form.validate_on_submit():
        offered = erase(registration)
        notify_statuses(offered)
        db.session.commit()
        return private(render_template("privacy/erased.html", event=event))
    page = render_template("privacy/erase.html", registration=registration, event=event, form=form)
    return private(page), form_status(form)


@bp.route("/organiser/events/<slug>/privacy/retention")
@role_required("admin")
def retention_page(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    now = utcnow()
    settings = peek_settings(event)
    return render_template(
        "privacy/retention.html",
        event=event,
        report=anonymise_event(event, now, dry_run=True),
        settings=settings,
        purge_on=purge_date(event, settings),
        due=is_due(event, now),
    )


@bp.route("/privacy")
def platform_notice():
    """The notice for accounts (sign-up, invitations): not tied to one event."""
    return render_template("privacy/platform.html")
