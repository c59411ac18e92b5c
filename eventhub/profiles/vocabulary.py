"""The words profiles are described with: sectors, stages, city sites. (Programmes are the
organiser's data: eventhub/deals/programmes.)"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SECTORS = {
    "ai": _l("Artificial intelligence"),
    "deeptech": _l("Deep tech"),
    "fintech": _l("Fintech"),
    "agritech": _l("AgriTech"),
    "renewable_energy": _l("Renewable energy"),
    "healthtech": _l("HealthTech"),
    "edtech": _l("EdTech"),
    "ecommerce": _l("E-commerce"),
    "mobility": _l("Mobility and logistics"),
    "cybersecurity": _l("Cybersecurity"),
}

STAGES = {
    "idea": _l("Idea"),
    "mvp": _l("Prototype / MVP"),
    "seed": _l("Seed"),
    "series_a": _l("Series A"),
    "growth": _l("Growth"),
}

CITY_SITES = ("Casablanca", "Rabat", "Tanger", "Fès", "Oujda", "Agadir")


def sector_label(code: str) -> str:
    return str(SECTORS.get(code, code))


def stage_label(code: str) -> str:
    return str(STAGES.get(code, code))
