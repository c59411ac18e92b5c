"""The organiser's moves by hand (pin, swap, release, unpin), each in the audit log, and
the database's guard of one booth per application."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventhub.auth.models import AuditEntry
from eventhub.booths.allocation_runs import commit_allocation, plan_allocation
from eventhub.booths.errors import BoothError
from eventhub.booths.holding import release_booth
from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import Booth
from eventhub.booths.moves import (
    approved_applications,
    booth_history,
    pin_booth,
    pin_by_code,
    pinned_booths,
    swap_booths,
    swap_by_code,
    unpin_booth,
)
from eventhub.extensions import db


def holder(event, code: str) -> str | None:
    db.session.expire_all()
    booth = booth_by_code(event, code)
    return booth.exhibitor.name if booth.exhibitor else None


def actions() -> list[str]:
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_pin_swap_release_each_recorded(show, make_user):
    event, apps = show
    organiser = make_user("admin")
    commit_allocation(event, organiser)
    db.session.commit()
    atlas = apps["Atlas AI"]
    # Pin Atlas AI into A06 (free): it leaves its booth.
    old = atlas.booth.code
    pin_booth(booth_by_code(event, "A06"), atlas, organiser)
    db.session.commit()
    assert holder(event, "A06") == "Atlas AI" and holder(event, old) is None
    assert booth_by_code(event, "A06").pinned
    # A pinned booth stays with its startup through a new run.
    assert plan_allocation(event).changed == []
    # Pinning into another startup's booth is refused.
    with pytest.raises(BoothError) as caught:
        pin_booth(booth_by_code(event, "A04"), atlas, organiser)
    assert caught.value.code == "booth_taken"
    db.session.rollback()
    # Swap A06 (Atlas) and A04 (Argan): both pinned afterwards.
    swap_booths(booth_by_code(event, "A06"), booth_by_code(event, "A04"), organiser)
    db.session.commit()
    assert holder(event, "A06") == "Argan AI" and holder(event, "A04") == "Atlas AI"
    assert booth_by_code(event, "A04").pinned and booth_by_code(event, "A06").pinned
    # Release A04.
    release_booth(booth_by_code(event, "A04"), organiser)
    db.session.commit()
    a04 = booth_by_code(event, "A04")
    assert (a04.status, a04.application_id, a04.pinned) == ("available", None, False)
    unpin_booth(booth_by_code(event, "A06"), organiser)
    db.session.commit()
    assert actions() == [
        "booth.allocation",
        "booth.pin",
        "booth.swap",
        "booth.release",
        "booth.unpin",
    ]
    history = booth_history(event)
    assert history[0].action == "booth.unpin"
    assert {entry.actor_id for entry in history} == {organiser.id}


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("same", "same_booth"),
        ("free", "booth_free"),
    ],
)
def test_bad_swaps(show, case, code):
    event, _apps = show
    commit_allocation(event, None)
    db.session.commit()
    taken = next(b for b in db.session.scalars(select(Booth)) if b.status == "allocated")
    other = taken if case == "same" else booth_by_code(event, "A06")
    if case == "free" and other.status == "allocated":
        other = booth_by_code(event, "A05")
    with pytest.raises(BoothError) as caught:
        swap_booths(taken, other, None)
    assert caught.value.code == code


def test_pin_refuses_unapproved_and_blocked(show, make_user):
    event, apps = show
    with pytest.raises(BoothError) as caught:
        pin_booth(booth_by_code(event, "A06"), apps["Later AI"], None)
    assert caught.value.code == "not_approved"
    booth_by_code(event, "A06").status = "blocked"
    with pytest.raises(BoothError) as caught:
        pin_booth(booth_by_code(event, "A06"), apps["Atlas AI"], None)
    assert caught.value.code == "booth_blocked"


def test_one_booth_per_application_in_the_database(show):
    event, apps = show
    a01, a02 = booth_by_code(event, "A01"), booth_by_code(event, "A02")
    a01.status, a01.application_id = "allocated", apps["Atlas AI"].id
    db.session.commit()
    with pytest.raises(IntegrityError):
        a02.status, a02.application_id = "allocated", apps["Atlas AI"].id
        db.session.flush()


def test_moves_by_code_say_who_to_tell(show):
    event, apps = show
    commit_allocation(event, None)
    db.session.commit()
    atlas = apps["Atlas AI"]
    before = atlas.booth.code
    notice = pin_by_code(event, " a06 ", atlas, None)
    db.session.commit()
    assert (notice.startup.name, notice.booth.code, notice.previous) == ("Atlas AI", "A06", before)
    argan_booth = apps["Argan AI"].booth.code
    first, second = swap_by_code(event, "A06", argan_booth.lower(), None)
    db.session.commit()
    assert (first.startup.name, first.booth.code, first.previous) == (
        "Argan AI",
        "A06",
        argan_booth,
    )
    assert (second.startup.name, second.booth.code, second.previous) == (
        "Atlas AI", argan_booth, "A06"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("codes", "field"), [(("Z9", "A01"), "first"), (("A01", "\x00"), "second")]
)
def test_an_unknown_code_is_refused_at_its_field(show, codes, field):
    event, _apps = show
    with pytest.raises(BoothError) as caught:
        swap_by_code(event, *codes, None)
    assert (caught.value.code, caught.value.field) == ("unknown_booth", field)


def test_the_pin_form_offers_the_approved_applications(show):
    event, _apps = show
    names = [application.startup.name for application in approved_applications(event)]
    assert names == ["Argan AI", "Atlas AI", "Cedar Pod", "Souk Pay"]
    assert pinned_booths(event) == []
    pin_booth(booth_by_code(event, "A02"), approved_applications(event)[0], None)
    assert [booth.code for booth in pinned_booths(event)] == ["A02"]
