"""Issue 20, finding 8: control characters (ESC, BEL) and bidi overrides (U+202E) were
stored in profile and registration fields and shown. Typed text now loses them; line
breaks of multi-line text and the Arabic marks stay."""

from __future__ import annotations

from sqlalchemy import select

from eventhub.extensions import db
from eventhub.forms_common import clean_typed, strip_filter
from eventhub.meetings.slots import clean_text
from eventhub.registration.models import Registration

OVERRIDE = "\u202e"


def test_control_characters_and_overrides_are_dropped():
    assert clean_typed(f" Ima\x1bne\x07 {OVERRIDE}gpj.exe ") == "Imane gpj.exe"
    assert clean_typed("line one\nline two\ttab") == "line one\nline two\ttab"
    assert clean_typed("\u200fسلمى\u200e") == "\u200fسلمى\u200e"  # RLM/LRM stay
    assert clean_typed("\u2066isolated\u2069\x00") == "isolated"
    assert strip_filter(3) == 3
    assert clean_text(f"{OVERRIDE}Pitch\x9b") == "Pitch"


def test_a_registration_name_loses_its_override(client, make_event):
    event = make_event()
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json={
            "first_name": f"{OVERRIDE}nemaI",
            "last_name": "Idrissi",
            "email": "imane@example.com",
            "country": "MA",
        },
    )
    assert response.status_code == 201, response.json
    stored = db.session.scalar(select(Registration))
    assert stored.first_name == "nemaI"


def test_a_form_field_loses_control_characters(client, login_as, make_event):
    login_as("admin")
    event = make_event(slug="typed-expo")
    response = client.post(
        f"/organiser/events/{event.slug}/zones",
        data={"name": f"Hall\x1b[31m {OVERRIDE}A", "description": "", "capacity": ""},
    )
    assert response.status_code == 302
    db.session.refresh(event)
    assert [zone.name for zone in event.zones] == ["Hall[31m A"]


def test_user_text_set_into_a_sentence_is_isolated(app):
    """<bdi> in pages and HTML e-mails, the Unicode isolates (FSI … PDI) in plain text."""
    source = "Hello {{ name|isolated }},"
    html = app.jinja_env.overlay(autoescape=True).from_string(source)
    assert html.render(name="<سلمى>") == "Hello <bdi>&lt;سلمى&gt;</bdi>,"
    assert html.render(name="") == "Hello ,"
    text = app.jinja_env.overlay(autoescape=False).from_string(source)
    assert text.render(name="سلمى") == "Hello \u2068سلمى\u2069,"


def test_an_arabic_name_is_isolated_in_the_confirmation_email(client, make_event, outbox):
    """The greeting of both parts of the e-mail; an override typed in the name is gone."""
    event = make_event()
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json={
            "first_name": f"{OVERRIDE}سلمى",
            "last_name": "Idrissi",
            "email": "salma@example.com",
            "country": "MA",
            "language": "fr",
        },
    )
    assert response.status_code == 201, response.json
    message = outbox()[-1]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "\u2068سلمى\u2069," in text
    assert "<bdi>سلمى</bdi>," in html
    assert OVERRIDE not in text + html
