"""The startups' booth pages over HTTP: applying, following, choosing a booth."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import BoothApplication
from eventhub.extensions import db
from tests.booths.pages import SLUG, flashes, page_of

pytestmark = pytest.mark.usefixtures("in_english")


def test_a_startup_applies_then_sees_its_status(client, row_of_booths, make_startup, auth,
                                                field_errors):  # fmt: skip
    user, _startup = make_startup(name="Nour Health", sector="healthtech")
    auth.login(user)
    url = f"/events/{SLUG}/booth-application"
    assert f'href="{url}"' in page_of(client.get("/my/booths"))  # where to apply
    form = {"kind": "standard", "area_wanted": "9", "zone_1": "healthtech", "zone_2": "",
            "zone_3": "", "preferred_booths": "A03, a04", "notes": "A screen"}  # fmt: skip
    response = client.post(url, data=form)
    assert response.status_code == 302
    application = db.session.scalars(select(BoothApplication)).one()
    assert application.preferred_booths == ["A03", "A04"]
    page = page_of(client.get(url))
    assert "Pending" in page and "Update my application" in page
    bad = client.post(url, data={**form, "preferred_booths": "Z99", "area_wanted": "-1"})
    assert bad.status_code == 422
    assert field_errors(bad, "area_wanted") or "positive" in page_of(bad)
    my = page_of(client.get("/my/booths"))
    assert "Booth Expo" in my and "Pending" in my and f'href="{url}"' in my
    assert "Expos taking applications" not in my


def test_applying_to_a_past_expo_says_it_is_over(client, make_event, make_startup, auth):
    make_event(slug="old-expo", first_day=date.today() - timedelta(days=30),
               last_day=date.today() - timedelta(days=28))  # fmt: skip
    user, _startup = make_startup()
    auth.login(user)
    page = page_of(client.get("/events/old-expo/booth-application"))
    assert "This event is over" in page and "Send my application" not in page
    for form in (
        {"kind": "standard", "area_wanted": "9"},
        {"kind": "standard", "area_wanted": "9", "zone_1": "", "zone_2": "", "zone_3": ""},
    ):
        response = client.post("/events/old-expo/booth-application", data=form)
        assert response.status_code == 409 and "This event is over" in page_of(response)
    assert db.session.scalars(select(BoothApplication)).all() == []


def test_self_service_choice_in_pages(client, plan, auth, field_errors):
    event = plan
    hall = booth_by_code(event, "A01").hall
    hall.self_service = True
    db.session.commit()
    argan = db.session.scalars(
        select(BoothApplication).where(BoothApplication.booth == None)  # noqa: E711
    ).one()
    auth.login(argan.startup.members[0])
    page = page_of(client.get(f"/events/{SLUG}/booths/choose?code=A03"))
    assert 'value="A03" checked' in page and "Take this booth" in page
    # A taken booth: said at the choice, with the booths still free to choose from.
    taken = client.post(f"/events/{SLUG}/booths/choose", data={"code": "A01"})
    assert taken.status_code == 422
    assert "has just been taken" in field_errors(taken, "code")[0]
    assert 'value="A02"' in page_of(taken)
    unknown = client.post(f"/events/{SLUG}/booths/choose", data={"code": "NOPE"})
    assert unknown.status_code == 422
    assert "no such booth" in field_errors(unknown, "code")[0]
    assert client.post(f"/events/{SLUG}/booths/choose", data={}).status_code == 422
    response = client.post(f"/events/{SLUG}/booths/choose", data={"code": "A03"})
    assert response.status_code == 302 and "booth=A03" in response.location
    assert "booth-highlight" in page_of(client.get(response.location))
    assert booth_by_code(event, "A03").exhibitor.name == "Argan AI"


def test_only_approved_startups_choose(client, plan, auth, make_startup, make_application):
    booth_by_code(plan, "A01").hall.self_service = True
    _user, startup = make_startup(name="Later AI")
    make_application(plan, startup, status="pending")
    auth.login(startup.members[0])
    page = page_of(client.get(f"/events/{SLUG}/booths/choose"))
    assert "not approved yet" in page and "Take this booth" not in page
    response = client.post(f"/events/{SLUG}/booths/choose", data={"code": "A03"})
    assert "yours is not approved yet" in " ".join(flashes(response))
    db.session.expire_all()
    assert booth_by_code(plan, "A03").status == "available"
