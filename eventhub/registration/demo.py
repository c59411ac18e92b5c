"""Demo registrations: several hundred on the expo, some on the demo day.

French, Moroccan and Arabic-script names spread over the categories. Deterministic (the
seeded generator, addresses numbered) and idempotent: an address already registered for
the event is skipped, so a second run adds nothing.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.registration.models import Registration
from eventhub.registration.register import Attendee, cancel, register

EXPO_REGISTRATIONS = 400
DEMO_DAY_REGISTRATIONS = 80
# Category name → share of the registrations (the rest are visitors).
EXPO_MIX = (
    ("Visitor", 60),
    ("Student day pass", 10),
    ("Press", 5),
    ("Exhibitor", 12),
    ("Investor", 6),
    ("Speaker", 4),
    ("VIP", 2),
    ("Staff", 1),
)
DEMO_DAY_MIX = (("Guest", 60), ("Investor", 20), ("Press", 8), ("Startup", 10), ("Staff", 2))

FRENCH_FIRST = (
    "Camille", "Julien", "Sophie", "Thomas", "Inès", "Louis", "Chloé", "Hugo", "Manon",
    "Antoine", "Léa", "Mathieu", "Élodie", "Nicolas", "Aurélie", "Rémi",
)  # fmt: skip
FRENCH_LAST = (
    "Martin", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau", "Faure",
    "Mercier", "Blanc", "Chevalier", "Garnier",
)  # fmt: skip
MOROCCAN_FIRST = (
    "Yasmine", "Mehdi", "Karim", "Salma", "Youssef", "Imane", "Omar", "Nadia", "Hamza",
    "Sara", "Amine", "Khadija", "Rachid", "Leïla", "Anas", "Meryem", "Reda", "Houda",
    "Ilyas", "Zineb", "Ayoub", "Ghita", "Othmane", "Hajar",
)  # fmt: skip
MOROCCAN_LAST = (
    "El Amrani", "Benali", "Alaoui", "Bennani", "Tazi", "Chraibi", "Berrada", "El Idrissi",
    "Lahlou", "El Fassi", "Ouazzani", "Kettani", "Ziani", "Bouzid", "Sqalli", "Benjelloun",
)  # fmt: skip
ARABIC_FIRST = (
    "يوسف", "سلمى", "كريم", "مريم", "حمزة", "إيمان", "عمر", "زينب", "أيوب", "هاجر", "رشيد",
    "خديجة", "أنس", "غيثة", "عثمان", "ليلى",
)  # fmt: skip
ARABIC_LAST = (
    "العلوي", "بناني", "التازي", "الإدريسي", "برادة", "الشرايبي", "الفاسي", "القطاني",
    "الوزاني", "الحداد", "بنجلون", "الناصري",
)  # fmt: skip
ORGANISATIONS = (
    "Atlas AI", "Argan Pay", "OCP Group", "Maroc Telecom", "Université Cadi Ayyad",
    "Technopark Casablanca", "Medina Market", "Sahara Solar", "Bank of Africa", "Inwi",
    "UM6P", "Le Matin", "TelQuel", "Souss Agri", "Freelance", "Capgemini Maroc",
    "جامعة محمد الخامس", "شركة الأطلس للتقنية",
)  # fmt: skip
JOB_TITLES = (
    "CEO", "CTO", "Data scientist", "Product manager", "Student", "Journalist",
    "Investment analyst", "Software engineer", "Head of innovation", "Consultant",
    "Directrice marketing", "Chargé d'affaires", "مهندس برمجيات", "مديرة مشروع",
)  # fmt: skip
COUNTRIES = ("MA",) * 12 + ("FR", "SN", "CI", "TN", "DZ", "ES", "NG", "EG")
LANGUAGES = ("fr", "fr", "fr", "ar", "en")
# One registration in this many is cancelled, to show the status in the lists.
CANCELLED_EVERY = 41


def _person(rng: random.Random, index: int) -> tuple[str, str, str]:
    """(first name, last name, language): Arabic script one time in four."""
    if index % 4 == 3:
        return rng.choice(ARABIC_FIRST), rng.choice(ARABIC_LAST), "ar"
    if index % 3 == 0:
        return rng.choice(FRENCH_FIRST), rng.choice(FRENCH_LAST), rng.choice(LANGUAGES)
    return rng.choice(MOROCCAN_FIRST), rng.choice(MOROCCAN_LAST), rng.choice(LANGUAGES)


def _weighted_categories(event: Event, mix: tuple[tuple[str, int], ...]) -> list[AttendeeCategory]:
    by_name = {category.name: category for category in event.categories}
    bag: list[AttendeeCategory] = []
    for name, weight in mix:
        if name in by_name:
            bag.extend([by_name[name]] * weight)
    return bag or list(event.categories)


def _seed_event(
    report: Any,
    event: Event,
    *,
    count: int,
    mix: tuple[tuple[str, int], ...],
    domain: str,
    rng: random.Random,
) -> None:
    categories = _weighted_categories(event, mix)
    if not categories:
        return
    existing = set(
        db.session.scalars(select(Registration.email).where(Registration.event_id == event.id))
    )
    for index in range(count):
        # Draw every value before the existence check: the sequence stays the same.
        first_name, last_name, language = _person(rng, index)
        category = categories[rng.randrange(len(categories))]
        organization = rng.choice(ORGANISATIONS)
        job_title = rng.choice(JOB_TITLES)
        country = rng.choice(COUNTRIES)
        email = f"guest{index:04d}@{domain}"
        if email in existing:
            continue
        registration = register(
            event,
            category,
            Attendee(
                first_name=first_name,
                last_name=last_name,
                email=email,
                organization=organization,
                job_title=job_title,
                country=country,
                language=language,
            ),
            source="demo",
            public_only=False,
            enforce_window=False,
        )
        report.add("registrations")
        if index % CANCELLED_EVERY == CANCELLED_EVERY - 1:
            cancel(registration)


def seed_registrations(report: Any, *, expo: Event, demo_day: Event, rng: random.Random) -> None:
    """Registrations on the demo expo and demo day (see the module docstring). Flushes."""
    _seed_event(
        report,
        expo,
        count=EXPO_REGISTRATIONS,
        mix=EXPO_MIX,
        domain="expo.demo.eventhub.test",
        rng=rng,
    )
    _seed_event(
        report,
        demo_day,
        count=DEMO_DAY_REGISTRATIONS,
        mix=DEMO_DAY_MIX,
        domain="demoday.demo.eventhub.test",
        rng=rng,
    )
