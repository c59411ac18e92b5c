"""The event's privacy notice: the organiser's page to write it, the public page to read it."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.events.editing import EventError
from eventhub.events.lookup import event_or_404
from eventhub.events.privacy import privacy_notice, privacy_texts
from eventhub.events.views import bp
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.privacy.forms import PrivacySettingsForm
from eventhub.privacy.settings import PrivacyError, peek_settings, save_notice


@bp.route("/events/<slug>/privacy")
def privacy(slug: str):
    event = event_or_404(slug)
    language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    notice = privacy_notice(event, language, [current_app.config["BABEL_DEFAULT_LOCALE"]])
    return render_template("events/privacy.html", event=event, notice=notice)


@bp.route("/organiser/events/<slug>/privacy", methods=["GET", "POST"])
@role_required("admin")
def privacy_settings(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    texts = privacy_texts(event)
    settings = peek_settings(event)
    form = PrivacySettingsForm(
        data={
            **{f"text_{language}": text for language, text in texts.items()},
            "cndp_declaration": settings.cndp_declaration,
            "retention_months": settings.retention_months,
        }
    )
    if form.validate_on_submit():
        try:
            save_notice(event, form.settings())
        except (EventError, PrivacyError) as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "event.update", event.slug)
            db.session.commit()
            flash(_("Privacy notice saved."), "success")
            return redirect(url_for("events.privacy_settings", slug=event.slug))
    return render_template("events/privacy_form.html", event=event, form=form), form_status(form)
