"""The organiser's page of the audit log: every recorded sensitive action as a sentence,
paged, searched (who, what), filtered by kind of action and by event, newest first."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from eventhub.admin import audit
from eventhub.admin.views import bp
from eventhub.auth.access import role_required
from eventhub.auth.models import AuditEntry
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import strip_filter
from eventhub.listing import list_args, page_of


class AuditFilterForm(FlaskForm):
    """The log's search box and filters (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Who or what"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=100)],
        description=_l("A name, an e-mail address, a booth or registration number…"),
    )
    kind = SelectField(_l("Kind of action"), validate_choice=False)
    event = SelectField(_l("Event"), validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("All kinds")), *audit.kind_labels().items()]
        events = db.session.execute(select(Event.slug, Event.name).order_by(Event.first_day.desc()))
        self.event.choices = [("", _l("All events")), *((slug, name) for slug, name in events)]


@bp.route("/organiser/audit")
@role_required("admin")
def audit_log():
    form = AuditFilterForm(formdata=request.args)
    form.validate()
    filters = audit.AuditFilters.read(
        "" if form.q.errors else form.q.data, form.kind.data, form.event.data
    )
    args = list_args(
        request.args, sorts=audit.AUDIT_SORTS, default_sort="time", default_descending=True
    )
    page = page_of(
        audit.select_audit(filters),
        args,
        AuditEntry.id.desc() if args.descending else AuditEntry.id,
    )
    return render_template(
        "admin/audit.html",
        page=page,
        args=args,
        filter_form=form,
        filtered=bool(filters.q or filters.kind or filters.event),
        events=audit.event_names(page.items),
    )
