"""Matchmaking over HTTP and in the database: investors ask startups, startups answer,
marks and mutual interest, recommendations on both directories, roles, bad input."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventhub.deals.matchmaking.marks import MatchError, mutual_pairs, set_mark
from eventhub.deals.matchmaking.models import MatchMark
from eventhub.deals.matchmaking.outreach import send_investor_request
from eventhub.extensions import db
from eventhub.meetings.models import Meeting, MeetingRequest
from eventhub.meetings.requests import answer_request, send_request, withdraw_request
from eventhub.meetings.schedule_plan import commit_schedule, plan_schedule
from eventhub.meetings.slots import MeetingError
from tests.support.factories import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _english(in_english, logic_in_english):
    """Pages and logic in English, so that the messages checked here read as written."""


def login(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def text(response) -> str:
    return response.get_data(as_text=True)


def refused(code, call, *args, **kwargs):
    with pytest.raises((MeetingError, MatchError)) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert caught.value.code == code, caught.value.message
    return caught.value


# Logic --------------------------------------------------------------------------------------


def test_investor_asks_startup_answers_and_the_scheduler_places_it(match_day):
    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    sent = send_investor_request(
        event, atlas.investor, argan.startup, "Your soil data", by_user=atlas
    )
    db.session.commit()
    assert (sent.direction, sent.status) == ("investor", "pending")
    refused("not_party", answer_request, sent, atlas, True)  # the asker does not answer
    answer_request(sent, argan, True)
    db.session.commit()
    plan = commit_schedule(event, None)
    db.session.commit()
    assert len(plan.placed) == 1
    meeting = db.session.scalar(select(Meeting).where(Meeting.request_id == sent.id))
    assert meeting is not None and meeting.source == "scheduler"


def test_investor_request_rules(match_day, configure):
    event, atlas, nomad = match_day["event"], match_day["atlas"], match_day["nomad"]
    argan, paynow = match_day["argan"], match_day["paynow"]
    refused("not_event_investor", send_investor_request, event, nomad.investor, argan.startup, "Hi")
    refused("startup_not_found", send_investor_request, event, atlas.investor, None, "Hi")
    refused("pitch_required", send_investor_request, event, atlas.investor, argan.startup, "  ")
    refused(
        "pitch_too_long", send_investor_request, event, atlas.investor, argan.startup, "x" * 201
    )
    send_investor_request(event, atlas.investor, argan.startup, "Hi")
    db.session.commit()
    refused("request_exists", send_investor_request, event, atlas.investor, argan.startup, "Again")
    # the startup cannot ask back while the investor's request is open
    refused("request_exists", send_request, event, argan.startup, atlas.investor, "Me too")
    third = pytest.importorskip("tests.support.factories").create_startup(name="Third")
    send_investor_request(event, atlas.investor, paynow.startup, "Hi")
    db.session.commit()
    refused("request_limit", send_investor_request, event, atlas.investor, third.startup, "Hi")
    # received requests do not use the startup's own quota
    send_request(event, argan.startup, match_day["sahara"].investor, "Pitch")
    db.session.commit()
    configure(event, requests_open=False, max_requests_per_startup=2)
    refused("requests_closed", send_investor_request, event, atlas.investor, third.startup, "Hi")


def test_declined_and_withdrawn(match_day):
    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    sent = send_investor_request(event, atlas.investor, argan.startup, "Hi")
    db.session.commit()
    refused("not_party", withdraw_request, sent, argan)  # only the asker withdraws
    withdraw_request(sent, atlas)
    db.session.commit()
    again = send_investor_request(event, atlas.investor, argan.startup, "Hi again")
    answer_request(again, argan, False, "Not raising yet")
    db.session.commit()
    refused("request_declined", send_investor_request, event, atlas.investor, argan.startup, "?")
    # the startup that declined may still ask the investor itself
    mine = send_request(event, argan.startup, atlas.investor, "Now we are")
    assert mine.id == again.id and mine.direction == "startup"


def test_marks_one_per_pair_and_side_changeable_and_mutual(match_day):
    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    set_mark(event, "startup", argan.startup, atlas.investor, "would")
    set_mark(event, "startup", argan.startup, atlas.investor, "must")  # changed, not added
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(MatchMark)) == 1
    assert mutual_pairs(event) == set()
    set_mark(event, "investor", atlas.investor, argan.startup, "would")
    db.session.commit()
    pair = (argan.startup.id, atlas.investor.id)
    assert mutual_pairs(event) == {pair}
    assert mutual_pairs(event, must_only=True) == set()
    set_mark(event, "investor", atlas.investor, argan.startup, "must")
    db.session.commit()
    assert mutual_pairs(event, must_only=True) == {pair}
    assert set_mark(event, "investor", atlas.investor, argan.startup, "") is None
    db.session.commit()
    assert mutual_pairs(event) == set()
    refused("bad_mark", set_mark, event, "startup", argan.startup, atlas.investor, "maybe")
    refused(
        "investor_not_found",
        set_mark,
        event,
        "startup",
        argan.startup,
        match_day["nomad"].investor,
        "must",
    )
    refused("party_not_found", set_mark, event, "investor", atlas.investor, None, "must")


def test_the_unique_constraint_holds_in_the_database(match_day):
    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    set_mark(event, "startup", argan.startup, atlas.investor, "must")
    db.session.commit()
    db.session.add(
        MatchMark(
            event_id=event.id,
            startup_id=argan.startup.id,
            investor_id=atlas.investor.id,
            side="startup",
            mark="would",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_mutual_must_meet_pairs_go_first_in_the_plan(match_day, open_for, make_startup):
    """Atlas has one free slot left for two accepted requests; the mutual pair gets it."""
    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    plain = make_startup(name="Plain Co")
    # Atlas keeps only its first slot free
    from eventhub.meetings.slots import slots_of_event

    for slot, _booked in slots_of_event(event, investor=atlas.investor)[1:]:
        slot.status = "unavailable"
    first = send_request(event, plain.startup, atlas.investor, "First in line")
    answer_request(first, atlas, True)
    second = send_investor_request(event, atlas.investor, argan.startup, "Must meet")
    answer_request(second, argan, True)
    db.session.commit()
    plan = plan_schedule(event)
    assert plan.mutual_requests == 0
    assert [p.request.id for p in plan.placed] == [first.id]  # without marks: first come
    set_mark(event, "startup", argan.startup, atlas.investor, "must")
    set_mark(event, "investor", atlas.investor, argan.startup, "must")
    db.session.commit()
    plan = plan_schedule(event)
    assert [p.request.id for p in plan.placed] == [second.id]
    assert (plan.mutual_placed, plan.mutual_requests) == (1, 1)
    assert plan.proved_optimal
    assert "1 of 1 mutual must-meet pairs placed" in plan.summary()


# Pages --------------------------------------------------------------------------------------


def test_investor_directory_recommends_and_asks(client, match_day):
    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    login(client, atlas)
    page = text(client.get(f"/events/{event.slug}/startups"))
    assert "Recommended for you" in page
    recommended = page.split("Recommended for you")[1].split("</section>")[0]
    assert "Argan Data" in recommended and "Sector: AgriTech" in recommended
    assert "PayNow" not in recommended
    form = client.get(f"/events/{event.slug}/startups/{argan.startup.id}/request")
    assert form.status_code == 200 and "Request a meeting with <bdi>Argan Data</bdi>" in text(form)
    empty = client.post(
        f"/events/{event.slug}/startups/{argan.startup.id}/request", data={"pitch": ""}
    )
    assert empty.status_code == 422
    done = client.post(
        f"/events/{event.slug}/startups/{argan.startup.id}/request", data={"pitch": "Soil data!"}
    )
    assert done.status_code == 302
    sent = db.session.scalar(select(MeetingRequest))
    assert (sent.direction, sent.pitch, sent.startup_id) == (
        "investor",
        "Soil data!",
        argan.startup.id,
    )
    again = client.post(
        f"/events/{event.slug}/startups/{argan.startup.id}/request", data={"pitch": "Again"}
    )
    assert again.status_code == 409 and "already asked this startup" in text(again)
    missing = client.get(f"/events/{event.slug}/startups/999999/request")
    assert missing.status_code == 404
    requests_page = text(client.get(f"/events/{event.slug}/requests"))
    assert "Requests you sent" in requests_page and "Soil data!" in requests_page


def test_startup_sees_and_answers_incoming_requests(client, match_day, outbox):
    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    sent = send_investor_request(event, atlas.investor, argan.startup, "Let us talk")
    db.session.commit()
    login(client, argan)
    page = text(client.get(f"/events/{event.slug}/requests"))
    assert "Requests to you" in page and "Let us talk" in page and "Atlas Ventures" in page
    bad = client.post(f"/requests/{sent.id}/answer", data={"decision": "maybe"})
    assert bad.status_code == 302
    assert db.session.get(MeetingRequest, sent.id).status == "pending"
    ok = client.post(f"/requests/{sent.id}/answer", data={"decision": "accept"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(MeetingRequest, sent.id).status == "accepted"


def test_marks_on_both_directories_and_mutual(client, match_day):
    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    login(client, argan)
    page = text(client.get(f"/events/{event.slug}/investors"))
    assert "Recommended for you" in page and "Atlas Ventures" in page
    marked = client.post(
        f"/events/{event.slug}/marks",
        data={
            "other": atlas.investor.id,
            "mark": "must",
            "next": f"/events/{event.slug}/investors",
        },
    )
    assert marked.status_code == 302 and marked.location.endswith(f"/events/{event.slug}/investors")
    bad = client.post(f"/events/{event.slug}/marks", data={"other": atlas.investor.id, "mark": "x"})
    assert bad.status_code == 302
    outside = client.post(
        f"/events/{event.slug}/marks",
        data={"other": atlas.investor.id, "mark": "must", "next": "https://evil.example/"},
    )
    assert outside.location.endswith(f"/events/{event.slug}/investors")  # not off the site
    nobody = client.post(f"/events/{event.slug}/marks", data={"other": 999999, "mark": "must"})
    assert nobody.status_code == 302
    assert "Nobody to mark here" in text(client.get(f"/events/{event.slug}/investors"))
    client.post("/logout")
    login(client, atlas)
    client.post(f"/events/{event.slug}/marks", data={"other": argan.startup.id, "mark": "would"})
    page = text(client.get(f"/events/{event.slug}/startups"))
    assert "Mutual" in page
    assert re.search(r'<option value="would" selected>', page)
    assert mutual_pairs(event) == {(argan.startup.id, atlas.investor.id)}


@pytest.mark.parametrize("role", ["anonymous", "admin", "staff", "startup"])
def test_investor_pages_are_forbidden_to_others(client, match_day, make_user, role):
    event, argan = match_day["event"], match_day["argan"]
    if role != "anonymous":
        login(client, make_user(role))
    for url in (
        f"/events/{event.slug}/startups",
        f"/events/{event.slug}/startups/{argan.startup.id}/request",
    ):
        response = client.get(url)
        assert response.status_code == (302 if role == "anonymous" else 403), url
    post = client.post(
        f"/events/{event.slug}/startups/{argan.startup.id}/request", data={"pitch": "x"}
    )
    assert post.status_code == (302 if role == "anonymous" else 403)
    assert db.session.scalar(select(func.count()).select_from(MeetingRequest)) == 0


@pytest.mark.parametrize("role", ["anonymous", "admin", "staff"])
def test_marking_is_forbidden_to_others(client, match_day, make_user, role):
    event, atlas = match_day["event"], match_day["atlas"]
    if role != "anonymous":
        login(client, make_user(role))
    response = client.post(
        f"/events/{event.slug}/marks", data={"other": atlas.investor.id, "mark": "must"}
    )
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert db.session.scalar(select(func.count()).select_from(MatchMark)) == 0


def test_an_investor_without_slots_is_told(client, match_day):
    event, nomad, argan = match_day["event"], match_day["nomad"], match_day["argan"]
    login(client, nomad)
    page = text(client.get(f"/events/{event.slug}/startups"))
    assert "You do not take meetings at this event" in page
    refused_post = client.post(
        f"/events/{event.slug}/startups/{argan.startup.id}/request", data={"pitch": "Hi"}
    )
    assert refused_post.status_code == 403


def test_unknown_event_is_404(client, match_day):
    login(client, match_day["atlas"])
    assert client.get("/events/nope/startups").status_code == 404


# API ----------------------------------------------------------------------------------------


def test_api_recommendations_marks_and_request(client, match_day):
    event, atlas, argan = match_day["event"], match_day["atlas"], match_day["argan"]
    login(client, argan)
    found = client.get(f"/api/v1/events/{event.slug}/recommendations")
    assert found.status_code == 200
    first = found.json[0]
    assert first["name"] == "Atlas Ventures" and first["why"][0]["code"] == "sector"
    bad = client.put(
        f"/api/v1/events/{event.slug}/marks", json={"other_id": atlas.investor.id, "mark": "x"}
    )
    assert bad.status_code == 422 and bad.json["error"]["code"]
    nobody = client.put(
        f"/api/v1/events/{event.slug}/marks", json={"other_id": 99999, "mark": "must"}
    )
    assert nobody.status_code == 404 and nobody.json["error"]["code"] == "party_not_found"
    ok = client.put(
        f"/api/v1/events/{event.slug}/marks", json={"other_id": atlas.investor.id, "mark": "must"}
    )
    assert ok.status_code == 200 and ok.json == {
        "other_id": atlas.investor.id,
        "mark": "must",
        "mutual": False,
    }
    as_startup = client.post(
        f"/api/v1/events/{event.slug}/startups/{argan.startup.id}/request", json={"pitch": "x"}
    )
    assert as_startup.status_code == 403
    client.post("/logout")
    login(client, atlas)
    mutual = client.put(
        f"/api/v1/events/{event.slug}/marks", json={"other_id": argan.startup.id, "mark": "would"}
    )
    assert mutual.json["mutual"] is True
    missing = client.post(
        f"/api/v1/events/{event.slug}/startups/{argan.startup.id}/request", json={}
    )
    assert missing.status_code == 422
    blank = client.post(
        f"/api/v1/events/{event.slug}/startups/{argan.startup.id}/request", json={"pitch": " "}
    )
    assert blank.status_code == 422 and blank.json["error"]["code"] == "pitch_required"
    sent = client.post(
        f"/api/v1/events/{event.slug}/startups/{argan.startup.id}/request", json={"pitch": "Hi"}
    )
    assert sent.status_code == 201 and sent.json["direction"] == "investor"
    again = client.post(
        f"/api/v1/events/{event.slug}/startups/{argan.startup.id}/request", json={"pitch": "Hi"}
    )
    assert again.status_code == 409 and again.json["error"]["code"] == "request_exists"
    unknown = client.post(
        f"/api/v1/events/{event.slug}/startups/99999/request", json={"pitch": "Hi"}
    )
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "startup_not_found"


def test_startup_profile_keeps_its_round_size(client, match_day):
    argan = match_day["argan"]
    login(client, argan)
    data = {"name": "Argan Data", "sector": "agritech", "stage": "seed", "programme": "DigitAgri"}
    data |= {"city_site": "Casablanca", "website": "", "pitch": ""}
    bad = client.post("/my/startup", data={**data, "round_size_eur": "-5"})
    assert bad.status_code == 422
    words = client.post("/my/startup", data={**data, "round_size_eur": "lots"})
    assert words.status_code == 422
    ok = client.post("/my/startup", data={**data, "round_size_eur": "750000"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(argan.startup), argan.startup.id).round_size_eur == 750_000
    cleared = client.post("/my/startup", data={**data, "round_size_eur": ""})
    assert cleared.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(argan.startup), argan.startup.id).round_size_eur is None
