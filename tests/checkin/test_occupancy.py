"""The organiser's side of zones and exits: occupancy per zone against its capacity, the
offline conflicts, gate directions and zone capacities in the forms, the attendance API,
the check-in export and the demo data. (The door's decisions: test_zones.py.)"""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, select

from eventhub.badges.signing import badge_token
from eventhub.checkin import demo as checkin_demo
from eventhub.checkin.attendance import ZoneAttendance, attendance_for, bar_chart
from eventhub.checkin.conflicts import CONFLICTS_PAGE_SIZE, conflicts_page, count_conflicts
from eventhub.checkin.gates import GateSetupError, add_gate
from eventhub.checkin.models import Gate, Scan
from eventhub.checkin.scanning import ScanInput, door_event, event_day, perform_scan
from eventhub.demo import SeedReport, _seed_demo_day, _seed_expo
from eventhub.events.models import Event, Zone
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.registration import demo as registration_demo
from eventhub.registration.exports import checkin_export
from eventhub.registration.register import cancel
from tests.support.dates import event_today

# The zone names the logic writes ("The venue") are read in English.
pytestmark = pytest.mark.usefixtures("logic_in_english")


@pytest.fixture
def halls(running_event):
    """The running expo: a main entrance and exit for the venue, Hall 2 (capacity 10) with
    an entry and an exit gate, and a VIP lounge (no capacity) with an entry gate only."""
    hall, lounge = Zone(name="Hall 2", capacity=10), Zone(name="VIP lounge")
    running_event.zones.extend([hall, lounge])
    db.session.flush()
    add_gate(running_event, "Main", None)
    add_gate(running_event, "Main exit", None, "exit")
    add_gate(running_event, "Hall in", hall)
    add_gate(running_event, "Hall out", hall, "exit")
    add_gate(running_event, "Lounge in", lounge)
    db.session.commit()
    return running_event


def scan(event, registration, gate, **values):
    outcome = perform_scan(
        door_event(event.slug), ScanInput(code=badge_token(registration), gate=gate, **values)
    )
    db.session.commit()
    return outcome


def figures(event):
    now = utcnow()
    return attendance_for(event, event_day(event, now), now)


def zones_of(attendance) -> dict[str, ZoneAttendance]:
    return {zone.name: zone for zone in attendance.per_zone}


# --- Occupancy ---------------------------------------------------------------------------


def test_inside_is_entries_minus_exits_with_reentries(halls, make_registration):
    amina, omar = make_registration(halls), make_registration(halls)
    for person in (amina, omar):
        scan(halls, person, "Main")
        scan(halls, person, "Hall in")
        scan(halls, person, "Hall out")
    assert scan(halls, amina, "Hall in").result == "reentered"
    zones = zones_of(figures(halls))
    assert list(zones) == ["The venue", "Hall 2", "VIP lounge"]
    assert zones["Hall 2"].inside == 1
    assert zones["The venue"].inside == 2
    assert zones["VIP lounge"].inside == 0
    # Arrivals count first entries: Amina's re-entry is not one.
    assert sum(count for _, count in zones["Hall 2"].arrivals_per_hour) == 2
    scan(halls, amina, "Hall out")
    assert zones_of(figures(halls))["Hall 2"].inside == 0


def test_an_exit_of_someone_not_inside_never_makes_it_negative(halls, make_registration):
    person = make_registration(halls)
    scan(halls, person, "Hall out")
    scan(halls, person, "Hall out")
    assert zones_of(figures(halls))["Hall 2"].inside == 0


def test_one_badge_the_same_day_is_admitted_in_each_zone_and_counted_once(halls, make_registration):
    person = make_registration(halls)
    assert scan(halls, person, "Hall in").result == "admitted"
    assert scan(halls, person, "Lounge in").result == "admitted"
    attendance = figures(halls)
    zones = zones_of(attendance)
    assert (zones["Hall 2"].inside, zones["VIP lounge"].inside) == (1, 1)
    assert sum(count for _, count in attendance.arrivals_per_hour) == 1  # one person arrived
    assert [c.admitted for c in attendance.per_category if c.admitted] == [1]
    assert dict(attendance.per_gate) == {"Hall in": 1, "Lounge in": 1}
    assert attendance.inside_now == 1  # never at the venue's gates: inside a zone


def test_inside_now_is_the_venue_figure_with_its_exits(halls, make_registration):
    through_main, hall_only, left = (make_registration(halls) for _ in range(3))
    scan(halls, through_main, "Main")
    scan(halls, through_main, "Hall in")
    scan(halls, hall_only, "Hall in")
    scan(halls, left, "Main")
    scan(halls, left, "Hall in")  # no hall exit scanned: still open in Hall 2
    scan(halls, left, "Main exit")  # but left the venue
    attendance = figures(halls)
    assert zones_of(attendance)["The venue"].inside == 1
    assert zones_of(attendance)["Hall 2"].inside == 3
    assert attendance.inside_now == 2  # through_main, and hall_only seen in the hall only


def test_a_zone_without_exit_gate_says_exits_are_not_scanned(
    client, in_english, login_as, halls, make_registration
):
    scan(halls, make_registration(halls), "Lounge in")
    zones = zones_of(figures(halls))
    assert zones["Hall 2"].exits_scanned and zones["The venue"].exits_scanned
    assert not zones["VIP lounge"].exits_scanned
    login_as("admin")
    page = client.get(f"/organiser/events/{halls.slug}/attendance?partial=1").get_data(as_text=True)
    lounge = page[page.index(f'data-zone="{zones["VIP lounge"].zone_id}"') :]
    assert "Exits are not scanned here: inside counts everyone who came in today." in lounge
    assert page.count("Exits are not scanned here") == 1


def test_without_gates_the_venue_counts_every_gate_name(running_event, make_registration):
    for gate in ("East", "West"):
        scan(running_event, make_registration(running_event), gate)
    attendance = figures(running_event)
    [venue] = attendance.per_zone
    assert (venue.zone_id, venue.inside, venue.exits_scanned) == (None, 2, False)
    assert attendance.inside_now == 2


def test_a_zone_without_gate_or_scan_is_not_listed(halls):
    halls.zones.append(Zone(name="Demo stage"))
    db.session.commit()
    assert "Demo stage" not in zones_of(figures(halls))


@pytest.mark.parametrize(
    ("capacity", "inside", "level", "percent"),
    [
        (None, 500, "ok", None),
        (10, 0, "ok", 0),
        (10, 8, "ok", 80),
        (1000, 899, "ok", 89),
        (10, 9, "warning", 90),
        (1000, 900, "warning", 90),
        (10, 10, "full", 100),
        (10, 12, "full", 120),  # let through by staff
    ],
)
def test_levels_at_90_and_100_percent(capacity, inside, level, percent):
    zone = ZoneAttendance(None, "Hall", inside, capacity, True, [])
    assert (zone.level, zone.percent) == (level, percent)


def test_the_live_page_warns_in_words_at_90_and_100_percent(
    client, in_english, login_as, halls, make_registration
):
    people = [make_registration(halls) for _ in range(10)]
    for person in people[:9]:
        scan(halls, person, "Hall in")
    login_as("admin")
    url = f"/organiser/events/{halls.slug}/attendance?partial=1"
    page = client.get(url).get_data(as_text=True)
    assert 'data-level="warning"' in page and "Nearly full." in page
    assert "9 of 10 inside" in page
    scan(halls, people[9], "Hall in")
    page = client.get(url).get_data(as_text=True)
    assert 'data-level="full"' in page and "Full." in page and "10 of 10 inside" in page
    assert "Hall 2 is full" in page  # the sentence a screen reader is given


def test_figures_take_the_same_queries_whatever_the_number_of_zones(halls, make_registration):
    def queries() -> int:
        statements: list[str] = []

        def count(*args):
            statements.append(args[2])

        sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
        try:
            db.session.expire_all()
            figures(halls)
        finally:
            sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    scan(halls, make_registration(halls), "Hall in")
    before = queries()
    for number in range(4):
        zone = Zone(name=f"Extra {number}", capacity=5)
        halls.zones.append(zone)
        db.session.flush()
        add_gate(halls, f"Extra {number} in", zone)
    db.session.commit()
    scan(halls, make_registration(halls), "Extra 0 in")
    assert queries() == before
    assert len(figures(halls).per_zone) == 7


def test_hour_labels_are_readable():
    bars = bar_chart([(9, 3), (10, 0), (11, 5)])
    assert [bar.label for bar in bars] == ["09:00", "10:00", "11:00"]
    assert bars[2].height > bars[0].height > bars[1].height == 0
    assert all(bar.labelled for bar in bars)
    long_day = bar_chart([(hour, 1) for hour in range(24)])
    assert sum(bar.labelled for bar in long_day) == 12


# --- Offline conflicts ---------------------------------------------------------------


def offline(event, registration, gate, at, nonce, shown="admitted"):
    return scan(event, registration, gate, offline_result=shown, scanned_at=at, nonce=nonce)


def test_conflicts_two_devices_and_a_badge_cancelled_meanwhile(halls, make_registration):
    salma, cancelled, fine = (make_registration(halls) for _ in range(3))
    # Ten minutes ago, or just after midnight if that was yesterday: one day's scans.
    midnight, _ = halls.day_bounds(event_day(halls, utcnow()))
    start = max(utcnow() - timedelta(minutes=10), midnight + timedelta(seconds=1))
    offline(halls, salma, "Main", start, "device-a-0001")
    offline(halls, salma, "Main exit", start + timedelta(minutes=1), "device-a-0002", "exited")
    second = offline(halls, salma, "Main", start + timedelta(minutes=2), "device-b-0001")
    assert second.result == "reentered"  # after the exit: no conflict
    duplicate = offline(halls, salma, "Main", start + timedelta(minutes=3), "device-c-0001")
    assert duplicate.result == "already_inside"
    cancel(cancelled)
    db.session.commit()
    revoked = offline(halls, cancelled, "Hall in", start + timedelta(minutes=4), "device-b-0002")
    assert revoked.result == "revoked"
    offline(halls, fine, "Hall in", start + timedelta(minutes=5), "device-a-0003")
    scan(halls, fine, "Hall in")  # online already_inside: not a conflict

    page = conflicts_page(halls)
    assert page.total == 2 and page.pages == 1
    newest, oldest = page.conflicts
    assert (newest.name, newest.number) == (cancelled.full_name, cancelled.number)
    assert (newest.shown, newest.recorded, newest.reason) == ("admitted", "revoked", "cancelled")
    assert newest.gate == "Hall in" and newest.first_at is None
    assert (oldest.name, oldest.recorded, oldest.reason) == (
        salma.full_name,
        "already_inside",
        None,
    )
    assert oldest.gate == "Main"
    assert oldest.first_gate == "Main"
    assert abs((oldest.first_at - start).total_seconds()) < 1
    assert abs((oldest.scanned_at - start - timedelta(minutes=3)).total_seconds()) < 1
    assert count_conflicts(halls, event_day(halls, utcnow())) == 2
    assert figures(halls).offline_conflicts == 2


def test_a_reissued_badge_scanned_offline_says_so(halls, make_registration):
    from eventhub.registration.register import reissue_badge

    person = make_registration(halls)
    old_code = badge_token(person)
    reissue_badge(person)
    db.session.commit()
    perform_scan(
        door_event(halls.slug),
        ScanInput(
            code=old_code,
            gate="Main",
            offline_result="admitted",
            scanned_at=utcnow() - timedelta(minutes=1),
            nonce="device-r-0001",
        ),
    )
    db.session.commit()
    [conflict] = conflicts_page(halls).conflicts
    assert (conflict.recorded, conflict.reason) == ("revoked", "badge_reissued")


def add_conflicts(event, registration, count):
    """`count` already_inside offline scans, a minute apart, without the door's logic."""
    start = utcnow() - timedelta(days=1)
    db.session.add_all(
        Scan(
            event_id=event.id,
            registration_id=registration.id,
            gate="Main",
            result="already_inside",
            code="x",
            scanned_at=start + timedelta(minutes=number),
            day=start.date(),
            offline=True,
            offline_result="admitted",
        )
        for number in range(count)
    )
    db.session.commit()


def test_conflicts_come_newest_first_100_a_page(halls, make_registration):
    add_conflicts(halls, make_registration(halls), CONFLICTS_PAGE_SIZE + 1)
    first, second = conflicts_page(halls, 1), conflicts_page(halls, 2)
    assert (first.total, first.pages, len(first.conflicts), len(second.conflicts)) == (
        101,
        2,
        100,
        1,
    )
    moments = [conflict.scanned_at for conflict in first.conflicts + second.conflicts]
    assert moments == sorted(moments, reverse=True)
    assert conflicts_page(halls, 99).page == 2 and conflicts_page(halls, -3).page == 1


def test_conflicts_page(client, in_english, login_as, halls, make_registration):
    person = make_registration(halls, first_name="Nadia", last_name="<b>Tazi</b>")
    cancel(person)
    db.session.commit()
    offline(halls, person, "Hall in", utcnow() - timedelta(minutes=1), "device-p-0001")
    login_as("admin")
    url = f"/organiser/events/{halls.slug}/door-conflicts"
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Nadia &lt;b&gt;Tazi&lt;/b&gt;" in text and person.number in text
    assert "Hall in" in text and "Registration: Cancelled" in text
    assert "Admitted" in text and "Badge not valid" in text
    assert 'data-conflicts-total="1"' in text
    for odd in ("abc", "-1", "0", "99999999999999999999"):
        assert client.get(f"{url}?page={odd}").status_code == 200
    live = client.get(f"/organiser/events/{halls.slug}/attendance?partial=1").get_data(as_text=True)
    assert "1 offline conflict today" in live and url in live


def test_no_conflict_page(client, in_english, login_as, halls):
    login_as("admin")
    text = client.get(f"/organiser/events/{halls.slug}/door-conflicts").get_data(as_text=True)
    assert "No conflict" in text
    assert client.get("/organiser/events/no-such-event/door-conflicts").status_code == 404


def test_anonymous_is_sent_to_log_in_from_the_conflicts(client, halls):
    response = client.get(f"/organiser/events/{halls.slug}/door-conflicts")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_only_organisers_see_conflicts_and_set_gates_and_capacities(client, login_as, halls, role):
    user = login_as(role)
    user.status = "active"
    db.session.commit()
    base = f"/organiser/events/{halls.slug}"
    assert client.get(f"{base}/door-conflicts").status_code == 403
    gates = client.post(f"{base}/gates", data={"name": "Back", "direction": "exit", "zone_id": 0})
    assert gates.status_code == 403
    zones = client.post(f"{base}/zones", data={"name": "Stage", "capacity": "5"})
    assert zones.status_code == 403
    hall = next(zone for zone in halls.zones if zone.name == "Hall 2")
    edit = client.post(f"{base}/zones/{hall.id}/edit", data={"name": "Hall 2", "capacity": "1"})
    assert edit.status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Gate)) == 5
    assert sorted((z.name, z.capacity) for z in db.session.get(Event, halls.id).zones) == [
        ("Hall 2", 10),
        ("VIP lounge", None),
    ]


# --- Forms: gate direction, zone capacity --------------------------------------------


def test_gate_direction_in_the_form_and_the_list(client, in_english, login_as, halls):
    login_as("admin")
    hall = next(zone for zone in halls.zones if zone.name == "Hall 2")
    url = f"/organiser/events/{halls.slug}/gates"
    response = client.post(
        url, data={"name": "Hall back door", "direction": "exit", "zone_id": hall.id}
    )
    assert response.status_code == 302
    gate = db.session.scalars(select(Gate).where(Gate.name == "Hall back door")).one()
    assert (gate.direction, gate.zone_id) == ("exit", hall.id)
    assert client.post(url, data={"name": "Side", "zone_id": 0}).status_code == 302
    assert db.session.scalars(select(Gate.direction).where(Gate.name == "Side")).one() == "entry"
    page = client.get(url).get_data(as_text=True)
    row = page[page.index("Hall back door") :]
    assert row.index("Exit") < row.index("Hall 2") < row.index("</tr>")


@pytest.mark.parametrize("direction", ["sideways", "", "ENTRY"])
def test_gate_with_an_unknown_direction_is_refused(
    client, in_english, login_as, halls, field_errors, direction
):
    login_as("admin")
    response = client.post(
        f"/organiser/events/{halls.slug}/gates",
        data={"name": "Odd", "direction": direction, "zone_id": 0},
    )
    assert response.status_code == 422
    assert field_errors(response, "direction") == ["Not a valid choice."]
    assert db.session.scalar(select(func.count()).where(Gate.name == "Odd")) == 0


def test_add_gate_refuses_an_unknown_direction(halls, logic_in_english):
    with pytest.raises(GateSetupError) as error:
        add_gate(halls, "Up", None, "up")
    assert error.value.code == "direction_unknown"


def zone_rows(event):
    db.session.expire_all()
    return [(zone.name, zone.capacity) for zone in db.session.get(Event, event.id).zones]


def test_zone_capacity_is_saved_shown_and_cleared(client, in_english, login_as, halls):
    login_as("admin")
    base = f"/organiser/events/{halls.slug}/zones"
    assert client.post(base, data={"name": "Stage", "capacity": "40"}).status_code == 302
    assert client.post(base, data={"name": "Terrace", "capacity": ""}).status_code == 302
    assert ("Stage", 40) in zone_rows(halls) and ("Terrace", None) in zone_rows(halls)
    page = client.get(base).get_data(as_text=True)
    assert ">40<" in page and "No limit" in page
    stage = next(zone for zone in db.session.get(Event, halls.id).zones if zone.name == "Stage")
    edit = f"{base}/{stage.id}/edit"
    assert 'value="40"' in client.get(edit).get_data(as_text=True)
    assert client.post(edit, data={"name": "Stage", "capacity": "25"}).status_code == 302
    assert ("Stage", 25) in zone_rows(halls)
    assert client.post(edit, data={"name": "Stage", "capacity": ""}).status_code == 302
    assert ("Stage", None) in zone_rows(halls)


BAD_CAPACITIES = {
    "zero": "0",
    "negative": "-1",
    "text": "forty",
    "decimal": "1.5",
    "huge": "99999999999",
}


def test_zone_capacity_bad_input_shows_errors_and_changes_nothing(
    client, in_english, login_as, halls, field_errors, subtests
):
    login_as("admin")
    base = f"/organiser/events/{halls.slug}/zones"
    hall = next(zone for zone in halls.zones if zone.name == "Hall 2")
    before = zone_rows(halls)
    for case, capacity in BAD_CAPACITIES.items():
        with subtests.test(case):
            added = client.post(base, data={"name": "Stage", "capacity": capacity})
            assert added.status_code == 422
            assert field_errors(added, "capacity")
            edited = client.post(
                f"{base}/{hall.id}/edit", data={"name": "Hall 2 renamed", "capacity": capacity}
            )
            assert edited.status_code == 422
            assert field_errors(edited, "capacity")
            assert zone_rows(halls) == before


def test_update_zone_refuses_a_capacity_below_one(halls, logic_in_english):
    from eventhub.events.editing import EventError, add_zone, update_zone

    with pytest.raises(EventError) as error:
        add_zone(halls, "Stage", capacity=0)
    assert error.value.code == "capacity_invalid"
    hall = next(zone for zone in halls.zones if zone.name == "Hall 2")
    with pytest.raises(EventError):
        update_zone(hall, "Hall 2", "", -5)


# --- API, export, demo ---------------------------------------------------------------


def test_api_attendance_per_zone_and_conflicts(client, login_as, halls, make_registration):
    people = [make_registration(halls) for _ in range(9)]
    for person in people:
        scan(halls, person, "Hall in")
    scan(halls, people[0], "Hall out")
    offline(halls, people[1], "Hall in", utcnow() - timedelta(minutes=1), "device-z-0001")
    login_as("admin")
    attendance = f"/api/v1/events/{halls.slug}/attendance"
    body = client.get(attendance, headers={"Accept-Language": "en"}).get_json()
    zones = {zone["name"]: zone for zone in body["per_zone"]}
    hall = zones["Hall 2"]
    assert (hall["inside"], hall["capacity"], hall["level"], hall["exits_scanned"]) == (
        8,
        10,
        "ok",
        True,
    )
    assert sum(hour["arrivals"] for hour in hall["arrivals_per_hour"]) == 9
    assert set(hall["arrivals_per_hour"][0]) == {"hour", "arrivals"}
    assert zones["The venue"]["zone_id"] is None and zones["The venue"]["capacity"] is None
    assert zones["VIP lounge"]["exits_scanned"] is False
    assert body["offline_conflicts"] == 1
    assert body["inside_now"] == 8


def test_checkin_export_has_zone_hand_offline_and_override_columns(halls, make_registration):
    hall = next(zone for zone in halls.zones if zone.name == "Hall 2")
    person = make_registration(halls)
    at = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    common = {"event_id": halls.id, "registration_id": person.id, "code": "x", "day": at.date()}
    db.session.add_all(
        [
            Scan(**common, gate="Desk", result="admitted", scanned_at=at, manual=True,
                 note="=lost badge"),
            Scan(**common, gate="Hall in", result="already_inside", zone_key=hall.id,
                 scanned_at=at + timedelta(minutes=1), offline=True, offline_result="admitted"),
            Scan(**common, gate="Hall in", result="admitted", zone_key=hall.id, override=True,
                 scanned_at=at + timedelta(minutes=2)),
            Scan(**common, gate="Old", result="admitted", zone_key=987654,
                 scanned_at=at + timedelta(minutes=3)),
        ]
    )  # fmt: skip
    db.session.commit()
    with force_locale("en"):
        table = checkin_export(halls)
        rows = [row[10:] for row in table.rows]
    assert rows == [
        ["The venue", "Yes", "=lost badge", "", "", ""],
        ["Hall 2", "", "", "Yes", "admitted", ""],
        ["Hall 2", "", "", "", "", "Yes"],
        ["Deleted zone", "", "", "", "", ""],
    ]
    with force_locale("en"):
        text = "".join(checkin_export(halls).csv_chunks())
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[1][12] == "'=lost badge"  # formula-safe


def test_demo_expo_has_an_exit_gate_a_capacity_exits_and_reentries(app, monkeypatch):
    report = SeedReport()
    first_day = event_today()
    expo = _seed_expo(report, first_day)
    demo_day = _seed_demo_day(report, first_day + timedelta(days=20))
    db.session.flush()
    registration_demo.seed_registrations(report, expo=expo, demo_day=demo_day, rng=random.Random(7))
    checkin_demo.seed_checkins(report, expo=expo, demo_day=demo_day, rng=random.Random(7))
    db.session.commit()
    exits = db.session.scalars(
        select(Gate.name).where(Gate.event_id == expo.id, Gate.direction == "exit")
    ).all()
    assert exits == ["Hall 1 exit"]
    results = dict(
        db.session.execute(
            select(Scan.result, func.count()).where(Scan.event_id == expo.id).group_by(Scan.result)
        ).all()
    )
    assert results["exited"] > 0 and results["reentered"] > 0
    assert db.session.scalar(select(func.count()).where(Scan.follows_scan_id.is_not(None))) == (
        results["exited"] + results["reentered"]
    )
    now = datetime.combine(first_day, datetime.min.time(), tzinfo=expo.tz) + timedelta(hours=20)
    zones = zones_of(attendance_for(expo, first_day, now))
    hall = zones["Hall 1 · AI & Deep Tech"]
    lounge = zones["VIP lounge"]
    assert hall.exits_scanned and hall.inside > 0
    assert (lounge.capacity, lounge.level, lounge.exits_scanned) == (20, "warning", False)
    again = SeedReport()
    checkin_demo.seed_checkins(again, expo=expo, demo_day=demo_day, rng=random.Random(7))
    assert again.created == {}


def test_scans_of_a_day_of_another_event_do_not_mix(halls, make_event, make_registration):
    other = make_event(first_day=date.today(), last_day=date.today() + timedelta(days=1))
    add_conflicts(other, make_registration(other), 3)
    assert count_conflicts(halls) == 0
    assert figures(halls).offline_conflicts == 0
