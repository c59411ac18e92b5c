"""POST /api/v1/events/<slug>/registrations and the organiser's GET list."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from eventhub.auth.accounts import issue_api_token
from eventhub.errors import api_status
from eventhub.events.models import AttendeeCategory
from eventhub.extensions import db
from eventhub.registration.models import Registration


def url(event: Any) -> str:
    return f"/api/v1/events/{event.slug}/registrations"


def payload(**overrides: Any) -> dict[str, Any]:
    body = {
        "first_name": "Karim",
        "last_name": "Tazi",
        "email": "Karim.Tazi@Example.com",
        "organization": "Sahara Capital",
        "job_title": "Partner",
        "country": "MA",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration)) or 0


def test_created_with_the_default_category(client, make_event, outbox):
    event = make_event()
    response = client.post(url(event), json=payload())
    assert response.status_code == 201
    body = response.json
    assert set(body) == {"id", "status", "badge_url", "manage_url", "waitlist_position"}
    registration = db.session.get(Registration, body["id"])
    assert body["status"] == "confirmed"
    assert body["waitlist_position"] is None
    assert body["manage_url"] == f"http://localhost:5000/r/{registration.manage_token}"
    assert body["badge_url"] == f"http://localhost:5000/r/{registration.manage_token}/badge.pdf"
    assert registration.email == "karim.tazi@example.com"
    assert registration.country == "MA"
    assert registration.category.name == "Visitor"
    assert registration.source == "api"
    pdf = client.get(body["badge_url"].removeprefix("http://localhost:5000"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    [message] = outbox()
    assert message["To"] == "karim.tazi@example.com"


def test_links_are_on_the_public_base_url_whatever_the_host_header(app, client, make_event, outbox):
    event = make_event()
    app.config["PUBLIC_BASE_URL"] = "https://expo.example.ma/eventhub"
    try:
        response = client.post(url(event), json=payload(), headers={"Host": "evil.example"})
    finally:
        app.config["PUBLIC_BASE_URL"] = "http://localhost:5000"
    assert response.status_code == 201
    token = db.session.get(Registration, response.json["id"]).manage_token
    assert response.json["manage_url"] == f"https://expo.example.ma/eventhub/r/{token}"
    [message] = outbox()
    raw = message.as_bytes().decode()  # the text and HTML parts are 8bit UTF-8
    assert "evil.example" not in raw
    assert f"https://expo.example.ma/eventhub/r/{token}" in raw
    assert message["Message-ID"].endswith("@expo.example.ma>")


def test_category_by_name_or_id_and_language(client, make_event, outbox):
    event = make_event()
    press = AttendeeCategory(name="Press", is_public=True)
    event.categories.append(press)
    db.session.commit()
    first = client.post(url(event), json=payload(category="press", language="ar"))
    second = client.post(url(event), json=payload(email="b@example.com", category=press.id))
    assert (first.status_code, second.status_code) == (201, 201)
    rows = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert [r.category.name for r in rows] == ["Press", "Press"]
    assert rows[0].language == "ar"


def test_waitlisted_has_no_badge_url(client, make_event, outbox):
    event = make_event(capacity=1)
    assert client.post(url(event), json=payload()).json["status"] == "confirmed"
    body = client.post(url(event), json=payload(email="second@example.com")).json
    assert body["status"] == "waitlisted"
    assert body["waitlist_position"] == 1
    assert body["badge_url"] is None
    token = body["manage_url"].rsplit("/", 1)[1]
    assert client.get(f"/r/{token}/badge.pdf").status_code == 409


def test_validation_errors_per_field(client, in_english, make_event):
    event = make_event()
    response = client.post(
        url(event),
        json={
            "first_name": "",
            "email": "nope",
            "country": "XX",
            "organization": "o" * 161,
            "language": "de",
            "unexpected": 1,
        },
    )
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    details = error["details"]
    assert details["first_name"] == ["Enter your first name."]
    assert details["last_name"] == ["This field is required."]
    assert details["email"] == ["Enter a valid e-mail address, for example name@company.ma."]
    assert details["country"]
    assert details["organization"] == ["At most 160 characters."]
    assert details["language"]
    assert details["unexpected"]
    assert count() == 0


@pytest.mark.parametrize(
    ("category", "status", "code"),
    [
        ("VIP", 403, "category_not_public"),
        ("Nonexistent", 404, "unknown_category"),
        (123456, 404, "unknown_category"),
        (True, 422, "validation_error"),
        (["Visitor"], 422, "validation_error"),
    ],
)
def test_a_private_unknown_or_malformed_category_is_refused(
    client, make_event, category, status, code
):
    """The document says a category is a name or an id: a well-formed one the event does
    not have is not found, one by invitation forbidden, anything else bad input."""
    event = make_event()
    response = client.post(url(event), json=payload(category=category))
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert list(response.json["error"]["details"]) == ["category"]
    assert count() == 0


def test_duplicate_is_202_check_email(client, in_english, make_event, outbox):
    """More in tests/registration/test_duplicates.py."""
    event = make_event()
    assert client.post(url(event), json=payload()).status_code == 201
    response = client.post(url(event), json=payload(email="KARIM.TAZI@example.com"))
    assert response.status_code == 202
    assert response.json["status"] == "check_email"
    assert count() == 1


def test_unknown_or_unpublished_event_is_404(client, make_event):
    draft = make_event(status="draft")
    for slug in ("no-such-event", draft.slug):
        response = client.post(f"/api/v1/events/{slug}/registrations", json=payload())
        assert response.status_code == 404
        assert response.json["error"]["code"] == "event_not_found"
    assert count() == 0


@pytest.mark.parametrize(
    ("state", "code"), [("not_yet", "registration_not_open"), ("closed", "registration_closed")]
)
def test_outside_the_window_is_409(client, make_event, window, state, code):
    event = make_event(**window(state))
    response = client.post(url(event), json=payload())
    assert response.status_code == 409
    assert response.json["error"]["code"] == code
    assert count() == 0


def test_invitation_only_event_is_409(client, make_event):
    event = make_event(with_categories=False)
    event.categories = [AttendeeCategory(name="VIP", is_public=False)]
    db.session.commit()
    response = client.post(url(event), json=payload())
    assert response.status_code == 409
    assert response.json["error"]["code"] == "no_public_category"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("event_not_found", 404),
        ("no_public_category", 409),
        ("already_registered", 409),
        ("registration_not_open", 409),
        ("registration_closed", 409),
        ("event_closed", 409),
        ("category_full", 409),
        ("already_cancelled", 409),
        ("not_cancelled", 409),
        ("too_many_reissues", 409),
        ("category_not_public", 403),
        ("unknown_category", 404),
        ("validation_error", 422),
    ],
)
def test_status_of_each_refusal(code, status):
    """Refusals because of a state are 409, bad input 422, something missing 404 (a
    category name the event lacks too), something not allowed 403."""
    assert api_status(code) == status


def test_malformed_json_is_400_and_other_media_types_415(client, make_event):
    event = make_event()
    response = client.post(url(event), data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed_json"
    response = client.post(url(event), data=payload())  # a form post
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"
    response = client.post(url(event), data="x", content_type="text/plain")
    assert response.status_code == 415
    response = client.post(url(event), json=["not", "an", "object"])
    assert response.status_code == 422
    assert count() == 0


def test_documented_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json
    operations = spec["paths"]["/api/v1/events/{slug}/registrations"]
    assert {"get", "post"} <= set(operations)
    post = operations["post"]
    assert {"201", "400", "404", "409", "415", "422", "429"} <= set(post["responses"])
    assert post["security"] == []
    schema_ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref.endswith("/RegistrationRequest")


def test_list_needs_an_organiser(client, make_event, login_as, auth):
    event = make_event()
    response = client.get(url(event))
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"
    for role in ("staff", "startup", "investor"):
        login_as(role)
        response = client.get(url(event))
        assert response.status_code == 403, role
        assert response.json["error"]["code"] == "forbidden"
        auth.logout()


def test_list_with_bearer_token_search_and_filters(
    client, make_event, make_user, make_registration
):
    event = make_event()
    make_registration(event, first_name="Salma", last_name="Bennani", email="salma@example.com")
    other = make_registration(event, first_name="Omar", organization="Sahara Solar")
    vip = next(c for c in event.categories if c.name == "VIP")
    make_registration(event, category=vip, first_name="Nadia")
    admin = make_user("admin")
    secret = issue_api_token(admin, "integration").secret
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}

    body = client.get(url(event), headers=headers).json
    assert body["total"] == 3 and body["page"] == 1 and len(body["items"]) == 3
    assert {"email", "status", "category", "number"} <= set(body["items"][0])

    body = client.get(url(event) + "?q=sahara", headers=headers).json
    assert [item["id"] for item in body["items"]] == [other.id]
    body = client.get(url(event) + "?category=VIP", headers=headers).json
    assert [item["first_name"] for item in body["items"]] == ["Nadia"]
    body = client.get(url(event) + "?status=cancelled", headers=headers).json
    assert body["total"] == 0
    body = client.get(url(event) + "?per_page=2&page=2", headers=headers).json
    assert len(body["items"]) == 1 and body["pages"] == 2

    bad = client.get(url(event) + "?status=nope&page=0", headers=headers)
    assert bad.status_code == 422
    assert {"status", "page"} <= set(bad.json["error"]["details"])
    missing = client.get("/api/v1/events/nothing/registrations", headers=headers)
    assert missing.status_code == 404
