"""Meeting pages over HTTP: every page's happy path, the forms, and who may open what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.meetings.booking import book_slot
from eventhub.meetings.calendar import feed_of
from eventhub.meetings.models import Meeting, MeetingRequest, MeetingSlot, MeetingTable
from eventhub.meetings.requests import answer_request, send_request
from tests.support.factories import TEST_PASSWORD

ROLES = ("admin", "staff", "startup", "investor")


@pytest.fixture(autouse=True)
def _english(in_english):
    """Pages in English, so that the messages checked here read as written."""


@pytest.fixture
def scene(demo_day, make_investor, make_startup, open_for, configure):
    """Atlas Ventures with three slots, a startup with a meeting in the first one, requests
    open; nobody logged in."""
    configure(demo_day, requests_open=True)
    investor = make_investor(fund="Atlas Ventures")
    slots = open_for(demo_day, investor, table="Table 7")
    startup = make_startup()
    meeting = book_slot(demo_day, slots[0], startup.startup, note="Our seed round")
    db.session.commit()
    return {
        "event": demo_day,
        "investor": investor,
        "startup": startup,
        "slots": slots,
        "meeting": meeting,
    }


def login(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def text(response) -> str:
    return response.get_data(as_text=True)


def pages(scene) -> dict[str, tuple[str, ...]]:
    """GET pages → the roles that may open them (a fresh user of that role gets 200)."""
    slug, investor_id = scene["event"].slug, scene["investor"].investor.id
    slot_id = scene["slots"][1].id
    return {
        "/my/agenda": ("startup", "investor"),
        f"/events/{slug}/agenda": ("startup", "investor"),
        f"/events/{slug}/agenda/print?day=all": ("startup", "investor"),
        f"/events/{slug}/investors": ROLES,
        f"/events/{slug}/investors/{investor_id}": ROLES,
        f"/events/{slug}/slots/{slot_id}/book": ("startup",),
        f"/events/{slug}/requests": ("startup", "investor"),
        f"/events/{slug}/availability": ("startup", "investor"),
        f"/events/{slug}/my-slots": ("investor",),
        f"/organiser/events/{slug}/meetings": ("admin",),
        f"/organiser/events/{slug}/meetings/slots": ("admin",),
        f"/organiser/events/{slug}/meetings/schedule": ("admin",),
        f"/organiser/events/{slug}/meetings/report": ("admin",),
    }


def test_anonymous_visitors_are_sent_to_log_in(client, scene):
    meeting = scene["meeting"]
    urls = [*pages(scene), f"/meetings/{meeting.id}.ics", f"/meetings/{meeting.id}/decline"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"], url
    response = client.post(f"/meetings/{meeting.id}/cancel")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_its_pages_and_is_refused_the_others(client, scene, make_user, role):
    login(client, make_user(role))
    for url, allowed in pages(scene).items():
        response = client.get(url)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, (url, role, response.status_code)


@pytest.mark.parametrize("role", ("staff", "startup", "investor"))
def test_meetings_of_others_are_not_found(client, scene, make_user, role):
    """Another user's meeting or slot is not found (404) rather than refused, and a role that
    cannot take part at all is refused (403)."""
    login(client, make_user(role))
    meeting, slot = scene["meeting"], scene["slots"][1]
    slug = scene["event"].slug
    ics = client.get(f"/meetings/{meeting.id}.ics")
    assert ics.status_code == (403 if role == "staff" else 404)
    decline = client.get(f"/meetings/{meeting.id}/decline")
    assert decline.status_code == (404 if role == "investor" else 403)
    edit = client.get(f"/events/{slug}/slots/{slot.id}/edit")
    assert edit.status_code == (404 if role == "investor" else 403)
    cancel = client.post(f"/meetings/{meeting.id}/cancel")
    assert cancel.status_code == (403 if role == "staff" else 404)
    assert db.session.get(Meeting, meeting.id).status == "confirmed"


def test_the_startup_books_and_sees_the_meeting_on_its_agenda(client, scene, make_startup):
    event, slot = scene["event"], scene["slots"][1]
    other = make_startup()
    login(client, other)
    investor_page = client.get(f"/events/{event.slug}/investors/{scene['investor'].investor.id}")
    assert f"/events/{event.slug}/slots/{slot.id}/book" in text(investor_page)
    response = client.post(f"/events/{event.slug}/slots/{slot.id}/book", data={"note": "Hello"})
    assert response.status_code == 302
    assert f"/events/{event.slug}/agenda" in response.headers["Location"]
    agenda = client.get(response.headers["Location"])
    assert "Atlas Ventures" in text(agenda)
    assert "Table 7" in text(agenda)
    local = slot.starts_at.astimezone(event.tz).strftime("%H:%M")
    assert local in text(agenda)
    # The same slot again: refused with the rule, nothing saved.
    again = client.post(f"/events/{event.slug}/slots/{slot.id}/book", data={"note": ""})
    assert again.status_code == 409
    assert db.session.scalar(select(func.count()).where(Meeting.status == "confirmed")) == 2


def test_a_taken_slot_shows_it_and_a_missing_slot_is_404(client, scene):
    login(client, scene["startup"])
    slug = scene["event"].slug
    taken = client.get(f"/events/{slug}/slots/{scene['slots'][0].id}/book")
    assert taken.status_code == 200
    assert 'class="flash flash-warning"' in text(taken)
    assert client.get(f"/events/{slug}/slots/999999/book").status_code == 404
    assert client.get(f"/events/{slug}/slots/99999999999/book").status_code == 404
    assert client.get("/events/no-such-event/investors").status_code == 404


def test_the_investor_sees_the_meeting_declines_it_and_records_an_outcome(client, scene):
    event, meeting = scene["event"], scene["meeting"]
    login(client, scene["investor"])
    agenda = client.get(f"/events/{event.slug}/agenda")
    assert scene["startup"].startup.name in text(agenda)
    assert "Our seed round" in text(agenda)
    printable = client.get(f"/events/{event.slug}/agenda/print")
    assert scene["startup"].startup.name in text(printable)
    outcome = client.post(f"/meetings/{meeting.id}/outcome", data={"outcome": "held"})
    assert outcome.status_code == 422  # not started yet
    assert "not started" in text(outcome)
    empty = client.post(f"/meetings/{meeting.id}/decline", data={"reason": ""})
    assert empty.status_code == 422
    declined = client.post(f"/meetings/{meeting.id}/decline", data={"reason": "Not our stage"})
    assert declined.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).decline_reason == "Not our stage"

    client.post("/logout")
    login(client, scene["startup"])
    startup_agenda = text(client.get(f"/events/{event.slug}/agenda"))
    assert "Called off" in startup_agenda
    assert "declined by the investor" in startup_agenda
    assert '<q class="reason" dir="auto">Not our stage</q>' in startup_agenda
    assert 'class="meeting-item' not in startup_agenda  # no longer on the agenda itself


def test_the_outcome_form_after_the_meeting(client, scene):
    meeting = scene["meeting"]
    meeting.starts_at -= timedelta(days=30)
    meeting.ends_at -= timedelta(days=30)
    db.session.commit()
    login(client, scene["investor"])
    assert client.get(f"/meetings/{meeting.id}/outcome").status_code == 200
    response = client.post(
        f"/meetings/{meeting.id}/outcome", data={"outcome": "no_show", "note": "<b>late</b>"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).outcome == "no_show"


def test_either_side_cancels_from_the_agenda(client, scene):
    login(client, scene["startup"])
    meeting = scene["meeting"]
    response = client.post(f"/meetings/{meeting.id}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "cancelled"


def test_calendar_download_and_private_feed(client, scene):
    meeting, startup = scene["meeting"], scene["startup"]
    login(client, startup)
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    entry = next(iter(Calendar.from_ical(response.data).walk("VEVENT")))
    assert entry["DTSTART"].params["TZID"] == scene["event"].timezone

    agenda = text(client.get("/my/agenda"))
    token = feed_of(startup).token
    assert f"/calendar/{token}.ics" in agenda
    client.post("/logout")
    feed = client.get(f"/calendar/{token}.ics")  # no login: the token is the key
    assert feed.status_code == 200
    assert feed.headers["Content-Disposition"] == 'inline; filename="eventhub-meetings.ics"'
    assert feed.headers["Cache-Control"] == "private, no-store"
    assert feed.headers["Referrer-Policy"] == "no-referrer"  # the address holds the key
    assert len(list(Calendar.from_ical(feed.data).walk("VEVENT"))) == 1
    assert client.get("/calendar/not-a-real-token-at-all-xxxxxxxx.ics").status_code == 404

    login(client, startup)
    assert client.post("/my/calendar/reset").status_code == 302
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_investor_opens_slots_in_bulk_and_sees_refusals_at_the_fields(
    client, scene, field_errors
):
    event = scene["event"]
    login(client, scene["investor"])
    day = event.days[1].isoformat()
    form = {
        "days": [day],
        "start": "14:00",
        "end": "16:00",
        "length_minutes": "25",
        "gap_minutes": "5",
        "breaks": "15:00-15:30",
        "table_id": "0",
    }
    response = client.post(f"/events/{event.slug}/my-slots", data=form)
    assert response.status_code == 302
    count = db.session.scalar(select(func.count()).select_from(MeetingSlot))
    assert count == 3 + 3  # 14:00, 14:30 and 15:30
    again = client.post(f"/events/{event.slug}/my-slots", data=form)
    assert again.status_code == 422
    assert field_errors(again, "start") == ["This investor already has a slot at that time."]
    bad_breaks = client.post(f"/events/{event.slug}/my-slots", data={**form, "breaks": "noon"})
    assert field_errors(bad_breaks, "breaks")
    outside = client.post(f"/events/{event.slug}/my-slots", data={**form, "days": ["2000-01-01"]})
    assert outside.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(MeetingSlot)) == count


def test_the_investor_edits_and_deletes_a_free_slot(client, scene):
    event, slot = scene["event"], scene["slots"][2]
    login(client, scene["investor"])
    url = f"/events/{event.slug}/slots/{slot.id}/edit"
    page = client.get(url)
    assert 'value="10:40"' in text(page)
    form = {"day": event.days[1].isoformat(), "start": "09:00", "end": "09:30", "table_id": "0"}
    assert client.post(url, data=form).status_code == 302
    db.session.expire_all()
    moved = db.session.get(MeetingSlot, slot.id)
    assert moved.starts_at.astimezone(event.tz).strftime("%H:%M") == "09:00"
    booked = scene["slots"][0]
    response = client.post(f"/events/{event.slug}/slots/{booked.id}/delete")
    assert response.status_code == 302
    assert db.session.get(MeetingSlot, booked.id) is not None  # it holds a meeting
    client.post(f"/events/{event.slug}/slots/{slot.id}/delete")
    db.session.expire_all()
    assert db.session.get(MeetingSlot, slot.id) is None


def test_requests_and_availability_through_the_pages(client, scene):
    event, investor = scene["event"], scene["investor"]
    startup = scene["startup"]
    other_investor_id = investor.investor.id
    login(client, startup)
    # Already meeting Atlas: the request is refused with its rule's status, as in the API.
    refused = client.post(
        f"/events/{event.slug}/investors/{other_investor_id}", data={"pitch": "Hi"}
    )
    assert refused.status_code == 409
    assert "already have a meeting" in text(refused)

    periods = text(client.get(f"/events/{event.slug}/availability"))
    values = re.findall(r'name="unavailable" value="([^"]+)"', periods)
    assert len(values) == 3
    saved = client.post(f"/events/{event.slug}/availability", data={"unavailable": values[1:]})
    assert saved.status_code == 302
    assert text(client.get(f"/events/{event.slug}/availability")).count("checked") == 2


def test_an_investor_answers_a_request_on_its_page(client, scene, make_startup):
    event, investor = scene["event"], scene["investor"]
    asker = make_startup()
    login(client, asker)
    sent = client.post(
        f"/events/{event.slug}/investors/{investor.investor.id}", data={"pitch": "Solar pumps"}
    )
    assert sent.status_code == 302
    client.post("/logout")
    login(client, investor)
    page = text(client.get(f"/events/{event.slug}/requests"))
    assert "Solar pumps" in page
    request = db.session.scalar(select(MeetingRequest))
    response = client.post(f"/requests/{request.id}/answer", data={"decision": "accept"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(MeetingRequest, request.id).status == "accepted"


def test_the_organiser_sets_rules_tables_slots_and_runs_the_scheduler(
    client, scene, make_user, make_startup
):
    event, investor = scene["event"], scene["investor"]
    asker = make_startup()
    request = send_request(event, asker.startup, investor.investor, "Agritech")
    answer_request(request, investor, True)
    db.session.commit()
    login(client, make_user("admin"))
    slug = event.slug
    settings = client.post(
        f"/organiser/events/{slug}/meetings",
        data={
            "booking_open": "y",
            "requests_open": "y",
            "max_meetings_per_startup": "4",
            "max_requests_per_startup": "5",
            "cutoff_hours": "2",
            "max_concurrent_meetings": "",
        },
    )
    assert settings.status_code == 302
    bad = client.post(f"/organiser/events/{slug}/meetings", data={"cutoff_hours": "-1"})
    assert bad.status_code == 422
    assert client.post(f"/organiser/events/{slug}/meetings/tables", data={"name": "Room B"})
    assert db.session.scalar(select(func.count()).select_from(MeetingTable)) == 2

    slots = client.post(
        f"/organiser/events/{slug}/meetings/slots",
        data={
            "investor_id": str(investor.investor.id),
            "days": [event.days[1].isoformat()],
            "start": "09:00",
            "end": "10:00",
            "length_minutes": "30",
            "gap_minutes": "0",
            "table_id": "0",
        },
    )
    assert slots.status_code == 302

    dry = client.get(f"/organiser/events/{slug}/meetings/schedule")
    assert dry.status_code == 200
    assert "100.0%" in text(dry)
    assert db.session.scalar(select(func.count()).where(Meeting.source == "scheduler")) == 0
    reviewed = re.search(r'name="plan" value="([0-9:,]*)"', text(dry)).group(1)
    assert re.fullmatch(r"\d+:\d+", reviewed)  # one placement: request:slot
    missing = client.post(f"/organiser/events/{slug}/meetings/schedule")
    assert missing.status_code == 400  # not the form of a reviewed plan
    stale = client.post(f"/organiser/events/{slug}/meetings/schedule", data={"plan": "1:999999"})
    assert stale.status_code == 302
    assert "no longer fits" in text(client.get(f"/organiser/events/{slug}/meetings/schedule"))
    assert db.session.scalar(select(func.count()).where(Meeting.source == "scheduler")) == 0
    done = client.post(f"/organiser/events/{slug}/meetings/schedule", data={"plan": reviewed})
    assert done.status_code == 302
    assert db.session.scalar(select(func.count()).where(Meeting.source == "scheduler")) == 1
    report = client.get(f"/organiser/events/{slug}/meetings/report")
    assert "Atlas Ventures" in text(report)


def test_directory_filters_and_escaping(client, scene, make_user):
    investor = scene["investor"].investor
    investor.fund = "<script>alert(1)</script> Fund"
    db.session.commit()
    login(client, make_user("startup"))
    page = text(client.get(f"/events/{scene['event'].slug}/investors?sector=ai&ticket=100000"))
    assert "&lt;script&gt;" in page and "<script>alert(1)" not in page
    none = text(client.get(f"/events/{scene['event'].slug}/investors?sector=agritech"))
    assert "&lt;script&gt;" not in none
    bad = client.get(f"/events/{scene['event'].slug}/investors?ticket=lots&sector=nope")
    assert bad.status_code == 200


def test_forms_need_their_csrf_token(client, scene, csrf_enabled):
    login_page = client.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text(login_page)).group(1)
    client.post(
        "/login",
        data={"email": scene["startup"].email, "password": TEST_PASSWORD, "csrf_token": token},
    )
    slot = scene["slots"][1]
    response = client.post(f"/events/{scene['event'].slug}/slots/{slot.id}/book", data={})
    assert response.status_code in (400, 422)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_nul_characters_in_typed_text_are_dropped(client, scene, make_startup):
    event, investor = scene["event"], scene["investor"]
    login(client, make_startup())
    response = client.post(
        f"/events/{event.slug}/investors/{investor.investor.id}", data={"pitch": "Solar\x00 pumps"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(MeetingRequest.pitch)) == "Solar pumps"


def test_a_table_refused_is_shown_at_its_field(client, scene, make_user, field_errors):
    slug = scene["event"].slug
    login(client, make_user("admin"))
    url = f"/organiser/events/{slug}/meetings/tables"
    empty = client.post(url, data={"name": "  "})
    assert empty.status_code == 422
    assert field_errors(empty, "name") == ["This field is required."]
    again = client.post(url, data={"name": "table 7"})
    assert again.status_code == 422
    assert field_errors(again, "name") == ["This event already has a table with that name."]
    assert '<input checked id="booking_open"' in text(again)  # the saved rules, not the post
    assert db.session.scalar(select(func.count()).select_from(MeetingTable)) == 1
    table = db.session.scalar(select(MeetingTable))
    other = client.post(f"/organiser/events/no-such-event/meetings/tables/{table.id}/delete")
    assert other.status_code == 404


def test_an_answer_is_accept_or_decline(client, scene, make_startup):
    event, investor = scene["event"], scene["investor"]
    request = send_request(event, make_startup().startup, investor.investor, "Solar pumps")
    db.session.commit()
    login(client, investor)
    response = client.post(
        f"/requests/{request.id}/answer", data={"decision": "maybe"}, follow_redirects=True
    )
    assert "Choose accept or decline." in text(response)
    db.session.expire_all()
    assert db.session.get(MeetingRequest, request.id).status == "pending"
    assert client.post("/requests/999999/answer", data={"decision": "accept"}).status_code == 404


def test_availability_refuses_a_period_it_did_not_offer(client, scene, field_errors):
    login(client, scene["investor"])
    slug = scene["event"].slug
    response = client.post(f"/events/{slug}/availability", data={"unavailable": ["999999"]})
    assert response.status_code == 422
    assert field_errors(response, "unavailable")
    assert db.session.scalar(select(func.count()).where(MeetingSlot.status == "unavailable")) == 0


def test_a_cancellation_on_the_agenda_may_give_a_reason(client, scene):
    login(client, scene["startup"])
    meeting = scene["meeting"]
    agenda = text(client.get(f"/events/{scene['event'].slug}/agenda"))
    field = re.search(rf'<input[^>]*id="cancel-reason-{meeting.id}"[^>]*>', agenda).group(0)
    assert 'name="reason"' in field and 'maxlength="300"' in field
    assert f'<label for="cancel-reason-{meeting.id}">Reason (optional)</label>' in agenda

    response = client.post(
        f"/meetings/{meeting.id}/cancel",
        data={"reason": "  Our CEO is <b>ill</b>\x00  "},
        follow_redirects=True,
    )
    assert response.status_code == 200
    db.session.expire_all()
    cancelled = db.session.get(Meeting, meeting.id)
    assert (cancelled.status, cancelled.decline_reason) == ("cancelled", "Our CEO is <b>ill</b>")
    assert "Our CEO is &lt;b&gt;ill&lt;/b&gt;" in text(response)  # the called-off list


def test_a_cancellation_reason_too_long_is_shown_and_changes_nothing(client, scene):
    login(client, scene["startup"])
    meeting = scene["meeting"]
    response = client.post(
        f"/meetings/{meeting.id}/cancel", data={"reason": "x" * 301}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "The reason has at most 300 characters." in text(response)
    db.session.expire_all()
    kept = db.session.get(Meeting, meeting.id)
    assert (kept.status, kept.decline_reason) == ("confirmed", "")
    # 300 characters are enough.
    assert (
        client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "y" * 300}).status_code == 302
    )
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).decline_reason == "y" * 300


def test_the_cancel_form_needs_its_csrf_token(client, scene, csrf_enabled, csrf_token):
    login_page = client.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text(login_page)).group(1)
    client.post(
        "/login",
        data={"email": scene["startup"].email, "password": TEST_PASSWORD, "csrf_token": token},
    )
    meeting = scene["meeting"]
    refused = client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "x" * 301})
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "confirmed"
    token = csrf_token(f"/events/{scene['event'].slug}/agenda")
    done = client.post(
        f"/meetings/{meeting.id}/cancel", data={"reason": "Sorry", "csrf_token": token}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).decline_reason == "Sorry"
