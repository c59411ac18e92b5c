"""Allocation runs on the stored plan: the dry run and its diff against the booths held
now, the commit (refused if the plan changed since the dry run), and the notices."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from eventhub.auth.models import AuditEntry
from eventhub.booths.allocation_runs import commit_allocation, newly_placed, plan_allocation
from eventhub.booths.applications import decide
from eventhub.booths.errors import BoothError
from eventhub.booths.holding import release_booth
from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import Booth
from eventhub.booths.notices import notify_changes
from eventhub.extensions import db


def holder(event, code: str) -> str | None:
    db.session.expire_all()
    booth = booth_by_code(event, code)
    return booth.exhibitor.name if booth.exhibitor else None


def actions() -> list[str]:
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_dry_run_proposes_and_changes_nothing(show):
    event, _apps = show
    with force_locale("en"):
        plan = plan_allocation(event)
    assert plan.counts == {
        "new": 4, "moved": 0, "kept": 0, "removed": 0, "unplaced": 0, "placed": 4
    }  # fmt: skip
    after = {change.startup_name: change.after for change in plan.changes}
    assert after["Argan AI"] == "A04"  # its preferred booth
    assert after["Souk Pay"] in ("F01", "F02")  # its sector zone
    assert after["Cedar Pod"] == "P01"
    assert after["Atlas AI"].startswith("A0")
    assert "Later AI" not in after  # not approved
    argan = next(change for change in plan.changes if change.startup_name == "Argan AI")
    assert "its preferred booth no. 1" in argan.reasons
    db.session.expire_all()
    assert db.session.scalars(select(Booth).where(Booth.status == "allocated")).all() == []


def test_commit_writes_the_plan_and_a_second_run_keeps_it(show, make_user):
    event, _apps = show
    organiser = make_user("admin")
    dry = plan_allocation(event)
    plan = commit_allocation(event, organiser, expected_fingerprint=dry.fingerprint)
    db.session.commit()
    assert plan.committed
    assert holder(event, "A04") == "Argan AI"
    allocated = db.session.scalars(select(Booth).where(Booth.status == "allocated")).all()
    assert len(allocated) == 4 and all(b.allocated_at and not b.pinned for b in allocated)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "booth.allocation")
    ).one()
    assert entry.actor_id == organiser.id and entry.details["new"] == 4

    again = plan_allocation(event)
    assert again.counts["kept"] == 4 and again.changed == []
    assert again.fingerprint == dry.fingerprint


def test_the_diff_shows_moves_and_losses(show, make_user):
    event, apps = show
    commit_allocation(event, None)
    db.session.commit()
    # The organiser takes A04 back from Argan AI and blocks it: the next run places Argan
    # AI elsewhere (a new placement, since it holds no booth now).
    a04 = booth_by_code(event, "A04")
    release_booth(a04, None)
    a04.status = "blocked"
    # Souk Pay goes to the waiting list: its booth is given back, it is not in the run.
    decide(apps["Souk Pay"], "waitlist", None)
    db.session.commit()
    plan = plan_allocation(event)
    kinds = {change.startup_name: change.kind for change in plan.changes}
    assert kinds["Argan AI"] == "new" and kinds["Atlas AI"] in ("kept", "moved")
    assert "Souk Pay" not in kinds

    # A booth allocated (not pinned) whose application the run cannot place any more is
    # "removed": the pod booth P01 becomes a standard one.
    cedar = booth_by_code(event, "P01")
    cedar.kind = "standard"
    db.session.commit()
    plan = plan_allocation(event)
    change = next(c for c in plan.changes if c.startup_name == "Cedar Pod")
    assert (change.kind, change.before, change.after) == ("removed", "P01", None)
    unplaced = next(u for u in plan.unplaced if u.startup_name == "Cedar Pod")
    assert unplaced.before == "P01" and "pod" in unplaced.reason
    commit_allocation(event, None)
    db.session.commit()
    assert holder(event, "P01") is None


def test_kept_when_a_better_booth_frees_up_moved_only_when_reoptimising(
    row_of_booths, make_startup, make_application, logic_in_english
):
    event = row_of_booths.event
    _user, startup = make_startup(name="Noria AI")
    application = make_application(event, startup, booths=["A06"])
    a06 = booth_by_code(event, "A06")
    a06.status = "held"
    db.session.commit()
    commit_allocation(event, None)
    db.session.commit()
    first = holder(event, "A01") or holder(event, "A02")
    assert first == "Noria AI"
    booth_by_code(event, "A06").status = "available"
    db.session.commit()
    # A run keeps the booth it has: a better one is no reason to move a placed startup.
    plan = plan_allocation(event)
    assert plan.changed == [] and plan.counts["kept"] == 1
    # Re-optimising moves it to its first choice, and says so before the commit.
    plan = plan_allocation(event, reoptimise=True)
    (change,) = plan.changed
    assert (change.kind, change.after) == ("moved", "A06")
    assert change.reasons[0] == f"moved from {change.before}: the whole plan is re-optimised"
    assert application.id == change.application_id
    commit_allocation(event, None, expected_fingerprint=plan.fingerprint, reoptimise=True)
    db.session.commit()
    assert holder(event, "A06") == "Noria AI"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "booth.allocation").order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.details["mode"] == "reoptimise" and entry.details["moved"] == 1


def test_commit_refuses_a_plan_that_changed_since_the_dry_run(show, make_startup, make_application):
    event, _apps = show
    dry = plan_allocation(event)
    _user, startup = make_startup(name="Late Approved AI")
    make_application(event, startup)
    with pytest.raises(BoothError) as caught:
        commit_allocation(event, None, expected_fingerprint=dry.fingerprint)
    assert caught.value.code == "plan_changed"
    db.session.rollback()
    assert db.session.scalars(select(Booth).where(Booth.status == "allocated")).all() == []


def test_self_service_halls_are_left_out_of_the_run(open_hall):
    event, _apps = open_hall
    plan = plan_allocation(event)
    assert all(not (c.after or "").startswith("A") for c in plan.changes)
    # Hall 2 has two standard booths left: Souk Pay and one of the AI startups.
    assert len([u for u in plan.unplaced if u.startup_name in ("Atlas AI", "Argan AI")]) == 1


def test_startups_are_notified_of_their_booth(show, outbox):
    event, apps = show
    plan = commit_allocation(event, None)
    sent = notify_changes(event, newly_placed(plan))
    db.session.commit()
    assert sent == 4
    messages = outbox()
    assert len(messages) == 4
    argan = next(m for m in messages if apps["Argan AI"].startup.members[0].email in m["To"])
    assert "A04" in argan["Subject"]
    body = argan.get_body(("plain",)).get_content()
    assert "A04" in body and "/events/booth-expo/floor-plan?booth=A04" in body


def test_only_startups_whose_booth_changed_are_notified(
    show, outbox, make_startup, make_application
):
    event, _apps = show
    commit_allocation(event, None)
    db.session.commit()
    before = {b.code: b.application_id for b in db.session.scalars(select(Booth))}
    _user, late = make_startup(name="Late AI", sector="ai")
    make_application(event, late)
    plan = commit_allocation(event, None)
    assert plan.counts == {
        "new": 1, "moved": 0, "kept": 4, "removed": 0, "unplaced": 0, "placed": 5
    }  # fmt: skip
    sent = notify_changes(event, newly_placed(plan))
    db.session.commit()
    assert sent == 1
    (message,) = outbox()
    assert late.members[0].email in message["To"]
    db.session.expire_all()
    after = {b.application_id: b.code for b in db.session.scalars(select(Booth))}
    held_before = {app: code for code, app in before.items() if app is not None}
    assert all(after[app] == code for app, code in held_before.items())
