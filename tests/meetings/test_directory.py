"""The investor directory: filters, counts of open slots, the investors of an event."""

from __future__ import annotations

from eventhub.meetings.directory import (
    DirectoryFilters,
    all_investors,
    find_event_investor,
    investor_directory,
)


def test_directory_filters_by_sector_stage_ticket_and_name(demo_day, make_investor, open_for):
    agri = make_investor(fund="Souss Agri Fund", sectors=["agritech"], stages=["seed"])
    fin = make_investor(
        fund="Fintech Africa",
        sectors=["fintech"],
        stages=["series_a"],
        ticket_min_eur=500_000,
        ticket_max_eur=2_000_000,
    )
    make_investor(fund="No Slots Capital", sectors=["agritech"])
    open_for(demo_day, agri)
    open_for(demo_day, fin)

    def funds(**filters) -> list[str]:
        return [e.investor.fund for e in investor_directory(demo_day, DirectoryFilters(**filters))]

    assert funds() == ["Fintech Africa", "Souss Agri Fund"]
    assert funds(sector="agritech") == ["Souss Agri Fund"]
    assert funds(stage="series_a") == ["Fintech Africa"]
    assert funds(ticket_eur=1_000_000) == ["Fintech Africa"]
    assert funds(text="souss") == ["Souss Agri Fund"]
    assert investor_directory(demo_day)[1].open_slots == 3


def test_an_investor_of_the_event_is_one_with_slots(demo_day, make_investor, make_event, open_for):
    with_slots, without = make_investor(fund="B Fund"), make_investor(fund="A Fund")
    open_for(demo_day, with_slots)
    assert find_event_investor(demo_day, with_slots.investor.id) == with_slots.investor
    assert find_event_investor(demo_day, without.investor.id) is None
    assert find_event_investor(make_event(slug="elsewhere"), with_slots.investor.id) is None
    assert find_event_investor(demo_day, 999_999) is None
    assert [investor.fund for investor in all_investors()] == ["A Fund", "B Fund"]
