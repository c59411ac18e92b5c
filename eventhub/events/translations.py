"""Every text an organiser writes for one event, and its translations into the languages
other than the event's main one: the event's public texts, and the names of its categories,
zones, halls and gates. The Translations page lists them all on one screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, select

from eventhub.booths.models import Hall
from eventhub.checkin.models import Gate
from eventhub.content_languages import CONTENT_LANGUAGES, Translatable
from eventhub.events.models import Event
from eventhub.extensions import db

LONG_TEXT_LENGTH = 5000  # the event form's limit for the description, a Text column


@dataclass(frozen=True)
class TextToTranslate:
    """One organiser text: `field` of `owner`, written in the event's main language."""

    key: str  # unique on the page, a form field prefix: "event_name", "zone_12_description"
    owner: Translatable
    field: str
    label: Any  # what the text is, for the organiser
    multiline: bool = False

    @property
    def original(self) -> str:
        return getattr(self.owner, self.field) or ""

    @property
    def max_length(self) -> int:
        column_type = type(self.owner).__table__.c[self.field].type  # type: ignore[attr-defined]
        return (
            column_type.length
            if isinstance(column_type, String) and column_type.length
            else LONG_TEXT_LENGTH
        )


@dataclass(frozen=True)
class TextSection:
    key: str
    title: Any
    texts: tuple[TextToTranslate, ...]


def translation_languages(event: Event) -> tuple[str, ...]:
    """The languages the organiser may translate into: all but the main one."""
    return tuple(language for language in CONTENT_LANGUAGES if language != event.main_language)


def texts_to_translate(event: Event) -> list[TextSection]:
    """The event's texts by section, in the order the page shows them; empty sections left out."""
    event_texts = [
        TextToTranslate("event_name", event, "name", _l("Name")),
        TextToTranslate("event_summary", event, "summary", _l("Summary")),
        TextToTranslate("event_venue", event, "venue", _l("Venue")),
        TextToTranslate("event_description", event, "description", _l("What is on"), True),
    ]
    categories = [
        TextToTranslate(f"category_{category.id}_name", category, "name", category.name)
        for category in event.categories
    ]
    zones = []
    for zone in event.zones:
        zones.append(TextToTranslate(f"zone_{zone.id}_name", zone, "name", zone.name))
        if zone.description:
            zones.append(
                TextToTranslate(
                    f"zone_{zone.id}_description",
                    zone,
                    "description",
                    _l("Description of %(zone)s", zone=zone.name),
                )
            )
    halls = db.session.scalars(
        select(Hall).where(Hall.event_id == event.id).order_by(Hall.position, Hall.name)
    )
    gates = db.session.scalars(select(Gate).where(Gate.event_id == event.id).order_by(Gate.name))
    sections = [
        TextSection("event", _l("The event"), tuple(t for t in event_texts if t.original)),
        TextSection("categories", _l("Categories"), tuple(categories)),
        TextSection("zones", _l("Zones"), tuple(zones)),
        TextSection(
            "halls",
            _l("Halls"),
            tuple(TextToTranslate(f"hall_{h.id}_name", h, "name", h.name) for h in halls),
        ),
        TextSection(
            "gates",
            _l("Gates"),
            tuple(TextToTranslate(f"gate_{g.id}_name", g, "name", g.name) for g in gates),
        ),
    ]
    return [section for section in sections if section.texts]


def missing_translations(event: Event, sections: list[TextSection]) -> dict[str, int]:
    """How many texts have no translation, per language the organiser may translate into."""
    texts = [text for section in sections for text in section.texts]
    return {
        language: sum(1 for text in texts if not text.owner.translation(text.field, language))
        for language in translation_languages(event)
    }


def save_translations(
    event: Event, sections: list[TextSection], typed: Mapping[tuple[str, str], str]
) -> int:
    """Keep what the organiser typed, ``typed[(text key, language)]``, ("" removes a
    translation); a key missing from `typed` leaves that translation as it is. Returns the
    number of translations changed. Flushes, never commits."""
    changed = 0
    for section in sections:
        for text in section.texts:
            for language in translation_languages(event):
                value = typed.get((text.key, language))
                if value is None:
                    continue
                if len(value) > text.max_length:
                    raise ValueError(f"{text.key} in {language} is longer than {text.max_length}")
                changed += text.owner.set_translation(text.field, language, value)
    db.session.flush()
    return changed
