"""Who may open what: every page × anonymous and each role, and the forbidden writes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from eventhub.auth.accounts import issue_api_token
from eventhub.auth.models import ApiToken
from eventhub.deals.programmes.models import Programme
from eventhub.events.models import Event, Zone
from eventhub.extensions import db

pytestmark = pytest.mark.usefixtures("in_english")

ROLES = ("anonymous", "admin", "staff", "startup", "investor")
OK, LOGIN, FORBIDDEN = 200, "login", 403


def everyone(status: Any) -> dict[str, Any]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: Any) -> dict[str, Any]:
    return {**everyone(status), "anonymous": LOGIN}


def only(*roles: str) -> dict[str, Any]:
    return {role: OK if role in roles else FORBIDDEN for role in ROLES} | {"anonymous": LOGIN}


# Every page (GET) of the events, auth, profiles and admin blueprints.
PAGES: dict[str, dict[str, Any]] = {
    "/": everyone(OK),
    "/events/{event}": everyone(OK),
    "/events/{event}/privacy": everyone(OK),
    "/organiser/": only("admin"),
    "/organiser/audit": only("admin"),
    "/organiser/events/{event}/privacy": only("admin"),
    "/organiser/events/{event}/translations": only("admin"),
    "/staff/": only("admin", "staff"),
    "/organiser/events/new": only("admin"),
    "/organiser/events/{event}/edit": only("admin"),
    "/organiser/events/{event}/zones": only("admin"),
    "/organiser/events/{event}/zones/{zone}/edit": only("admin"),
    "/organiser/events/{event}/categories": only("admin"),
    "/organiser/events/{event}/categories/{category}/edit": only("admin"),
    "/organiser/api-tokens": only("admin"),
    "/organiser/users": only("admin"),
    "/organiser/users/{staff}": only("admin"),
    "/organiser/invitations": only("admin"),
    "/organiser/invitations/new": only("admin"),
    "/organiser/invitations/import": only("admin"),
    "/my/home": only("startup", "investor"),
    "/my/startup": only("startup"),
    "/my/investor": only("investor"),
    "/my/team": only("startup", "investor"),
    "/startups": signed_in(OK),
    "/startups/{startup}": signed_in(OK),
    "/investors/{investor}": signed_in(OK),
    "/account": signed_in(OK),
    "/account/two-factor": signed_in(OK),
    "/organiser/security": only("admin"),
    "/password/forgot": everyone(OK),
    "/sign-up": everyone(OK),
    "/sign-up/resend": everyone(OK),
    "/organiser/sign-ups": only("admin"),
    # Exhibitor leads: the organiser's counts per booth (the startup team's pages, which
    # need a booth, are tested in tests/deals/leads/test_pages.py).
    "/organiser/events/{event}/leads": only("admin"),
    # Deal flow (issue 19): the investor's pipeline, the startup's next steps.
    "/my/deal-flow": only("investor"),
    "/my/next-steps": only("startup"),
    # table check-in (eventhub/deals/tables)
    "/organiser/events/{event}/tables": only("admin"),
    "/organiser/events/{event}/tables/live": only("admin"),
    "/staff/events/{event}/tables": only("admin", "staff"),
    "/events/{event}/startups": only("investor"),
    "/events/{event}/startups/{startup}/request": only("investor"),
    # Programme outcomes (eventhub/deals/programmes); the PDF and XLSX files are tested in
    # tests/deals/programmes/test_pages.py.
    "/organiser/programmes": only("admin"),
    "/organiser/programmes/{programme}/edit": only("admin"),
    "/organiser/events/{event}/programmes": only("admin"),
    "/organiser/events/{event}/programmes/{programme}": only("admin"),
    # Personal data (eventhub/privacy): the platform's notice for accounts, the retention
    # dry run; the attendee's own data pages are behind their private link (LINK_PAGES).
    "/privacy": everyone(OK),
    "/organiser/events/{event}/privacy/retention": only("admin"),
}
# Pages that answer with a redirect for everyone, tested in test_login.py (and the
# two-factor code page, without a password given first, in test_two_factor.py).
REDIRECTING_PAGES = {"auth.login", "auth.login_code"}
# Pages of the links sent by e-mail, for anyone holding one: tested in
# test_password_reset.py and test_account.py.
LINK_PAGES = {"auth.reset_password", "auth.confirm_email", "auth.accept_invitation"}
LINK_PAGES |= {"auth.verify_email"}  # the sign-up's e-mail verification: test_signup.py
LINK_PAGES |= {  # the attendee's own data: tests/privacy/test_own_data.py
    "privacy.data_page",
    "privacy.data_json",
    "privacy.data_csv_download",
    "privacy.correct_page",
    "privacy.erase_page",
}
COVERED_BLUEPRINTS = ("events", "auth", "profiles", "admin", "matchmaking", "privacy")


@pytest.fixture
def world(make_event, make_user) -> dict[str, Any]:
    """One of everything the pages show, with the ids that go into their addresses."""
    event = make_event()
    event.zones.append(Zone(name="Hall 1"))
    db.session.commit()
    startup_user = make_user("startup", name="Atlas AI")
    investor_user = make_user("investor", name="Sahara Capital")
    staff = make_user("staff")
    token = issue_api_token(staff, "Gate A").token
    programme = Programme(name="Accelerate", translations={})
    db.session.add(programme)
    db.session.commit()
    return {
        "event": event.slug,
        "zone": event.zones[0].id,
        "category": event.categories[0].id,
        "startup": startup_user.startup.id,
        "investor": investor_user.investor.id,
        "token": token.id,
        "staff": staff.id,
        "programme": programme.id,
    }


def sign_in(login_as, role: str) -> None:
    if role != "anonymous":
        login_as(role)


def assert_answer(response, expected: Any, path: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"] == f"/login?next={path}"
    else:
        assert response.status_code == expected
        assert response.mimetype == "text/html"
    if expected == FORBIDDEN:
        page = response.get_data(as_text=True)
        assert "Not allowed" in page
        assert "Your account may not open this page." in page


@pytest.mark.parametrize("role", ROLES)
def test_page_access(client, login_as, world, subtests, role):
    """The table, one role at a time (signing in once), one subtest per page."""
    sign_in(login_as, role)
    for page, expected in PAGES.items():
        with subtests.test(page=page, role=role):
            path = page.format(**world)
            assert_answer(client.get(path), expected[role], path)


def test_the_table_lists_every_page(app):
    """A new page in these blueprints must be added to PAGES (with its access rule)."""
    missing = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.partition(".")[0]
        if blueprint not in COVERED_BLUEPRINTS or "GET" not in rule.methods:
            continue
        if rule.endpoint in REDIRECTING_PAGES | LINK_PAGES:
            continue
        known = any(_same_shape(rule.rule, listed) for listed in PAGES)
        if not known:
            missing.append(rule.rule)
    assert not missing, f"pages missing from the access table: {missing}"


def _same_shape(rule: str, listed: str) -> bool:
    """'/startups/<int(max=…):startup_id>' has the shape of '/startups/{startup}'."""
    pattern = re.sub(r"<[^>]+>", "*", rule)
    return pattern == re.sub(r"\{[^}]+\}", "*", listed)


def count(model: Any, **filters: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


def category_names() -> list[str]:
    return [category.name for category in db.session.scalar(select(Event)).categories]


def event_form(slug: str) -> dict[str, str]:
    return {
        "name": "Intruder Expo",
        "slug": slug,
        "kind": "expo",
        "status": "published",
        "venue": "Somewhere",
        "city": "Rabat",
        "timezone": "Africa/Casablanca",
        "first_day": "2030-05-01",
        "last_day": "2030-05-02",
    }


# Every write of these blueprints that only an organiser may do, with a check that it
# did not happen. Profiles are checked by role below.
WRITES = {
    "new event": (
        "/organiser/events/new",
        event_form("intruder-expo"),
        lambda w: count(Event, slug="intruder-expo") == 0,
    ),
    "edit event": (
        "/organiser/events/{event}/edit",
        event_form("renamed-expo"),
        lambda w: count(Event, slug=w["event"]) == 1,
    ),
    "add zone": (
        "/organiser/events/{event}/zones",
        {"name": "Back door"},
        lambda w: count(Zone, name="Back door") == 0,
    ),
    "rename zone": (
        "/organiser/events/{event}/zones/{zone}/edit",
        {"name": "Renamed"},
        lambda w: db.session.get(Zone, w["zone"]).name == "Hall 1",
    ),
    "delete zone": (
        "/organiser/events/{event}/zones/{zone}/delete",
        {},
        lambda w: db.session.get(Zone, w["zone"]) is not None,
    ),
    "add category": (
        "/organiser/events/{event}/categories",
        {"name": "Gatecrasher", "colour": "#000000"},
        lambda w: category_names() == ["Visitor", "VIP"],
    ),
    "edit category": (
        "/organiser/events/{event}/categories/{category}/edit",
        {"name": "Renamed", "colour": "#000000"},
        lambda w: category_names() == ["Visitor", "VIP"],
    ),
    "new api token": (
        "/organiser/api-tokens",
        {"user_id": "{staff}", "label": "Stolen"},
        lambda w: count(ApiToken) == 1,
    ),
    "revoke api token": (
        "/organiser/api-tokens/{token}/revoke",
        {},
        lambda w: db.session.get(ApiToken, w["token"]).revoked_at is None,
    ),
}
WRITE_ROLES = ("anonymous", "staff", "startup", "investor")


@pytest.mark.parametrize("role", WRITE_ROLES)
def test_organiser_writes_are_refused(client, login_as, world, subtests, role):
    sign_in(login_as, role)
    for write, (page, data, unchanged) in WRITES.items():
        with subtests.test(write=write, role=role):
            path = page.format(**world)
            response = client.post(
                path, data={key: value.format(**world) for key, value in data.items()}
            )
            assert_answer(response, LOGIN if role == "anonymous" else FORBIDDEN, path)
            db.session.expire_all()
            assert unchanged(world)


@pytest.mark.parametrize("role", ["admin", "staff", "investor"])
def test_only_a_startup_may_save_a_startup_profile(client, login_as, world, role):
    login_as(role)
    response = client.post("/my/startup", data={"name": "Hijacked", "sector": "ai"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["admin", "staff", "startup"])
def test_only_an_investor_may_save_an_investor_profile(client, login_as, world, role):
    login_as(role)
    response = client.post("/my/investor", data={"fund": "Hijacked"})
    assert response.status_code == 403
