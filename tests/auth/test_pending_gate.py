"""The gate: a startup or investor account waiting for approval may see its home, its
profile and its account, and nothing else of its role. Every route of the app is walked
as a pending investor and as a pending startup; then a self-registered investor and a
self-registered startup are refused until an organiser approves them, and let in after."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.extensions import db
from eventhub.meetings.booking import book_slot
from eventhub.meetings.models import Meeting, MeetingRequest, MeetingSlot
from eventhub.meetings.requests import send_request
from eventhub.meetings.slots import SettingsDetails, SlotPlan, open_slots, save_settings
from tests.support import factories
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("in_english")

WAITING = "waiting for an organiser&#39;s approval"

# What a pending account may still reach: public pages, its own account, the links sent by
# e-mail (which carry their own secret), its home and its profile. Not requested here.
PUBLIC = {
    "static",
    "pwa.service_worker",  # the scanner's service worker: its update checks carry no cookie
    "events.home",
    "events.event_page",
    "events.privacy",
    "events_api.list_events",
    "events_api.get_event",
    "api-docs.openapi_json",
    "i18n.switch_language",
    "registration.register_page",
    "registration_api.create_registration",
    "registration.manage",
    "registration.cancel_own",
    "registration.calendar",
    "registration.accept_place",
    "registration.decline_place",
    "leads.consent",  # the attendee's consent for exhibitors, on their private link
    "badges.attendee_badge",
    "booths.floor_plan",
    "booths.exhibitors",
    "booths_api.list_booths",
    "notifications.unsubscribe",
    "privacy.platform_notice",
}
ACCOUNT = {
    "auth.login",
    "auth.login_code",
    "auth.logout",
    "auth.account",
    "auth.account_password",
    "auth.account_email",
    "auth.forgot_password",
    "auth.signup",
    "auth.resend_verification",
    "auth_api.me",
    "notifications.preferences",
    "auth.two_factor",
    "auth.two_factor_setup",
    "auth.two_factor_confirm",
    "auth.two_factor_disable",
    "auth.two_factor_regenerate",
}
LINKS = {
    "auth.reset_password",
    "auth.confirm_email",
    "auth.accept_invitation",
    "auth.verify_email",
    "meetings.feed",  # a calendar feed opened by its secret address
    "registration.confirm_address",  # an attendee's address confirmed by its link
    # the attendee's own data, on their private link
    "privacy.data_page",
    "privacy.data_json",
    "privacy.data_csv_download",
    "privacy.change_consent",
    "privacy.correct_page",
    "privacy.erase_page",
}
OWN = {"profiles.home", "profiles.my_startup", "profiles.my_investor"}
ALLOWED = PUBLIC | ACCOUNT | LINKS | OWN


@pytest.fixture
def world(make_event) -> dict[str, Any]:
    """An approved investor with open slots, an approved startup with a meeting and a
    request, and a pending investor and a pending startup."""
    event = make_event(
        slug="gate-day",
        kind="demo_day",
        first_day=date.today() + timedelta(days=10),
        last_day=date.today() + timedelta(days=11),
    )
    save_settings(event, SettingsDetails(True, True, None, 10, 24, None))
    investor = factories.create_investor(fund="Atlas Ventures")
    startup = factories.create_startup(name="Argan AI")
    slots = open_slots(event, investor.investor, slot_plan(event))
    meeting = book_slot(event, slots[0], startup.startup)
    request = send_request(event, factories.create_startup().startup, investor.investor, "Hi")
    pending_investor = factories.create_user("investor", status="pending")
    pending_startup = factories.create_user("startup", status="pending")
    db.session.commit()
    return {
        "event": event,
        "investor": investor,
        "startup": startup,
        "slots": slots,
        "meeting": meeting,
        "request": request,
        "pending": {"investor": pending_investor, "startup": pending_startup},
    }


def slot_plan(event: Any) -> SlotPlan:
    return SlotPlan(days=[event.days[0]], start=time(10), end=time(11), length_minutes=20)


def url_values(world: dict[str, Any]) -> dict[str, Any]:
    """A value for every argument of the app's routes: real rows where they exist."""
    return {
        "slug": world["event"].slug,
        "slot_id": world["slots"][1].id,
        "meeting_id": world["meeting"].id,
        "request_id": world["request"].id,
        "startup_id": world["startup"].startup.id,
        "investor_id": world["investor"].investor.id,
        "user_id": world["startup"].id,
        "code": "A1",
        "fmt": "csv",
        "kind": "news",
        "token": "not-a-token",
        "secret": "not-a-secret",
        "filename": "css/app.css",
    }


def build(app: Flask, rule: Any, values: dict[str, Any]) -> str:
    arguments = {name: values.get(name, 1) for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, arguments, method=None)


def sign_in(client, user: User) -> None:
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.startswith("/login")


@pytest.mark.parametrize("role", ["investor", "startup"])
def test_a_pending_account_is_refused_on_every_route_but_its_own(app, client, world, role):
    """An unapproved investor refused on every startup page and booking API; an
    unapproved startup likewise."""
    sign_in(client, world["pending"][role])
    values = url_values(world)
    walked, leaks = 0, []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ALLOWED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = build(app, rule, values)
            kwargs = {"json": {}} if path.startswith("/api/") and method != "GET" else {}
            response = client.open(path, method=method, **kwargs)
            walked += 1
            if not refused(response):
                leaks.append(f"{method} {path} ({rule.endpoint}): {response.status_code}")
    assert not leaks, "\n".join(leaks)
    assert walked > 60
    # Still signed in, and its own pages open.
    for path in ("/my/home", f"/my/{role}", "/account", "/api/v1/me"):
        assert client.get(path).status_code == 200, path
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
    assert db.session.scalar(select(func.count()).select_from(MeetingSlot)) == 3
    assert db.session.get(MeetingRequest, world["request"].id).status == "pending"


def test_the_refusal_says_why_in_pages_and_in_the_api(client, world):
    sign_in(client, world["pending"]["investor"])
    slug = world["event"].slug
    for path in (
        "/startups",
        f"/startups/{world['startup'].startup.id}",
        f"/events/{slug}/my-slots",
    ):
        page = client.get(path)
        assert page.status_code == 403, path
        assert WAITING in page.get_data(as_text=True), path
        assert 'href="/my/home"' in page.get_data(as_text=True)
    api = client.get(f"/api/v1/events/{slug}/slots")
    assert api.status_code == 403
    assert api.get_json()["error"]["code"] == "account_not_approved"
    nav = client.get("/my/home").get_data(as_text=True)
    assert 'href="/my/agenda"' not in nav and "Waiting for approval" in nav


def test_a_pending_account_with_an_api_token_is_refused_too(client, world):
    from eventhub.auth.accounts import issue_api_token

    issued = issue_api_token(world["pending"]["startup"], "phone")
    db.session.commit()
    slot = world["slots"][1]
    response = client.post(
        f"/api/v1/events/{world['event'].slug}/slots/{slot.id}/booking",
        json={},
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "account_not_approved"


# Done when: a self-registered account waits for approval, and may act only after it ------


def sign_up_and_confirm(client, outbox, form: dict[str, str]) -> User:
    assert client.post("/sign-up", data=form).status_code == 200
    text = outbox()[-1].get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/sign-up/verify/[A-Za-z0-9_-]+)", text).group(1)
    assert client.post(path).status_code == 302
    return db.session.scalar(select(User).where(User.email == form["email"]))


def approve(app: Flask, make_user, user: User) -> None:
    organiser = make_user("admin")
    browser = app.test_client()
    sign_in(browser, organiser)
    assert browser.post(f"/organiser/sign-ups/{user.id}/approve").status_code == 302


SIGNUP = {"password": "a-long-enough-secret", "confirm": "a-long-enough-secret", "language": "en"}


def test_a_self_registered_investor_acts_only_once_approved(app, client, world, outbox, make_user):
    investor = sign_up_and_confirm(
        client,
        outbox,
        {
            **SIGNUP,
            "role": "investor",
            "name": "Leila Amrani",
            "email": "leila@atlas-angels.example.ma",
            "fund": "Atlas Angels",
        },
    )
    event, startup = world["event"], world["startup"]
    # The organiser opened slots for the investor meanwhile; a startup asks for a meeting.
    open_slots(event, investor.investor, slot_plan(event))
    request = send_request(event, startup.startup, investor.investor, "Solar pumps")
    db.session.commit()
    slug = event.slug
    day = event.days[1].isoformat()
    slots_form = {"days": [day], "start": "14:00", "end": "15:00", "length_minutes": "20"}
    slots_form |= {"gap_minutes": "0", "breaks": "", "table_id": "0"}

    def attempts() -> list[int]:
        return [
            client.get("/startups").status_code,
            client.get(f"/startups/{startup.startup.id}").status_code,
            client.get(f"/api/v1/events/{slug}/slots").status_code,
            client.post(f"/events/{slug}/my-slots", data=slots_form).status_code,
            client.post(f"/requests/{request.id}/answer", data={"decision": "accept"}).status_code,
            client.get(f"/events/{slug}/startups").status_code,
            client.post(
                f"/events/{slug}/marks", data={"other": startup.startup.id, "mark": "must"}
            ).status_code,
        ]

    assert attempts() == [403] * 7
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count()).where(MeetingSlot.investor_id == investor.investor.id)
        )
        == 3
    )
    assert db.session.get(MeetingRequest, request.id).status == "pending"

    approve(app, make_user, investor)
    assert attempts() == [200, 200, 200, 302, 302, 200, 302]
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count()).where(MeetingSlot.investor_id == investor.investor.id)
        )
        == 6
    )
    assert db.session.get(MeetingRequest, request.id).status == "accepted"
    assert "Waiting for approval" not in client.get("/my/home").get_data(as_text=True)


def test_a_self_registered_startup_books_only_once_approved(app, client, world, outbox, make_user):
    startup = sign_up_and_confirm(
        client,
        outbox,
        {
            **SIGNUP,
            "role": "startup",
            "name": "Hind Tazi",
            "email": "hind@medina-robotics.example.ma",
            "startup_name": "Medina Robotics",
            "sector": "ai",
            "stage": "seed",
        },
    )
    slug, slots = world["event"].slug, world["slots"]
    investor_id = world["investor"].investor.id
    booking_api = f"/api/v1/events/{slug}/slots/{slots[2].id}/booking"
    assert client.get(f"/events/{slug}/investors").status_code == 403
    assert client.get(f"/events/{slug}/investors/{investor_id}").status_code == 403
    assert client.post(f"/events/{slug}/slots/{slots[1].id}/book", data={}).status_code == 403
    refused_api = client.post(booking_api, json={"note": "Hello"})
    assert refused_api.status_code == 403
    assert refused_api.get_json()["error"]["code"] == "account_not_approved"
    assert client.get(f"/events/{slug}/booth-application").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1

    approve(app, make_user, startup)
    assert client.get(f"/events/{slug}/investors/{investor_id}").status_code == 200
    booked = client.post(booking_api, json={"note": "Hello"})
    assert booked.status_code == 201, booked.get_json()
    db.session.expire_all()
    meetings = db.session.scalars(select(Meeting).where(Meeting.startup_id == startup.startup.id))
    assert [meeting.slot_id for meeting in meetings] == [slots[2].id]
