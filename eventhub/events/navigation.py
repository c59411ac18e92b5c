"""The organiser's pages of one event, grouped as the navigation shows them: Setup, People,
Door, Booths (expos only) and Meetings. Each page has a key; a template names its page with
`{% set active = '<key>' %}` and the navigation marks that page (aria-current) and its group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class NavLink:
    key: str  # the `active` value of the page; "" for a page that is never current here
    label: Any  # a lazy string
    url: str
    hint: Any = ""  # a title shown on hover, when the label needs more words

    def is_current(self, active: str | None) -> bool:
        return bool(self.key) and self.key == active


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: Any
    links: tuple[NavLink, ...]

    def current_link(self, active: str | None) -> NavLink | None:
        return next((link for link in self.links if link.is_current(active)), None)


def _link(key: str, label: Any, endpoint: str, slug: str, hint: Any = "") -> NavLink:
    return NavLink(key, label, url_for(endpoint, slug=slug), hint)


def organiser_nav_groups(event: Any) -> list[NavGroup]:
    """The groups of the organiser's pages of `event`, in the order they are shown."""
    slug = event.slug
    groups = [
        NavGroup(
            "setup",
            _l("Setup"),
            (
                _link("", _l("Public page"), "events.event_page", slug),
                _link("edit", _l("Details"), "events.edit_event", slug),
                _link("zones", _l("Zones"), "events.zones", slug),
                _link("categories", _l("Categories"), "events.categories", slug),
                _link("gates", _l("Gates"), "checkin.gates", slug),
                _link("translations", _l("Translations"), "events.translations", slug),
                _link("privacy", _l("Privacy notice"), "events.privacy_settings", slug),
            ),
        ),
        NavGroup(
            "people",
            _l("People"),
            (
                _link("registrations", _l("Registrations"), "registration.organiser_list", slug),
                _link(
                    "badges",
                    _l("All badges (PDF)"),
                    "badges.bulk_badges",
                    slug,
                    _l("One PDF, or a ZIP of PDFs of 2,000 badges each for a larger event"),
                ),
                _link("mail", _l("E-mails"), "mail_log.messages", slug),
                _link("jobs", _l("Jobs"), "work.event_jobs", slug),
            ),
        ),
        NavGroup(
            "door",
            _l("Door"),
            (
                _link("attendance", _l("Live attendance"), "checkin.attendance", slug),
                _link("", _l("Scanner"), "checkin.scanner", slug),
                _link("desk", _l("Help desk"), "checkin.desk", slug),
                _link("door_conflicts", _l("Door conflicts"), "checkin.door_conflicts", slug),
            ),
        ),
    ]
    if event.kind == "expo":
        groups.append(
            NavGroup(
                "booths",
                _l("Booths"),
                (
                    _link("booths", _l("Halls and booths"), "booths.organiser_plan", slug),
                    _link(
                        "booth_applications",
                        _l("Booth applications"),
                        "booths.applications",
                        slug,
                    ),
                    _link("allocation", _l("Allocation"), "booths.allocation", slug),
                    _link("leads", _l("Exhibitor leads"), "leads.organiser", slug),
                ),
            )
        )
    groups.append(
        NavGroup(
            "meetings",
            _l("Meetings"),
            (
                _link("meetings", _l("Investor meetings"), "meetings.organiser", slug),
                _link("meeting_slots", _l("Slots"), "meetings.organiser_slots", slug),
                _link("schedule", _l("Scheduler"), "meetings.schedule_page", slug),
                _link("meeting_report", _l("Meetings held"), "meetings.report", slug),
                _link("tables_live", _l("Live meetings"), "tables.live", slug),
                _link("tables", _l("Table check-in"), "tables.organiser", slug),
                _link("programmes", _l("Programme outcomes"), "programmes.outcomes", slug),
                _link("", _l("Investor directory"), "meetings.directory", slug),
            ),
        )
    )
    return groups
