"""Helpers of the meeting tests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.extensions import db
from eventhub.meetings.models import Meeting, MeetingRequest
from eventhub.meetings.requests import answer_request, request_for, send_request
from eventhub.meetings.slots import MeetingError, slots_of_event


def refused(code: str, call, *args, **kwargs) -> MeetingError:
    """Run `call`, expect MeetingError `code`; the transaction is rolled back like a view does."""
    with pytest.raises(MeetingError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert caught.value.code == code, caught.value.message
    return caught.value


def confirmed() -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.status == "confirmed").order_by(Meeting.id)
        )
    )


def grid_slot(event, investor_user, period: int):
    return [s for s, _b in slots_of_event(event, investor=investor_user.investor)][period]


def accept_all(event, investors, startups) -> list[MeetingRequest]:
    """Each startup asks each investor (unless it did already), and the investor accepts."""
    requests = []
    for startup in startups:
        for investor in investors:
            if request_for(event, startup.startup.id, investor.investor.id):
                continue
            request = send_request(event, startup.startup, investor.investor, f"{startup.name}")
            answer_request(request, investor, True)
            requests.append(request)
    db.session.commit()
    return requests
