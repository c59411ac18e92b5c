"""The organiser's list of users sorted on the server: name, e-mail, role, last sign-in and
creation, both ways, with the filters kept; unknown sorts fall back to the name."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from eventhub.extensions import db
from eventhub.models_common import utcnow

pytestmark = pytest.mark.usefixtures("in_english")


def names(client, **query) -> list[str]:
    page = client.get("/organiser/users", query_string=query).get_data(as_text=True)
    return re.findall(r'/organiser/users/\d+" dir="auto">([^<]+)</a>', page)


@pytest.fixture
def people(make_user):
    now = utcnow()
    made = {
        "Badr": make_user("staff", name="Badr", email="z-badr@example.test"),
        "Amal": make_user("investor", name="Amal", email="y-amal@example.test"),
        "Chama": make_user("startup", name="Chama", email="x-chama@example.test"),
    }
    made["Badr"].last_login_at = now - timedelta(days=2)
    made["Amal"].last_login_at = now - timedelta(hours=1)
    for days, name in enumerate(("Chama", "Amal", "Badr")):
        made[name].created_at = now - timedelta(days=10 - days)
    db.session.commit()
    return made


def test_each_column_sorts_both_ways(client, login_as, people):
    organiser = login_as("admin")
    organiser.name = "Omar"
    organiser.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assert names(client) == ["Amal", "Badr", "Chama", "Omar"]
    assert names(client, sort="-name") == ["Omar", "Chama", "Badr", "Amal"]
    assert names(client, sort="email", role="staff") == ["Badr"]
    by_email = [name for name in names(client, sort="email") if name != "Omar"]
    assert by_email == ["Chama", "Amal", "Badr"]
    assert names(client, sort="role") == ["Omar", "Amal", "Badr", "Chama"]  # admin < investor…
    # The organiser signed in just now; "never" comes before any time.
    assert names(client, sort="-last_sign_in") == ["Omar", "Amal", "Badr", "Chama"]
    assert names(client, sort="last_sign_in") == ["Chama", "Badr", "Amal", "Omar"]
    assert names(client, sort="created") == ["Omar", "Chama", "Amal", "Badr"]
    assert names(client, sort="-created", state="active")[0] == "Badr"
    for bad in ("password_hash", "-", "id", "name desc"):
        assert names(client, sort=bad) == ["Amal", "Badr", "Chama", "Omar"], bad


def test_sort_links_and_the_filter_form_keep_the_address(client, login_as, people):
    login_as("admin")
    page = client.get("/organiser/users?role=investor&sort=-created").get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    assert re.search(r'href="[^"]*role=investor[^"]*sort=created"', page)
    assert '<input type="hidden" name="sort" value="-created">' in page
