"""What startups and investors are told about their meetings: who, in which language, the
.ics attached (parsed back with icalendar), nothing when the change is refused; the morning
agenda; the mail preferences page."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from flask_babel import force_locale, gettext
from icalendar import Calendar
from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.jobs import BEAT_SCHEDULE, TASK_MODULES
from eventhub.meetings.booking import book_slot
from eventhub.meetings.mail import notify_answered, queue_morning_agendas
from eventhub.meetings.models import Meeting, MeetingRequest
from eventhub.meetings.requests import answer_request, send_request
from eventhub.meetings.schedule_plan import plan_schedule
from eventhub.notifications.models import MailMessage, MailOptOut
from eventhub.notifications.preferences import opt_out
from tests.support import factories

# Helpers --------------------------------------------------------------------------------


def by_recipient(messages) -> dict[str, object]:
    return {str(message["To"]): message for message in messages}


def subject(message) -> str:
    return str(message["Subject"]).strip()  # a folded encoded header parses with a space


def said(message, text: str, **values: object) -> str:
    """`text` in the message's language, as its recipient reads it."""
    with force_locale(str(message["Content-Language"])):
        return gettext(text, **values)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def ics_of(message) -> Calendar:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def vevent(calendar: Calendar):
    (entry,) = calendar.walk("VEVENT")
    return entry


def login(client, user) -> None:
    response = client.post(
        "/login", data={"email": user.email, "password": factories.TEST_PASSWORD}
    )
    assert response.status_code == 302


@pytest.fixture
def team(make_startup):
    """A startup of three: the founder (French, the default), an Arabic-speaking member, and
    a member whose account is switched off (told nothing)."""
    founder = make_startup(name="Sunpump")
    arabic = factories.create_user(
        "startup", startup=founder.startup, preferred_language="ar", name="Salma"
    )
    factories.create_user("startup", startup=founder.startup, is_active=False)
    return founder, arabic


@pytest.fixture
def atlas(demo_day, make_investor, open_for, configure):
    """Atlas Ventures (English) with three 20-minute slots at T1, 10:00–11:00 on day one."""
    configure(demo_day, requests_open=True)
    investor = make_investor(fund="Atlas Ventures")
    investor.preferred_language = "en"
    db.session.commit()
    slots = open_for(demo_day, investor, table="T1")
    return investor, slots


# Booked ---------------------------------------------------------------------------------


def test_a_booking_on_the_page_tells_the_team_and_the_investor_with_the_meeting_attached(
    client, demo_day, team, atlas, outbox
):
    founder, arabic = team
    investor, slots = atlas
    login(client, founder)
    response = client.post(
        f"/events/{demo_day.slug}/slots/{slots[1].id}/book", data={"note": "Seed round"}
    )
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))

    sent = by_recipient(outbox())
    assert set(sent) == {founder.email, arabic.email, investor.email}  # not the inactive one
    assert sent[founder.email]["Content-Language"] == "fr"
    assert sent[arabic.email]["Content-Language"] == "ar"
    assert sent[investor.email]["Content-Language"] == "en"
    assert subject(sent[investor.email]).startswith("New meeting booked: Sunpump")
    assert "Meet Day" in str(sent[investor.email]["From"])
    investor_text = text_of(sent[investor.email])
    assert "Sunpump booked a meeting with you" in investor_text
    assert "10:20" in investor_text and "10:40" in investor_text  # Casablanca time
    assert "T1" in investor_text and "Seed round" in investor_text

    for message in sent.values():
        calendar = ics_of(message)
        assert str(calendar["METHOD"]) == "PUBLISH"
        entry = vevent(calendar)
        assert str(entry["UID"]) == f"meeting-{meeting.id}@eventhub"
        assert entry["SEQUENCE"] == 0
        assert str(entry["STATUS"]) == "CONFIRMED"
        assert entry["DTSTART"].dt == meeting.starts_at
        assert entry["DTSTART"].dt.utcoffset() == timedelta(0)  # written in UTC
        assert entry["DTEND"].dt == meeting.ends_at
    startup_entry = vevent(ics_of(sent[founder.email]))
    assert "Atlas Ventures" in str(startup_entry["SUMMARY"])
    assert "Sunpump" in str(vevent(ics_of(sent[investor.email]))["SUMMARY"])


def test_a_booking_through_the_api_tells_them_and_a_refused_one_tells_nobody(
    client, demo_day, team, atlas, outbox, make_startup
):
    founder, _arabic = team
    _investor, slots = atlas
    login(client, founder)
    url = f"/api/v1/events/{demo_day.slug}/slots/{slots[0].id}/booking"
    assert client.post(url, json={}).status_code == 201
    assert len(outbox()) == 3
    client.post("/logout")

    rival = make_startup()
    login(client, rival)
    refused = client.post(url, json={})
    assert refused.status_code == 409
    assert len(outbox()) == 3  # nothing more
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 3


# Requests -------------------------------------------------------------------------------


def test_a_request_tells_the_investor_and_its_answer_tells_the_team(
    client, demo_day, team, atlas, outbox
):
    founder, arabic = team
    investor, _slots = atlas
    login(client, founder)
    sent = client.post(
        f"/events/{demo_day.slug}/investors/{investor.investor.id}",
        data={"pitch": "Solar pumps for small farms"},
    )
    assert sent.status_code == 302
    (to_investor,) = outbox()
    assert str(to_investor["To"]) == investor.email
    assert subject(to_investor) == "Meeting request from Sunpump"
    assert "Solar pumps for small farms" in text_of(to_investor)
    assert f"/events/{demo_day.slug}/requests" in text_of(to_investor)

    # Asking twice is refused: nothing more is sent.
    again = client.post(
        f"/events/{demo_day.slug}/investors/{investor.investor.id}", data={"pitch": "Again"}
    )
    assert again.status_code == 409
    assert len(outbox()) == 1
    client.post("/logout")

    login(client, investor)
    request = db.session.scalar(select(MeetingRequest))
    declined = client.post(
        f"/requests/{request.id}/answer",
        data={"decision": "decline", "reason": "Too early for our fund"},
    )
    assert declined.status_code == 302
    answers = by_recipient(outbox()[1:])
    assert set(answers) == {founder.email, arabic.email}
    assert answers[arabic.email]["Content-Language"] == "ar"
    message = answers[founder.email]
    assert subject(message) == "Atlas Ventures a décliné votre demande de rendez-vous"
    assert "Too early for our fund" in text_of(message)
    assert not list(message.iter_attachments())

    # Answering again is refused and tells nobody.
    client.post(f"/requests/{request.id}/answer", data={"decision": "accept"})
    assert len(outbox()) == 3


def test_an_accepted_request_tells_the_team(demo_day, team, atlas, outbox):
    founder, _arabic = team
    investor, _slots = atlas
    request = send_request(demo_day, founder.startup, investor.investor, "Pumps")
    db.session.commit()
    answer_request(request, investor, True)
    notify_answered(request)
    db.session.commit()
    messages = outbox()
    assert len(messages) == 2
    for message in messages:  # the founder in French (the default), Salma in Arabic
        accepted = said(message, "%(fund)s accepted your meeting request", fund="Atlas Ventures")
        assert subject(message) == accepted


# Scheduled ------------------------------------------------------------------------------


def test_the_organisers_scheduler_run_tells_each_team_of_its_meeting(
    client, demo_day, team, atlas, outbox, make_user
):
    founder, arabic = team
    investor, _slots = atlas
    request = send_request(demo_day, founder.startup, investor.investor, "Pumps")
    answer_request(request, investor, True)
    db.session.commit()
    reviewed = plan_schedule(demo_day).reviewed_key
    assert reviewed

    organiser = make_user("admin")
    login(client, organiser)
    done = client.post(
        f"/organiser/events/{demo_day.slug}/meetings/schedule", data={"plan": reviewed}
    )
    assert done.status_code == 302
    meeting = db.session.scalar(select(Meeting).where(Meeting.source == "scheduler"))
    sent = by_recipient(outbox())
    assert set(sent) == {founder.email, arabic.email}  # the investor is not told
    message = sent[founder.email]
    assert subject(message).startswith("Rendez-vous planifié avec Atlas Ventures")
    assert "Les organisateurs ont planifié votre rendez-vous" in text_of(message)
    entry = vevent(ics_of(message))
    assert str(entry["UID"]) == f"meeting-{meeting.id}@eventhub"
    assert entry["DTSTART"].dt == meeting.starts_at


# Cancelled ------------------------------------------------------------------------------


def test_a_cancellation_removes_the_meeting_from_both_calendars(
    client, demo_day, team, atlas, outbox
):
    founder, arabic = team
    investor, slots = atlas
    meeting = book_slot(demo_day, slots[0], founder.startup, by_user=founder)
    db.session.commit()  # booked outside the views: nobody told
    assert outbox() == []

    login(client, founder)
    assert client.post(f"/meetings/{meeting.id}/cancel").status_code == 302
    sent = by_recipient(outbox())
    assert set(sent) == {founder.email, arabic.email, investor.email}
    message = sent[investor.email]
    assert subject(message).startswith("Meeting cancelled: Sunpump")
    assert "Cancelled by: the startup, \u2068Sunpump\u2069" in text_of(message)
    for message in sent.values():
        calendar = ics_of(message)
        assert str(calendar["METHOD"]) == "CANCEL"
        entry = vevent(calendar)
        assert str(entry["UID"]) == f"meeting-{meeting.id}@eventhub"
        assert str(entry["STATUS"]) == "CANCELLED"
        assert entry["SEQUENCE"] == 1
        assert entry["DTSTART"].dt == meeting.starts_at
        part = next(message.iter_attachments())
        assert part.get_param("method") == "CANCEL"

    # Cancelling again is refused: nothing more.
    client.post(f"/meetings/{meeting.id}/cancel")
    assert len(outbox()) == 3


def test_a_decline_gives_the_investors_reason_and_the_organiser_cancels_through_the_api(
    client, demo_day, team, atlas, outbox, make_user, make_investor, open_for
):
    founder, _arabic = team
    investor, slots = atlas
    first = book_slot(demo_day, slots[0], founder.startup, by_user=founder)
    db.session.commit()
    login(client, investor)
    empty = client.post(f"/meetings/{first.id}/decline", data={"reason": ""})
    assert empty.status_code == 422
    assert outbox() == []
    declined = client.post(f"/meetings/{first.id}/decline", data={"reason": "Not our stage"})
    assert declined.status_code == 302
    message = by_recipient(outbox())[founder.email]
    assert subject(message).startswith("Rendez-vous décliné\xa0: Atlas Ventures")
    text = text_of(message)
    assert "Décliné par\xa0: l’investisseur, Atlas Ventures" in text
    assert "Not our stage" in text, text
    client.post("/logout")

    sahara = make_investor(fund="Sahara Capital")
    slot = open_for(demo_day, sahara)[1]
    book_slot(demo_day, slot, founder.startup, by_user=founder)
    db.session.commit()
    login(client, make_user("admin"))
    before = len(outbox())
    response = client.delete(f"/api/v1/events/{demo_day.slug}/slots/{slot.id}/booking")
    assert response.status_code == 200
    cancelled = outbox()[before:]
    assert len(cancelled) == 3
    assert all(said(m, "Cancelled by: the organisers") in text_of(m) for m in cancelled)


def test_a_cancellation_past_the_cutoff_is_refused_and_tells_nobody(
    client, demo_day, team, atlas, outbox, configure
):
    founder, _arabic = team
    _investor, slots = atlas
    meeting = book_slot(demo_day, slots[0], founder.startup, by_user=founder)
    db.session.commit()
    configure(demo_day, cutoff_hours=24 * 30)
    login(client, founder)
    client.post(f"/meetings/{meeting.id}/cancel")
    assert db.session.get(Meeting, meeting.id).status == "confirmed"
    assert outbox() == []


# The morning agenda ---------------------------------------------------------------------


def local(event, day_number: int, clock: str) -> datetime:
    """A UTC moment: the event's day `day_number` at `clock` where the event is."""
    moment = datetime.combine(event.days[day_number], time.fromisoformat(clock), event.tz)
    return moment.astimezone(UTC)


@pytest.fixture
def meeting_day(demo_day, team, atlas, make_investor, open_for):
    """Sunpump meets Atlas at 10:00 (T1) and Sahara at 10:40, on day one only."""
    founder, _arabic = team
    investor, slots = atlas
    sahara = make_investor(fund="Sahara Capital")
    sahara_slots = open_for(demo_day, sahara)
    book_slot(demo_day, slots[0], founder.startup, by_user=founder)
    book_slot(demo_day, sahara_slots[2], founder.startup, by_user=founder)
    db.session.commit()
    return investor, sahara


def test_the_morning_agenda_goes_once_after_seven_to_each_person_with_meetings(
    demo_day, team, meeting_day, outbox
):
    founder, arabic = team
    atlas, sahara = meeting_day
    assert queue_morning_agendas(local(demo_day, 0, "06:30")) == 0  # too early
    db.session.commit()
    assert queue_morning_agendas(local(demo_day, 1, "08:00")) == 0  # no meetings that day
    db.session.commit()

    assert queue_morning_agendas(local(demo_day, 0, "07:05")) == 4
    db.session.commit()
    sent = by_recipient(outbox())
    assert set(sent) == {founder.email, arabic.email, atlas.email, sahara.email}
    message = sent[founder.email]
    assert subject(message) == "Vos rendez-vous du jour à Meet Day (2)"
    text = text_of(message)
    assert text.index("10:00–10:20") < text.index("10:40–11:00")  # by time
    assert "Atlas Ventures" in text and "Sahara Capital" in text and "T1" in text
    assert "/mail/unsubscribe/" in text
    assert str(message["List-Unsubscribe"]).strip().startswith("<http"), message["List-Unsubscribe"]
    assert sent[arabic.email]["Content-Language"] == "ar"
    investor_text = text_of(sent[atlas.email])
    assert "Sunpump" in investor_text and "Sahara" not in investor_text

    # Later runs that day send nothing more.
    assert queue_morning_agendas(local(demo_day, 0, "08:05")) == 0
    db.session.commit()
    assert len(outbox()) == 4


def test_the_morning_agenda_skips_who_turned_it_off_and_days_already_over(
    demo_day, team, meeting_day, outbox
):
    _founder, arabic = team
    atlas, _sahara = meeting_day
    opt_out(arabic.email, "agenda")
    opt_out(atlas.email, "reminders")  # another topic: still told
    db.session.commit()
    assert queue_morning_agendas(local(demo_day, 0, "23:00")) == 0  # the day is over
    db.session.commit()
    assert queue_morning_agendas(local(demo_day, 0, "09:00")) == 3
    db.session.commit()
    assert arabic.email not in by_recipient(outbox())
    assert atlas.email in by_recipient(outbox())


def test_the_agenda_job_runs_hourly_and_workers_import_the_builders(app):
    assert "eventhub.meetings.mail" in TASK_MODULES
    entry = BEAT_SCHEDULE["meetings-morning-agenda"]
    assert entry["task"] == "eventhub.meetings.tasks.send_morning_agendas"
    assert entry["schedule"] == timedelta(hours=1)
    assert entry["task"] in app.extensions["celery"].tasks
    assert app.extensions["celery"].tasks[entry["task"]]() == 0  # nothing today


# Mail preferences -----------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client):
    for method in (client.get, client.post):
        response = method("/account/mail")
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_a_signed_in_person_turns_topics_off_and_on(client, team, in_english):
    founder, _arabic = team
    login(client, founder)
    assert 'href="/account/mail"' in client.get("/my/startup").get_data(as_text=True)
    page = client.get("/account/mail").get_data(as_text=True)
    assert page.count("checked") == 2  # everything on at first

    saved = client.post("/account/mail", data={"reminders": "y"})
    assert saved.status_code == 302
    topics = db.session.scalars(select(MailOptOut.topic).where(MailOptOut.email == founder.email))
    assert list(topics) == ["agenda"]
    assert client.get("/account/mail").get_data(as_text=True).count("checked") == 1

    client.post("/account/mail", data={"reminders": "y", "agenda": "y"})
    assert db.session.scalar(select(func.count()).select_from(MailOptOut)) == 0


def test_the_preferences_form_needs_its_csrf_token(client, team, csrf_enabled, csrf_token):
    founder, _arabic = team
    login_token = csrf_token("/login")
    client.post(
        "/login",
        data={
            "email": founder.email,
            "password": factories.TEST_PASSWORD,
            "csrf_token": login_token,
        },
    )
    forged = client.post("/account/mail", data={})
    assert forged.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(MailOptOut)) == 0
    token = csrf_token("/account/mail")
    assert client.post("/account/mail", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(MailOptOut)) == 2


# Cancelled, with or without a reason ----------------------------------------------------


def reason_line(message, reason: str) -> str:
    return said(message, "Reason: %(reason)s", reason=reason)


def test_a_cancellation_on_the_page_tells_both_parties_the_reason(
    client, demo_day, team, atlas, outbox
):
    founder, arabic = team
    investor, slots = atlas
    meeting = book_slot(demo_day, slots[0], founder.startup, by_user=founder)
    db.session.commit()
    login(client, investor)
    response = client.post(
        f"/meetings/{meeting.id}/cancel", data={"reason": "Our partner is ill <today>"}
    )
    assert response.status_code == 302
    sent = by_recipient(outbox())
    assert set(sent) == {founder.email, arabic.email, investor.email}
    for message in sent.values():
        text = text_of(message)
        assert said(message, "Cancelled by: the investor, %(name)s", name="Atlas Ventures") in (
            text.replace(" · " + investor.investor.name, "")
        )
        assert reason_line(message, "Our partner is ill <today>") in text, text
    assert "Motif\xa0: Our partner is ill <today>" in text_of(sent[founder.email])
    assert "Reason: Our partner is ill <today>" in text_of(sent[investor.email])


def test_a_cancellation_through_the_api_tells_the_reason_and_one_without_has_no_reason_line(
    client, demo_day, team, atlas, outbox, make_user, make_investor, open_for
):
    founder, _arabic = team
    _investor, slots = atlas
    first = book_slot(demo_day, slots[0], founder.startup, by_user=founder)
    sahara = open_for(demo_day, make_investor(fund="Sahara Capital"))
    second = book_slot(demo_day, sahara[2], founder.startup, by_user=founder)
    db.session.commit()
    login(client, make_user("admin"))
    base = f"/api/v1/events/{demo_day.slug}/slots"
    response = client.delete(
        f"{base}/{first.slot_id}/booking", query_string={"reason": "The hall is closed"}
    )
    assert response.status_code == 200
    with_reason = outbox()
    assert len(with_reason) == 3
    for message in with_reason:
        assert said(message, "Cancelled by: the organisers") in text_of(message)
        assert reason_line(message, "The hall is closed") in text_of(message)

    assert client.delete(f"{base}/{second.slot_id}/booking").status_code == 200
    without = outbox()[3:]
    assert len(without) == 3
    for message in without:
        text = text_of(message)
        assert said(message, "Cancelled by: the organisers") in text
        assert reason_line(message, "").strip() not in text, text


def test_a_cancellation_reason_too_long_tells_nobody(client, demo_day, team, atlas, outbox):
    founder, _arabic = team
    _investor, slots = atlas
    meeting = book_slot(demo_day, slots[0], founder.startup, by_user=founder)
    db.session.commit()
    login(client, founder)
    page = client.post(
        f"/meetings/{meeting.id}/cancel", data={"reason": "x" * 301}, follow_redirects=True
    )
    assert page.status_code == 200
    assert gettext("The reason has at most %(count)s characters.", count=300) in (
        page.get_data(as_text=True)
    )
    api = client.delete(
        f"/api/v1/events/{demo_day.slug}/slots/{slots[0].id}/booking",
        query_string={"reason": "x" * 301},
    )
    assert api.status_code == 422
    assert api.get_json()["error"]["code"] == "validation_error"
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "confirmed"
    assert outbox() == []
