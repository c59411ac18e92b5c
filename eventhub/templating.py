"""Jinja globals and filters: language and direction, dates in the event's time zone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import get_datetime_format
from flask import Flask, request
from flask_babel import format_date, format_datetime, get_locale
from jinja2.nodes import EvalContext
from jinja2.utils import pass_eval_context
from markupsafe import Markup

from eventhub.i18n import LANGUAGE_NAMES, supported_languages, text_direction
from eventhub.profiles.vocabulary import sector_label, stage_label


def datetime_to_minute(local: datetime) -> str:
    """A local moment as a date in words and a time to the minute ("6 Dec 2026, 14:05"):
    Babel's medium date and short time, joined as the current language joins them. Pages
    never show seconds."""
    locale = get_locale()
    return (
        get_datetime_format("medium", locale=locale)
        .replace("'", "")
        .replace("{0}", babel_format_time(local, "short", locale=locale))
        .replace("{1}", babel_format_date(local, "medium", locale=locale))
    )


def event_datetime(moment: datetime | None, event: Any, fmt: str = "medium") -> str:
    """A stored UTC moment shown in the event's time zone, in the current language;
    "medium" (the default) is a medium date and the time to the minute, without seconds."""
    if moment is None:
        return ""
    local = moment.astimezone(event.tz).replace(tzinfo=None)
    if fmt == "medium":
        return datetime_to_minute(local)
    return format_datetime(local, fmt, rebase=False)


def event_dates(event: Any) -> str:
    if event.first_day == event.last_day:
        return format_date(event.first_day, "full")
    return f"{format_date(event.first_day, 'medium')} – {format_date(event.last_day, 'medium')}"


def day_label(day: date) -> str:
    return format_date(day, "EEE d MMM")


# Unicode's isolates (FSI, PDI): text between them takes its own direction without
# turning the words around it, as <bdi> does in HTML.
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


@pass_eval_context
def isolated(eval_ctx: EvalContext, value: Any) -> Markup | str:
    """User text set into a sentence, isolated: an Arabic name in a French line (or the
    reverse) keeps its order and leaves the sentence's alone. <bdi> in HTML, the Unicode
    isolates in plain text (the .txt e-mails)."""
    if value is None or value == "":
        return ""
    if eval_ctx.autoescape:
        return Markup("<bdi>{}</bdi>").format(value)
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"


def from_iso(value: str | None) -> datetime | None:
    """A moment written as ISO 8601 (the attendee's data export), to show it in a zone."""
    return datetime.fromisoformat(value) if value else None


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def language_context() -> dict[str, Any]:
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "current_language": locale,
            "text_direction": text_direction(locale),
            "language_names": {code: LANGUAGE_NAMES[code] for code in supported_languages()},
            "current_path": request.full_path.rstrip("?") if request else "/",
        }

    from eventhub.admin.audit import audit_sentence
    from eventhub.content_languages import localized
    from eventhub.listing import list_url, sort_link

    app.jinja_env.globals["audit_sentence"] = audit_sentence
    app.jinja_env.globals["list_url"] = list_url
    app.jinja_env.globals["sort_link"] = sort_link
    app.jinja_env.globals["sector_label"] = sector_label
    app.jinja_env.globals["stage_label"] = stage_label
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["isolated"] = isolated
    app.jinja_env.filters["from_iso"] = from_iso
    app.jinja_env.filters["event_datetime"] = event_datetime
    app.jinja_env.filters["event_dates"] = event_dates
    app.jinja_env.filters["day_label"] = day_label
    app.jinja_env.filters["date_medium"] = lambda value: format_date(value, "medium")
    # A moment on the platform's clock (BABEL_DEFAULT_TIMEZONE), to the minute.
    app.jinja_env.filters["datetime_short"] = lambda value: format_datetime(value, "short")
