"""The help desk: folding and search, check-in by hand, walk-ins, its pages and roles."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, select

from eventhub.auth.models import AuditEntry
from eventhub.badges.signing import badge_token
from eventhub.checkin.desk import (
    DESK_GATE,
    DeskError,
    WalkIn,
    check_in_by_hand,
    find_people,
    register_walk_in,
)
from eventhub.checkin.models import Scan
from eventhub.checkin.scanning import ScanInput, door_event, perform_scan
from eventhub.extensions import db
from eventhub.registration.imports import import_guests
from eventhub.registration.models import Registration
from eventhub.registration.register import Attendee, RegistrationError, cancel
from eventhub.registration.search import fold, search_key
from tests.checkin.conftest import zoned_event
from tests.support.dates import event_today

# --- Folding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ecole", "École"),
        ("ECOLE", "école"),
        ("jose", "José"),
        ("محمد", "مُحَمَّد"),  # harakat
        ("احمد", "أحمد"),  # hamza on alef
        ("اسلام", "إسلام"),
        ("امنة", "آمنة"),  # madda
        ("فاطمه", "فاطمة"),  # teh marbuta
        ("مصطفي", "مصطفى"),  # alef maksura
        ("محمد", "محـــمد"),  # tatweel
        ("محمد", "ﻣﺤﻤﺪ"),  # presentation forms (NFKD)
    ],
)
def test_folding_makes_variants_equal(typed, stored):
    assert fold(typed) == fold(stored)


def test_folding_collapses_spaces_and_keeps_distinct_letters_apart():
    assert fold("  Salma \t  BENNANI ") == "salma bennani"
    assert fold("سلمى") != fold("سليم")
    assert search_key("É", "B", "e@x.ma", "Ö  AG") == "e b e@x.ma o ag"
    assert len(search_key("a" * 80, "b" * 80, "c" * 254, "d" * 160)) == 500


# --- Search --------------------------------------------------------------------------------


def names(people) -> list[str]:
    return [person.full_name for person in people]


def test_search_by_name_accents_case_and_arabic(running_event, make_registration):
    make_registration(running_event, first_name="Hélène", last_name="Lefèvre")
    make_registration(running_event, first_name="مُحَمَّد", last_name="الأمين")
    make_registration(running_event, first_name="Omar", last_name="Ziani")
    assert names(find_people(running_event, "helene")) == ["Hélène Lefèvre"]
    assert names(find_people(running_event, "LEFEVRE hel")) == ["Hélène Lefèvre"]  # any order
    assert names(find_people(running_event, "محمد")) == ["مُحَمَّد الأمين"]
    assert names(find_people(running_event, "الامين")) == ["مُحَمَّد الأمين"]
    assert find_people(running_event, "   ") == []
    assert find_people(running_event, "nobody") == []


def test_search_by_email_organisation_and_number(running_event, make_registration):
    first = make_registration(
        running_event, email="k.tazi@sahara.ma", organization="École Centrale"
    )
    second = make_registration(running_event, organization="Atlas AI")
    assert names(find_people(running_event, "K.TAZI@")) == [first.full_name]
    assert names(find_people(running_event, "ecole centrale")) == [first.full_name]
    assert names(find_people(running_event, second.number)) == [second.full_name]
    assert names(find_people(running_event, str(second.id))) == [second.full_name]
    # Another event's number names nobody here.
    assert find_people(running_event, f"{running_event.id + 1:03d}-{second.id:06d}") == []


def test_number_comes_first_and_wildcards_are_literal(running_event, make_registration):
    people = [make_registration(running_event, organization="Lab 100%") for _ in range(3)]
    target = people[2]
    # The id typed also appears in others' text: the exact number is first.
    make_registration(running_event, organization=f"Studio {target.id}")
    found = find_people(running_event, str(target.id))
    assert found[0].id == target.id and len(found) == 2
    assert len(find_people(running_event, "100%")) == 3
    assert find_people(running_event, "1_0") == []
    assert len(find_people(running_event, "a", limit=2)) == 2


def test_search_stays_in_its_event(running_event, make_event, make_registration):
    other = make_event()
    make_registration(other, first_name="Hélène")
    assert find_people(running_event, "helene") == []


def test_a_search_is_one_statement(running_event, make_registration):
    for _ in range(5):
        make_registration(running_event, organization="Argan Pay")
    db.session.refresh(running_event)  # the event as the page has it, loaded
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args, **_kwargs):
        statements.append(statement.split()[0].upper())

    sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = find_people(running_event, "argan")
    finally:
        sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
    assert len(found) == 5
    assert statements == ["SELECT"]


def test_search_shows_todays_entry(running_event, make_registration, make_user):
    registration = make_registration(running_event, first_name="Imane")
    staff = make_user("staff")
    check_in_by_hand(running_event, registration, staff, "Badge left at the hotel")
    db.session.commit()
    (person,) = find_people(running_event, "imane")
    assert person.entry_gate == DESK_GATE and person.entry_manual is True
    assert person.entered_at is not None
    assert person.status == "confirmed" and person.category_name == "Visitor"


# --- The search key is kept up to date ----------------------------------------------------


def stored_key(registration) -> str:
    return db.session.scalar(
        select(Registration.search_key).where(Registration.id == registration.id)
    )


def test_key_is_set_on_register_and_follows_changes(running_event, make_registration):
    registration = make_registration(
        running_event, first_name="Ève", last_name="Durand", organization="Société X"
    )
    assert stored_key(registration) == f"eve durand {registration.email} societe x"
    registration.organization = "Öko Lab"
    db.session.commit()
    assert stored_key(registration).endswith("oko lab")
    registration.category = running_event.categories[1]  # no searched field changed
    db.session.commit()
    assert stored_key(registration).endswith("oko lab")


def test_the_import_fills_the_key(make_event):
    event = make_event()
    csv = "first_name,last_name,email,organization\nZoé,Saïd,zoe@example.com,Café Ünal\n"
    report = import_guests(event, csv.encode(), default_category=event.categories[0], language="fr")
    db.session.commit()
    assert len(report.registered) == 1
    assert stored_key(report.registered[0]) == "zoe said zoe@example.com cafe unal"


def test_the_api_fills_the_key(client, make_event):
    event = make_event()
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json={
            "first_name": "Ámina",
            "last_name": "Benali",
            "email": "amina@example.com",
            "organization": "Ğroup",
            "country": "MA",
        },
    )
    assert response.status_code == 201, response.get_json()
    key = db.session.scalar(select(Registration.search_key))
    assert key == "amina benali amina@example.com group"


# --- Check-in by hand ----------------------------------------------------------------------


def admissions(registration) -> list[Scan]:
    return list(
        db.session.scalars(
            select(Scan).where(Scan.registration_id == registration.id, Scan.result == "admitted")
        )
    )


def test_check_in_by_hand_is_recorded_with_user_reason_and_flag(
    running_event, make_registration, make_user
):
    registration = make_registration(running_event)
    staff = make_user("staff")
    outcome = check_in_by_hand(running_event, registration, staff, "  Phone   battery dead ")
    db.session.commit()
    assert outcome.result == "admitted" and outcome.gate == DESK_GATE
    (scan,) = admissions(registration)
    assert scan.manual is True
    assert scan.note == "Phone battery dead"
    assert scan.user_id == staff.id and scan.gate == DESK_GATE
    assert scan.day == event_today()
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin.manual"))
    assert audit.actor_id == staff.id and audit.details["reason"] == "Phone battery dead"


def test_scanned_entries_are_not_manual(running_event, make_registration):
    registration = make_registration(running_event)
    perform_scan(door_event(running_event.slug), ScanInput(badge_token(registration), "North"))
    db.session.commit()
    (scan,) = admissions(registration)
    assert scan.manual is False and scan.note == ""


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201, "bad\x00reason"])
def test_a_reason_is_required_and_bounded(running_event, make_registration, make_user, reason):
    registration = make_registration(running_event)
    with pytest.raises(DeskError) as refused:
        check_in_by_hand(running_event, registration, make_user("staff"), reason)
    assert refused.value.field == "reason"
    db.session.rollback()
    assert admissions(registration) == []


def test_already_inside_is_refused(running_event, make_registration, make_user, logic_in_english):
    registration = make_registration(running_event)
    perform_scan(door_event(running_event.slug), ScanInput(badge_token(registration), "North"))
    db.session.commit()
    with pytest.raises(DeskError) as refused:
        check_in_by_hand(running_event, registration, make_user("staff"), "Lost badge")
    assert refused.value.code == "already_inside"
    assert "North" in str(refused.value.message)
    db.session.rollback()
    assert len(admissions(registration)) == 1


def test_a_scan_after_a_desk_check_in_says_already_inside(
    running_event, make_registration, make_user
):
    registration = make_registration(running_event)
    check_in_by_hand(running_event, registration, make_user("staff"), "Lost badge")
    db.session.commit()
    outcome = perform_scan(
        door_event(running_event.slug), ScanInput(badge_token(registration), "North")
    )
    assert outcome.result == "already_inside" and outcome.first_entry.gate == DESK_GATE


def test_cancelled_and_waitlisted_are_refused(running_event, make_registration, make_user):
    cancelled = make_registration(running_event)
    cancel(cancelled)
    db.session.commit()
    running_event.capacity = 1
    db.session.commit()
    make_registration(running_event)
    waiting = make_registration(running_event)
    assert waiting.status == "waitlisted"
    staff = make_user("staff")
    for registration, code in ((cancelled, "cancelled"), (waiting, "not_confirmed")):
        with pytest.raises(DeskError) as refused:
            check_in_by_hand(running_event, registration, staff, "Walked up")
        assert refused.value.code == code
        db.session.rollback()
        assert admissions(registration) == []


def test_a_day_the_category_may_not_come_is_refused(running_event, make_registration, make_user):
    category = running_event.categories[0]
    category.set_days([running_event.last_day])
    db.session.commit()
    registration = make_registration(running_event)
    with pytest.raises(DeskError) as refused:
        check_in_by_hand(running_event, registration, make_user("staff"), "Lost badge")
    assert refused.value.code == "not_today"


def test_a_desk_at_a_zone_gate_applies_its_rule(running_event, make_registration, make_user):
    zoned_event(running_event)
    registration = make_registration(running_event)
    staff = make_user("staff")
    with pytest.raises(DeskError) as refused:
        check_in_by_hand(running_event, registration, staff, "VIP?", gate="Lounge door")
    assert refused.value.code == "zone_not_allowed"
    db.session.rollback()
    outcome = check_in_by_hand(running_event, registration, staff, "Hall", gate="hall door")
    assert outcome.result == "admitted" and outcome.gate == "Hall door"


def test_another_events_registration_is_refused(
    running_event, make_event, make_registration, make_user
):
    other = make_registration(make_event())
    with pytest.raises(DeskError):
        check_in_by_hand(running_event, other, make_user("staff"), "Lost badge")


def test_an_admission_landing_between_lookup_and_insert_is_one_admission(
    running_event, make_registration, make_user, monkeypatch
):
    """The read guards nothing: when another desk's admission lands after the lookup, the
    partial unique index ignores this insert and the answer is `already inside`."""
    from eventhub.checkin import scanning

    registration = make_registration(running_event)
    staff = make_user("staff")
    look_up = scanning._look_up_holder

    def look_up_then_other_desk(*args, **kwargs):
        found = look_up(*args, **kwargs)
        db.session.add(
            Scan(
                event_id=running_event.id,
                registration_id=registration.id,
                gate="Other desk",
                result="admitted",
                code="",
                day=event_today(),
                manual=True,
                note="First",
            )
        )
        db.session.flush()
        return found

    monkeypatch.setattr(scanning, "_look_up_holder", look_up_then_other_desk)
    with pytest.raises(DeskError) as refused:
        check_in_by_hand(running_event, registration, staff, "Second")
    assert refused.value.code == "already_inside"
    assert [scan.gate for scan in admissions(registration)] == ["Other desk"]


POSTGRES_URL = os.environ.get("EVENTHUB_TEST_DATABASE_URL")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="EVENTHUB_TEST_DATABASE_URL is not set")
def test_two_desks_at_once_give_one_admission(app, running_event, make_registration, make_user):
    """Two desks in two transactions of their own check the same person in at the same
    instant on PostgreSQL: one admission, the other is told `already inside`."""
    registration = make_registration(running_event)
    staff = make_user("staff")
    event_id, registration_id, staff_id = running_event.id, registration.id, staff.id
    db.session.remove()
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def desk(reason: str) -> None:
        with app.app_context():
            from eventhub.auth.models import User
            from eventhub.events.models import Event

            event = db.session.get(Event, event_id)
            person = db.session.get(Registration, registration_id)
            user = db.session.get(User, staff_id)
            barrier.wait(timeout=10)
            try:
                check_in_by_hand(event, person, user, reason)
                db.session.commit()
                answers.append("admitted")
            except DeskError as error:
                db.session.rollback()
                answers.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=desk, args=(f"Desk {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == ["admitted", "already_inside"]
    count = db.session.scalar(
        select(func.count()).where(
            Scan.registration_id == registration_id, Scan.result == "admitted"
        )
    )
    assert count == 1


def test_yesterdays_desk_check_in_does_not_count_today(running_event, make_registration, make_user):
    registration = make_registration(running_event)
    staff = make_user("staff")
    yesterday = datetime.now(UTC) - timedelta(days=1)
    check_in_by_hand(running_event, registration, staff, "Day one", now=yesterday)
    outcome = check_in_by_hand(running_event, registration, staff, "Day two")
    assert outcome.result == "admitted"
    assert len(admissions(registration)) == 2


# --- Walk-ins ------------------------------------------------------------------------------


def walk_in(first="Rachid", email="rachid@example.com", category=None, event=None):
    return WalkIn(
        Attendee(first, "Amrani", email, organization="Maroc Telecom", language="ar"),
        category or event.categories[0],
    )


def test_walk_in_is_registered_and_told(running_event, make_user, outbox):
    staff = make_user("staff")
    vip = running_event.categories[1]  # by invitation only: staff may choose it
    registration = register_walk_in(
        running_event, walk_in(category=vip, event=running_event), staff
    )
    db.session.commit()
    assert registration.status == "confirmed" and registration.category == vip
    assert registration.source == "desk" and registration.language == "ar"
    assert stored_key(registration) == "rachid amrani rachid@example.com maroc telecom"
    assert find_people(running_event, "rachid")[0].id == registration.id
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "registration.walk_in"))
    assert audit.actor_id == staff.id


def test_walk_in_on_a_full_event_goes_to_the_waiting_list(
    running_event, make_registration, make_user
):
    running_event.capacity = 1
    db.session.commit()
    make_registration(running_event)
    registration = register_walk_in(running_event, walk_in(event=running_event), make_user())
    assert registration.status == "waitlisted"


def test_walk_in_twice_is_refused(running_event, make_user):
    staff = make_user()
    register_walk_in(running_event, walk_in(event=running_event), staff)
    db.session.commit()
    with pytest.raises(RegistrationError) as refused:
        register_walk_in(running_event, walk_in(event=running_event), staff)
    assert refused.value.code == "already_registered"


# --- Pages ---------------------------------------------------------------------------------


def desk_urls(event, registration) -> list[tuple[str, str]]:
    base = f"/events/{event.slug}/desk"
    person = f"{base}/{registration.id}"
    return [
        ("GET", base),
        ("GET", f"{base}?q=salma"),
        ("POST", f"{person}/check-in"),
        ("GET", f"{person}/print"),
        ("GET", f"{person}/badge.pdf"),
        ("GET", f"{base}/walk-in"),
        ("POST", f"{base}/walk-in"),
    ]


def test_anonymous_is_sent_to_log_in(client, running_event, make_registration):
    registration = make_registration(running_event)
    for method, url in desk_urls(running_event, registration):
        response = client.open(url, method=method)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]
    assert admissions(registration) == []


@pytest.mark.parametrize("role", ["startup", "investor"])
def test_startups_and_investors_are_refused(
    client, login_as, running_event, make_registration, role
):
    registration = make_registration(running_event)
    user = login_as(role)
    user.status = "active"
    db.session.commit()
    for method, url in desk_urls(running_event, registration):
        response = client.open(url, method=method, data={"reason": "x"})
        assert response.status_code == 403, url
    assert admissions(registration) == []


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_organisers_search(
    client, in_english, login_as, running_event, make_registration, role
):
    make_registration(
        running_event, first_name="Salma", last_name="Bennani", organization="Atlas AI"
    )
    login_as(role)
    page = client.get(f"/events/{running_event.slug}/desk?q=SALMA")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Salma Bennani" in text and "Atlas AI" in text and "Check in" in text
    assert "1 person found." in text


def test_check_in_from_the_page(client, in_english, login_as, running_event, make_registration):
    registration = make_registration(running_event, first_name="Salma")
    staff = login_as("staff")
    response = client.post(
        f"/events/{running_event.slug}/desk/{registration.id}/check-in",
        data={"reason": "Badge forgotten", "q": "salma"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{running_event.slug}/desk?q=salma")
    (scan,) = admissions(registration)
    assert scan.manual and scan.note == "Badge forgotten" and scan.user_id == staff.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is checked in." in page and "by hand" in page and "Help desk" in page


def test_check_in_without_reason_is_a_form_error(
    client, in_english, login_as, running_event, make_registration
):
    registration = make_registration(running_event, first_name="Salma")
    login_as("staff")
    url = f"/events/{running_event.slug}/desk/{registration.id}/check-in"
    response = client.post(url, data={"reason": "  ", "q": "salma"})
    assert response.status_code == 422
    assert f'id="reason-{registration.id}-errors"' in response.get_data(as_text=True)
    assert "Say why" in response.get_data(as_text=True)
    assert admissions(registration) == []


def test_check_in_twice_from_the_page_is_refused(
    client, in_english, login_as, running_event, make_registration
):
    registration = make_registration(running_event)
    login_as("staff")
    url = f"/events/{running_event.slug}/desk/{registration.id}/check-in"
    assert client.post(url, data={"reason": "one"}).status_code == 302
    again = client.post(url, data={"reason": "two"})
    assert again.status_code == 409
    assert "Already inside" in again.get_data(as_text=True)
    assert len(admissions(registration)) == 1


def test_check_in_needs_the_csrf_token(app, client, login_as, running_event, make_registration):
    registration = make_registration(running_event)
    login_as("staff")
    url = f"/events/{running_event.slug}/desk/{registration.id}/check-in"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(url, data={"reason": "Lost"}).status_code == 400
        walk_in_url = f"/events/{running_event.slug}/desk/walk-in"
        assert client.post(walk_in_url, data=walk_in_form(running_event)).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert admissions(registration) == []
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_another_events_person_is_404(
    client, login_as, running_event, make_event, make_registration
):
    other = make_registration(make_event())
    login_as("staff")
    base = f"/events/{running_event.slug}/desk/{other.id}"
    assert client.post(f"{base}/check-in", data={"reason": "x"}).status_code == 404
    assert client.get(f"{base}/print").status_code == 404
    assert client.get(f"{base}/badge.pdf").status_code == 404


def test_the_print_page_embeds_the_badge_pdf(
    client, in_english, login_as, running_event, make_registration
):
    registration = make_registration(running_event)
    login_as("staff")
    base = f"/events/{running_event.slug}/desk/{registration.id}"
    page = client.get(f"{base}/print")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'src="{base}/badge.pdf"' in text
    assert 'id="print-badge"' in text and "js/desk_print.js" in text
    pdf = client.get(f"{base}/badge.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "private, no-store"


def test_no_badge_to_print_for_a_cancelled_registration(
    client, login_as, running_event, make_registration
):
    registration = make_registration(running_event)
    cancel(registration)
    db.session.commit()
    login_as("staff")
    base = f"/events/{running_event.slug}/desk/{registration.id}"
    assert client.get(f"{base}/print").status_code == 409
    assert client.get(f"{base}/badge.pdf").status_code == 409


def walk_in_form(event, **overrides):
    form = {
        "first_name": "Rachid",
        "last_name": "Amrani",
        "email": "rachid@example.com",
        "organization": "Maroc Telecom",
        "category": str(event.categories[0].id),
        "language": "fr",
        "consent": "y",
    }
    form.update(overrides)
    return form


def test_walk_in_from_the_page(client, in_english, login_as, running_event, outbox):
    login_as("staff")
    url = f"/events/{running_event.slug}/desk/walk-in"
    assert client.get(url).status_code == 200
    response = client.post(url, data=walk_in_form(running_event))
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.source == "desk" and registration.status == "confirmed"
    assert response.headers["Location"].endswith(f"desk?q={registration.number}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rachid Amrani is registered." in page and "Print badge" in page


def test_walk_in_bad_input_changes_nothing(
    client, in_english, login_as, running_event, field_errors
):
    login_as("staff")
    url = f"/events/{running_event.slug}/desk/walk-in"
    response = client.post(url, data=walk_in_form(running_event, email="nope", consent=""))
    assert response.status_code == 422
    assert field_errors(response, "email") and field_errors(response, "consent")
    response = client.post(url, data=walk_in_form(running_event, category="999999"))
    assert response.status_code == 422 and field_errors(response, "category")
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    client.post(url, data=walk_in_form(running_event))
    twice = client.post(url, data=walk_in_form(running_event))
    assert twice.status_code == 409 and field_errors(twice, "email")
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_the_desk_works_in_arabic(client, login_as, running_event, make_registration):
    make_registration(running_event, first_name="مُحَمَّد", last_name="الأمين")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    login_as("staff")
    page = client.get(f"/events/{running_event.slug}/desk?q=محمد").get_data(as_text=True)
    assert 'dir="rtl"' in page and "مُحَمَّد الأمين" in page and "مكتب المساعدة" in page


def test_the_staff_home_and_organiser_menu_link_the_desk(client, login_as, running_event):
    login_as("admin")
    page = client.get(f"/organiser/events/{running_event.slug}/gates").get_data(as_text=True)
    assert f"/events/{running_event.slug}/desk" in page
