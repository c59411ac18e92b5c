"""The demo seed's programmes: three, named in three languages, with figures on both demo
events; a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from eventhub.deals.programmes.catalogue import all_programmes
from eventhub.deals.programmes.models import Programme
from eventhub.deals.programmes.outcomes import outcomes_by_programme
from eventhub.demo import DEMO_DAY_SLUG, EXPO_SLUG, seed_demo
from eventhub.events.models import Event
from eventhub.extensions import db


def test_the_demo_has_programmes_with_figures(app):
    seed_demo()
    db.session.commit()
    programmes = all_programmes()
    assert [p.name for p in programmes] == ["Accelerate", "Boost up Lab", "DigitAgri"]
    assert all(p.translation("name", "ar") and p.translation("name", "en") for p in programmes)
    expo = db.session.scalar(select(Event).where(Event.slug == EXPO_SLUG))
    day = db.session.scalar(select(Event).where(Event.slug == DEMO_DAY_SLUG))
    at_expo = outcomes_by_programme(expo)
    assert sum(o.booths for o in at_expo) > 0 and sum(o.leads for o in at_expo) > 0
    at_day = outcomes_by_programme(day)
    assert sum(o.meetings_requested for o in at_day) > 0
    assert sum(o.taking_part for o in at_day) > 0

    report = seed_demo()
    db.session.commit()
    assert "programmes" not in report.created
    assert db.session.scalar(select(func.count()).select_from(Programme)) == 3


def test_programmes_the_migration_made_get_their_names(app):
    """Migration 0017 makes bare rows from the startups' names: the seed names them."""
    db.session.add(Programme(name="DigitAgri", description="", translations={}))
    db.session.commit()
    seed_demo()
    db.session.commit()
    agri = db.session.scalar(select(Programme).where(Programme.name == "DigitAgri"))
    assert agri.translation("name", "ar") == "الفلاحة الرقمية" and agri.description
