"""The words shown for the booths' stored values (kinds, statuses, tiers, zones), in the
reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from eventhub.profiles.vocabulary import SECTORS


def kind_labels() -> dict[str, Any]:
    return {
        "standard": _l("Standard"),
        "corner": _l("Corner"),
        "island": _l("Island"),
        "pod": _l("Pod"),
    }


def booth_status_labels() -> dict[str, Any]:
    return {
        "available": _l("Available"),
        "held": _l("Held"),
        "allocated": _l("Allocated"),
        "blocked": _l("Blocked"),
    }


def tier_labels() -> dict[str, Any]:
    return {"economy": _l("Economy"), "standard": _l("Standard"), "premium": _l("Premium")}


def application_status_labels() -> dict[str, Any]:
    return {
        "pending": _l("Pending"),
        "approved": _l("Approved"),
        "waitlisted": _l("Waiting list"),
        "rejected": _l("Rejected"),
    }


def zone_labels() -> dict[str | None, str]:
    labels: dict[str | None, str] = {code: str(label) for code, label in SECTORS.items()}
    labels[None] = str(_l("No zone"))
    return labels


def page_labels() -> dict[str, Any]:
    """Every label set, as the booth templates use them (`labels.kinds[booth.kind]`…)."""
    return {
        "kinds": kind_labels(),
        "statuses": booth_status_labels(),
        "tiers": tier_labels(),
        "zones": zone_labels(),
        "applications": application_status_labels(),
    }
