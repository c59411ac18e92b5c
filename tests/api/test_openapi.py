"""The OpenAPI document is generated from the code, and the API keeps to it.

Schemathesis generates requests for every operation in /api/v1/openapi.json (valid and
invalid ones) and checks that no answer is a server error, that every answer — status,
headers, body — is one the document declares, that what the document calls valid is
accepted and what it calls invalid refused. tests/api/test_live_fuzzing.py does the same
against gunicorn.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from eventhub.auth.accounts import issue_api_token
from eventhub.events.models import Zone
from eventhub.extensions import db

OPENAPI_PATH = "/api/v1/openapi.json"
SEEDED_SLUGS = ("gitex-africa-2031", "demo-day-rabat-2031")


@pytest.fixture
def openapi(client) -> dict:
    response = client.get(OPENAPI_PATH)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_document_is_openapi_3_with_our_paths(openapi):
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["title"] == "EventHub API"
    assert {"/api/v1/events", "/api/v1/events/{slug}", "/api/v1/me"} <= set(openapi["paths"])
    assert all(path.startswith("/api/v1/") for path in openapi["paths"])
    assert not any("_test" in path for path in openapi["paths"])  # test routes stay out


def test_document_describes_the_error_body(openapi):
    schemas = openapi["components"]["schemas"]
    assert schemas["Error"]["required"] == ["error"]
    assert schemas["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert set(schemas["ErrorBody"]["required"]) == {"code", "message"}
    assert "details" in schemas["ErrorBody"]["properties"]
    default_error = openapi["components"]["responses"]["DEFAULT_ERROR"]
    assert default_error["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert "default" in operation["responses"], f"{method} {path}"


def test_document_declares_how_to_authenticate(openapi):
    schemes = openapi["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["type"] == "http"
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["sessionCookie"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": schemes["sessionCookie"]["description"],
    }
    me = openapi["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}, {"sessionCookie": []}]
    unauthorized = me["responses"]["401"]["content"]["application/json"]["schema"]
    assert unauthorized == {"$ref": "#/components/schemas/Error"}


def test_event_shapes_are_typed(openapi):
    schemas = openapi["components"]["schemas"]
    assert schemas["EventSummary"]["properties"]["kind"]["enum"] == ["expo", "demo_day"]
    assert schemas["Event"]["properties"]["zones"]["type"] == "array"
    assert schemas["Category"]["properties"]["zones"]["items"] == {"type": "string"}
    assert schemas["Category"]["properties"]["days"]["items"]["format"] == "date"


def test_each_app_serves_its_own_document(app, tmp_path):
    """The `api` extension object is shared by every app the factory builds (tests build
    several): an operation added to one app's document does not show in another's."""
    from flask_smorest import Blueprint

    from eventhub import create_app
    from eventhub.extensions import api

    other = create_app(
        {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.db'}"}
    )
    extra = Blueprint("extra_api", __name__, url_prefix="/api/v1/extra")

    @extra.route("")
    @extra.response(200)
    def ping() -> dict:
        return {}

    api.register_blueprint(extra)  # into the app initialised last: `other`
    assert "/api/v1/extra" in other.test_client().get(OPENAPI_PATH).get_json()["paths"]
    assert "/api/v1/extra" not in app.test_client().get(OPENAPI_PATH).get_json()["paths"]


# Schemathesis over the whole API.


@pytest.fixture
def seeded(make_event, make_user):
    """Two published events with zones and categories, a draft; an admin's API token secret."""
    expo = make_event(
        slug=SEEDED_SLUGS[0],
        name="GITEX Africa 2031",
        first_day=date(2031, 5, 6),
        registration_opens_at=datetime(2031, 1, 10, 9, 0, tzinfo=UTC),
        registration_closes_at=datetime(2031, 5, 5, 18, 0, tzinfo=UTC),
        capacity=40_000,
    )
    lounge = Zone(name="VIP Lounge")
    expo.zones = [Zone(name="Hall 1"), lounge]
    expo.categories[1].zones = [lounge]
    expo.categories[1].set_days([date(2031, 5, 6)])
    make_event(
        slug=SEEDED_SLUGS[1],
        name="Demo Day Rabat",
        kind="demo_day",
        city="Rabat",
        first_day=date(2031, 6, 12),
        last_day=date(2031, 6, 12),
    )
    make_event(slug="draft-expo", status="draft")
    issued = issue_api_token(make_user("admin"), "schemathesis")
    db.session.commit()
    return issued.secret


def load_schema(app, token: str):
    """The app's document, with requests authenticated as the seeded admin's device.

    Given to schemathesis as its auth, so that its `ignored_auth` check also sends each
    authenticated request without the token, and with a wrong one, and expects a 401.
    """
    api = schemathesis.openapi.from_wsgi(OPENAPI_PATH, app)

    @api.auth()
    class DeviceToken:
        def get(self, case, context):
            return token

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return api


def _strategy(api, operation):
    """Valid and invalid requests, with and without the token; for `{slug}` operations also
    the seeded events, which random slugs would never find."""
    strategies = []
    for auth in (api.auth, None):
        for mode in GenerationMode:
            strategies.append(operation.as_strategy(mode, auth_storage=auth))
        if "{slug}" in operation.path:
            strategies += [
                operation.as_strategy(auth_storage=auth, path_parameters={"slug": slug})
                for slug in SEEDED_SLUGS
            ]
    return st.one_of(strategies)


def test_api_keeps_to_its_document(app, seeded, subtests):
    """For every operation: no 5xx, and every status, header and body as documented."""
    api = load_schema(app, seeded)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 3

    for operation in operations:

        @given(case=_strategy(api, operation))
        @settings(
            max_examples=50,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate()

        with subtests.test(msg=operation.label):
            check()


@pytest.mark.parametrize(
    ("method", "path", "path_parameters", "status"),
    [
        ("GET", "/api/v1/events", {}, 200),
        ("GET", "/api/v1/events/{slug}", {"slug": SEEDED_SLUGS[0]}, 200),
        ("GET", "/api/v1/events/{slug}", {"slug": SEEDED_SLUGS[1]}, 200),
        ("GET", "/api/v1/events/{slug}", {"slug": "draft-expo"}, 404),
        ("GET", "/api/v1/me", {}, 200),
    ],
)
def test_happy_paths_keep_to_the_document(app, seeded, method, path, path_parameters, status):
    """The seeded data, validated the same way, with a known answer."""
    api = load_schema(app, seeded)
    strategy = api[path][method].as_strategy(auth_storage=api.auth, path_parameters=path_parameters)
    responses = []

    @given(case=strategy)
    @settings(max_examples=1, deadline=None, derandomize=True, database=None)
    def check(case):
        responses.append(case.call_and_validate())

    check()
    assert [response.status_code for response in responses] == [status]


def test_the_meetings_api_documents_the_refusal_of_an_account_not_yet_approved(openapi):
    slots = "/api/v1/events/{slug}/slots"
    booking = "/api/v1/events/{slug}/slots/{slot_id}/booking"
    for path, method in ((slots, "get"), (booking, "post"), (booking, "delete")):
        refused = openapi["paths"][path][method]["responses"]["403"]
        assert "account_not_approved" in refused["description"], f"{method} {path}"
