"""Fixtures of the matchmaking tests: the meeting tests' demo day, parties and slots."""

from __future__ import annotations

import pytest

from eventhub.extensions import db
from tests.meetings import conftest as meeting_fixtures

# The meeting tests' fixtures, shared.
configure = meeting_fixtures.configure
demo_day = meeting_fixtures.demo_day
make_investor = meeting_fixtures.make_investor
make_startup = meeting_fixtures.make_startup
open_for = meeting_fixtures.open_for


@pytest.fixture
def match_day(demo_day, make_investor, make_startup, open_for, configure):
    """Requests open (at most 2 per party); Atlas (agritech, seed, 100 k–800 k€) and
    Sahara (fintech) with slots; Argan Data (agritech, seed, DigitAgri, Casablanca, raising
    500 k€) and PayNow (fintech, Series A); Nomad, an investor without slots there."""
    configure(demo_day, requests_open=True, max_requests_per_startup=2)
    atlas = make_investor(
        fund="Atlas Ventures",
        sectors=["agritech"],
        stages=["seed"],
        ticket_min_eur=100_000,
        ticket_max_eur=800_000,
    )
    sahara = make_investor(fund="Sahara Capital", sectors=["fintech"], stages=["series_a"])
    nomad = make_investor(fund="Nomad Fund")
    open_for(demo_day, atlas, table="T1")
    open_for(demo_day, sahara, table="T2")
    argan = make_startup(
        name="Argan Data",
        sector="agritech",
        stage="seed",
        programme="DigitAgri",
        city_site="Casablanca",
        round_size_eur=500_000,
    )
    paynow = make_startup(name="PayNow", sector="fintech", stage="series_a")
    db.session.commit()
    return {
        "event": demo_day,
        "atlas": atlas,
        "sahara": sahara,
        "nomad": nomad,
        "argan": argan,
        "paynow": paynow,
    }
