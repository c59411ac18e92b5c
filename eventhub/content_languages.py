"""The organiser's own texts in French, English and Arabic.

A translatable row (an event, a category, a zone, a hall, a gate) keeps its texts in the
event's main language in its ordinary columns (`name`, `description`…), and the other
languages in `translations`, a JSON object ``{"ar": {"name": "…"}, "en": {…}}``. A reader sees
the text in their language when the organiser gave one, else the text in the main language.
The reader's language is the current locale: the request's, or the one forced for an e-mail
or a badge (`flask_babel.force_locale`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import get_locale
from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column

CONTENT_LANGUAGES = ("fr", "en", "ar")


def reader_language() -> str | None:
    """The language of the current locale, None outside any (a CLI command, for instance)."""
    try:
        locale = get_locale()
    except (RuntimeError, AttributeError):
        return None
    return locale.language if locale is not None else None


class Translatable:
    """A row whose organiser texts (`TRANSLATED_FIELDS`) may be given in other languages."""

    TRANSLATED_FIELDS: ClassVar[tuple[str, ...]] = ()

    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )

    @property
    def source_language(self) -> str:
        """The language of the ordinary columns: the event's main language."""
        return self.event.main_language  # type: ignore[attr-defined]

    def localized(self, field: str, language: str | None = None) -> str:
        """`field` in `language` (default: the reader's), else in the main language."""
        text = getattr(self, field) or ""
        if not self.translations:
            return text
        language = language or reader_language()
        if not language or language == self.source_language:
            return text
        return self.translation(field, language) or text

    def translation(self, field: str, language: str) -> str:
        """The text the organiser gave for `field` in `language`, "" if none."""
        if language == self.source_language:
            return getattr(self, field) or ""
        return ((self.translations or {}).get(language) or {}).get(field) or ""

    def set_translation(self, field: str, language: str, text: str) -> bool:
        """Keep `text` as `field` in `language` ("" removes it); True if anything changed."""
        if field not in self.TRANSLATED_FIELDS or language not in CONTENT_LANGUAGES:
            raise ValueError(f"{field!r} in {language!r} is not a translatable text")
        if language == self.source_language:
            raise ValueError("the main language's text is the row's own column")
        if self.translation(field, language) == text:
            return False
        # A new object, so that SQLAlchemy sees the JSON column change.
        updated = {lang: dict(texts) for lang, texts in (self.translations or {}).items()}
        texts = updated.setdefault(language, {})
        if text:
            texts[field] = text
        else:
            texts.pop(field, None)
            if not texts:
                del updated[language]
        self.translations = updated
        return True


def localized(owner: Any, field: str) -> Any:
    """The Jinja filter ``{{ event|localized("name") }}``: a translatable row's text in the
    reader's language; any other object's attribute as it is (a figures row, a dict)."""
    if owner is None:
        return ""
    if isinstance(owner, Translatable):
        return owner.localized(field)
    if isinstance(owner, dict):
        return owner.get(field, "")
    return getattr(owner, field, "")
