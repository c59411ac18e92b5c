"""Deleting a slot and restoring it (issue 18, safe actions): the logic, then the "Restore
slot" button of the message after a deletion, over HTTP (roles, CSRF, bad or altered copies,
a time taken meanwhile)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.meetings.models import MeetingSlot
from eventhub.meetings.slots import (
    SlotCopy,
    delete_slot,
    delete_table,
    open_slots,
    restore_slot,
    set_slot_available,
)
from eventhub.models_common import utcnow
from tests.meetings.helpers import refused
from tests.support.factories import TEST_PASSWORD, create_user


@pytest.fixture(autouse=True)
def _english(in_english):
    """Messages checked as written."""


@pytest.fixture
def atlas(demo_day, make_investor, open_for):
    """Atlas Ventures with three 20-minute slots at Table 7 (10:00–11:00, first day)."""
    investor = make_investor(fund="Atlas Ventures")
    slots = open_for(demo_day, investor, table="Table 7")
    return demo_day, investor, slots


def slot_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MeetingSlot))


# --- The logic ------------------------------------------------------------------------------


def test_a_deleted_slot_comes_back_as_it_was(atlas):
    event, _investor, slots = atlas
    slot = slots[1]
    set_slot_available(slot, False)
    before = (slot.investor_id, slot.table_id, slot.starts_at, slot.ends_at, "unavailable")
    copy = delete_slot(slot)
    db.session.commit()
    assert slot_count() == 2
    again = restore_slot(event, SlotCopy.from_data(copy.to_data()))
    db.session.commit()
    assert slot_count() == 3
    after = (again.investor_id, again.table_id, again.starts_at, again.ends_at, again.status)
    assert after == before


def test_a_slot_is_not_restored_over_a_slot_opened_since(atlas, open_for, make_investor):
    event, investor, slots = atlas
    copy = delete_slot(slots[0])
    db.session.commit()
    open_for(event, investor, start="10:00", end="10:10", length=10)  # the investor is busy
    refused("slot_overlap", restore_slot, event, copy)
    assert slot_count() == 3


def test_a_slot_is_not_restored_when_its_table_is_taken_or_gone(atlas, make_investor):
    event, _investor, slots = atlas
    copy = delete_slot(slots[0])
    db.session.commit()
    other = make_investor(fund="Sahara Capital")
    from eventhub.meetings.slots import SlotPlan

    plan = SlotPlan(
        days=[event.days[0]],
        start=copy.starts_at.astimezone(event.tz).time(),
        end=copy.ends_at.astimezone(event.tz).time(),
        length_minutes=20,
        table_id=copy.table_id,
    )
    (taken,) = open_slots(event, other.investor, plan)
    db.session.commit()
    refused("table_busy", restore_slot, event, copy)
    db.session.delete(taken)
    delete_table(slots[1].table)
    db.session.commit()
    refused("table_unknown", restore_slot, event, copy)


def test_a_slot_is_not_restored_in_the_past_or_into_another_event(atlas, make_event):
    event, _investor, slots = atlas
    copy = delete_slot(slots[0])
    db.session.commit()
    refused("slot_in_past", restore_slot, event, copy, now=copy.starts_at + timedelta(minutes=1))
    other = make_event(slug="other-day", kind="demo_day")
    refused("slot_unknown", restore_slot, other, copy)
    assert slot_count() == 2


def test_only_a_whole_copy_is_read_back():
    good = {
        "event_id": 1,
        "investor_id": 2,
        "table_id": None,
        "starts_at": utcnow().isoformat(),
        "ends_at": (utcnow() + timedelta(minutes=20)).isoformat(),
        "status": "open",
    }
    assert SlotCopy.from_data(good) is not None
    naive = utcnow().replace(tzinfo=None).isoformat()
    for bad in (
        None,
        [],
        "x",
        {**good, "event_id": "one"},
        {**good, "starts_at": "tomorrow"},
        {**good, "starts_at": naive},
        {**good, "status": "booked"},
        {key: value for key, value in good.items() if key != "table_id"},
    ):
        assert SlotCopy.from_data(bad) is None, bad


# --- Over HTTP -------------------------------------------------------------------------------


def login(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def restore_form(page: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the "Restore slot" form in the page's message."""
    match = re.search(
        r'<form method="post" action="([^"]+)" class="inline undo-form">(.*?)</form>', page, re.S
    )
    assert match, "no undo form in the message"
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', match.group(2))
    )
    assert "Restore slot" in match.group(2)
    return html.unescape(match.group(1)), {k: html.unescape(v) for k, v in fields.items()}


def delete_through_page(client, event, slot) -> tuple[str, dict[str, str]]:
    response = client.post(f"/events/{event.slug}/slots/{slot.id}/delete", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Slot deleted." in page
    return restore_form(page)


def test_the_investor_restores_the_slot_it_deleted(client, atlas):
    event, investor, slots = atlas
    login(client, investor)
    action, fields = delete_through_page(client, event, slots[2])
    assert action == f"/events/{event.slug}/slots/restore"
    assert slot_count() == 2
    response = client.post(action, data=fields, follow_redirects=True)
    assert "Slot restored." in response.get_data(as_text=True)
    assert response.request.path == f"/events/{event.slug}/my-slots"
    assert slot_count() == 3
    # The same button twice: the second one finds the time taken, by the slot itself.
    again = client.post(action, data=fields, follow_redirects=True)
    assert "This investor already has a slot at that time." in again.get_data(as_text=True)
    assert slot_count() == 3


def test_the_organiser_restores_and_a_time_taken_meanwhile_is_refused(client, atlas, open_for):
    event, investor, slots = atlas
    login(client, create_user("admin"))
    action, fields = delete_through_page(client, event, slots[0])
    open_for(event, investor, start="10:00", end="10:20", length=20)  # opened again by hand
    response = client.post(action, data=fields, follow_redirects=True)
    assert response.request.path == f"/organiser/events/{event.slug}/meetings/slots"
    assert "This investor already has a slot at that time." in response.get_data(as_text=True)
    assert slot_count() == 3


@pytest.mark.parametrize("role", ["staff", "startup"])
def test_other_roles_may_not_restore(client, atlas, role, make_startup):
    event, investor, slots = atlas
    login(client, investor)
    action, fields = delete_through_page(client, event, slots[0])
    client.post("/logout")
    anonymous = client.post(action, data=fields)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    user = make_startup() if role == "startup" else create_user(role)
    login(client, user)
    assert client.post(action, data=fields).status_code == 403
    assert slot_count() == 2


def test_another_investor_or_event_cannot_use_the_copy(client, atlas, make_investor, make_event):
    event, investor, slots = atlas
    login(client, investor)
    action, fields = delete_through_page(client, event, slots[0])
    other_event = make_event(slug="other-day", kind="demo_day")
    wrong_event = client.post(f"/events/{other_event.slug}/slots/restore", data=fields)
    assert wrong_event.status_code == 404
    client.post("/logout")
    login(client, make_investor(fund="Sahara Capital"))
    assert client.post(action, data=fields).status_code == 404
    assert slot_count() == 2


def test_an_altered_missing_or_old_copy_is_refused(client, atlas, monkeypatch):
    event, investor, slots = atlas
    login(client, investor)
    action, fields = delete_through_page(client, event, slots[0])
    token = fields["slot"]
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in ({"slot": altered}, {"slot": ""}, {}, {"slot": "x" * 5000}):
        assert client.post(action, data=bad).status_code == 400, bad
    assert client.post("/events/no-such-event/slots/restore", data=fields).status_code == 404
    from eventhub.meetings.views import investor as investor_views

    monkeypatch.setattr(investor_views, "RESTORE_MAX_AGE_SECONDS", -1)
    assert client.post(action, data=fields).status_code == 400
    assert slot_count() == 2


def test_restoring_needs_the_csrf_token(client, atlas, csrf_enabled, csrf_token):
    event, investor, slots = atlas
    token = csrf_token("/login")
    response = client.post(
        "/login", data={"email": investor.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    token = csrf_token(f"/events/{event.slug}/my-slots")
    page = client.post(
        f"/events/{event.slug}/slots/{slots[0].id}/delete",
        data={"csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    action, fields = restore_form(page)
    assert fields["csrf_token"]
    without = {name: value for name, value in fields.items() if name != "csrf_token"}
    assert client.post(action, data=without).status_code == 400
    assert slot_count() == 2
    assert client.post(action, data=fields).status_code == 302
    assert slot_count() == 3
