"""An address registered again through the public form or API (issue 20, finding 5): the
answer is "check your e-mail", the existing private link goes to that address only, at most
once in CHECK_EMAIL_INTERVAL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration.models import Registration
from eventhub.registration.optin import CHECK_EMAIL_INTERVAL

API_BODY = {
    "first_name": "Karim",
    "last_name": "Tazi",
    "email": "karim.tazi@example.com",
    "country": "MA",
}


def api_url(event: Any) -> str:
    return f"/api/v1/events/{event.slug}/registrations"


def the_registration() -> Registration:
    [registration] = db.session.scalars(select(Registration)).all()
    return registration


def text_of(message: Any) -> str:
    return message.get_body(("plain",)).get_content() + message.get_body(("html",)).get_content()


def leaks(response: Any, token: str) -> bool:
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    return token in response.get_data(as_text=True) or token in headers


def age_last_notice(by: timedelta) -> None:
    registration = the_registration()
    db.session.refresh(registration)
    registration.check_email_sent_at -= by
    db.session.commit()


def test_api_duplicate_is_202_and_the_link_goes_by_email_only(
    client, in_english, make_event, outbox
):
    event = make_event()
    assert client.post(api_url(event), json=API_BODY).status_code == 201
    registration = the_registration()
    token = registration.manage_token
    response = client.post(
        api_url(event), json={**API_BODY, "email": "KARIM.TAZI@Example.com", "first_name": "X"}
    )
    assert response.status_code == 202
    assert response.json == {
        "status": "check_email",
        "message": "Thank you. Check your e-mail: we have sent a message to this address with "
        "what to do next.",
    }
    assert not leaks(response, token)
    db.session.refresh(registration)
    assert registration.first_name == "Karim"  # nothing taken from the second request
    _confirmation, notice = outbox()
    assert notice["To"] == "karim.tazi@example.com"
    assert notice["Subject"] == f"You are already registered for {event.name}"
    assert f"http://localhost:5000/r/{token}" in text_of(notice)
    assert not list(notice.iter_attachments())  # no badge: only the link to the page


def test_the_notice_is_in_the_registrants_language(client, in_english, make_event, outbox):
    event = make_event()
    assert client.post(api_url(event), json={**API_BODY, "language": "ar"}).status_code == 201
    assert client.post(api_url(event), json=API_BODY).status_code == 202
    notice = outbox()[-1]
    assert notice["Content-Language"] == "ar"


def test_at_most_one_notice_per_interval_and_the_same_answer(client, make_event, outbox):
    event = make_event()
    assert client.post(api_url(event), json=API_BODY).status_code == 201
    answers = [client.post(api_url(event), json=API_BODY) for _ in range(3)]
    assert {answer.status_code for answer in answers} == {202}
    assert len({answer.get_data() for answer in answers}) == 1
    assert len(outbox()) == 2  # the confirmation and one notice
    age_last_notice(CHECK_EMAIL_INTERVAL - timedelta(seconds=30))
    assert client.post(api_url(event), json=API_BODY).status_code == 202
    assert len(outbox()) == 2
    age_last_notice(timedelta(minutes=1))
    assert client.post(api_url(event), json=API_BODY).status_code == 202
    assert len(outbox()) == 3


def test_web_form_duplicate_shows_check_your_email(
    client, in_english, make_event, form_data, outbox
):
    event = make_event()
    assert client.post(f"/events/{event.slug}/register", data=form_data()).status_code == 302
    token = the_registration().manage_token
    response = client.post(
        f"/events/{event.slug}/register", data=form_data(email="SALMA@example.com")
    )
    assert response.status_code == 200
    assert "Location" not in response.headers
    page = response.get_data(as_text=True)
    assert "Check your e-mail" in page
    assert "already" not in page.lower()
    assert not leaks(response, token)
    notice = outbox()[-1]
    assert notice["To"] == "salma@example.com"
    assert f"/r/{token}" in text_of(notice)


def test_a_cancelled_registration_is_a_duplicate_too(client, make_event, outbox):
    event = make_event()
    assert client.post(api_url(event), json=API_BODY).status_code == 201
    registration = the_registration()
    registration.status = "cancelled"
    registration.cancelled_at = utcnow()
    db.session.commit()
    response = client.post(api_url(event), json=API_BODY)
    assert response.status_code == 202
    assert not leaks(response, registration.manage_token)
    assert f"/r/{registration.manage_token}" in text_of(outbox()[-1])


def test_a_duplicate_outside_the_window_is_refused_like_a_new_one(
    client, make_event, window, outbox
):
    event = make_event()
    assert client.post(api_url(event), json=API_BODY).status_code == 201
    event.registration_opens_at = window("closed")["registration_opens_at"]
    event.registration_closes_at = window("closed")["registration_closes_at"]
    db.session.commit()
    for email in (API_BODY["email"], "new@example.com"):
        response = client.post(api_url(event), json={**API_BODY, "email": email})
        assert response.status_code == 409
        assert response.json["error"]["code"] == "registration_closed"
    assert len(outbox()) == 1


def test_the_organiser_import_still_names_duplicates(app, make_event, logic_in_english):
    from eventhub.registration.register import Attendee, RegistrationError, register

    event = make_event()
    visitor = event.categories[0]
    attendee = Attendee("A", "One", "one@example.com")
    register(event, visitor, attendee, source="import", public_only=False)
    try:
        register(event, visitor, attendee, source="import", public_only=False)
    except RegistrationError as error:
        assert error.code == "already_registered" and error.status == 409
    else:
        raise AssertionError("a duplicate import must be refused")


def test_openapi_documents_202_and_not_already_registered(client):
    spec = client.get("/api/v1/openapi.json").json
    post = spec["paths"]["/api/v1/events/{slug}/registrations"]["post"]
    accepted = post["responses"]["202"]
    ref = accepted["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/CheckEmail")
    assert spec["components"]["schemas"]["CheckEmail"]["required"] == ["message", "status"]
    assert "already_registered" not in str(post)
