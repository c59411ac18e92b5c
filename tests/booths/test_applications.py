"""Booth applications without HTTP: who may apply, once, and the organiser's decisions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventhub.auth.models import AuditEntry
from eventhub.booths.applications import (
    ApplicationDetails,
    application_in,
    apply_for_booth,
    closed_message,
    decide,
    expos_to_apply_to,
    is_editable,
    save_application,
    select_applications,
    update_application,
)
from eventhub.booths.errors import BoothError
from eventhub.booths.models import BoothApplication
from eventhub.extensions import db


def wish(**values) -> ApplicationDetails:
    values.setdefault("kind", "standard")
    values.setdefault("area_wanted", 9.0)
    return ApplicationDetails(**values)


def test_apply_copies_programme_and_city_from_the_profile(row_of_booths, make_startup):
    _user, startup = make_startup(programme="DigitAgri", city_site="Agadir")
    application = apply_for_booth(
        row_of_booths.event,
        startup,
        wish(preferred_zones=["AgriTech", "ai", "agritech"], preferred_booths=["a02", " "],
             notes="  Needs power  "),
    )  # fmt: skip
    db.session.commit()
    assert application.status == "pending"
    assert (application.programme, application.city_site) == ("DigitAgri", "Agadir")
    assert application.preferred_zones == ["agritech", "ai"]
    assert application.preferred_booths == ["A02"]
    assert application.notes == "Needs power"


def test_one_application_per_startup_per_event(expo, make_startup, make_event):
    _user, startup = make_startup()
    apply_for_booth(expo, startup, wish())
    db.session.commit()
    with pytest.raises(BoothError) as caught:
        apply_for_booth(expo, startup, wish(kind="pod", area_wanted=4))
    assert caught.value.code == "already_applied"
    # The database says the same, whatever the code path.
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(BoothApplication(event_id=expo.id, startup_id=startup.id,
                                        area_wanted=9))  # fmt: skip
        db.session.flush()
    # Another expo is another application.
    apply_for_booth(make_event(), startup, wish())


@pytest.mark.parametrize(
    ("event_values", "code"),
    [
        ({"kind": "demo_day"}, "not_expo"),
        ({"status": "draft"}, "not_open"),
        (
            {"first_day": date.today() - timedelta(days=10),
             "last_day": date.today() - timedelta(days=8)},
            "past_event",
        ),
    ],
)  # fmt: skip
def test_applications_only_for_open_expos(make_event, make_startup, event_values, code):
    event = make_event(**event_values)
    _user, startup = make_startup()
    with pytest.raises(BoothError) as caught:
        apply_for_booth(event, startup, wish())
    assert caught.value.code == code
    assert db.session.scalars(select(BoothApplication)).all() == []


def test_an_expo_running_today_still_takes_applications(make_event, make_startup):
    event = make_event(first_day=date.today() - timedelta(days=1))
    _user, startup = make_startup()
    assert apply_for_booth(event, startup, wish()).status == "pending"


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"kind": "tent"}, "unknown_kind", "kind"),
        ({"area_wanted": 0}, "bad_size", "area_wanted"),
        ({"area_wanted": -9}, "bad_size", "area_wanted"),
        ({"area_wanted": float("nan")}, "bad_size", "area_wanted"),
        ({"area_wanted": 5000}, "bad_size", "area_wanted"),
        ({"preferred_zones": ["biotech"]}, "unknown_zone", "preferred_zones"),
        ({"preferred_zones": ["ai", "fintech", "edtech", "mobility"]}, "too_many",
         "preferred_zones"),
        ({"preferred_booths": ["Z99"]}, "unknown_booth", "preferred_booths"),
        ({"preferred_booths": ["A01", "A02", "A03", "A04"]}, "too_many", "preferred_booths"),
        ({"notes": "x" * 2001}, "too_long", "notes"),
    ],
)  # fmt: skip
def test_bad_applications_say_why(row_of_booths, make_startup, values, code, field):
    _user, startup = make_startup()
    with pytest.raises(BoothError) as caught:
        apply_for_booth(row_of_booths.event, startup, wish(**values))
    db.session.rollback()
    assert (caught.value.code, caught.value.field) == (code, field)
    assert db.session.scalars(select(BoothApplication)).all() == []


def test_a_startup_edits_its_application_until_decided(expo, make_startup, make_user):
    _user, startup = make_startup()
    application = apply_for_booth(expo, startup, wish())
    update_application(application, wish(kind="corner", area_wanted=12))
    assert (application.kind, application.area_wanted) == ("corner", 12)
    decide(application, "approve", make_user("admin"))
    with pytest.raises(BoothError) as caught:
        update_application(application, wish())
    assert caught.value.code == "decided"


def test_decisions_and_their_log(expo, make_startup, make_user):
    organiser = make_user("admin")
    _user, startup = make_startup(name="Argan Pay")
    application = apply_for_booth(expo, startup, wish())
    with pytest.raises(BoothError) as caught:
        decide(application, "reject", organiser, "  ")
    assert (caught.value.code, caught.value.field) == ("reason_required", "reason")
    decide(application, "waitlist", organiser)
    assert application.status == "waitlisted"
    decide(application, "reject", organiser, "Outside the themes of this expo.")
    assert (application.status, application.decision_reason) == (
        "rejected",
        "Outside the themes of this expo.",
    )
    assert application.decided_by_id == organiser.id and application.decided_at is not None
    decide(application, "approve", organiser)
    with pytest.raises(BoothError) as caught:
        decide(application, "approve", organiser)
    assert caught.value.code == "unchanged"
    with pytest.raises(BoothError) as caught:
        decide(application, "maybe", organiser)
    assert caught.value.code == "bad_decision"
    db.session.commit()
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [
        "booth_application.waitlist",
        "booth_application.reject",
        "booth_application.approve",
    ]


def test_a_decision_made_meanwhile_is_not_overwritten(expo, make_startup, make_user):
    _user, startup = make_startup()
    organiser = make_user("admin")
    application = apply_for_booth(expo, startup, wish())
    db.session.commit()
    assert application.status == "pending"  # what this organiser's page shows
    # Another organiser approved it after this one loaded the page.
    db.session.execute(
        BoothApplication.__table__.update()
        .where(BoothApplication.id == application.id)
        .values(status="approved")
    )
    with pytest.raises(BoothError) as caught:
        decide(application, "reject", organiser, "No room.")
    assert caught.value.code == "changed_meanwhile"


def test_leaving_approved_gives_the_booth_back(
    row_of_booths, make_startup, make_application, make_user
):
    _user, startup = make_startup()
    application = make_application(row_of_booths.event, startup)
    booth = row_of_booths.booths[0]
    booth.status, booth.application_id, booth.pinned = "allocated", application.id, True
    db.session.commit()
    decide(application, "waitlist", make_user("admin"))
    db.session.commit()
    db.session.refresh(booth)
    assert (booth.status, booth.application_id, booth.pinned) == ("available", None, False)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "booth_application.waitlist")
    ).one()
    assert entry.details["released_booth"] == "A01"


def test_filters(expo, make_startup, make_application):
    _u1, agri = make_startup(name="Souss Agri", sector="agritech", programme="DigitAgri")
    _u2, pay = make_startup(name="Atlas Pay", sector="fintech", programme="Accelerate")
    make_application(expo, agri, status="pending", notes="=cmd|' /C calc'!A0")
    make_application(expo, pay, status="approved", zones=["fintech"])

    def names(**filters) -> list[str]:
        query = select_applications(expo, **filters)
        return [a.startup.name for a in db.session.scalars(query)]

    assert names() == ["Souss Agri", "Atlas Pay"]
    assert names(programme="DigitAgri") == ["Souss Agri"]
    assert names(sector="fintech") == ["Atlas Pay"]
    assert names(status="approved") == ["Atlas Pay"]
    assert names(q="souss") == ["Souss Agri"]
    assert names(q="%") == []


def test_save_application_sends_then_changes_it(expo, make_startup):
    _user, startup = make_startup()
    sent = save_application(expo, startup, wish())
    db.session.commit()
    changed = save_application(expo, startup, wish(kind="pod", area_wanted=4))
    db.session.commit()
    assert changed.id == sent.id and (changed.kind, changed.area_wanted) == ("pod", 4)
    assert len(db.session.scalars(select(BoothApplication)).all()) == 1


def test_what_a_startup_may_still_apply_to(make_event, make_startup, make_application):
    _user, startup = make_startup()
    applied = make_event(slug="applied-expo")
    make_application(applied, startup, status="pending")
    open_expo = make_event(slug="open-expo")
    make_event(slug="a-demo-day", kind="demo_day")
    make_event(slug="a-draft", status="draft")
    make_event(
        slug="old-expo",
        first_day=date.today() - timedelta(days=9),
        last_day=date.today() - timedelta(days=8),
    )
    assert expos_to_apply_to(startup, date.today()) == [open_expo]


def test_closed_message_says_why(make_event):
    assert closed_message(make_event()) is None
    past = make_event(
        first_day=date.today() - timedelta(days=9), last_day=date.today() - timedelta(days=8)
    )
    with force_locale("en"):
        assert "This event is over" in str(closed_message(past))


def test_an_application_belongs_to_its_event(expo, make_event, make_startup, make_application):
    _user, startup = make_startup()
    application = make_application(expo, startup, status="pending")
    assert application_in(expo, application.id) is application
    assert application_in(make_event(), application.id) is None
    assert application_in(expo, application.id + 1000) is None
    assert is_editable(None) and is_editable(application)
    application.status = "approved"
    assert not is_editable(application)
