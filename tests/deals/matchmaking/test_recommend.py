"""Recommendations: scores, the why, ties; pure logic, no HTTP, no database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eventhub.deals.matchmaking.recommend import (
    POINTS,
    InvestorFacts,
    Signals,
    StartupFacts,
    match_facts,
    recommend_investors,
    recommend_startups,
    why_text,
)

AGRI = StartupFacts(
    1, "Argan Data", "agritech", "seed", "DigitAgri", "Casablanca", round_eur=500_000
)
FIN = StartupFacts(2, "PayNow", "fintech", "series_a", "Accelerate", "Rabat", round_eur=3_000_000)
FUND = InvestorFacts(
    10, "Atlas", ("agritech", "ai"), ("seed",), ticket_min_eur=100_000, ticket_max_eur=800_000
)


def codes(facts) -> list[str]:
    return [f.code for f in facts]


def test_every_fact_that_matches_most_points_first():
    signals = Signals(
        event_city="casablanca",
        mutual={(1, 10)},
        interest={10: [StartupFacts(7, "Other", "ai", "seed", "DigitAgri", "Casablanca")]},
    )
    facts = match_facts(AGRI, FUND, signals)
    assert codes(facts) == [
        "sector",
        "mutual",
        "stage",
        "ticket_covers",
        "city_site",
        "programme",
        "event_city",
    ]
    assert sum(f.points for f in facts) == 30 + 25 + 20 + 20 + 10 + 10 + 5


def test_nothing_in_common_scores_nothing_and_is_not_recommended():
    small = replace(FIN, round_eur=50_000)
    assert match_facts(small, FUND, Signals()) == []
    assert recommend_startups(FUND, [small], Signals()) == []


@pytest.mark.parametrize(
    ("low", "high", "round_eur", "expected"),
    [
        (100_000, 800_000, 500_000, "ticket_covers"),
        (100_000, None, 500_000, "ticket_covers"),  # no maximum: covers any round above min
        (None, 200_000, 500_000, "ticket_part"),  # takes a part of the round
        (600_000, 900_000, 500_000, None),  # the round is below the smallest ticket
        (None, None, 500_000, None),  # no ticket said
        (100_000, 800_000, None, None),  # no round said
        (500_000, 500_000, 500_000, "ticket_covers"),  # edges included
    ],
)
def test_ticket_against_round(low, high, round_eur, expected):
    startup = StartupFacts(1, "S", round_eur=round_eur)
    investor = InvestorFacts(2, "I", ticket_min_eur=low, ticket_max_eur=high)
    facts = match_facts(startup, investor, Signals())
    assert codes(facts) == ([expected] if expected else [])
    if expected:
        assert facts[0].points == POINTS[expected]


def test_interest_in_the_startup_itself_is_not_a_programme_match():
    """The investor marked this very startup: that says nothing about its programme."""
    signals = Signals(interest={10: [AGRI]})
    assert "programme" not in codes(match_facts(AGRI, FUND, signals))
    assert "city_site" not in codes(match_facts(AGRI, FUND, signals))


def test_why_is_the_three_best_facts():
    signals = Signals(event_city="Casablanca", mutual={(1, 10)})
    [top] = recommend_investors(AGRI, [FUND], signals)
    assert top.id == 10 and top.score == 30 + 25 + 20 + 20 + 5
    assert codes(top.why) == ["sector", "mutual", "stage"]


def test_ranked_by_score_then_name_then_id_and_limited():
    investors = [
        InvestorFacts(5, "beta", ("agritech",)),
        InvestorFacts(4, "Alpha", ("agritech",)),
        InvestorFacts(3, "alpha", ("agritech",)),  # same name but case: the id decides
        InvestorFacts(9, "Zeta", ("agritech",), ("seed",)),  # more points: first
        InvestorFacts(8, "Nothing", ("fintech",)),
    ]
    ranked = recommend_investors(AGRI, investors, Signals(), limit=10)
    assert [r.id for r in ranked] == [9, 3, 4, 5]
    assert [r.id for r in recommend_investors(AGRI, investors, Signals(), limit=2)] == [9, 3]
    assert recommend_investors(AGRI, investors, Signals(), limit=0) == []
    # the same input in another order gives the same list
    assert recommend_investors(AGRI, investors[::-1], Signals(), limit=10) == ranked


def test_excluded_ids_are_left_out():
    ranked = recommend_startups(FUND, [AGRI, FIN], Signals(), exclude={1})
    assert [r.id for r in ranked] == [2]  # its ticket takes a part of the 3 M round


def test_why_texts(app, logic_in_english):
    signals = Signals(
        event_city="Casablanca",
        mutual={(1, 10)},
        interest={10: [StartupFacts(7, "Other", "ai", "seed", "DigitAgri", "Casablanca")]},
    )
    with app.test_request_context():
        texts = [why_text(f) for f in match_facts(AGRI, FUND, signals)]
    assert texts[0] == "Sector: AgriTech"
    assert texts[1] == "You both marked each other"
    assert texts[2] == "Stage: Seed"
    assert texts[3].startswith("Ticket ") and "500,000" in texts[3]
    assert "Interest in other DigitAgri startups" in texts
    assert "Based in Casablanca, where the event takes place" in texts


def test_ticket_texts_without_one_end(app, logic_in_english):
    startup = StartupFacts(1, "S", round_eur=500_000)
    with app.test_request_context():
        [up_to] = match_facts(startup, InvestorFacts(2, "I", ticket_max_eur=800_000), Signals())
        [from_] = match_facts(startup, InvestorFacts(2, "I", ticket_min_eur=100_000), Signals())
        assert why_text(up_to) == "Ticket up to €800,000 covers the €500,000 round"
        assert why_text(from_) == "Ticket from €100,000 covers the €500,000 round"
