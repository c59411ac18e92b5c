"""Recommendations: which investors a startup should meet, and which startups an investor.

Pure logic over plain data: no Flask, no database (`why_text` alone needs a request or app
context, to translate). A pair scores points for each fact that matches:

    sector        the startup's sector is one of the investor's sectors         30
    mutual        both sides marked the other "must meet" or "would meet"       25
    stage         the startup's stage is one of the investor's stages           20
    ticket        the investor's ticket range covers the startup's round        20
                  (or its minimum fits and its maximum takes a part of it)      10
    programme     the investor showed interest in other startups of the         10
                  startup's programme (marks, requests)
    city_site     ... in other startups of the startup's city site              10
    event_city    the startup is based in the event's city                       5

An investor without sectors (or stages, or ticket range) gets no points for it: an empty
preference is "not said", not "anything". Candidates with no point at all are not
recommended. Ties are broken by name (case-insensitive), then id, so the list is stable.
The "why" is the two or three facts worth the most points, in that order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

POINTS = {
    "sector": 30,
    "mutual": 25,
    "stage": 20,
    "ticket_covers": 20,
    "ticket_part": 10,
    "programme": 10,
    "city_site": 10,
    "event_city": 5,
}
WHY_LENGTH = 3
DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class StartupFacts:
    id: int
    name: str
    sector: str = ""
    stage: str = ""
    programme: str = ""
    city_site: str = ""
    round_eur: int | None = None


@dataclass(frozen=True)
class InvestorFacts:
    id: int
    name: str
    sectors: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    ticket_min_eur: int | None = None
    ticket_max_eur: int | None = None


@dataclass(frozen=True)
class Fact:
    """One thing that matched: a stable `code` (a key of POINTS), its points, and what
    the text shows (a sector or stage code, a programme, a city, amounts)."""

    code: str
    points: int
    values: tuple[tuple[str, str | int | None], ...] = ()

    @property
    def params(self) -> dict[str, str | int | None]:
        return dict(self.values)


@dataclass(frozen=True)
class Recommendation:
    id: int
    name: str
    score: int
    why: tuple[Fact, ...]


@dataclass(frozen=True)
class Signals:
    """What is known beyond the profiles.

    `mutual`: the (startup id, investor id) pairs where both sides marked the other
    "must" or "would" meet. `interest`: per investor id, the startups it showed interest
    in (marked "must"/"would", asked, or accepted a request from)."""

    event_city: str = ""
    mutual: Collection[tuple[int, int]] = frozenset()
    interest: Mapping[int, Sequence[StartupFacts]] = field(default_factory=dict)


def _ticket_fact(startup: StartupFacts, investor: InvestorFacts) -> Fact | None:
    amount = startup.round_eur
    low, high = investor.ticket_min_eur, investor.ticket_max_eur
    if amount is None or (low is None and high is None):
        return None
    if low is not None and low > amount:
        return None  # the round is smaller than the investor's smallest ticket
    values = (("round", amount), ("min", low), ("max", high))
    if high is None or high >= amount:
        return Fact("ticket_covers", POINTS["ticket_covers"], values)
    return Fact("ticket_part", POINTS["ticket_part"], values)


def match_facts(startup: StartupFacts, investor: InvestorFacts, signals: Signals) -> list[Fact]:
    """Every fact that matches for the pair, most points first (then by code)."""
    facts: list[Fact] = []
    if startup.sector and startup.sector in investor.sectors:
        facts.append(Fact("sector", POINTS["sector"], (("sector", startup.sector),)))
    if startup.stage and startup.stage in investor.stages:
        facts.append(Fact("stage", POINTS["stage"], (("stage", startup.stage),)))
    ticket = _ticket_fact(startup, investor)
    if ticket is not None:
        facts.append(ticket)
    if (startup.id, investor.id) in signals.mutual:
        facts.append(Fact("mutual", POINTS["mutual"]))
    others = [s for s in signals.interest.get(investor.id, ()) if s.id != startup.id]
    if startup.programme and any(s.programme == startup.programme for s in others):
        facts.append(Fact("programme", POINTS["programme"], (("programme", startup.programme),)))
    if startup.city_site and any(s.city_site == startup.city_site for s in others):
        facts.append(Fact("city_site", POINTS["city_site"], (("site", startup.city_site),)))
    city = signals.event_city.strip().casefold()
    if city and startup.city_site.strip().casefold() == city:
        facts.append(Fact("event_city", POINTS["event_city"], (("city", startup.city_site),)))
    facts.sort(key=lambda f: (-f.points, f.code))
    return facts


def score(facts: Iterable[Fact]) -> int:
    return sum(f.points for f in facts)


def _rank(candidates: Iterable[tuple[int, str, list[Fact]]], limit: int) -> list[Recommendation]:
    ranked = [
        Recommendation(id=key, name=name, score=score(facts), why=tuple(facts[:WHY_LENGTH]))
        for key, name, facts in candidates
        if facts
    ]
    ranked.sort(key=lambda r: (-r.score, r.name.casefold(), r.id))
    return ranked[: max(limit, 0)]


def recommend_investors(
    startup: StartupFacts,
    investors: Iterable[InvestorFacts],
    signals: Signals,
    *,
    limit: int = DEFAULT_LIMIT,
    exclude: Collection[int] = (),
) -> list[Recommendation]:
    """The investors for `startup`, best first, at most `limit`; `exclude`: investor ids
    left out (marked "not now", already asked or met)."""
    return _rank(
        (
            (investor.id, investor.name, match_facts(startup, investor, signals))
            for investor in investors
            if investor.id not in exclude
        ),
        limit,
    )


def recommend_startups(
    investor: InvestorFacts,
    startups: Iterable[StartupFacts],
    signals: Signals,
    *,
    limit: int = DEFAULT_LIMIT,
    exclude: Collection[int] = (),
) -> list[Recommendation]:
    """The startups for `investor`, best first, at most `limit`; `exclude`: startup ids."""
    return _rank(
        (
            (startup.id, startup.name, match_facts(startup, investor, signals))
            for startup in startups
            if startup.id not in exclude
        ),
        limit,
    )


def why_text(fact: Fact) -> str:
    """The fact for people, in the current language (needs an app or request context)."""
    from flask_babel import format_currency, gettext

    from eventhub.profiles.vocabulary import sector_label, stage_label

    params = fact.params

    def euros(key: str) -> str:
        value = params.get(key)
        return (
            format_currency(value, "EUR", format="¤#,##0", currency_digits=False)
            if value is not None
            else "…"
        )

    if fact.code == "sector":
        return gettext("Sector: %(sector)s", sector=sector_label(str(params["sector"])))
    if fact.code == "stage":
        return gettext("Stage: %(stage)s", stage=stage_label(str(params["stage"])))
    if fact.code == "ticket_covers":
        if params.get("min") is None:
            return gettext(
                "Ticket up to %(high)s covers the %(round)s round",
                high=euros("max"),
                round=euros("round"),
            )
        if params.get("max") is None:
            return gettext(
                "Ticket from %(low)s covers the %(round)s round",
                low=euros("min"),
                round=euros("round"),
            )
        return gettext(
            "Ticket %(low)s–%(high)s covers the %(round)s round",
            low=euros("min"),
            high=euros("max"),
            round=euros("round"),
        )
    if fact.code == "ticket_part":
        return gettext(
            "Ticket up to %(high)s towards the %(round)s round",
            high=euros("max"),
            round=euros("round"),
        )
    if fact.code == "mutual":
        return gettext("You both marked each other")
    if fact.code == "programme":
        return gettext("Interest in other %(programme)s startups", programme=params["programme"])
    if fact.code == "city_site":
        return gettext("Interest in other startups from %(site)s", site=params["site"])
    if fact.code == "event_city":
        return gettext("Based in %(city)s, where the event takes place", city=params["city"])
    return fact.code
