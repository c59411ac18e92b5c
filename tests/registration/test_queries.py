"""The organiser's queries, without HTTP: the list's search and filters, the count per
status, the addresses already registered."""

from __future__ import annotations

from eventhub.extensions import db
from eventhub.registration.queries import (
    EMAIL_BATCH,
    ListFilters,
    registered_emails,
    select_registrations,
    status_counts,
)
from eventhub.registration.register import cancel


def numbers(event, **filters) -> list[str]:
    query = select_registrations(event, ListFilters(**filters))
    return [registration.number for registration in db.session.scalars(query)]


def test_search_and_filters(app, make_event, make_registration):
    event, other = make_event(), make_event()
    salma = make_registration(event, first_name="Salma", last_name="Bennani", email="sb@x.ma")
    omar = make_registration(event, first_name="Omar", organization="100% Solar_Co")
    vip = next(c for c in event.categories if c.name == "VIP")
    nadia = make_registration(event, category=vip, first_name="Nadia", last_name="العلوي")
    make_registration(other, first_name="Salma")
    cancel(omar)
    db.session.commit()

    assert numbers(event) == [nadia.number, omar.number, salma.number]  # newest first
    assert numbers(event, q="salma bennani") == [salma.number]
    assert numbers(event, q="  SB@X.MA ") == [salma.number]
    assert numbers(event, q="العلوي") == [nadia.number]
    assert numbers(event, q="100%") == [omar.number]
    assert numbers(event, q="%") == [omar.number]  # taken literally, not as a wildcard
    assert numbers(event, q="0%_S") == []
    assert numbers(event, q="a\x00b") == numbers(event, q="ab")
    assert numbers(event, status="cancelled") == [omar.number]
    assert numbers(event, status="unknown") == numbers(event)
    assert numbers(event, category=vip) == [nadia.number]
    assert numbers(event, status="confirmed", q="bennani") == [salma.number]


def test_query_args_keep_only_what_filters(app, make_event):
    event = make_event()
    vip = event.categories[1]
    assert ListFilters().query_args() == {}
    assert ListFilters(q="x", status=None, category=vip).query_args() == {
        "q": "x",
        "category": vip.id,
    }


def test_status_counts_name_every_status(app, make_event, make_registration):
    event = make_event(capacity=1)
    assert status_counts(event) == {
        "confirmed": 0,
        "waitlisted": 0,
        "offered": 0,
        "cancelled": 0,
        "unconfirmed": 0,
    }
    first = make_registration(event)
    make_registration(event)
    make_registration(event)
    assert status_counts(event) == {
        "confirmed": 1,
        "waitlisted": 2,
        "offered": 0,
        "cancelled": 0,
        "unconfirmed": 0,
    }
    cancel(first)
    db.session.commit()
    assert status_counts(event) == {
        "confirmed": 0,
        "waitlisted": 1,
        "offered": 1,
        "cancelled": 1,
        "unconfirmed": 0,
    }


def test_registered_emails_of_this_event_only_in_batches(app, make_event, make_registration):
    event, other = make_event(), make_event()
    make_registration(event, email="a@example.com")
    make_registration(event, email="z@example.com")
    make_registration(other, email="b@example.com")
    asked = {f"someone{n:04d}@example.com" for n in range(EMAIL_BATCH * 2)}
    asked |= {"a@example.com", "b@example.com", "z@example.com"}
    assert registered_emails(event, asked) == {"a@example.com", "z@example.com"}
    assert registered_emails(event, set()) == set()
