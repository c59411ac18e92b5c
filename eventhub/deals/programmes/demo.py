"""Demo programmes: the network's three programmes, named in French, English and Arabic.
Idempotent: a programme already there (by name) is left as it is."""

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
    existing = set(db.session.scalars(select(Programme.name)))
    for name, english, arabic, description in DEMO_PROGRAMMES:
        if name in existing:
            continue
        programme = Programme(name=name, description=description, translations={})
        programme.set_translation("name", "en", english)
        programme.set_translation("name", "ar", arabic)
        db.session.add(programme)
        report.add("programmes")
