"""The link in an optional message turns its topic off, after a click, without signing in."""

from __future__ import annotations

from sqlalchemy import select

from eventhub.extensions import db
from eventhub.notifications.models import MailOptOut
from eventhub.notifications.preferences import opt_out_token, unsubscribe_url


def test_the_link_asks_then_the_button_turns_the_topic_off(app, client, csrf_enabled):
    token = opt_out_token("Amal@Example.com", "reminders")
    assert unsubscribe_url("amal@example.com", "reminders").startswith(
        app.config["PUBLIC_BASE_URL"] + "/mail/unsubscribe/"
    )
    page = client.get(f"/mail/unsubscribe/{token}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    assert db.session.scalars(select(MailOptOut)).all() == []  # a GET changes nothing

    assert client.post(f"/mail/unsubscribe/{token}").status_code == 400  # no CSRF token
    csrf = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    done = client.post(f"/mail/unsubscribe/{token}", data={"csrf_token": csrf.split('"')[0]})
    assert done.status_code == 200
    [row] = db.session.scalars(select(MailOptOut)).all()
    assert (row.email, row.topic) == ("amal@example.com", "reminders")
    again = client.post(f"/mail/unsubscribe/{token}", data={"csrf_token": csrf.split('"')[0]})
    assert again.status_code == 200
    assert len(db.session.scalars(select(MailOptOut)).all()) == 1


def test_a_forged_or_altered_link_is_not_found(client):
    token = opt_out_token("amal@example.com", "agenda")
    assert client.get(f"/mail/unsubscribe/{token}x").status_code == 404
    assert client.get("/mail/unsubscribe/not-a-token").status_code == 404
