"""Table check-in over HTTP: who may open what, the phone's scan page, the staff page,
the organiser's pages (settings, cards, live board), taking a freed slot, the API, and
the e-mails in each recipient's language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventhub.badges.signing import badge_token
from eventhub.deals.tables import checkin as logic
from eventhub.deals.tables.models import TableCheckin
from eventhub.extensions import db
from eventhub.meetings.models import Meeting
from tests.support import factories

pytestmark = pytest.mark.usefixtures("in_english")


def login(client, user):
    client.post("/logout")
    response = client.post(
        "/login", data={"email": user.email, "password": factories.TEST_PASSWORD}
    )
    assert response.status_code == 302, response.data


def code_of(room) -> str:
    code = logic.code_for(room.table)
    db.session.commit()
    return code


def no_show_now(room):
    """The investor checked in, the startup did not, and the delay is one minute (the
    meeting started two minutes ago): the next page that loads records the no-show."""
    logic.save_no_show_minutes(room.event, 1)
    logic.scan_as_party(room.event, room.table, room.investor, now=room.now)
    db.session.commit()


# Who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/organiser/events/table-day/tables", {"admin"}),
        ("/organiser/events/table-day/tables/live", {"admin"}),
        ("/organiser/events/table-day/tables/cards.pdf", {"admin"}),
        ("/staff/events/table-day/tables", {"admin", "staff"}),
        ("/staff/events/table-day/tables/{table}", {"admin", "staff"}),
        ("/events/table-day/table/{code}", {"startup", "investor"}),
    ],
)
def test_pages_by_role(client, room, path, allowed):
    path = path.format(table=room.table.id, code=code_of(room))
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for role in ("admin", "staff", "startup", "investor"):
        user = factories.create_user(role)
        login(client, user)
        response = client.get(path)
        if role not in allowed:
            assert response.status_code == 403, (role, path)
        elif role in ("startup", "investor"):  # the meeting at this table is not theirs
            assert response.status_code == 403, (role, path)
            assert "is not yours" in response.get_data(as_text=True)
        else:
            assert response.status_code == 200, (role, path)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/organiser/events/table-day/tables", {"admin"}),
        ("/organiser/events/table-day/tables/{table}/reissue", {"admin"}),
        ("/staff/events/table-day/tables/{table}", {"admin", "staff"}),
        ("/events/table-day/table/{code}", {"startup", "investor"}),
        ("/events/table-day/standby/{meeting}/take", {"startup"}),
    ],
)
def test_writes_by_role(client, room, path, allowed):
    path = path.format(table=room.table.id, code=code_of(room), meeting=room.meeting.id)
    assert client.post(path).status_code == 302  # to the login page
    for role in ("admin", "staff", "startup", "investor"):
        if role in allowed:
            continue
        login(client, factories.create_user(role))
        assert client.post(path, data={"code": "x", "no_show_minutes": "5"}).status_code == 403
    assert db.session.scalar(select(TableCheckin)) is None


def test_a_pending_startup_is_refused(client, room):
    pending = factories.create_user("startup", status="pending")
    login(client, pending)
    assert client.get(f"/events/table-day/table/{code_of(room)}").status_code == 403


def test_writes_without_a_csrf_token_are_refused(client, room, app):
    code = code_of(room)
    staff = factories.create_user("staff")
    for user, path, data in (
        (room.startup, f"/events/table-day/table/{code}", {}),
        (staff, f"/staff/events/table-day/tables/{room.table.id}", {"code": "x"}),
        (room.standby[0], f"/events/table-day/standby/{room.meeting.id}/take", {}),
    ):
        login(client, user)
        app.config["WTF_CSRF_ENABLED"] = True
        try:
            assert client.post(path, data=data).status_code == 400
        finally:
            app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.scalar(select(TableCheckin)) is None


# A party's phone ----------------------------------------------------------------------------


def test_both_parties_scan_the_table_from_their_phones(client, room):
    code = code_of(room)
    login(client, room.investor)
    page = client.get(f"/events/table-day/table/{code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Argan AI" in text and "I'm here" in text
    assert page.headers["Cache-Control"] == "private, no-store"
    answer = client.post(f"/events/table-day/table/{code}").get_data(as_text=True)
    assert "Waiting for the other party" in answer
    login(client, room.startup)
    answer = client.post(f"/events/table-day/table/{code}").get_data(as_text=True)
    assert "your meeting has started" in answer
    again = client.post(f"/events/table-day/table/{code}").get_data(as_text=True)
    assert "You had already checked in" in again
    row = db.session.get(TableCheckin, room.meeting.id)
    assert row.started_at is not None


@pytest.mark.parametrize(
    ("code", "slug", "status", "words"),
    [
        ("nonsense", "table-day", 404, "not valid"),
        ("1" + "A" * 22, "table-day", 404, "not valid"),
        ("{code}", "other-day", 409, "another event"),
        ("{code}", "no-such-event", 404, ""),
    ],
)
def test_bad_table_codes(client, room, code, slug, status, words):
    login(client, room.startup)
    path = f"/events/{slug}/table/{code.format(code=code_of(room))}"
    for response in (client.get(path), client.post(path)):
        assert response.status_code == status
        assert words in response.get_data(as_text=True)
    assert db.session.scalar(select(TableCheckin)) is None


def test_a_cancelled_meeting_at_the_table(client, room):
    code = code_of(room)
    room.meeting.status = "cancelled"
    room.meeting.cancelled_by = "organiser"
    db.session.commit()
    login(client, room.startup)
    response = client.post(f"/events/table-day/table/{code}")
    assert response.status_code == 409
    assert "called off" in response.get_data(as_text=True)


# Staff at the table ---------------------------------------------------------------------


def test_staff_scan_both_badges_and_bad_codes(client, room, field_errors):
    login(client, factories.create_user("staff"))
    path = f"/staff/events/table-day/tables/{room.table.id}"
    page = client.get(path).get_data(as_text=True)
    assert "Argan AI" in page and "not here yet" in page
    for bad, status in (("", 422), ("hello", 422), ("x" * 200, 422)):
        response = client.post(path, data={"code": bad})
        assert response.status_code == status
        assert field_errors(response, "code")
    stranger = factories.create_registration(room.event)
    response = client.post(path, data={"code": badge_token(stranger)})
    assert response.status_code == 403
    assert "takes no part" in " ".join(field_errors(response, "code"))
    mine = factories.create_registration(room.event, email=room.startup.email)
    theirs = factories.create_registration(room.event, email=room.investor.email)
    assert "Waiting for the other party" in client.post(
        path, data={"code": badge_token(mine)}
    ).get_data(as_text=True)
    assert "the meeting has started" in client.post(
        path, data={"code": badge_token(theirs)}
    ).get_data(as_text=True)
    assert "had already checked in" in client.post(path, data={"code": badge_token(mine)}).get_data(
        as_text=True
    )
    assert client.get(f"/staff/events/table-day/tables/{room.other_table.id}").status_code == 404


# The organiser ----------------------------------------------------------------------------


def test_organiser_settings_cards_and_new_code(client, room, field_errors, app):
    login(client, factories.create_user("admin"))
    page = client.get("/organiser/events/table-day/tables")
    assert page.status_code == 200 and "T1" in page.get_data(as_text=True)
    for bad in ("", "0", "500", "ten"):
        response = client.post("/organiser/events/table-day/tables", data={"no_show_minutes": bad})
        assert response.status_code == 422
        assert field_errors(response, "no_show_minutes")
    assert logic.no_show_minutes(room.event) == 10
    response = client.post("/organiser/events/table-day/tables", data={"no_show_minutes": "7"})
    assert response.status_code == 302
    assert logic.no_show_minutes(room.event) == 7
    pdf = client.get("/organiser/events/table-day/tables/cards.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    one = client.get(f"/organiser/events/table-day/tables/cards.pdf?table={room.table.id}")
    assert one.status_code == 200
    for bad in ("abc", "999999", str(room.other_table.id)):
        assert (
            client.get(f"/organiser/events/table-day/tables/cards.pdf?table={bad}").status_code
            == 404
        )
    old = logic.code_for(room.table)
    assert (
        client.post(f"/organiser/events/table-day/tables/{room.table.id}/reissue").status_code
        == 302
    )
    assert logic.table_of_code(old) is None
    assert (
        client.post(f"/organiser/events/table-day/tables/{room.other_table.id}/reissue").status_code
        == 404
    )


def test_the_qr_code_holds_an_address_on_the_public_base_url(client, room, app):
    from eventhub.deals.tables.views import scan_url

    app.config["PUBLIC_BASE_URL"] = "https://hub.example.org"
    try:
        with app.test_request_context("/", base_url="http://evil.example.net"):
            url = scan_url(room.event, "1" + "A" * 22)
        assert url == "https://hub.example.org/events/table-day/table/1" + "A" * 22
    finally:
        app.config["PUBLIC_BASE_URL"] = "http://localhost:5000"


def test_the_live_board_shows_each_tables_state(client, room):
    login(client, factories.create_user("admin"))
    board = client.get("/organiser/events/table-day/tables/live").get_data(as_text=True)
    assert 'data-state="waiting"' in board and "Argan AI" in board
    assert "js/live-board.js" in board and 'data-refresh-seconds="30"' in board
    no_show_now(room)
    board = client.get("/organiser/events/table-day/tables/live").get_data(as_text=True)
    assert 'data-state="offered"' in board
    assert client.get("/organiser/events/table-day/tables/live?day=nonsense").status_code == 200
    assert client.get("/organiser/events/table-day/tables/live?day=1999-01-01").status_code == 200


# No-show and standby, without beat ----------------------------------------------------------


def test_a_no_show_is_recorded_when_a_page_loads_and_the_slot_is_taken_from_standby(
    client, room, outbox
):
    client.set_cookie("eventhub_lang", "en")
    room.investor.preferred_language = "en"
    room.standby[0].preferred_language = "fr"
    db.session.commit()
    no_show_now(room)
    login(client, room.investor)
    agenda = client.get("/events/table-day/agenda").get_data(as_text=True)
    assert "<bdi>Argan AI</bdi> did not come" in agenda
    sent = {message["To"]: message for message in outbox()}
    assert sent[room.investor.email]["Content-Language"] == "en"
    assert sent[room.investor.email]["Subject"].startswith("No-show: Argan AI")
    assert sent[room.standby[0].email]["Content-Language"] == "fr"
    first, second = room.standby
    login(client, first)
    page = client.get("/events/table-day/requests").get_data(as_text=True)
    assert "Take this slot" in page
    agenda = client.get("/events/table-day/agenda").get_data(as_text=True)
    assert "Take this slot" in agenda
    response = client.post(
        f"/events/table-day/standby/{room.meeting.id}/take", follow_redirects=True
    )
    assert "The slot is yours" in response.get_data(as_text=True)
    login(client, second)
    assert "Take this slot" not in client.get("/events/table-day/agenda").get_data(as_text=True)
    response = client.post(
        f"/events/table-day/standby/{room.meeting.id}/take", follow_redirects=True
    )
    assert "Another startup took this slot first" in response.get_data(as_text=True)
    mine = db.session.scalars(
        select(Meeting).where(
            Meeting.startup_id == second.startup.id, Meeting.status == "confirmed"
        )
    ).all()
    assert mine == []


def test_the_standby_api(client, room):
    no_show_now(room)
    first, second = room.standby
    login(client, first)
    offers = client.get("/api/v1/events/table-day/standby")
    assert offers.status_code == 200
    assert [o["meeting_id"] for o in offers.get_json()] == [room.meeting.id]
    taken = client.post(f"/api/v1/events/table-day/standby/{room.meeting.id}/take")
    assert taken.status_code == 201 and taken.get_json()["startup"]["id"] == first.startup.id
    login(client, second)
    late = client.post(f"/api/v1/events/table-day/standby/{room.meeting.id}/take")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "standby_taken"
    missing = client.post("/api/v1/events/table-day/standby/999999/take")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "offer_not_found"
    login(client, room.investor)
    assert (
        client.post(f"/api/v1/events/table-day/standby/{room.meeting.id}/take").status_code == 403
    )
    assert client.get("/api/v1/events/table-day/standby").status_code == 403
