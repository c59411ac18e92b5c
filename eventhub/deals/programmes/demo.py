"""Demo programmes: the network's three programmes, named in French, English and Arabic.
Idempotent: a programme already there (by name, as migration 0017 makes it from the
startups' names) only gets the names and description it lacks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from eventhub.deals.programmes.models import Programme
from eventhub.extensions import db

# (name, the startups' programme; English name; Arabic name; description in French)
DEMO_PROGRAMMES = (
    (
        "Boost up Lab",
        "Boost up Lab",
        "مختبر بوست أب",
        "Incubation de 6 mois pour les jeunes pousses, du prototype aux premiers clients.",
    ),
    (
        "Accelerate",
        "Accelerate",
        "برنامج التسريع",
        "Accélération des startups en levée de fonds d'amorçage.",
    ),
    (
        "DigitAgri",
        "DigitAgri",
        "الفلاحة الرقمية",
        "Programme dédié à l'agriculture numérique et aux coopératives.",
    ),
)
DEMO_PROGRAMME_NAMES = tuple(name for name, _en, _ar, _description in DEMO_PROGRAMMES)


def seed_programmes(report: Any, **_context: Any) -> None:
    existing = {p.name: p for p in db.session.scalars(select(Programme))}
    for name, english, arabic, description in DEMO_PROGRAMMES:
        programme = existing.get(name)
        if programme is None:
            programme = Programme(name=name, description="", translations={})
            db.session.add(programme)
            report.add("programmes")
        programme.description = programme.description or description
        for language, text in (("en", english), ("ar", arabic)):
            if not programme.translation("name", language):
                programme.set_translation("name", language, text)
