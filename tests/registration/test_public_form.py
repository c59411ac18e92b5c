"""The public registration form: happy path, duplicates, capacity, window, abuse."""

from __future__ import annotations

from sqlalchemy import func, select

from eventhub.events.models import AttendeeCategory
from eventhub.extensions import db
from eventhub.registration.models import Registration


def registrations() -> list[Registration]:
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def register_url(event) -> str:
    return f"/events/{event.slug}/register"


def test_event_page_shows_the_form_with_public_categories_only(client, make_event):
    event = make_event()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert 'action="/events/' + event.slug + '/register"' in page
    assert 'name="first_name"' in page and 'name="consent"' in page
    assert ">Visitor</option>" in page
    assert ">VIP</option>" not in page  # private category
    assert 'name="website"' in page  # the honeypot, hidden from people


def test_register_form_page_renders(client, make_event):
    event = make_event()
    response = client.get(register_url(event))
    assert response.status_code == 200
    assert 'name="email"' in response.get_data(as_text=True)


def test_happy_path_redirects_to_private_page_and_writes_the_email(
    client, make_event, form_data, outbox
):
    event = make_event()
    response = client.post(register_url(event), data=form_data(email="  Salma@Example.COM "))
    assert response.status_code == 302
    [registration] = registrations()
    assert response.headers["Location"] == f"/r/{registration.manage_token}"
    assert registration.email == "salma@example.com"
    assert registration.status == "confirmed"
    assert registration.category.name == "Visitor"
    assert registration.source == "online"
    assert registration.country == "MA"
    assert len(registration.manage_token) >= 43  # 256 random bits, URL-safe base64

    [message] = outbox()
    assert message["To"] == "salma@example.com"
    assert event.name in message["Subject"]
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content().startswith(b"%PDF")
    assert registration.manage_token in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None

    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Salma Bennani" in page.get_data(as_text=True)


def test_arabic_names_are_kept_and_shown_right_to_left(client, make_event, form_data, outbox):
    event = make_event()
    client.set_cookie("eventhub_lang", "ar")
    response = client.post(
        register_url(event),
        data=form_data(first_name="سلمى", last_name="بناني", organization="شركة الأطلس"),
    )
    assert response.status_code == 302
    [registration] = registrations()
    assert registration.full_name == "سلمى بناني"
    assert registration.organization == "شركة الأطلس"
    assert registration.language == "ar"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert "سلمى بناني" in page
    [message] = outbox()
    assert message["Content-Language"] == "ar"
    assert "سلمى" in message.get_body(("plain",)).get_content()


def test_duplicate_email_after_normalising_gets_the_check_email_page(
    client, in_english, make_event, form_data, outbox
):
    """More in tests/registration/test_duplicates.py."""
    event = make_event()
    assert client.post(register_url(event), data=form_data()).status_code == 302
    response = client.post(
        register_url(event), data=form_data(email=" SALMA@example.com", first_name="Other")
    )
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    [registration] = registrations()
    assert registration.first_name == "Salma"
    assert len(outbox()) == 2  # the confirmation, then "you are already registered"


def test_same_email_may_register_for_another_event(client, make_event, form_data, outbox):
    first, second = make_event(), make_event()
    assert client.post(register_url(first), data=form_data()).status_code == 302
    assert client.post(register_url(second), data=form_data()).status_code == 302
    assert len(registrations()) == 2


def test_invalid_fields_get_messages_and_change_nothing(
    client, in_english, make_event, form_data, field_errors
):
    event = make_event()
    response = client.post(
        register_url(event),
        data=form_data(
            first_name="  ",
            last_name="x" * 81,
            email="not-an-address",
            country="QQ",
            job_title="CEO\x00",
            consent=None,
        ),
    )
    assert response.status_code == 422
    assert field_errors(response, "first_name") == ["Enter your first name."]
    assert field_errors(response, "last_name") == ["At most 80 characters."]
    assert field_errors(response, "email") == [
        "Enter a valid e-mail address, for example name@company.ma."
    ]
    assert field_errors(response, "country")
    assert field_errors(response, "job_title")
    assert field_errors(response, "consent") == ["Please accept the privacy terms to register."]
    assert registrations() == []


def test_private_or_unknown_category_is_refused(
    client, in_english, make_event, form_data, field_errors
):
    event = make_event()
    vip = next(c for c in event.categories if c.name == "VIP")
    for value in (str(vip.id), "VIP", "999999", "abc", "x" * 500):
        response = client.post(register_url(event), data=form_data(category=value))
        assert response.status_code == 422
        assert field_errors(response, "category") == [
            "Choose one of the categories open to registration."
        ]
    assert registrations() == []


def test_waitlist_when_the_event_is_full_and_offer_on_cancel(
    client, in_english, make_event, form_data, outbox
):
    event = make_event(capacity=2)
    tokens = []
    for number in range(4):
        response = client.post(register_url(event), data=form_data(email=f"p{number}@example.com"))
        assert response.status_code == 302
        tokens.append(response.headers["Location"].removeprefix("/r/"))
    statuses = [r.status for r in registrations()]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "The event is full: new registrations join the waiting list" in page

    page = client.get(f"/r/{tokens[3]}").get_data(as_text=True)
    assert "You are number 2 on the waiting list" in page

    # The first confirmed attendee cancels: the first on the list is offered the place…
    response = client.post(f"/r/{tokens[0]}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    statuses = [r.status for r in registrations()]
    assert statuses == ["cancelled", "confirmed", "offered", "waitlisted"]
    offer_mail = outbox()[-1]
    assert offer_mail["To"] == "p2@example.com"
    assert f"/r/{tokens[2]}" in offer_mail.get_body(("plain",)).get_content()
    # …and the badge comes once they accept it.
    response = client.post(f"/r/{tokens[2]}/offer/accept")
    assert response.status_code == 302
    db.session.expire_all()
    statuses = [r.status for r in registrations()]
    assert statuses == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    badge_mail = outbox()[-1]
    assert badge_mail["To"] == "p2@example.com"
    assert any(
        part.get_content_type() == "application/pdf" for part in badge_mail.iter_attachments()
    )


def test_category_capacity_waitlists_only_that_category(client, make_event, form_data, outbox):
    event = make_event()
    press = AttendeeCategory(name="Press", colour="#ea580c", is_public=True, capacity=1)
    event.categories.append(press)
    db.session.commit()
    for number in range(2):
        client.post(
            register_url(event),
            data=form_data(email=f"press{number}@example.com", category=str(press.id)),
        )
    client.post(register_url(event), data=form_data(email="visitor@example.com"))
    by_email = {r.email: r.status for r in registrations()}
    assert by_email == {
        "press0@example.com": "confirmed",
        "press1@example.com": "waitlisted",
        "visitor@example.com": "confirmed",
    }


def test_window_not_open_yet(client, in_english, make_event, form_data, window):
    event = make_event(**window("not_yet"))
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Registration opens on" in page
    assert 'name="first_name"' not in page
    response = client.post(register_url(event), data=form_data())
    assert response.status_code == 409
    assert "Registration has not opened yet." in response.get_data(as_text=True)
    assert registrations() == []


def test_window_closed(client, in_english, make_event, form_data, window):
    event = make_event(**window("closed"))
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Registration is closed." in page
    assert 'name="first_name"' not in page
    response = client.post(register_url(event), data=form_data())
    assert response.status_code == 409
    assert "Registration is closed." in response.get_data(as_text=True)
    assert registrations() == []


def test_open_window_accepts(client, make_event, form_data, window, outbox):
    event = make_event(**window("open"))
    assert client.post(register_url(event), data=form_data()).status_code == 302


def test_unpublished_event_is_not_found(client, make_event, form_data):
    event = make_event(status="draft")
    assert client.get(register_url(event)).status_code == 404
    assert client.post(register_url(event), data=form_data()).status_code == 404
    assert client.post("/events/no-such-event/register", data=form_data()).status_code == 404


def test_invitation_only_event_shows_no_form(client, in_english, make_event):
    event = make_event(with_categories=False)
    event.categories = [AttendeeCategory(name="VIP", is_public=False)]
    db.session.commit()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "by invitation only" in page
    assert 'name="first_name"' not in page


def test_honeypot_looks_like_success_but_saves_nothing(
    client, in_english, make_event, form_data, outbox
):
    event = make_event()
    response = client.post(register_url(event), data=form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)  # as any registration
    assert registrations() == []
    assert outbox() == []


def test_csrf_token_is_required_on_the_public_form(
    client, make_event, form_data, csrf_enabled, csrf_token, outbox
):
    event = make_event()
    response = client.post(register_url(event), data=form_data())
    assert response.status_code == 400
    assert registrations() == []
    token = csrf_token(f"/events/{event.slug}")
    response = client.post(register_url(event), data=form_data(csrf_token=token))
    assert response.status_code == 302
    assert len(registrations()) == 1


def test_rate_limit_per_ip_on_post(app, client, make_event, form_data, rate_limits_enabled, outbox):
    event = make_event()
    saved = app.config["REGISTRATION_RATE_LIMIT"]
    app.config["REGISTRATION_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [
            client.post(register_url(event), data=form_data(email=f"r{n}@example.com")).status_code
            for n in range(5)
        ]
        assert codes == [302, 302, 302, 429, 429]
        # GET is not limited; the API shares the budget of the form.
        assert client.get(register_url(event)).status_code == 200
        api = client.post(
            f"/api/v1/events/{event.slug}/registrations",
            json={"first_name": "A", "last_name": "B", "email": "a@example.com", "country": "MA"},
        )
        assert api.status_code == 429
        assert api.json["error"]["code"] == "rate_limited"
        assert "Retry-After" in api.headers
    finally:
        app.config["REGISTRATION_RATE_LIMIT"] = saved
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 3


def test_output_is_escaped(client, make_event, form_data, outbox):
    event = make_event()
    response = client.post(
        register_url(event), data=form_data(first_name="<script>alert(1)</script>")
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
