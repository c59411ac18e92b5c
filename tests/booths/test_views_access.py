"""Who may open which booth page, and pages that answer for bad input without a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import Booth, BoothApplication
from eventhub.extensions import db
from tests.booths.pages import SLUG

pytestmark = pytest.mark.usefixtures("in_english")


ORGANISER_PAGES = (
    "/organiser/events/{slug}/booths",
    "/organiser/events/{slug}/halls/new",
    "/organiser/events/{slug}/halls/{hall}/edit",
    "/organiser/events/{slug}/booths/new",
    "/organiser/events/{slug}/booths/{booth}/edit",
    "/organiser/events/{slug}/booths/grid",
    "/organiser/events/{slug}/booths/import",
    "/organiser/events/{slug}/booth-applications",
    "/organiser/events/{slug}/booth-applications.csv",
    "/organiser/events/{slug}/allocation",
    "/organiser/events/{slug}/allocation?reoptimise=1",
)


ORGANISER_POSTS = (
    "/organiser/events/{slug}/allocation",
    "/organiser/events/{slug}/allocation/pin",
    "/organiser/events/{slug}/allocation/swap",
    "/organiser/events/{slug}/booths/{booth}/release",
    "/organiser/events/{slug}/booths/{booth}/unpin",
    "/organiser/events/{slug}/booths/{booth}/delete",
    "/organiser/events/{slug}/halls/{hall}/delete",
    "/organiser/events/{slug}/halls/{hall}/self-service",
    "/organiser/events/{slug}/booth-applications/{application}/decision",
)


STARTUP_PAGES = (
    "/events/{slug}/booth-application",
    "/events/{slug}/booths/choose",
    "/my/booths",
)


def addresses(paths, event) -> list[str]:
    booth = booth_by_code(event, "A01")
    application = db.session.scalars(select(BoothApplication)).first()
    return [
        path.format(slug=event.slug, hall=booth.hall_id, booth=booth.id, application=application.id)
        for path in paths
    ]


@pytest.mark.parametrize("role", [None, "staff", "investor", "startup", "admin"])
def test_organiser_pages_are_for_organisers(client, plan, login_as, role):
    if role:
        login_as(role)
    for url in addresses(ORGANISER_PAGES, plan):
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "/login" in response.location, url
        elif role == "admin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url
    for url in addresses(ORGANISER_POSTS, plan):
        if role == "admin":
            continue
        response = client.post(url, data={})
        expected = 302 if role is None else 403
        assert response.status_code == expected, url
    assert db.session.scalar(select(Booth).where(Booth.code == "A01")).status == "allocated"


@pytest.mark.parametrize("role", [None, "staff", "investor", "admin"])
def test_startup_pages_are_for_startups(client, plan, login_as, role):
    if role:
        login_as(role)
    for url in addresses(STARTUP_PAGES, plan):
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "/login" in response.location
        else:
            assert response.status_code == 403, url


@pytest.mark.parametrize("role", [None, "startup", "admin"])
def test_public_pages_for_everyone(client, plan, login_as, role):
    if role:
        login_as(role)
    for url in (f"/events/{SLUG}/floor-plan", f"/events/{SLUG}/exhibitors"):
        assert client.get(url).status_code == 200, url


def test_no_booth_pages_for_demo_days_drafts_or_unknown_events(client, make_event, login_as):
    make_event(slug="a-demo-day", kind="demo_day")
    make_event(slug="a-draft", status="draft")
    for slug in ("a-demo-day", "a-draft", "no-such-event"):
        for url in (f"/events/{slug}/floor-plan", f"/events/{slug}/exhibitors"):
            assert client.get(url).status_code == 404, url
    login_as("admin")
    assert client.get("/organiser/events/a-demo-day/booths").status_code == 404
    assert client.get("/organiser/events/a-draft/booths").status_code == 200
    assert client.get("/organiser/events/a-draft/halls/99999999999/edit").status_code == 404


def test_nul_characters_never_reach_the_database(client, plan, login_as, auth, make_startup):
    """PostgreSQL refuses NUL in text: every form answers with a message, never a 500."""
    login_as("admin")
    hall = booth_by_code(plan, "A01").hall
    application = db.session.scalars(select(BoothApplication)).first()
    posts = (
        ("/organiser/events/{slug}/halls/new", {"name": "Hall\x00", "width": "9", "depth": "9",
                                                "zone_id": "0"}),
        (f"/organiser/events/{{slug}}/halls/{hall.id}/edit", {"name": "\x00", "width": "40",
                                                             "depth": "20", "zone_id": "0"}),
        ("/organiser/events/{slug}/booths/new", {"code": "A\x0099", "hall_id": hall.id, "x": "30",
                                                 "y": "12", "width": "2", "depth": "2",
                                                 "zone": "", "kind": "standard",
                                                 "price_tier": "standard",
                                                 "status": "available"}),
        ("/organiser/events/{slug}/allocation/swap", {"first": "A\x0001", "second": "\x00"}),
        ("/organiser/events/{slug}/allocation/pin", {"booth": "\x00", "application_id": "x"}),
        (f"/organiser/events/{{slug}}/booth-applications/{application.id}/decision",
         {"decision": "reject", "reason": "\x00 no"}),
    )  # fmt: skip
    for path, data in posts:
        response = client.post(path.format(slug=SLUG), data=data)
        assert response.status_code in (200, 302, 409, 422), (path, response.status_code)
    for path in (f"/events/{SLUG}/exhibitors?q=%00", f"/events/{SLUG}/floor-plan?booth=%00",
                 f"/organiser/events/{SLUG}/booth-applications?q=%00"):  # fmt: skip
        assert client.get(path).status_code == 200, path
    auth.logout()
    user, _startup = make_startup()
    auth.login(user)
    response = client.post(
        f"/events/{SLUG}/booth-application",
        data={"kind": "standard", "area_wanted": "9", "zone_1": "", "zone_2": "", "zone_3": "",
              "preferred_booths": "A0\x001", "notes": "demo\x00"},
    )  # fmt: skip
    assert response.status_code in (302, 422)
    choice = client.post(f"/events/{SLUG}/booths/choose", data={"code": "\x00"})
    assert choice.status_code in (404, 409, 422)
