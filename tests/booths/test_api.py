"""The booths' JSON API: the floor plan, and a startup picking its booth."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import Booth, BoothApplication
from eventhub.extensions import db
from eventhub.profiles.models import Startup
from tests.booths.pages import SLUG

pytestmark = pytest.mark.usefixtures("in_english")


def test_api_lists_every_booth(client, plan):
    response = client.get(f"/api/v1/events/{SLUG}/booths")
    assert response.status_code == 200
    booths = response.get_json()
    assert len(booths) == 9
    a01 = next(b for b in booths if b["code"] == "A01")
    assert a01 == {
        "code": "A01", "hall": "Hall 1", "x": 2.0, "y": 2.0, "width": 3.0, "depth": 3.0,
        "area": 9.0, "zone": "ai", "kind": "standard", "status": "allocated",
        "price_tier": "standard",
        "exhibitor": {"name": "Atlas AI", "sector": "ai", "programme": "Accelerate"},
    }  # fmt: skip
    assert next(b for b in booths if b["code"] == "A02")["exhibitor"] is None


def test_api_404s(client, make_event):
    make_event(slug="a-demo-day", kind="demo_day")
    for slug, code in (("nope", "event_not_found"), ("a-demo-day", "not_expo")):
        response = client.get(f"/api/v1/events/{slug}/booths")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == code


def test_api_pick(client, plan, auth, login_as):
    event = plan
    booth_by_code(event, "A01").hall.self_service = True
    db.session.commit()
    url = f"/api/v1/events/{SLUG}/booths/A03/pick"
    assert client.post(url).status_code == 401
    login_as("admin")
    assert client.post(url).status_code == 403
    auth.logout()
    argan = db.session.scalars(
        select(BoothApplication).where(BoothApplication.booth == None)  # noqa: E711
    ).one()
    auth.login(argan.startup.members[0])
    response = client.post(url)
    assert response.status_code == 201
    assert response.get_json()["booth"]["exhibitor"]["name"] == "Argan AI"
    again = client.post(f"/api/v1/events/{SLUG}/booths/A01/pick")
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "booth_taken"
    assert [b["code"] for b in error["details"]["free_booths"]] == ["A02", "A04", "A05", "A06"]
    assert "has just been taken" in error["details"]["code"][0]


@pytest.mark.parametrize(
    ("who", "code", "status", "error_code"),
    [
        ("Argan AI", "NOPE", 404, "unknown_booth"),
        ("Argan AI", "F01", 409, "not_self_service"),
        ("Argan AI", "P01", 409, "not_self_service"),
        ("Later AI", "A03", 403, "not_approved"),
        ("Nobody AI", "A03", 403, "no_application"),
    ],
)
def test_api_pick_refusals(client, plan, auth, make_startup, make_application, who, code,
                           status, error_code):  # fmt: skip
    booth_by_code(plan, "A01").hall.self_service = True
    _user, later = make_startup(name="Later AI")
    make_application(plan, later, status="pending")
    make_startup(name="Nobody AI")
    db.session.commit()
    startup = db.session.scalar(select(Startup).where(Startup.name == who))
    auth.login(startup.members[0])
    response = client.post(f"/api/v1/events/{SLUG}/booths/{code}/pick")
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == error_code
    assert db.session.scalar(select(Booth).where(Booth.code == "A03")).status == "available"
