"""Programmes: the incubation programmes startups belong to ("Boost up Lab", "Accelerate"…),
kept by the organiser with their names in French, English and Arabic.

A startup names its programme by the programme's `name` (`startups.programme`, a string,
as before this table existed): renaming a programme renames it on its startups and booth
applications in the same transaction (eventhub/deals/programmes/catalogue.py). The name is
unique (`uq_programmes_name`), so two organisers creating the same programme at once get
one row and a form error.

The `name` and `description` columns are in the platform's main language (French, the
default locale); the English and Arabic names are translations (`translations`, see
eventhub/content_languages.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.content_languages import Translatable
from eventhub.extensions import db
from eventhub.models_common import UTCDateTime, utcnow

# The language of the ordinary columns: the platform's default locale.
MAIN_LANGUAGE = "fr"
NAME_LENGTH = 60  # as startups.programme
DESCRIPTION_LENGTH = 2000


class Programme(Translatable, db.Model):
    __tablename__ = "programmes"

    TRANSLATED_FIELDS = ("name", "description")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def source_language(self) -> str:
        return MAIN_LANGUAGE

    def __repr__(self) -> str:
        return f"<Programme {self.name}>"
