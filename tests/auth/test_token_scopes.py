"""Issue 20, finding 4: API tokens are scoped (`door`, `read`, `organiser`) and may be bound to
one event; a token used outside its scope or its event is a 403 `token_scope`. Before, a
staff token scanned at every event and an organiser's device token could do everything."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import func, inspect, select, text

from eventhub import create_app
from eventhub.auth.accounts import TokenHolder, issue_api_token, token_holder
from eventhub.auth.models import ApiToken, AuditEntry
from eventhub.auth.scopes import ANY, DOOR, ORGANISER, READ, declared_scope, token_allows
from eventhub.badges.signing import badge_token
from eventhub.checkin.models import Scan
from eventhub.extensions import db
from tests.support.dates import event_today
from tests.test_migrations import _keep_logging  # noqa: F401 (Alembic's logging, put back)

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def two_events(make_event) -> tuple[Any, Any]:
    """Two running events (yesterday to tomorrow in their time zone): A and B."""
    today = event_today()
    days = {"first_day": today - timedelta(days=1), "last_day": today + timedelta(days=1)}
    return make_event(**days), make_event(**days)


def bearer(user, scope: str | None = None, event=None) -> dict[str, str]:
    issued = issue_api_token(user, "Gate A phone", scope, event)
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


def scan(client, event, registration, headers: dict[str, str]):
    return client.post(
        f"/api/v1/events/{event.slug}/checkins",
        json={"code": badge_token(registration), "gate": "A"},
        headers=headers,
    )


def refused(response) -> bool:
    return response.status_code == 403 and response.get_json()["error"]["code"] == "token_scope"


def scans_at(event) -> int:
    return db.session.scalar(select(func.count()).where(Scan.event_id == event.id))


# The rule, as plain functions.


def holder(scope: str, event_slug: str | None = None) -> TokenHolder:
    event_id = 1 if event_slug else None
    return TokenHolder(1, "h", "phone", None, 1, "staff", None, scope, event_id, event_slug)


@pytest.mark.parametrize(
    ("scope", "needed", "safe", "allowed"),
    [
        (DOOR, DOOR, False, True),
        (DOOR, DOOR, True, True),
        (DOOR, READ, True, False),
        (DOOR, ORGANISER, False, False),
        (DOOR, ANY, True, True),
        (READ, READ, True, True),
        (READ, DOOR, True, True),  # the door's reads: gates, door list
        (READ, DOOR, False, False),  # but not a scan
        (READ, READ, False, False),
        (READ, ORGANISER, True, False),
        (ORGANISER, DOOR, False, True),
        (ORGANISER, READ, True, True),
        (ORGANISER, ORGANISER, False, True),
    ],
)
def test_what_each_scope_covers(scope, needed, safe, allowed):
    assert token_allows(needed, holder(scope), event_slug="a", safe_method=safe) is allowed


@pytest.mark.parametrize("scope", [DOOR, READ, ORGANISER])
def test_a_bound_token_is_good_at_its_event_only(scope):
    bound = holder(scope, "expo-a")
    assert token_allows(DOOR, bound, event_slug="expo-a", safe_method=True)
    assert not token_allows(DOOR, bound, event_slug="expo-b", safe_method=True)
    assert not token_allows(READ, bound, event_slug=None, safe_method=True)  # no event named
    assert token_allows(ANY, bound, event_slug=None, safe_method=True)


def test_every_api_endpoint_declares_its_scope(app: Flask):
    undeclared = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        and not rule.rule.startswith("/api/v1/_test")
        and declared_scope(rule.endpoint, app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


def test_the_openapi_document_states_the_refusal(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    missing = []
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "parameters" or path == "/api/v1/me":
                continue
            forbidden = operation.get("responses", {}).get("403", {})
            if "token_scope" not in forbidden.get("description", ""):
                missing.append(f"{method.upper()} {path}")
    assert missing == []


# A door token bound to event A.


def test_a_door_token_scans_at_its_event_only(client, make_user, make_registration, two_events):
    event_a, event_b = two_events
    headers = bearer(make_user("staff"), "door", event_a)
    admitted = scan(client, event_a, make_registration(event_a), headers)
    assert admitted.status_code == 201, admitted.get_json()
    assert admitted.get_json()["result"] == "admitted"

    elsewhere = scan(client, event_b, make_registration(event_b), headers)
    assert refused(elsewhere), elsewhere.get_json()
    assert "another event" in elsewhere.get_json()["error"]["message"]
    assert scans_at(event_b) == 0


def test_a_door_token_reads_its_door(client, make_user, two_events):
    event_a, event_b = two_events
    headers = bearer(make_user("staff"), "door", event_a)
    assert (
        client.get(f"/api/v1/events/{event_a.slug}/door-list", headers=headers).status_code == 200
    )
    assert client.get(f"/api/v1/events/{event_a.slug}/gates", headers=headers).status_code == 200
    assert refused(client.get(f"/api/v1/events/{event_b.slug}/door-list", headers=headers))
    me = client.get("/api/v1/me", headers=headers)
    assert (me.status_code, me.get_json()["via"]) == (200, "token")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/events/{slug}/registrations"),
        ("GET", "/api/v1/events/{slug}/attendance"),
        ("GET", "/api/v1/events/{slug}"),
        ("GET", "/api/v1/events"),
        ("POST", "/api/v1/events/{slug}/registrations"),
    ],
)
def test_a_door_token_is_refused_beyond_the_door(client, make_user, two_events, method, path):
    """Even an organiser's door token: the scope, not the role, is what is refused."""
    event_a, _ = two_events
    headers = bearer(make_user("admin"), "door", event_a)
    response = client.open(path.format(slug=event_a.slug), method=method, headers=headers, json={})
    assert refused(response), response.get_json()


@pytest.mark.parametrize("path", ["/organiser/", "/staff/", "/events/{slug}/scan"])
def test_a_door_token_opens_no_page(client, make_user, two_events, path):
    event_a, _ = two_events
    headers = bearer(make_user("staff"), "door", event_a)
    response = client.get(path.format(slug=event_a.slug), headers=headers)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_an_unbound_door_token_scans_at_every_event(
    client, make_user, make_registration, two_events
):
    headers = bearer(make_user("staff"), "door")
    for event in two_events:
        assert scan(client, event, make_registration(event), headers).status_code == 201


# Read and organiser tokens.


def test_a_read_token_reads_but_never_writes(client, make_user, make_registration, two_events):
    event_a, _ = two_events
    headers = bearer(make_user("admin"), "read")
    for path in ("", "/registrations", "/attendance", "/door-list", "/gates"):
        response = client.get(f"/api/v1/events/{event_a.slug}{path}", headers=headers)
        assert response.status_code == 200, (path, response.get_json())
    assert client.get("/api/v1/events", headers=headers).status_code == 200

    registration = make_registration(event_a)
    assert refused(scan(client, event_a, registration, headers))
    assert scans_at(event_a) == 0
    created = client.post(
        f"/api/v1/events/{event_a.slug}/registrations",
        json={"first_name": "Amal", "last_name": "Idrissi", "email": "amal@example.com"},
        headers=headers,
    )
    assert refused(created), created.get_json()


def test_a_bound_read_token_is_refused_at_another_event(client, make_user, two_events):
    event_a, event_b = two_events
    headers = bearer(make_user("admin"), "read", event_a)
    assert client.get(f"/api/v1/events/{event_a.slug}", headers=headers).status_code == 200
    assert refused(client.get(f"/api/v1/events/{event_b.slug}", headers=headers))
    assert refused(client.get("/api/v1/events", headers=headers))  # no event named


def test_an_organiser_token_works_everywhere(client, make_user, make_registration, two_events):
    headers = bearer(make_user("admin"), "organiser")
    for event in two_events:
        assert scan(client, event, make_registration(event), headers).status_code == 201
        for path in ("/registrations", "/attendance", "/door-list"):
            response = client.get(f"/api/v1/events/{event.slug}{path}", headers=headers)
            assert response.status_code == 200, response.get_json()
    assert client.get("/api/v1/events", headers=headers).status_code == 200


def test_the_role_still_counts_within_the_scope(client, make_user, two_events):
    """A staff member's read token reads what staff may read, no more."""
    event_a, _ = two_events
    headers = bearer(make_user("staff"), "read")
    assert (
        client.get(f"/api/v1/events/{event_a.slug}/door-list", headers=headers).status_code == 200
    )
    response = client.get(f"/api/v1/events/{event_a.slug}/registrations", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] != "token_scope"


def test_a_browser_session_is_not_scoped(client, login_as, make_registration, two_events):
    login_as("staff")
    for event in two_events:
        response = client.post(
            f"/api/v1/events/{event.slug}/checkins",
            json={"code": badge_token(make_registration(event)), "gate": "A"},
        )
        assert response.status_code == 201


def test_existing_callers_get_the_scope_of_the_role(make_user):
    """A token made without a scope (older callers): door staff get `door`, others all."""
    staff = issue_api_token(make_user("staff"), "Gate").token
    admin = issue_api_token(make_user("admin"), "Laptop").token
    assert (staff.scope, staff.event_id) == ("door", None)
    assert (admin.scope, admin.event_id) == ("organiser", None)


def test_the_holder_carries_scope_and_event_in_one_query(make_user, two_events):
    event_a, _ = two_events
    issued = issue_api_token(make_user("staff"), "Gate", "door", event_a)
    db.session.commit()
    found = token_holder(issued.secret)
    assert (found.scope, found.event_id, found.event_slug) == ("door", event_a.id, event_a.slug)


def test_deleting_the_event_deletes_its_tokens(make_user, two_events):
    event_a, event_b = two_events
    bound = issue_api_token(make_user("staff"), "Gate", "door", event_a).token.id
    other = issue_api_token(make_user("staff"), "Gate", "door", event_b).token.id
    db.session.commit()
    db.session.execute(text("DELETE FROM scans"))
    db.session.delete(event_a)
    db.session.commit()
    assert db.session.get(ApiToken, bound) is None
    assert db.session.get(ApiToken, other) is not None


# The organiser's page.


def token_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ApiToken))


def test_create_a_door_token_for_one_event(client, login_as, make_user, two_events):
    admin = login_as("admin")
    staff = make_user("staff")
    event_a, _ = two_events
    page = client.get("/organiser/api-tokens").get_data(as_text=True)
    assert "All events" in page and event_a.name in page
    response = client.post(
        "/organiser/api-tokens",
        data={
            "user_id": staff.id,
            "label": "Gate A phone",
            "scope": "door",
            "event_id": event_a.id,
        },
    )
    assert response.status_code == 200
    token = db.session.scalars(select(ApiToken)).one()
    assert (token.user_id, token.scope, token.event_id) == (staff.id, "door", event_a.id)
    audit = db.session.scalars(select(AuditEntry)).one()
    assert audit.actor_id == admin.id
    assert audit.details == {"user": staff.email, "scope": "door", "event": event_a.slug}

    listed = client.get("/organiser/api-tokens").get_data(as_text=True)
    assert 'data-scope="door"' in listed
    assert token.prefix in listed and "Gate A phone" in listed


def test_create_an_organiser_token_for_every_event(client, login_as):
    admin = login_as("admin")
    response = client.post(
        "/organiser/api-tokens",
        data={"user_id": admin.id, "label": "Laptop", "scope": "organiser", "event_id": ""},
    )
    assert response.status_code == 200
    token = db.session.scalars(select(ApiToken)).one()
    assert (token.scope, token.event_id) == ("organiser", None)
    listed = client.get("/organiser/api-tokens").get_data(as_text=True)
    assert 'data-scope="organiser"' in listed


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"scope": "superuser"}, "scope", "Not a valid choice"),
        ({"scope": ""}, "scope", "This field is required."),
        ({"event_id": "999999"}, "event_id", "Not a valid choice"),
        ({"event_id": "abc"}, "event_id", "Invalid Choice"),
        ({"event_id": "{archived}"}, "event_id", "Not a valid choice"),
        ({"scope": "organiser"}, "scope", "Door staff may not hold an organiser token"),
    ],
    ids=["unknown-scope", "no-scope", "unknown-event", "event-not-a-number", "archived", "staff"],
)
def test_bad_scope_or_event_creates_nothing(
    client, login_as, make_user, make_event, field_errors, data, field, message
):
    login_as("admin")
    staff = make_user("staff")
    archived = make_event(status="archived")
    form = {"user_id": staff.id, "label": "Gate A", "scope": "door", "event_id": ""}
    form.update({key: value.format(archived=archived.id) for key, value in data.items()})
    response = client.post("/organiser/api-tokens", data=form)
    assert response.status_code == 422
    errors = field_errors(response, field)
    assert any(message in error for error in errors), errors
    assert "ehk_" not in response.get_data(as_text=True)
    assert token_count() == 0


@pytest.mark.parametrize("role", [None, "staff", "startup", "investor"])
def test_only_organisers_create_scoped_tokens(client, login_as, make_user, two_events, role):
    staff = make_user("staff")
    if role is not None:
        login_as(role)
    response = client.post(
        "/organiser/api-tokens",
        data={"user_id": staff.id, "label": "x", "scope": "door", "event_id": two_events[0].id},
    )
    assert response.status_code == (302 if role is None else 403)
    assert token_count() == 0


# The command line.


def test_cli_creates_a_bound_door_token(runner, make_user, two_events):
    make_user("staff", email="gate@example.test")
    event_a, _ = two_events
    args = ["api-token", "create", "gate@example.test", "--scope", "door", "--event", event_a.slug]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    token = db.session.scalars(select(ApiToken)).one()
    assert (token.scope, token.event_id) == ("door", event_a.id)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "organiser"], "may not hold an organiser token"),
        (["--event", "no-such-event"], "No event with slug no-such-event"),
        (["--scope", "root"], "Invalid value"),
    ],
)
def test_cli_refuses_bad_scopes(runner, make_user, logic_in_english, args, message):
    make_user("staff", email="gate@example.test")
    result = runner.invoke(args=["api-token", "create", "gate@example.test", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert token_count() == 0


# The migration: existing tokens keep what they are used for.

POSTGRES_URL = os.environ.get("EVENTHUB_TEST_DATABASE_URL")


def check_existing_tokens_get_a_scope(database_uri: str) -> None:
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        try:
            flask_migrate.upgrade(revision="0017")
            at = datetime(2026, 11, 1, tzinfo=UTC)
            for user_id, role in ((1, "admin"), (2, "staff")):
                db.session.execute(
                    text(
                        "INSERT INTO users (id, email, password_hash, role, name, is_active, "
                        "created_at, session_token, status, review_note) VALUES (:id, :email, "
                        "'x', :role, 'N', :yes, :at, :session, 'active', '')"
                    ),
                    {"id": user_id, "email": f"{role}@example.test", "role": role, "yes": True,
                     "at": at, "session": f"s{user_id}"},
                )  # fmt: skip
                db.session.execute(
                    text(
                        "INSERT INTO api_tokens (user_id, label, token_hash, prefix, created_at) "
                        "VALUES (:id, 'phone', :hash, 'ehk_x', :at)"
                    ),
                    {"id": user_id, "hash": f"{user_id:064d}", "at": at},
                )
            db.session.commit()

            flask_migrate.upgrade(revision="0018")
            rows = db.session.execute(
                text("SELECT user_id, scope, event_id FROM api_tokens ORDER BY user_id")
            ).all()
            assert [tuple(row) for row in rows] == [(1, "organiser", None), (2, "door", None)]
            db.session.commit()

            flask_migrate.downgrade(revision="0017")
            columns = {column["name"] for column in inspect(db.engine).get_columns("api_tokens")}
            assert "scope" not in columns and "event_id" not in columns
            assert db.session.scalar(text("SELECT count(*) FROM api_tokens")) == 2
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()


def test_sqlite_existing_tokens_get_a_scope(tmp_path: Path):
    check_existing_tokens_get_a_scope(f"sqlite:///{tmp_path / 'scopes.sqlite3'}")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="EVENTHUB_TEST_DATABASE_URL is not set")
def test_postgresql_existing_tokens_get_a_scope():
    from tests.test_migrations import postgres_database

    with postgres_database() as uri:
        check_existing_tokens_get_a_scope(uri)
