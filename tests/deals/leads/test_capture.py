"""Capturing leads without HTTP: what a scan records, what it refuses, and the consent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventhub.badges.signing import badge_token
from eventhub.deals.leads.capture import (
    LeadDetails,
    LeadError,
    clean_tags,
    exhibitor_for,
    record_lead,
    scan_badge,
    update_lead,
)
from eventhub.deals.leads.consent import set_exhibitor_consent
from eventhub.deals.leads.contacts import lead_counts, lead_view, leads_per_booth
from eventhub.deals.leads.models import Lead
from eventhub.extensions import db
from eventhub.registration.register import cancel, reissue_badge
from tests.deals.leads.conftest import SHARED, visitor


def lead_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Lead))


def test_a_scan_records_one_lead_and_a_second_scan_counts_on_it(show):
    atlas = exhibitor_for(show.event, show.atlas)
    first = scan_badge(show.event, atlas, show.atlas, show.secret_token)
    db.session.commit()
    assert first.created and first.lead.scan_count == 1
    again = scan_badge(show.event, atlas, show.atlas_mate, "  " + show.secret_token.lower())
    db.session.commit()
    assert not again.created
    assert again.lead.id == first.lead.id and again.lead.scan_count == 2
    assert again.lead.scanned_by_id == show.atlas.id  # the first scanner stays
    assert lead_count() == 1
    # Another startup scanning the same visitor has a lead of its own.
    souk = exhibitor_for(show.event, show.souk)
    assert scan_badge(show.event, souk, show.souk, show.secret_token).created
    db.session.commit()
    assert lead_count() == 2


def test_the_database_refuses_a_second_row_for_the_same_visitor(show):
    atlas = exhibitor_for(show.event, show.atlas)
    record_lead(show.event, atlas.startup, show.shared, show.atlas)
    record_lead(show.event, atlas.startup, show.shared, show.atlas_mate)
    db.session.commit()
    assert lead_count() == 1
    db.session.add(
        Lead(event_id=show.event.id, startup_id=atlas.startup.id, registration_id=show.shared.id)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("", "not_a_badge"),
        ("hello world", "not_a_badge"),
        ("https://example.com/" + "x" * 300, "not_a_badge"),
        ("1" + "A" * 32, "unknown_badge"),  # the right shape, a wrong signature
    ],
)
def test_garbage_is_refused_and_nothing_recorded(show, code, error_code):
    atlas = exhibitor_for(show.event, show.atlas)
    with pytest.raises(LeadError) as refused:
        scan_badge(show.event, atlas, show.atlas, code)
    assert refused.value.code == error_code
    assert refused.value.field == "code"
    assert lead_count() == 0


def test_a_badge_of_another_event_is_refused(show, make_event):
    other = make_event(slug="other-expo")
    stranger = visitor(other, True, first_name="A", last_name="B", email="ab@example.com")
    atlas = exhibitor_for(show.event, show.atlas)
    with pytest.raises(LeadError) as refused:
        scan_badge(show.event, atlas, show.atlas, badge_token(stranger))
    assert refused.value.code == "other_event" and refused.value.status == 409
    assert lead_count() == 0


def test_a_cancelled_registration_and_a_replaced_badge_are_refused(show):
    atlas = exhibitor_for(show.event, show.atlas)
    old_token = show.shared_token
    reissue_badge(show.shared)
    db.session.commit()
    with pytest.raises(LeadError) as replaced:
        scan_badge(show.event, atlas, show.atlas, old_token)
    assert replaced.value.code == "badge_replaced"
    cancel(show.secret)
    db.session.commit()
    with pytest.raises(LeadError) as cancelled:
        scan_badge(show.event, atlas, show.atlas, show.secret_token)
    assert cancelled.value.code == "registration_cancelled"
    assert lead_count() == 0


def test_only_a_startup_with_a_booth_here_scans(show, make_user):
    with pytest.raises(LeadError) as no_booth:
        exhibitor_for(show.event, show.no_booth)
    assert no_booth.value.code == "not_exhibitor" and no_booth.value.status == 403
    for role in ("admin", "staff", "investor"):
        with pytest.raises(LeadError) as refused:
            exhibitor_for(show.event, make_user(role))
        assert refused.value.code == "no_startup"


def test_the_contact_is_seen_only_with_the_consent_and_withdrawn_at_once(show):
    atlas = exhibitor_for(show.event, show.atlas)
    shared = scan_badge(show.event, atlas, show.atlas, show.shared_token).lead
    secret = scan_badge(show.event, atlas, show.atlas, show.secret_token).lead
    db.session.commit()
    seen = lead_view(shared)
    assert seen.contact is not None
    assert seen.contact.name == "Salma Bennani"
    assert (seen.contact.email, seen.contact.organization) == (
        SHARED["email"],
        SHARED["organization"],
    )
    assert seen.contact.job_title == SHARED["job_title"]
    hidden = lead_view(secret)
    assert hidden.contact is None and hidden.anonymous and hidden.category == "Visitor"
    assert lead_counts(show.event, atlas.startup).with_contact == 1

    assert set_exhibitor_consent(show.shared, False)
    db.session.commit()
    assert show.shared.exhibitor_consent_at is None
    assert lead_view(shared).contact is None
    assert set_exhibitor_consent(show.secret, True)
    assert not set_exhibitor_consent(show.secret, True)  # the first time is kept
    db.session.commit()
    assert lead_view(secret).contact.name == "Omar Zouhairi"


def test_note_rating_and_tags(show):
    atlas = exhibitor_for(show.event, show.atlas)
    lead = scan_badge(show.event, atlas, show.atlas, show.secret_token).lead
    update_lead(lead, LeadDetails(note="  Wants a pilot ", rating=4, tags="pilot, Pilot, q3 ,"))
    db.session.commit()
    assert (lead.note, lead.rating, lead.tags) == ("Wants a pilot", 4, "pilot, q3")
    update_lead(lead, LeadDetails(note="", rating=None, tags="تجربة، متابعة,q3"))
    assert lead.tags == "تجربة, متابعة, q3"  # the Arabic comma separates tags too
    for details, code in (
        (LeadDetails("", 6, ""), "invalid_rating"),
        (LeadDetails("", 0, ""), "invalid_rating"),
        (LeadDetails("", None, ",".join(f"t{n}" for n in range(11))), "too_many_tags"),
        (LeadDetails("", None, "x" * 41), "tag_too_long"),
        (LeadDetails("x" * 2001, None, ""), "note_too_long"),
    ):
        with pytest.raises(LeadError) as refused:
            update_lead(lead, details)
        assert refused.value.code == code
        db.session.rollback()
    assert clean_tags("") == ""


def test_counts_per_booth(show):
    atlas = exhibitor_for(show.event, show.atlas)
    scan_badge(show.event, atlas, show.atlas, show.shared_token)
    scan_badge(show.event, atlas, show.atlas, show.secret_token)
    db.session.commit()
    rows = {row.booth: row for row in leads_per_booth(show.event)}
    assert (rows["A01"].startup, rows["A01"].leads, rows["A01"].with_contact) == (
        "Atlas AI",
        2,
        1,
    )
    assert (rows["A02"].leads, rows["A02"].with_contact) == (0, 0)
