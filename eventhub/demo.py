"""Demo data: a three-day expo in Marrakech and a demo day in Casablanca, with people.

Deterministic (a seeded random generator, fixed names) and idempotent: every object is
looked up by its natural key first, so a second run adds nothing. Event dates are set
relative to the day of the first seeding so that the expo is running when you try it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from eventhub.auth.demo import seed_onboarding
from eventhub.auth.models import User
from eventhub.auth.passwords import hash_password
from eventhub.booths.demo import seed_booths
from eventhub.checkin.demo import seed_checkins
from eventhub.deals.dealflow.demo import seed_deal_flow
from eventhub.deals.leads.demo import seed_leads
from eventhub.deals.matchmaking.demo import seed_matchmaking
from eventhub.deals.programmes.demo import DEMO_PROGRAMME_NAMES, seed_programmes
from eventhub.deals.tables.demo import seed_tables
from eventhub.demo_translations import seed_translations
from eventhub.events.editing import to_utc
from eventhub.events.models import AttendeeCategory, Event, Zone
from eventhub.extensions import db
from eventhub.meetings.demo import seed_meetings
from eventhub.profiles.models import Investor, Startup
from eventhub.profiles.vocabulary import CITY_SITES, SECTORS, STAGES
from eventhub.registration.demo import seed_registrations

DEMO_PASSWORD = "eventhub-demo"  # noqa: S105 (public demo accounts, printed by `make run`)
EXPO_SLUG = "tech-expo-marrakech"
DEMO_DAY_SLUG = "demo-day-casablanca"
DEMO_ACCOUNTS = (
    ("admin@eventhub.test", "admin", "Nadia Organisatrice"),
    ("staff@eventhub.test", "staff", "Youssef Contrôle"),
    ("startup@eventhub.test", "startup", "Salma Bennani"),
    ("investor@eventhub.test", "investor", "Karim Tazi"),
)
STARTUP_COUNT = 200
INVESTOR_COUNT = 40

FIRST_NAMES = (
    "Yasmine",
    "Mehdi",
    "Karim",
    "Salma",
    "Youssef",
    "Imane",
    "Omar",
    "Nadia",
    "Hamza",
    "Sara",
    "Amine",
    "Khadija",
    "Rachid",
    "Leïla",
    "Anas",
    "Meryem",
    "Reda",
    "Houda",
    "Ilyas",
    "Zineb",
    "Ayoub",
    "Ghita",
    "Othmane",
    "Hajar",
    "Adil",
    "Camille",
    "Julien",
    "Sophie",
    "Thomas",
    "Inès",
)
LAST_NAMES = (
    "El Amrani",
    "Benali",
    "Alaoui",
    "Bennani",
    "Tazi",
    "Chraibi",
    "Berrada",
    "El Idrissi",
    "Lahlou",
    "El Fassi",
    "Ouazzani",
    "Kettani",
    "Ziani",
    "Bouzid",
    "Sqalli",
    "Benjelloun",
    "Naciri",
    "Haddad",
    "Martin",
    "Dubois",
    "Lefèvre",
    "Moreau",
)
ARABIC_NAMES = (
    "يوسف العلوي",
    "سلمى بناني",
    "كريم التازي",
    "مريم الإدريسي",
    "حمزة برادة",
    "إيمان الشرايبي",
    "عمر الفاسي",
    "زينب القطاني",
    "أيوب الوزاني",
    "هاجر الحداد",
    "رشيد بنجلون",
    "خديجة الناصري",
)
NAME_STEMS = (
    "Atlas",
    "Argan",
    "Sahara",
    "Zellige",
    "Medina",
    "Oasis",
    "Nour",
    "Amal",
    "Tafilalt",
    "Souss",
    "Rif",
    "Tadla",
    "Draa",
    "Ifrane",
    "Chergui",
    "Noria",
    "Khettara",
    "Anfa",
    "Bouregreg",
    "Menara",
    "Agdal",
    "Kasbah",
    "Saffron",
    "Cedar",
    "Mogador",
)
NAME_ENDINGS = {
    "ai": ("AI", "Vision", "Mind"),
    "deeptech": ("Quantum", "Robotics", "Photonics"),
    "fintech": ("Pay", "Wallet", "Credit"),
    "agritech": ("Agri", "Harvest", "Irrigation"),
    "renewable_energy": ("Solar", "Wind", "Hydrogen"),
    "healthtech": ("Health", "Care", "Diagnostics"),
    "edtech": ("Learn", "Academy", "Skills"),
    "ecommerce": ("Market", "Shop", "Souk"),
    "mobility": ("Move", "Fleet", "Logistics"),
    "cybersecurity": ("Shield", "Secure", "Trust"),
}
SECTOR_PITCHES = {
    "ai": "turns Darija and French speech into searchable text for call centres.",
    "deeptech": "builds low-cost sensors for industrial predictive maintenance.",
    "fintech": "lets small shops accept mobile payments and get working-capital loans.",
    "agritech": "tells farmers when and how much to irrigate from satellite and soil data.",
    "renewable_energy": "installs and monitors solar pumping for rural cooperatives.",
    "healthtech": "connects rural clinics with specialists for remote diagnosis.",
    "edtech": "teaches coding in Arabic and French to secondary-school students.",
    "ecommerce": "brings artisans' products from the medina to buyers abroad.",
    "mobility": "optimises last-mile delivery routes for urban couriers.",
    "cybersecurity": "monitors SME networks and answers incidents around the clock.",
}
FUND_NAMES = (
    "Atlas Ventures",
    "Maghreb Seed Partners",
    "Sahara Capital",
    "Casablanca Angels",
    "Rabat Innovation Fund",
    "Tanger Med Ventures",
    "Argan Growth",
    "Oasis Impact",
    "Mediterranean Tech Fund",
    "Africa Frontier VC",
    "Cedar Capital",
    "Noria Ventures",
    "Souss Agri Fund",
    "Green Hydrogen Partners",
    "Fintech Africa Fund",
    "Anfa Angels",
    "Bouregreg Capital",
    "Digital Morocco Fund",
    "Impact Sahel",
    "Mogador Partners",
)


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + count

    @property
    def total(self) -> int:
        return sum(self.created.values())


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


# The steps seed_demo reports to its `progress` (for the CLI's progress bar).
SEED_STEPS = 16


def seed_demo(
    today: date | None = None, progress: Callable[[str], None] | None = None
) -> SeedReport:
    """Create whatever part of the demo data is missing. Flushes; the caller commits.

    `progress(step)` is called after each of its SEED_STEPS steps."""
    report = SeedReport()
    step = progress or (lambda _name: None)
    rng = random.Random(2027)  # noqa: S311 (demo data, not security)
    password_hash = hash_password(DEMO_PASSWORD)
    start = today or date.today()
    _seed_accounts(report, password_hash)
    step("accounts")
    expo = _seed_expo(report, start)
    step("expo")
    demo_day = _seed_demo_day(report, start + timedelta(days=21))
    step("demo_day")
    _seed_startups(report, rng, password_hash)
    step("startups")
    _seed_investors(report, rng, password_hash)
    db.session.flush()
    step("investors")
    for extend in _capability_seeders():
        extend(report, expo=expo, demo_day=demo_day, rng=rng)
        step(extend.__name__)
    db.session.flush()
    return report


def seed_step_count() -> int:
    return 5 + len(_capability_seeders())


def _capability_seeders() -> list:
    """Each capability adds its own demo data (registrations, booths, slots…), in this order."""
    return [
        seed_registrations,
        seed_checkins,
        seed_booths,
        seed_meetings,
        seed_matchmaking,
        seed_tables,
        seed_deal_flow,
        seed_onboarding,
        seed_leads,
        seed_programmes,
        seed_translations,
    ]


def _user(report: SeedReport, email: str, role: str, name: str, password_hash: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, role=role, name=name, password_hash=password_hash)
        db.session.add(user)
        report.add("users")
    return user


def _seed_accounts(report: SeedReport, password_hash: str) -> None:
    for email, role, name in DEMO_ACCOUNTS:
        _user(report, email, role, name, password_hash)


def _event(report: SeedReport, slug: str, **values: object) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        event = Event(slug=slug, **values)
        db.session.add(event)
        report.add("events")
    return event


def _zone(report: SeedReport, event: Event, name: str, description: str = "") -> Zone:
    for zone in event.zones:
        if zone.name == name:
            return zone
    zone = Zone(name=name, description=description)
    event.zones.append(zone)
    report.add("zones")
    return zone


def _category(
    report: SeedReport,
    event: Event,
    name: str,
    colour: str,
    *,
    public: bool,
    zones: list[Zone],
    position: int,
    default: bool = False,
    days: list[date] | None = None,
) -> AttendeeCategory:
    for category in event.categories:
        if category.name == name:
            return category
    category = AttendeeCategory(
        name=name,
        colour=colour,
        is_public=public,
        is_default=default,
        position=position,
        zones=zones,
    )
    category.set_days(days or [])
    event.categories.append(category)
    report.add("categories")
    return category


def _window(event_start: date, timezone: str, last_day: date) -> dict[str, datetime | None]:
    return {
        "registration_opens_at": to_utc(
            datetime.combine(event_start - timedelta(days=60), time(9)), timezone
        ),
        "registration_closes_at": to_utc(datetime.combine(last_day, time(18)), timezone),
    }


def _seed_expo(report: SeedReport, first_day: date) -> Event:
    last_day = first_day + timedelta(days=2)
    expo = _event(
        report,
        EXPO_SLUG,
        name=f"Marrakech Tech Expo {first_day.year}",
        kind="expo",
        status="published",
        venue="Bab Jdid exhibition grounds",
        city="Marrakech",
        timezone="Africa/Casablanca",
        first_day=first_day,
        last_day=last_day,
        capacity=25_000,
        description=(
            "Three days of artificial intelligence, deep tech, fintech, agritech and "
            "renewable energy: 3 halls of exhibitors, a startup pavilion with 200 startups "
            "of the national technopark network, pitches on the demo stage."
        ),
        **_window(first_day, "Africa/Casablanca", last_day),
    )
    hall1 = _zone(report, expo, "Hall 1 · AI & Deep Tech")
    hall2 = _zone(report, expo, "Hall 2 · Fintech & AgriTech")
    hall3 = _zone(report, expo, "Hall 3 · Renewable energy")
    pavilion = _zone(report, expo, "Startup pavilion")
    stage = _zone(report, expo, "Demo stage")
    vip = _zone(report, expo, "VIP lounge")
    open_areas = [hall1, hall2, hall3, pavilion, stage]
    _category(
        report, expo, "Visitor", "#2563eb", public=True, default=True, zones=open_areas, position=0
    )
    _category(report, expo, "Exhibitor", "#16a34a", public=False, zones=open_areas, position=1)
    _category(
        report, expo, "Investor", "#9333ea", public=False, zones=[*open_areas, vip], position=2
    )
    _category(report, expo, "Press", "#ea580c", public=True, zones=open_areas, position=3)
    _category(
        report, expo, "Speaker", "#0891b2", public=False, zones=[*open_areas, vip], position=4
    )
    _category(report, expo, "VIP", "#111827", public=False, zones=[], position=5)
    _category(report, expo, "Staff", "#dc2626", public=False, zones=[], position=6)
    _category(
        report,
        expo,
        "Student day pass",
        "#ca8a04",
        public=True,
        zones=[hall1, hall2, hall3, pavilion],
        position=7,
        days=[last_day],
    )
    return expo


def _seed_demo_day(report: SeedReport, day: date) -> Event:
    demo_day = _event(
        report,
        DEMO_DAY_SLUG,
        name=f"Technopark Demo Day {day.year}",
        kind="demo_day",
        status="published",
        venue="Technopark Casablanca, Route de Nouaceur",
        city="Casablanca",
        timezone="Africa/Casablanca",
        first_day=day,
        last_day=day,
        capacity=600,
        description=(
            "Startups of the Boost up Lab, Accelerate and DigitAgri programmes pitch on "
            "stage, then meet investors for 20-minute one-to-one meetings."
        ),
        **_window(day, "Africa/Casablanca", day),
    )
    stage = _zone(report, demo_day, "Pitch stage")
    meetings = _zone(report, demo_day, "Meeting area")
    _category(
        report, demo_day, "Guest", "#2563eb", public=True, default=True, zones=[stage], position=0
    )
    _category(
        report, demo_day, "Startup", "#16a34a", public=False, zones=[stage, meetings], position=1
    )
    _category(
        report, demo_day, "Investor", "#9333ea", public=False, zones=[stage, meetings], position=2
    )
    _category(report, demo_day, "Press", "#ea580c", public=True, zones=[stage], position=3)
    _category(report, demo_day, "Staff", "#dc2626", public=False, zones=[], position=4)
    return demo_day


def person_name(rng: random.Random, index: int) -> str:
    if index % 4 == 3:
        return ARABIC_NAMES[rng.randrange(len(ARABIC_NAMES))]
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def startup_names(count: int) -> list[tuple[str, str]]:
    """(name, sector) pairs, unique and always the same."""
    sectors = list(SECTORS)
    names: list[tuple[str, str]] = []
    for index in range(count):
        sector = sectors[index % len(sectors)]
        stem = NAME_STEMS[(index // len(sectors)) % len(NAME_STEMS)]
        ending = NAME_ENDINGS[sector][(index // (len(sectors) * len(NAME_STEMS))) % 3]
        names.append((f"{stem} {ending}", sector))
    return names


def _seed_startups(report: SeedReport, rng: random.Random, password_hash: str) -> None:
    existing = set(db.session.scalars(select(Startup.name)))
    stages = list(STAGES)
    demo_user = db.session.scalar(select(User).where(User.email == "startup@eventhub.test"))
    for index, (name, sector) in enumerate(startup_names(STARTUP_COUNT)):
        programme = DEMO_PROGRAMME_NAMES[index % len(DEMO_PROGRAMME_NAMES)]
        city = CITY_SITES[(index * 7) % len(CITY_SITES)]
        stage = stages[rng.randrange(len(stages))]
        contact = person_name(rng, index)
        if name in existing:
            continue
        startup = Startup(
            name=name,
            sector=sector,
            stage=stage,
            programme=programme,
            city_site=city,
            website=f"https://{name.lower().replace(' ', '-')}.example.ma",
            pitch=f"{name} {SECTOR_PITCHES[sector]} Founded in {city}, incubated in {programme}.",
        )
        db.session.add(startup)
        report.add("startups")
        if index == 0 and demo_user is not None:
            demo_user.startup = startup
            startup.owner = demo_user
            continue
        email = f"team{index:03d}@startups.eventhub.test"
        member = _user(report, email, "startup", contact, password_hash)
        member.startup = startup
        startup.owner = member


def _seed_investors(report: SeedReport, rng: random.Random, password_hash: str) -> None:
    sectors = list(SECTORS)
    stages = list(STAGES)
    for index in range(INVESTOR_COUNT):
        if index == 0:
            user = db.session.scalar(select(User).where(User.email == "investor@eventhub.test"))
        else:
            user = _user(
                report,
                f"partner{index:02d}@investors.eventhub.test",
                "investor",
                person_name(rng, index),
                password_hash,
            )
        fund = FUND_NAMES[index % len(FUND_NAMES)]
        if index >= len(FUND_NAMES):
            fund = f"{fund} II"
        ticket_min = rng.choice((25_000, 50_000, 100_000, 250_000))
        chosen_sectors = sorted(rng.sample(sectors, 3))
        chosen_stages = sorted(rng.sample(stages, 2))
        if user is None or user.investor is not None:
            continue
        user.investor = Investor(
            user=user,
            fund=fund,
            ticket_min_eur=ticket_min,
            ticket_max_eur=ticket_min * rng.choice((4, 8, 10)),
            sectors=chosen_sectors,
            stages=chosen_stages,
            bio=f"{fund} backs North African founders from first cheque to Series A.",
        )
        report.add("investors")
