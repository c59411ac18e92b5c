"""The demo events' texts in French and Arabic (they are written in English), so that the
demo shows each reader the event, its categories, zones, halls and gates in their language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from eventhub.booths.models import Hall
from eventhub.checkin.models import Gate
from eventhub.content_languages import Translatable
from eventhub.events.models import Event
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.demo import SeedReport

# English text → (French, Arabic). "{year}" stands for the event's year.
TEXTS: dict[str, tuple[str, str]] = {
    # The expo
    "Marrakech Tech Expo {year}": (
        "Salon Tech de Marrakech {year}",
        "معرض مراكش للتكنولوجيا {year}",
    ),
    "Three days, three halls and 200 startups of the national technopark network.": (
        "Trois jours, trois halls et 200 startups du réseau national des technoparks.",
        "ثلاثة أيام وثلاث قاعات و200 شركة ناشئة من الشبكة الوطنية للتكنوبارك.",
    ),
    "Bab Jdid exhibition grounds": ("Parc des expositions de Bab Jdid", "ساحة معارض باب جديد"),
    (
        "Three days of artificial intelligence, deep tech, fintech, agritech and "
        "renewable energy: 3 halls of exhibitors, a startup pavilion with 200 startups "
        "of the national technopark network, pitches on the demo stage."
    ): (
        "Trois jours d'intelligence artificielle, de deep tech, de fintech, d'agritech et "
        "d'énergies renouvelables : 3 halls d'exposants, un pavillon de 200 startups du "
        "réseau national des technoparks, des pitchs sur la scène des démos.",
        "ثلاثة أيام للذكاء الاصطناعي والتكنولوجيا العميقة والتكنولوجيا المالية والفلاحية "
        "والطاقات المتجددة: 3 قاعات للعارضين، وجناح يضم 200 شركة ناشئة من الشبكة الوطنية "
        "للتكنوبارك، وعروض على منصة العروض.",
    ),
    "Hall 1 · AI & Deep Tech": (
        "Hall 1 · IA et deep tech",
        "القاعة 1 · الذكاء الاصطناعي والتكنولوجيا العميقة",
    ),
    "Hall 2 · Fintech & AgriTech": (
        "Hall 2 · Fintech et agritech",
        "القاعة 2 · التكنولوجيا المالية والفلاحية",
    ),
    "Hall 3 · Renewable energy": ("Hall 3 · Énergies renouvelables", "القاعة 3 · الطاقات المتجددة"),
    "Startup pavilion": ("Pavillon des startups", "جناح الشركات الناشئة"),
    "Demo stage": ("Scène des démos", "منصة العروض"),
    "VIP lounge": ("Salon VIP", "صالة كبار الشخصيات"),
    "Visitor": ("Visiteur", "زائر"),
    "Exhibitor": ("Exposant", "عارض"),
    "Investor": ("Investisseur", "مستثمر"),
    "Press": ("Presse", "صحافة"),
    "Speaker": ("Intervenant", "متحدث"),
    "VIP": ("VIP", "كبار الشخصيات"),
    "Staff": ("Organisation", "طاقم التنظيم"),
    "Student day pass": ("Pass étudiant (un jour)", "تذكرة طالب ليوم واحد"),
    "North entrance": ("Entrée nord", "المدخل الشمالي"),
    "South entrance": ("Entrée sud", "المدخل الجنوبي"),
    "Hall 1 door": ("Porte du hall 1", "باب القاعة 1"),
    "Hall 1 exit": ("Sortie du hall 1", "مخرج القاعة 1"),
    "VIP lounge door": ("Porte du salon VIP", "باب صالة كبار الشخصيات"),
    # The demo day
    "Technopark Demo Day {year}": ("Demo Day Technopark {year}", "يوم العروض تكنوبارك {year}"),
    "Pitches on stage, then 20-minute meetings with investors.": (
        "Des pitchs sur scène, puis des rendez-vous de 20 minutes avec des investisseurs.",
        "عروض على المنصة، ثم لقاءات مع المستثمرين مدة كل منها 20 دقيقة.",
    ),
    "Technopark Casablanca, Route de Nouaceur": (
        "Technopark Casablanca, route de Nouaceur",
        "تكنوبارك الدار البيضاء، طريق النواصر",
    ),
    (
        "Startups of the Boost up Lab, Accelerate and DigitAgri programmes pitch on "
        "stage, then meet investors for 20-minute one-to-one meetings."
    ): (
        "Les startups des programmes Boost up Lab, Accelerate et DigitAgri pitchent sur "
        "scène, puis rencontrent des investisseurs en tête-à-tête de 20 minutes.",
        "تقدم الشركات الناشئة لبرامج Boost up Lab وAccelerate وDigitAgri عروضها على المنصة، "
        "ثم تلتقي بالمستثمرين في لقاءات ثنائية مدة كل منها 20 دقيقة.",
    ),
    "Pitch stage": ("Scène des pitchs", "منصة العروض التقديمية"),
    "Meeting area": ("Espace rendez-vous", "فضاء اللقاءات"),
    "Guest": ("Invité", "ضيف"),
    "Startup": ("Startup", "شركة ناشئة"),
    "Main door": ("Entrée principale", "الباب الرئيسي"),
}

SUMMARIES = {
    "expo": "Three days, three halls and 200 startups of the national technopark network.",
    "demo_day": "Pitches on stage, then 20-minute meetings with investors.",
}


def seed_translations(report: SeedReport, *, expo: Event, demo_day: Event, **_: Any) -> None:
    """Give the demo events' English texts in French and Arabic."""
    for event in (expo, demo_day):
        event.main_language = "en"
        event.summary = event.summary or SUMMARIES[event.kind]
        year = str(event.first_day.year)
        rows: list[Translatable] = [event, *event.categories, *event.zones]
        rows += _rows_of(Hall, event) + _rows_of(Gate, event)
        for row in rows:
            for field in row.TRANSLATED_FIELDS:
                _translate(report, row, field, year)


def _rows_of(model: Any, event: Event) -> list[Translatable]:
    return list(db.session.scalars(select(model).where(model.event_id == event.id)))


def _translate(report: SeedReport, row: Translatable, field: str, year: str) -> None:
    english = (getattr(row, field) or "").replace(year, "{year}")
    if english not in TEXTS:
        return
    for language, text in zip(("fr", "ar"), TEXTS[english], strict=True):
        if row.set_translation(field, language, text.replace("{year}", year)):
            report.add("translations")
