"""Request mode: sending, the limit, refusals, answering, withdrawing; whose request is whose."""

from __future__ import annotations

from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.meetings.booking import book_slot
from eventhub.meetings.models import MeetingRequest
from eventhub.meetings.requests import (
    answer_request,
    request_of_party,
    requests_left,
    send_request,
    withdraw_request,
)
from tests.meetings.helpers import grid_slot, refused


def test_sending_requests_and_the_limit(demo_day, room, make_investor, open_for):
    (atlas, sahara), (s1, _s2, _s3) = room
    request = send_request(demo_day, s1.startup, atlas.investor, " We pay farmers. ", by_user=s1)
    db.session.commit()
    assert (request.status, request.pitch) == ("pending", "We pay farmers.")
    refused("request_exists", send_request, demo_day, s1.startup, atlas.investor, "Again")
    send_request(demo_day, s1.startup, sahara.investor, "Second")
    db.session.commit()
    third = make_investor()
    open_for(demo_day, third, day=1)
    refused("request_limit", send_request, demo_day, s1.startup, third.investor, "Third")
    # Withdrawing frees a place, and the same investor can be asked again.
    withdraw_request(request, s1)
    db.session.commit()
    again = send_request(demo_day, s1.startup, atlas.investor, "Once more")
    assert again.id == request.id
    assert again.status == "pending"


def test_bad_requests_change_nothing(demo_day, room, make_investor, configure):
    (atlas, _sahara), (s1, s2, _s3) = room
    refused("pitch_required", send_request, demo_day, s1.startup, atlas.investor, "   ")
    refused("pitch_too_long", send_request, demo_day, s1.startup, atlas.investor, "x" * 201)
    refused("not_startup", send_request, demo_day, None, atlas.investor, "Hi")
    refused(
        "investor_not_found", send_request, demo_day, s1.startup, make_investor().investor, "Hi"
    )
    # A request to oneself: the investor's account belongs to the startup's team.
    atlas.startup_id = s2.startup.id
    db.session.commit()
    refused("self_request", send_request, demo_day, s2.startup, atlas.investor, "Hi")
    configure(demo_day, requests_open=False)
    refused("requests_closed", send_request, demo_day, s1.startup, atlas.investor, "Hi")
    assert db.session.scalar(select(func.count()).select_from(MeetingRequest)) == 0


def test_no_request_to_an_investor_already_met(demo_day, room):
    (atlas, _sahara), (s1, _s2, _s3) = room
    slot = grid_slot(demo_day, atlas, 0)
    book_slot(demo_day, slot, s1.startup)
    db.session.commit()
    refused("pair_exists", send_request, demo_day, s1.startup, atlas.investor, "Hi")


def test_answering_requests(demo_day, room):
    (atlas, sahara), (s1, s2, _s3) = room
    first = send_request(demo_day, s1.startup, atlas.investor, "One")
    second = send_request(demo_day, s2.startup, atlas.investor, "Two")
    db.session.commit()
    refused("not_party", answer_request, first, sahara, True)
    answer_request(first, atlas, True)
    answer_request(second, atlas, False, "Too early for us.")
    db.session.commit()
    assert (first.status, second.status) == ("accepted", "declined")
    assert second.decline_reason == "Too early for us."
    refused("request_answered", answer_request, first, atlas, False)
    refused("request_declined", send_request, demo_day, s2.startup, atlas.investor, "Again")


def test_requests_left_count_the_pending_and_accepted_ones(demo_day, room):
    (atlas, sahara), (s1, _s2, _s3) = room
    assert requests_left(demo_day, s1.startup) == 2
    first = send_request(demo_day, s1.startup, atlas.investor, "One")
    answer_request(first, atlas, True)
    assert requests_left(demo_day, s1.startup) == 1
    second = send_request(demo_day, s1.startup, sahara.investor, "Two")
    assert requests_left(demo_day, s1.startup) == 0
    withdraw_request(second, s1)
    assert requests_left(demo_day, s1.startup) == 1


def test_a_request_is_seen_by_its_startup_and_its_investor_only(demo_day, room, make_user):
    (atlas, sahara), (s1, s2, _s3) = room
    request = send_request(demo_day, s1.startup, atlas.investor, "One")
    db.session.commit()
    assert request_of_party(request.id, s1) == request
    assert request_of_party(request.id, atlas) == request
    for stranger in (s2, sahara, make_user("admin"), make_user("staff")):
        assert request_of_party(request.id, stranger) is None
    assert request_of_party(999_999, s1) is None
