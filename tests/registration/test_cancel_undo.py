"""Cancelling a registration from the organiser's list asks first (data-confirm on the form)
and the message that follows offers "Reinstate" (issue 18, safe actions)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from eventhub.extensions import db


@pytest.fixture(autouse=True)
def _english(in_english):
    """Pages in English, so that the words checked read as written."""


def base(event: Any) -> str:
    return f"/organiser/events/{event.slug}/registrations"


def undo_form(page: str) -> tuple[str, dict[str, str], str]:
    """The action, the hidden fields and the button words of the message's undo form."""
    match = re.search(
        r'<form method="post" action="([^"]+)" class="inline undo-form">(.*?)</form>', page, re.S
    )
    assert match, "no undo form in the message"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', match.group(2))
    button = re.search(r"<button[^>]*>(.*?)</button>", match.group(2), re.S)
    return (
        html.unescape(match.group(1)),
        {name: html.unescape(value) for name, value in fields},
        button.group(1).strip(),
    )


def test_the_cancel_form_says_what_will_happen(client, login_as, make_event, make_registration):
    login_as("admin")
    event = make_event()
    registration = make_registration(event, first_name='Amal "the tester"', last_name="<b>")
    page = client.get(base(event)).get_data(as_text=True)
    form = re.search(rf'<form[^>]*action="{base(event)}/{registration.id}/cancel"[^>]*>', page)
    assert form, "no cancel form"
    tag = form.group(0)
    assert "will be e-mailed that their registration is cancelled" in html.unescape(tag)
    assert 'data-confirm-button="Cancel registration"' in tag
    assert "<b>" not in tag and '"the tester"' not in tag  # the name is escaped
    assert ">Cancel registration</button>" in page


def test_cancel_then_reinstate_from_the_message(
    client, login_as, make_event, make_registration, outbox
):
    login_as("admin")
    event = make_event()
    registration = make_registration(event, first_name="Amal", last_name="Tazi")
    listing = f"{base(event)}?status=confirmed"
    response = client.post(
        f"{base(event)}/{registration.id}/cancel", data={"next": listing}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Registration of Amal Tazi cancelled." in page
    action, fields, words = undo_form(page)
    assert action == f"{base(event)}/{registration.id}/reinstate"
    assert fields["next"] == listing and words == "Reinstate"
    db.session.expire_all()
    assert registration.status == "cancelled"

    back = client.post(action, data=fields)
    assert back.status_code == 302 and back.headers["Location"] == listing
    db.session.expire_all()
    assert registration.status == "confirmed"
    # Pressed twice: refused with a message, nothing changes.
    again = client.post(action, data=fields, follow_redirects=True)
    assert "Only a cancelled registration can be reinstated." in again.get_data(as_text=True)
    assert registration.status == "confirmed"


def test_other_actions_offer_no_undo(client, login_as, make_event, make_registration, outbox):
    login_as("admin")
    event = make_event()
    registration = make_registration(event)
    response = client.post(f"{base(event)}/{registration.id}/reissue-badge", follow_redirects=True)
    assert "undo-form" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_reinstating_is_for_organisers_only(client, login_as, make_event, make_registration, role):
    event = make_event()
    registration = make_registration(event)
    registration.status = "cancelled"
    db.session.commit()
    url = f"{base(event)}/{registration.id}/reinstate"
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login_as(role)
    assert client.post(url).status_code == 403
    db.session.expire_all()
    assert registration.status == "cancelled"


@pytest.fixture
def organiser(login_as: Any) -> Any:
    return login_as("admin")


def test_reinstating_bad_ids_and_no_csrf(
    client, organiser, make_event, make_registration, csrf_enabled, csrf_token
):
    event = make_event()
    other = make_event(slug="other-expo")
    registration = make_registration(other)
    registration.status = "cancelled"
    db.session.commit()
    token = csrf_token(base(event))
    for url in (
        f"{base(event)}/{registration.id}/reinstate",  # another event's registration
        f"{base(event)}/99999999/reinstate",
        "/organiser/events/no-such-event/registrations/1/reinstate",
    ):
        assert client.post(url, data={"csrf_token": token}).status_code == 404, url
    assert client.post(f"{base(other)}/{registration.id}/reinstate").status_code == 400
    db.session.expire_all()
    assert registration.status == "cancelled"
