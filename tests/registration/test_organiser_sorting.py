"""The organiser's registrations list sorted on the server (name, registered, category,
status), with the filters and the sort kept in the address, and pages that never overlap."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.models import Registration

pytestmark = pytest.mark.usefixtures("in_english")


def listed(response) -> list[str]:
    return re.findall(r'<td dir="ltr"[^>]*>(\d{3,}-\d{6})</td>', response.get_data(as_text=True))


@pytest.fixture
def people(make_event, make_registration):
    """Four registrations made a minute apart: Zahra (VIP), Amal, Karim (cancelled), Badr."""
    event = make_event()
    vip = event.categories[1]  # "VIP", before "Visitor" in the alphabet
    made = {}
    for minutes, (first, last) in enumerate(
        [("Zahra", "Zahiri"), ("Amal", "Amrani"), ("Karim", "Kettani"), ("Badr", "Bennis")]
    ):
        category = vip if first == "Zahra" else None
        made[first] = make_registration(event, category, first_name=first, last_name=last)
        db.session.execute(
            update(Registration)
            .where(Registration.id == made[first].id)
            .values(created_at=utcnow() - timedelta(minutes=10 - minutes))
        )
    made["Karim"].status = "cancelled"
    db.session.commit()
    return event, made


def test_sorts_by_each_column_both_ways(client, login_as, people):
    event, made = people
    login_as("admin")
    url = f"/organiser/events/{event.slug}/registrations"

    def order(sort: str, **more) -> list[str]:
        numbers = listed(client.get(url, query_string={"sort": sort, **more}))
        by_number = {r.number: name for name, r in made.items()}
        return [by_number[number] for number in numbers]

    assert order("") == ["Badr", "Karim", "Amal", "Zahra"]  # newest first
    assert order("registered") == ["Zahra", "Amal", "Karim", "Badr"]
    assert order("name") == ["Amal", "Badr", "Karim", "Zahra"]
    assert order("-name") == ["Zahra", "Karim", "Badr", "Amal"]
    assert order("category")[0] == "Zahra" and order("-category")[-1] == "Zahra"
    assert order("status")[0] == "Karim"
    assert order("name", status="confirmed") == ["Amal", "Badr", "Zahra"]
    for bad in ("password", "-", "--name", "name;drop"):
        assert order(bad) == ["Badr", "Karim", "Amal", "Zahra"], bad


def test_the_address_keeps_filters_and_sort_and_pages_do_not_overlap(
    client, login_as, make_event, make_registration
):
    event = make_event()
    for number in range(30):
        make_registration(event, last_name=f"Same {number % 2}")  # many ties on the name
    login_as("admin")
    url = f"/organiser/events/{event.slug}/registrations"
    query = {"sort": "name", "per_page": "25", "q": "Same"}
    first = client.get(url, query_string=query)
    second = client.get(url, query_string={**query, "page": 2})
    assert len(listed(first)) == 25 and len(listed(second)) == 5
    assert not set(listed(first)) & set(listed(second))
    page = first.get_data(as_text=True)
    assert re.search(r'href="[^"]*page=2[^"]*"', page)
    link = re.search(r'<a href="([^"]*page=2[^"]*)" rel="next"', page).group(1)
    assert all(part in link for part in ("sort=name", "per_page=25", "q=Same"))
    assert 'aria-sort="ascending"' in page
    assert '<input type="hidden" name="sort" value="name">' in page
    assert "data-confirm=" in page  # the cancel buttons ask first
