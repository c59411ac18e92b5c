"""The organiser's Translations page: every text of an event in its other languages."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.events.forms import TranslationsForm, translation_field_name
from eventhub.events.lookup import event_or_404
from eventhub.events.translations import (
    missing_translations,
    save_translations,
    texts_to_translate,
    translation_languages,
)
from eventhub.events.views import bp
from eventhub.extensions import db
from eventhub.forms_common import form_status


@bp.route("/organiser/events/<slug>/translations", methods=["GET", "POST"])
@role_required("admin")
def translations(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    sections = texts_to_translate(event)
    languages = translation_languages(event)
    form = TranslationsForm.for_texts(sections, languages)
    if form.validate_on_submit():
        changed = save_translations(event, sections, form.typed(sections, languages))
        if changed:
            record_audit(current_user, "event.translations", event.slug, count=changed)
        db.session.commit()
        flash(_("Translations saved."), "success")
        return redirect(url_for("events.translations", slug=event.slug))
    return render_template(
        "events/translations.html",
        event=event,
        form=form,
        sections=sections,
        languages=languages,
        missing=missing_translations(event, sections),
        field_name=translation_field_name,
    ), form_status(form)
