"""An event's privacy notice: the organiser's text in French, English and Arabic, and which
one a reader is shown (their language, else another that exists, else the platform's notice).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from eventhub.events.editing import EventError
from eventhub.events.models import Event

PRIVACY_LANGUAGES = ("fr", "en", "ar")
MAX_PRIVACY_TEXT = 20_000  # characters per language: some ten printed pages


@dataclass(frozen=True)
class PrivacyNotice:
    """The text to show and its language; `text` "" means the platform's own notice."""

    text: str
    language: str | None

    @property
    def is_default(self) -> bool:
        return not self.text


def privacy_texts(event: Event) -> dict[str, str]:
    """The organiser's texts by language, "" where there is none."""
    return {
        language: getattr(event, f"privacy_text_{language}") or "" for language in PRIVACY_LANGUAGES
    }


def set_privacy_texts(event: Event, texts: Mapping[str, str | None]) -> None:
    """Replace the event's texts by `texts` (a language missing or None: ""), trimmed."""
    cleaned = {}
    for language in PRIVACY_LANGUAGES:
        text = (texts.get(language) or "").replace("\x00", "").strip()
        if len(text) > MAX_PRIVACY_TEXT:
            raise EventError(
                _l("Keep the notice under %(num)d characters.", num=MAX_PRIVACY_TEXT),
                "privacy_text_too_long",
                field=f"text_{language}",
            )
        cleaned[language] = text
    for language, text in cleaned.items():
        setattr(event, f"privacy_text_{language}", text)


def privacy_notice(event: Event, language: str, fallbacks: Iterable[str] = ()) -> PrivacyNotice:
    """The notice for a reader of `language`: the organiser's text in that language, else in
    the first of `fallbacks` (the platform's default language first) that has one, else in any
    language that has one; with no text at all, the platform's notice."""
    texts = privacy_texts(event)
    for candidate in (language, *fallbacks, *PRIVACY_LANGUAGES):
        if texts.get(candidate):
            return PrivacyNotice(texts[candidate], candidate)
    return PrivacyNotice("", None)
