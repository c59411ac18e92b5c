"""Booth pages and API over HTTP: each page's happy path, who may open what, bad input."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from eventhub.auth.models import AuditEntry, User
from eventhub.booths.allocation_runs import plan_allocation
from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import Booth, BoothApplication, Hall
from eventhub.extensions import db

pytestmark = pytest.mark.usefixtures("in_english")

SLUG = "booth-expo"


def page_of(response) -> str:
    return response.get_data(as_text=True)


def flashes(response) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page_of(response), re.S)


# --- who may open what -----------------------------------------------------------------------

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


# --- the public plan ---------------------------------------------------------------------


def test_floor_plan_draws_every_hall_to_scale(client, plan):
    page = page_of(client.get(f"/events/{SLUG}/floor-plan"))
    assert page.count('<svg class="floorplan') == 2
    assert 'viewBox="0 0 ' in page
    assert 'id="booth-A01"' in page and 'id="booth-P01"' in page
    assert (
        "<title>A01 · Atlas AI · 3 × 3 m · Standard · Artificial intelligence · Allocated" in page
    )
    assert f'href="/events/{SLUG}/exhibitors#exhibitor-' in page  # A01 links to its exhibitor
    assert "booth-highlight" not in page
    assert "Artificial intelligence" in page and "Fintech" in page  # legend
    highlighted = page_of(client.get(f"/events/{SLUG}/floor-plan?booth=a01&colour=status"))
    assert re.search(r'class="booth booth-allocated[^"]*booth-highlight"', highlighted)
    assert "data-found-code>A01<" in highlighted
    assert "Available" in highlighted  # status legend
    assert "/static/js/floorplan.js" in highlighted


def test_names_are_escaped_everywhere(client, expo, make_hall, make_startup, make_application):
    hall = make_hall(expo, booths=[("X01", 2, 2, 3, 3)])
    _user, startup = make_startup(name='<script>alert("x")</script>', pitch="<b>bold</b>")
    application = make_application(expo, startup)
    booth = hall.booths[0]
    booth.status, booth.application_id = "allocated", application.id
    db.session.commit()
    for url in (f"/events/{expo.slug}/floor-plan", f"/events/{expo.slug}/exhibitors"):
        page = page_of(client.get(url))
        assert "<script>alert" not in page and "<b>bold" not in page
        assert "&lt;script&gt;" in page


def test_exhibitor_directory_searches_and_links_to_the_plan(client, plan, make_startup):
    page = page_of(client.get(f"/events/{SLUG}/exhibitors"))
    assert "Atlas AI" in page and "Argan AI" not in page  # Argan AI has no booth yet
    assert f"/events/{SLUG}/floor-plan?booth=A01#booth-A01" in page
    assert "Atlas AI" in page_of(client.get(f"/events/{SLUG}/exhibitors?q=atlas&sector=ai"))
    for query in ("q=nothing", "sector=fintech", "programme=DigitAgri"):
        assert "No exhibitor matches." in page_of(client.get(f"/events/{SLUG}/exhibitors?{query}"))
    assert client.get(f"/events/{SLUG}/exhibitors?q=%25&sector=%3Cx%3E").status_code == 200


# --- the organiser's plan editor ---------------------------------------------------------


def test_organiser_builds_a_plan(client, expo, login_as, field_errors):
    login_as("admin")
    response = client.post(
        f"/organiser/events/{SLUG}/halls/new",
        data={"name": "Hall 1", "width": "40", "depth": "20", "zone_id": "0", "position": "0"},
    )
    assert response.status_code == 302
    hall = db.session.scalars(select(Hall)).one()
    response = client.post(
        f"/organiser/events/{SLUG}/booths/grid",
        data={"hall_id": hall.id, "prefix": "H1-", "rows": "2", "columns": "4",
              "booth_width": "3", "booth_depth": "3", "aisle": "3", "rows_per_block": "2",
              "columns_per_block": "0", "origin_x": "2", "origin_y": "2", "start_number": "1",
              "kind": "standard", "zone": "ai", "price_tier": "standard", "corners": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    booth_form = {"hall_id": hall.id, "x": "30", "y": "10", "width": "3", "depth": "3",
                  "zone": "fintech", "kind": "island", "price_tier": "premium",
                  "status": "available"}  # fmt: skip
    response = client.post(
        f"/organiser/events/{SLUG}/booths/new", data={"code": "I1", **booth_form}
    )
    assert response.status_code == 302
    # Bad input: an overlap, a booth outside the hall, a zero size, a taken code.
    for values, field, text in (
        ({"code": "I2", "x": "31"}, "x", "would overlap booth I1"),
        ({"code": "I2", "x": "39"}, "x", "is outside Hall 1"),
        ({"code": "I2", "width": "0"}, "width", "positive"),
        ({"code": "H1-01"}, "code", "already has the code"),
    ):
        response = client.post(
            f"/organiser/events/{SLUG}/booths/new", data={**booth_form, **values}
        )
        assert response.status_code == 422
        assert any(text in error for error in field_errors(response, field)), values
    codes = db.session.scalars(select(Booth.code).order_by(Booth.code)).all()
    assert len(codes) == 9 and "I1" in codes and "I2" not in codes
    booth = db.session.scalar(select(Booth).where(Booth.code == "I1"))
    edit = client.post(
        f"/organiser/events/{SLUG}/booths/{booth.id}/edit",
        data={**booth_form, "code": "I1", "x": "32", "status": "held"},
    )
    assert edit.status_code == 302
    db.session.refresh(booth)
    assert (booth.x, booth.status) == (32, "held")
    page = page_of(client.get(f"/organiser/events/{SLUG}/booths"))
    assert page.count('<svg class="floorplan') == 1 and "H1-08" in page
    assert client.post(f"/organiser/events/{SLUG}/booths/{booth.id}/delete").status_code == 302
    assert (
        client.post(
            f"/organiser/events/{SLUG}/halls/{hall.id}/self-service", data={"open": "1"}
        ).status_code
        == 302
    )
    db.session.refresh(hall)
    assert hall.self_service
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"hall.create", "booth.grid", "booth.create", "booth.update", "booth.delete",
            "hall.self_service"} <= actions  # fmt: skip


def test_organiser_imports_a_csv(client, row_of_booths, login_as):
    login_as("admin")
    csv_text = "code,hall,x,y,width,depth,zone\nN01,Hall 1,2,10,3,3,ai\nN02,Hall 1,3,10,3,3,ai\n"
    response = client.post(
        f"/organiser/events/{SLUG}/booths/import",
        data={"file": (io.BytesIO(csv_text.encode()), "booths.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422  # a row was refused
    page = page_of(response)
    assert 'data-code="overlap"' in page and "would overlap booth N01" in page
    assert db.session.scalar(select(Booth).where(Booth.code == "N01")) is not None
    bad = client.post(
        f"/organiser/events/{SLUG}/booths/import",
        data={"file": (io.BytesIO(b"\xff\xfe"), "booths.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "UTF-8" in page_of(bad)


def test_review_filter_decide_and_export(client, plan, login_as):
    login_as("admin")
    argan = db.session.scalars(
        select(BoothApplication).where(BoothApplication.booth == None)  # noqa: E711
    ).one()
    url = f"/organiser/events/{SLUG}/booth-applications"
    page = page_of(client.get(url))
    assert "Atlas AI" in page and "Argan AI" in page
    assert "Argan AI" not in page_of(client.get(url + "?status=pending"))
    assert "Argan AI" in page_of(client.get(url + "?programme=Accelerate&sector=ai&q=arg"))
    assert client.get(url + "?status=%00&sector=nope").status_code == 200
    refused = client.post(f"{url}/{argan.id}/decision", data={"decision": "reject"})
    assert refused.status_code == 302
    db.session.refresh(argan)
    assert argan.status == "approved"
    client.post(
        f"{url}/{argan.id}/decision", data={"decision": "reject", "reason": "Full.", "next": url}
    )
    db.session.refresh(argan)
    assert (argan.status, argan.decision_reason) == ("rejected", "Full.")
    export = client.get(f"/organiser/events/{SLUG}/booth-applications.csv?status=rejected")
    assert export.mimetype == "text/csv"
    lines = page_of(export).splitlines()
    assert lines[0].lstrip("\ufeff").startswith("id,startup,sector,programme")
    assert len(lines) == 2 and "Argan AI" in lines[1] and "Full." in lines[1]


def test_allocation_dry_run_commit_and_moves(client, plan, login_as, outbox):
    organiser = login_as("admin")
    page = page_of(client.get(f"/organiser/events/{SLUG}/allocation"))
    assert "Proposed plan (dry run)" in page and "Argan AI" in page
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="(\w+)"', page).group(1)
    stale = client.post(f"/organiser/events/{SLUG}/allocation", data={"fingerprint": "0" * 20})
    assert stale.status_code == 302
    assert "changed since you looked" in page_of(client.get(stale.location))
    response = client.post(
        f"/organiser/events/{SLUG}/allocation", data={"fingerprint": fingerprint}
    )
    assert response.status_code == 302
    done = page_of(client.get(response.location))
    assert "Allocation saved" in done and "already the proposed one" in done
    argan = db.session.scalars(
        select(BoothApplication)
        .join(BoothApplication.startup)
        .where(
            BoothApplication.booth != None  # noqa: E711
        )
    ).all()
    assert len(argan) == 2
    assert len(outbox()) >= 1
    # Manual moves through the forms.
    atlas_app = booth_by_code(plan, "A01").application
    client.post(
        f"/organiser/events/{SLUG}/allocation/pin",
        data={"booth": "a06", "application_id": atlas_app.id},
    )
    db.session.expire_all()
    assert booth_by_code(plan, "A06").application_id == atlas_app.id
    other = next(b for b in db.session.scalars(select(Booth)) if b.status == "allocated"
                 and b.code != "A06")  # fmt: skip
    client.post(
        f"/organiser/events/{SLUG}/allocation/swap", data={"first": "A06", "second": other.code}
    )
    bad = client.post(
        f"/organiser/events/{SLUG}/allocation/swap", data={"first": "A06", "second": "Z9"}
    )
    assert "There is no booth Z9" in page_of(client.get(bad.location))
    db.session.expire_all()
    a06 = booth_by_code(plan, "A06")
    assert a06.application_id != atlas_app.id and a06.pinned
    client.post(f"/organiser/events/{SLUG}/booths/{a06.id}/release")
    db.session.expire_all()
    assert booth_by_code(plan, "A06").status == "available"
    log = page_of(client.get(f"/organiser/events/{SLUG}/allocation"))
    for action in ("booth.allocation", "booth.pin", "booth.swap", "booth.release"):
        assert action in log
    assert organiser.name in log


# --- startups ------------------------------------------------------------------------------


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
    response = client.post(
        "/events/old-expo/booth-application", data={"kind": "standard", "area_wanted": "9"}
    )
    assert response.status_code == 409 and "This event is over" in page_of(response)
    assert db.session.scalars(select(BoothApplication)).all() == []


def test_self_service_choice_in_pages(client, plan, auth):
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
    taken = client.post(f"/events/{SLUG}/booths/choose", data={"code": "A01"})
    assert taken.status_code == 409
    assert "has just been taken" in page_of(taken) and 'value="A02"' in page_of(taken)
    response = client.post(f"/events/{SLUG}/booths/choose", data={"code": "A03"})
    assert response.status_code == 302 and "booth=A03" in response.location
    assert "booth-highlight" in page_of(client.get(response.location))
    assert client.post(f"/events/{SLUG}/booths/choose", data={"code": "NOPE"}).status_code == 404


# --- API -------------------------------------------------------------------------------------


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
    assert client.post(f"/api/v1/events/{SLUG}/booths/NOPE/pick").status_code == 404


# --- CLI and demo ----------------------------------------------------------------------------


def test_cli_allocate_booths(runner, plan):
    dry = runner.invoke(args=["allocate-booths", SLUG, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run Booth Expo: 2 placed (1 new, 0 moved, 1 kept)" in dry.output
    assert db.session.scalar(select(Booth).where(Booth.code == "A02")).status == "available"
    done = runner.invoke(args=["allocate-booths", SLUG, "--no-notify"])
    assert done.exit_code == 0 and "Allocated Booth Expo: 2 placed" in done.output
    db.session.expire_all()
    assert len(db.session.scalars(select(Booth).where(Booth.status == "allocated")).all()) == 2
    for args in (["allocate-booths", "nope"], ["allocate-booths", "x", "--dry-run"]):
        assert runner.invoke(args=args).exit_code == 1


def test_demo_expo_is_allocated_and_reseeding_adds_nothing(app, monkeypatch):
    from eventhub.booths.demo import seed_booths
    from eventhub.demo import EXPO_SLUG, seed_demo

    monkeypatch.setattr("eventhub.demo._capability_seeders", lambda: [seed_booths])
    report = seed_demo()
    db.session.commit()
    assert report.created["halls"] == 4 and 200 <= report.created["booths"] <= 250
    assert report.created["booth allocations"] >= 170
    event = db.session.scalar(select(Hall)).event
    assert event.slug == EXPO_SLUG
    plan_now = plan_allocation(event)
    assert plan_now.changed == [] and plan_now.counts["unplaced"] <= 5
    demo_user = db.session.scalar(select(User).where(User.email == "startup@eventhub.test"))
    mine = db.session.scalar(
        select(BoothApplication).where(BoothApplication.startup_id == demo_user.startup_id)
    )
    assert mine.status == "approved" and mine.booth is not None
    again = seed_demo()
    assert not any("booth" in kind or kind == "halls" for kind in again.created)


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
