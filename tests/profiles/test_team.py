"""Teams: a startup's or an investor firm's owner invites teammates, who share the
profile, the booth and the meetings; the owner removes them or hands the team over."""

from __future__ import annotations

import re
import threading
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from eventhub.admin.audit import audit_sentence
from eventhub.auth.invitations import Invitee, invitation_of, invite
from eventhub.auth.models import AuditEntry, User
from eventhub.booths.layout import booth_by_code
from eventhub.booths.notices import notify_booth
from eventhub.extensions import db
from eventhub.meetings.booking import book_slot
from eventhub.meetings.mail import investor_people, notify_booked
from eventhub.meetings.models import MeetingRequest
from eventhub.meetings.requests import send_request
from eventhub.meetings.slots import SettingsDetails, SlotPlan, open_slots, save_settings
from eventhub.models_common import utcnow
from eventhub.notifications.models import MailMessage
from eventhub.profiles import team as teams
from eventhub.profiles.models import Investor, Startup
from tests.support import factories

pytestmark = pytest.mark.usefixtures("in_english", "logic_in_english")

PASSWORD = "a-brand-new-secret"


# Helpers -----------------------------------------------------------------------------------


def count(model: Any, *conditions: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invitation/[A-Za-z0-9_-]+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def mail_to(outbox, email: str):
    """The last e-mail sent to `email`."""
    found = [message for message in outbox() if message["To"] == email]
    assert found, [message["To"] for message in outbox()]
    return found[-1]


def accept(client, message, password: str = PASSWORD):
    path = link_path(message)
    return client.post(path, data={"password": password, "confirm": password})


def other_client(app):
    """A second browser, with its own cookies."""
    second = app.test_client()
    second.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return second


def teammate(owner: User, name: str = "Karim Teammate", **values: Any) -> User:
    """An active member of the owner's team (as if they had accepted an invitation)."""
    team = {"startup": owner.startup} if owner.role == "startup" else {"investor": owner.investor}
    return factories.create_user(owner.role, name=name, **team, **values)


def invite_form(**values: str) -> dict[str, str]:
    return {"name": "Karim Alaoui", "email": "karim@argan.example", "language": "en"} | values


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def demo_day(**values: Any):
    values.setdefault("kind", "demo_day")
    event = factories.create_event(**values)
    save_settings(
        event,
        SettingsDetails(
            booking_open=True,
            requests_open=True,
            max_meetings_per_startup=None,
            max_requests_per_startup=10,
            cutoff_hours=24,
            max_concurrent_meetings=None,
        ),
    )
    db.session.commit()
    return event


def open_morning(event, investor: Investor) -> list:
    plan = SlotPlan(
        days=[event.days[0]], start=time(10), end=time(11), length_minutes=20, gap_minutes=0
    )
    slots = open_slots(event, investor, plan)
    db.session.commit()
    return slots


@pytest.fixture
def owner(app) -> User:
    return factories.create_startup(name="Argan Solar", contact="Nadia Owner")


@pytest.fixture
def firm(app) -> User:
    return factories.create_investor(fund="Atlas Ventures")


# Reading the team ----------------------------------------------------------------------


def test_a_new_account_owns_a_team_of_one(owner):
    [member] = teams.team_of(owner)
    assert member.user == owner and member.is_owner and member.state == "active"
    assert teams.is_owner(owner) and teams.count_members(owner.startup) == 1


def test_members_with_their_state(owner, outbox):
    karim = teammate(owner)
    invited = teams.invite_teammate(owner, "lina@argan.example", "Lina Invited", "ar")
    gone = teammate(owner, name="Omar Gone", is_active=False)
    db.session.commit()
    states = {m.user.name: (m.state, m.invitation, m.is_owner) for m in teams.team_of(owner)}
    assert states == {
        "Nadia Owner": ("active", None, True),
        "Karim Teammate": ("active", None, False),
        "Lina Invited": ("invited", "sent", False),
        "Omar Gone": ("deactivated", None, False),
    }
    assert not teams.is_owner(karim) and not teams.is_owner(invited) and not teams.is_owner(gone)
    assert teams.count_members(owner.startup) == 3  # the deactivated one is not counted
    assert teams.team_of(factories.create_user("staff")) == []


def test_without_an_owner_the_oldest_active_member_counts_as_owner(owner):
    first, second = teammate(owner, name="First"), teammate(owner, name="Second")
    owner.startup.owner = None
    db.session.commit()
    assert teams.owner_of(owner.startup) == owner
    owner.is_active = False  # deactivated by an organiser
    first.status = "invited"  # an invited member does not manage the team
    db.session.commit()
    assert teams.owner_of(owner.startup) == second and teams.is_owner(second)
    owner.startup.owner = owner  # the recorded owner is deactivated: the same rule
    db.session.commit()
    assert teams.owner_of(owner.startup) == second
    teams.remove_teammate(second, owner)  # the acting owner becomes the recorded one
    db.session.commit()
    assert owner.startup_id is None and db.session.scalar(select(Startup)).owner == second


# Inviting ------------------------------------------------------------------------------


def test_the_owner_invites_a_teammate_who_joins_the_same_startup(client, auth, owner, outbox):
    auth.login(owner)
    response = client.post("/my/team/invite", data=invite_form())
    assert response.status_code == 302 and response.headers["Location"] == "/my/team"
    assert "Karim Alaoui is invited" in client.get("/my/team").get_data(as_text=True)
    karim = db.session.scalar(select(User).where(User.email == "karim@argan.example"))
    assert (karim.role, karim.status, karim.startup_id) == ("startup", "invited", owner.startup_id)
    assert karim.preferred_language == "en" and owner.startup.owner == owner

    message = mail_to(outbox, "karim@argan.example")
    body = text_of(message)
    assert "Argan Solar" in body and "Nadia Owner" in body
    auth.logout()
    response = accept(client, message)
    assert response.status_code == 302 and response.headers["Location"] == "/my/home"
    home = client.get("/my/home").get_data(as_text=True)
    assert "Welcome, <bdi>Argan Solar</bdi>" in home
    db.session.expire_all()
    assert karim.status == "active" and karim.startup_id == owner.startup_id
    page = client.get("/my/team").get_data(as_text=True)
    assert "Nadia Owner" in page and "Owner" in page and "Invite a teammate" not in page
    assert "account.invite" in audit_actions()


def test_an_investor_teammate_joins_the_firm(client, firm, outbox):
    teams.invite_teammate(firm, "sara@atlas.example", "Sara Partner", "en")
    db.session.commit()
    sara = db.session.scalar(select(User).where(User.email == "sara@atlas.example"))
    assert (sara.role, sara.investor_id) == ("investor", firm.investor.id)
    assert "Atlas Ventures" in text_of(mail_to(outbox, "sara@atlas.example"))
    assert accept(client, mail_to(outbox, "sara@atlas.example")).status_code == 302
    assert "Atlas Ventures" in client.get("/my/home").get_data(as_text=True)
    assert firm.investor.user == firm  # the firm's owner is unchanged


def test_the_team_size_is_limited(app, client, auth, owner, outbox):
    app.config["TEAM_MAX_MEMBERS"] = 2
    try:
        auth.login(owner)
        assert client.post("/my/team/invite", data=invite_form()).status_code == 302
        page = client.get("/my/team").get_data(as_text=True)
        assert "Your team has the most members allowed" in page
        response = client.post(
            "/my/team/invite", data=invite_form(email="third@argan.example", name="Third")
        )
        assert response.status_code == 409
        assert "the most allowed" in response.get_data(as_text=True)
        assert count(User, User.email == "third@argan.example") == 0
        with pytest.raises(teams.TeamError) as refused:
            teams.invite_teammate(owner, "fourth@argan.example", "Fourth", None)
        assert refused.value.code == "team_full"
    finally:
        app.config["TEAM_MAX_MEMBERS"] = teams.DEFAULT_MAX_MEMBERS


def test_an_address_already_used_is_refused_at_its_field(
    client, auth, owner, make_user, field_errors, outbox
):
    make_user("investor", email="taken@example.test")
    auth.login(owner)
    response = client.post("/my/team/invite", data=invite_form(email="Taken@Example.test "))
    assert response.status_code == 422
    assert field_errors(response, "email") == ["An account already uses this address."]
    assert count(User, User.startup_id == owner.startup_id) == 1
    assert outbox() == []


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "  "}, "name", "This field is required."),
        ({"name": "x" * 121}, "name", "Field cannot be longer than 120 characters."),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-address"}, "email", "Give an e-mail address."),
        ({"email": "a@b.c" + "x" * 250}, "email", "Field cannot be longer than 254 characters."),
        ({"language": "xx"}, "language", "Not a valid choice."),
    ],
)
def test_bad_input_is_shown_and_saves_nothing(
    client, auth, owner, field_errors, outbox, values, field, message
):
    auth.login(owner)
    response = client.post("/my/team/invite", data=invite_form(**values))
    assert response.status_code == 422
    assert field_errors(response, field) == [message]
    assert "Please correct the fields marked below." in response.get_data(as_text=True)
    assert count(User) == 1 and outbox() == []


def test_a_nul_character_is_dropped_not_a_server_error(client, auth, owner, outbox):
    auth.login(owner)
    response = client.post("/my/team/invite", data=invite_form(name="Ka\x00rim"))
    assert response.status_code == 302
    assert count(User, User.name == "Karim") == 1


def test_every_form_needs_its_csrf_token(app, client, auth, owner, csrf_token):
    karim = teammate(owner)
    auth.login(owner)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/my/team/invite", data=invite_form()).status_code == 400
        assert client.post(f"/my/team/{karim.id}/remove").status_code == 400
        token = csrf_token("/my/team")
        response = client.post(f"/my/team/{karim.id}/remove", data={"csrf_token": token})
        assert response.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert count(User, User.email == "karim@argan.example") == 0
    db.session.expire_all()
    assert not karim.is_active


# Only the owner ------------------------------------------------------------------------


def test_a_teammate_may_not_invite_remove_resend_nor_hand_over(client, auth, owner, outbox):
    karim = teammate(owner)
    teams.invite_teammate(owner, "lina@argan.example", "Lina Invited", None)
    db.session.commit()
    lina = db.session.scalar(select(User).where(User.email == "lina@argan.example"))
    sent = len(outbox())
    auth.login(karim)
    page = client.get("/my/team").get_data(as_text=True)
    assert "Invite a teammate" not in page and "Remove…" not in page
    assert "Nadia Owner owns the team" in page
    assert client.post("/my/team/invite", data=invite_form()).status_code == 403
    assert client.post(f"/my/team/{owner.id}/remove").status_code == 403
    assert client.post(f"/my/team/{lina.id}/remove").status_code == 403
    assert client.post(f"/my/team/{lina.id}/resend").status_code == 403
    assert client.post(f"/my/team/{karim.id}/owner").status_code == 403
    db.session.expire_all()
    assert owner.startup.owner == owner and owner.is_active and lina.is_active
    assert count(User) == 3 and len(outbox()) == sent
    for call in (teams.remove_teammate, teams.hand_over_ownership, teams.resend_invitation):
        with pytest.raises(teams.TeamError) as refused:
            call(karim, owner)
        assert refused.value.code == "not_owner"
        db.session.rollback()


def test_nobody_acts_on_someone_of_another_team(client, auth, owner, firm):
    stranger = factories.create_startup(name="Other Startup")
    auth.login(owner)
    for path in ("remove", "resend", "owner"):
        assert client.post(f"/my/team/{stranger.id}/{path}").status_code == 404
        assert client.post(f"/my/team/{firm.id}/{path}").status_code == 404
    assert client.post("/my/team/999999/remove").status_code == 404
    assert client.post("/my/team/0/remove").status_code == 404
    db.session.expire_all()
    assert stranger.is_active and firm.is_active


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_other_roles_are_refused_every_team_route(client, login_as, owner, role):
    login_as(role)
    assert client.get("/my/team").status_code == 403
    assert client.post("/my/team/invite", data=invite_form()).status_code == 403
    assert client.post(f"/my/team/{owner.id}/remove").status_code == 403
    assert client.post("/my/team/leave").status_code == 403
    assert count(User, User.email == "karim@argan.example") == 0


def test_anonymous_is_sent_to_sign_in(client, owner):
    for method, path in (("get", "/my/team"), ("post", f"/my/team/{owner.id}/remove")):
        response = getattr(client, method)(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    db.session.expire_all()
    assert owner.is_active


def test_an_account_without_a_team_is_told(client, auth, make_user):
    lonely = make_user("startup")
    lonely.startup = None
    db.session.commit()
    auth.login(lonely)
    response = client.get("/my/team")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.post("/my/team/invite", data=invite_form()).status_code == 403


# Removing ------------------------------------------------------------------------------


def test_a_removed_teammate_is_signed_out_at_once(app, client, auth, owner):
    karim = teammate(owner)
    theirs = other_client(app)
    assert theirs.post("/login", data={"email": karim.email, "password": factories.TEST_PASSWORD})
    assert theirs.get("/my/home").status_code == 200

    auth.login(owner)
    assert "Remove…" in client.get("/my/team").get_data(as_text=True)
    response = client.post(f"/my/team/{karim.id}/remove")
    assert response.status_code == 302
    assert "Karim Teammate is no longer in the team" in client.get("/my/team").get_data(
        as_text=True
    )
    refused = theirs.get("/my/home")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")
    db.session.expire_all()
    assert not karim.is_active and karim.startup_id is None
    assert [m.user for m in teams.team_of(owner)] == [owner]
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "team.remove"))
    with force_locale("en"):
        sentence = audit_sentence(entry)
    assert sentence == (
        "<bdi>Nadia Owner</bdi> removed <bdi>Karim Teammate</bdi> from the team of "
        "<bdi>Argan Solar</bdi>."
    )


def test_removing_an_invited_teammate_voids_their_link(client, auth, owner, outbox):
    auth.login(owner)
    client.post("/my/team/invite", data=invite_form())
    karim = db.session.scalar(select(User).where(User.email == "karim@argan.example"))
    assert client.post(f"/my/team/{karim.id}/remove").status_code == 302
    db.session.expire_all()
    assert invitation_of(karim).revoked_at is not None and not karim.is_active
    auth.logout()
    assert accept(client, mail_to(outbox, "karim@argan.example")).status_code == 410
    assert audit_actions()[-2:] == ["account.invitation_revoke", "team.remove"]


def test_the_owner_cannot_remove_themselves(client, auth, owner):
    teammate(owner)
    auth.login(owner)
    assert f"/my/team/{owner.id}/remove" not in client.get("/my/team").get_data(as_text=True)
    response = client.post(f"/my/team/{owner.id}/remove")
    assert response.status_code == 409
    assert "You cannot remove yourself" in response.get_data(as_text=True)
    db.session.expire_all()
    assert owner.is_active and owner.startup_id is not None


# Handing over --------------------------------------------------------------------------


def test_the_owner_hands_the_team_over(client, auth, owner):
    karim = teammate(owner)
    auth.login(owner)
    assert client.post(f"/my/team/{karim.id}/owner").status_code == 302
    assert "Karim Teammate now owns the team" in client.get("/my/team").get_data(as_text=True)
    db.session.expire_all()
    assert owner.startup.owner == karim and teams.is_owner(karim) and not teams.is_owner(owner)
    assert client.post("/my/team/invite", data=invite_form()).status_code == 403
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "team.hand_over"))
    assert "handed the team of <bdi>Argan Solar</bdi> over to <bdi>Karim Teammate</bdi>" in (
        audit_sentence(entry)
    )
    teams.remove_teammate(karim, owner)  # the new owner may remove the former one
    db.session.commit()
    assert not owner.is_active and owner.startup_id is None


def test_an_investor_firm_is_handed_over(firm):
    sara = teammate(firm, name="Sara Partner")
    teams.hand_over_ownership(firm, sara)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Investor)).user == sara and sara.investor.name == "Sara Partner"
    assert teams.is_owner(sara) and not teams.is_owner(firm)
    teams.remove_teammate(sara, firm)
    db.session.commit()
    assert firm.investor_id is None and not firm.is_active
    assert [member.user for member in teams.team_of(sara)] == [sara]


def test_only_an_active_teammate_can_own_the_team(client, auth, owner, outbox):
    teams.invite_teammate(owner, "lina@argan.example", "Lina Invited", None)
    gone = teammate(owner, name="Omar Gone", is_active=False)
    db.session.commit()
    lina = db.session.scalar(select(User).where(User.email == "lina@argan.example"))
    auth.login(owner)
    for member in (lina, gone):
        response = client.post(f"/my/team/{member.id}/owner")
        assert response.status_code == 409
        assert "must have accepted the invitation" in response.get_data(as_text=True)
    assert client.post(f"/my/team/{owner.id}/owner").status_code == 409
    db.session.expire_all()
    assert owner.startup.owner == owner


def test_the_owner_changes_only_if_it_is_still_the_one_read(owner):
    karim, lina = teammate(owner), teammate(owner, name="Lina")
    startup = owner.startup
    assert not teams.replace_owner(startup, karim.id, lina.id)  # stale: nothing written
    assert teams.replace_owner(startup, owner.id, karim.id)
    db.session.commit()
    assert startup.owner == karim


def test_two_hand_overs_at_the_same_time_one_wins(app, owner):
    """Two tabs of the owner hand the team to two teammates at once: the second waits for
    the first (the team's lock), then finds its author no longer owns the team."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL only")
    karim, lina = teammate(owner), teammate(owner, name="Lina")
    ids = {"owner": owner.id, "karim": karim.id, "lina": lina.id, "startup": owner.startup_id}
    results: dict[str, str] = {}

    def hand_over(to: str, hold: float) -> None:
        with app.app_context():
            try:
                teams.hand_over_ownership(
                    db.session.get(User, ids["owner"]), db.session.get(User, ids[to])
                )
                clock.sleep(hold)  # keeps the lock while the other one starts
                db.session.commit()
                results[to] = "won"
            except teams.TeamError as error:
                db.session.rollback()
                results[to] = error.code
            finally:
                db.session.remove()

    first = threading.Thread(target=hand_over, args=("karim", 0.5))
    second = threading.Thread(target=hand_over, args=("lina", 0))
    first.start()
    clock.sleep(0.2)
    second.start()
    first.join(10)
    second.join(10)
    assert results == {"karim": "won", "lina": "not_owner"}
    db.session.expire_all()
    assert db.session.get(Startup, ids["startup"]).owner_id == ids["karim"]


# Resending and leaving -----------------------------------------------------------------


def test_the_owner_sends_an_invitation_again(client, auth, owner, outbox):
    auth.login(owner)
    client.post("/my/team/invite", data=invite_form())
    karim = db.session.scalar(select(User).where(User.email == "karim@argan.example"))
    first = mail_to(outbox, karim.email)
    assert "Send the invitation again" in client.get("/my/team").get_data(as_text=True)
    assert client.post(f"/my/team/{karim.id}/resend").status_code == 302
    second = mail_to(outbox, karim.email)
    assert link_path(first) != link_path(second)
    assert invitation_of(karim).send_count == 2
    auth.logout()
    assert accept(client, first).status_code == 410
    assert accept(client, second).status_code == 302
    auth.logout()
    auth.login(owner)
    response = client.post(f"/my/team/{karim.id}/resend")  # accepted meanwhile
    assert response.status_code == 409
    assert "no invitation waiting" in response.get_data(as_text=True)


def test_a_teammate_leaves(client, auth, owner):
    karim = teammate(owner)
    auth.login(karim)
    assert "Leave the team…" in client.get("/my/team").get_data(as_text=True)
    response = client.post("/my/team/leave")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/my/home").status_code == 302  # signed out
    db.session.expire_all()
    assert not karim.is_active and karim.startup_id is None
    assert "team.leave" in audit_actions()


def test_the_owner_cannot_leave(client, auth, owner):
    teammate(owner)
    auth.login(owner)
    response = client.post("/my/team/leave")
    assert response.status_code == 409
    assert "hand the ownership to a teammate" in response.get_data(as_text=True)
    db.session.expire_all()
    assert owner.is_active


# A teammate shares everything ----------------------------------------------------------


@pytest.fixture
def startup_world(owner):
    """The owner's startup with a booth at an expo and a meeting booked at a demo day."""
    expo = factories.create_event(slug="gitex", name="Gitex Africa")
    factories.create_hall(expo, name="Hall 2", booths=[("B07", 1, 1, 3, 3)])
    application = factories.create_application(expo, owner.startup)
    booth = booth_by_code(expo, "B07")
    booth.status, booth.application_id, booth.allocated_at = "allocated", application.id, utcnow()
    day = demo_day(slug="meet-day", name="Meet Day")
    investor = factories.create_investor(fund="Sahara Capital")
    slot = open_morning(day, investor.investor)[0]
    book_slot(day, slot, owner.startup)
    db.session.commit()
    return owner


def test_a_startup_teammate_sees_the_booth_meetings_and_agenda(client, auth, startup_world):
    karim = teammate(startup_world)
    auth.login(karim)
    home = client.get("/my/home").get_data(as_text=True)
    assert "B07" in home and "Sahara Capital" in home and "Welcome, <bdi>Argan Solar</bdi>" in home
    assert "B07" in client.get("/my/booths").get_data(as_text=True)
    agenda = client.get("/my/agenda").get_data(as_text=True)
    assert "Sahara Capital" in agenda and "10:00" in agenda


def test_an_investor_teammate_shares_the_slots_and_answers_a_request(client, auth, firm, outbox):
    sara = teammate(firm, name="Sara Partner")
    day = demo_day(slug="meet-day", name="Meet Day")
    open_morning(day, firm.investor)
    founder = factories.create_startup(name="Cedar Robotics")
    request = send_request(day, founder.startup, firm.investor, "Robots for argan oil")
    db.session.commit()
    auth.login(sara)
    slots = client.get("/events/meet-day/my-slots").get_data(as_text=True)
    assert "10:00" in slots and "10:40" in slots
    requests = client.get("/events/meet-day/requests").get_data(as_text=True)
    assert "Cedar Robotics" in requests and "Robots for argan oil" in requests
    response = client.post(f"/requests/{request.id}/answer", data={"decision": "accept"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(MeetingRequest, request.id).status == "accepted"
    assert mail_to(outbox, founder.email)  # the startup's team is told


def test_meeting_and_booth_mails_go_to_every_active_member(owner, firm, outbox):
    karim = teammate(owner)
    sara = teammate(firm, name="Sara Partner")
    teams.invite_teammate(owner, "lina@argan.example", "Lina Invited", None)
    teams.invite_teammate(firm, "omar@atlas.example", "Omar Invited", None)
    db.session.commit()
    assert set(investor_people(firm.investor)) == {firm, sara}
    day = demo_day(slug="meet-day", name="Meet Day")
    slot = open_morning(day, firm.investor)[0]
    meeting = book_slot(day, slot, owner.startup)
    notify_booked(meeting)
    expo = factories.create_event(slug="gitex")
    factories.create_hall(expo, booths=[("B07", 1, 1, 3, 3)])
    notify_booth(expo, owner.startup, booth_by_code(expo, "B07"))
    db.session.commit()
    booked = set(
        db.session.scalars(
            select(MailMessage.recipient).where(MailMessage.kind == "meetings.booked")
        )
    )
    assert booked == {owner.email, karim.email, firm.email, sara.email}
    [placement] = db.session.scalars(
        select(MailMessage.recipient).where(MailMessage.kind == "booth.placement")
    )
    assert set(placement.split(", ")) == {owner.email, karim.email}


# The home page -------------------------------------------------------------------------


def test_the_home_page_asks_to_invite_teammates_until_there_is_one(client, auth, owner):
    auth.login(owner)
    home = client.get("/my/home").get_data(as_text=True)
    assert "Invite your teammates" in home and 'href="/my/team"' in home
    client.post("/my/team/invite", data=invite_form())
    assert "Invite your teammates" not in client.get("/my/home").get_data(as_text=True)
    assert 'href="/my/team"' in client.get("/my/startup").get_data(as_text=True)


def test_the_investor_pages_link_the_team(client, auth, firm):
    auth.login(firm)
    assert 'href="/my/team"' in client.get("/my/home").get_data(as_text=True)
    assert 'href="/my/team"' in client.get("/my/investor").get_data(as_text=True)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_team_page_in_other_languages(client, auth, owner, language):
    teammate(owner)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    auth.login(owner)
    response = client.get("/my/team")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'lang="{language}"' in page and "Karim Teammate" in page
    assert ('dir="rtl"' in page) == (language == "ar")


# Done when: the whole path of an invited startup ------------------------------------------


def test_an_invited_startup_joins_invites_a_teammate_and_both_see_booth_and_meeting(
    app, client, make_user, outbox
):
    """The issue's "done when": one invited startup follows its link from the outbox, sets
    a password, invites a teammate, and lands on a home page that shows its booth and next
    meeting; the teammate, once joined, sees the same."""
    organiser = make_user("admin", name="Salma Organiser")
    nadia = invite(
        Invitee(
            email="nadia@argan.example",
            name="Nadia Founder",
            role="startup",
            startup_name="Argan Solar",
        ),
        invited_by=organiser,
    )
    db.session.commit()
    expo = factories.create_event(
        slug="gitex", name="Gitex Africa", first_day=date.today() + timedelta(days=10)
    )
    factories.create_hall(expo, name="Hall 2", booths=[("B07", 1, 1, 3, 3)])
    application = factories.create_application(expo, nadia.startup)
    booth = booth_by_code(expo, "B07")
    booth.status, booth.application_id = "allocated", application.id
    booth.allocated_at = datetime.now(UTC)
    save_settings(
        expo,
        SettingsDetails(
            booking_open=True,
            requests_open=False,
            max_meetings_per_startup=None,
            max_requests_per_startup=10,
            cutoff_hours=24,
            max_concurrent_meetings=None,
        ),
    )
    investor = factories.create_investor(fund="Sahara Capital")
    slot = open_morning(expo, investor.investor)[0]
    book_slot(expo, slot, nadia.startup)
    db.session.commit()

    # The founder follows the link of the organiser's invitation and sets a password.
    response = accept(client, mail_to(outbox, "nadia@argan.example"))
    assert response.status_code == 302 and response.headers["Location"] == "/my/home"
    home = client.get("/my/home").get_data(as_text=True)
    assert "Invite your teammates" in home

    # She invites a teammate from the team page.
    assert client.get("/my/team").status_code == 200
    response = client.post(
        "/my/team/invite",
        data={"name": "Karim Cofounder", "email": "karim@argan.example", "language": "en"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/my/team"

    # Her home shows the booth and the next meeting.
    home = client.get("/my/home").get_data(as_text=True)
    for seen in ("Welcome, <bdi>Argan Solar</bdi>", "B07", "Hall 2", "Sahara Capital", "10:00"):
        assert seen in home
    client.post("/logout")

    # The teammate follows the link of their e-mail, which names Nadia and the startup.
    message = mail_to(outbox, "karim@argan.example")
    assert "Nadia Founder" in text_of(message) and "Argan Solar" in text_of(message)
    response = accept(client, message, password="karims-own-secret")
    assert response.status_code == 302 and response.headers["Location"] == "/my/home"
    home = client.get("/my/home").get_data(as_text=True)
    for seen in ("Welcome, <bdi>Argan Solar</bdi>", "B07", "Hall 2", "Sahara Capital", "10:00"):
        assert seen in home
    karim = db.session.scalar(select(User).where(User.email == "karim@argan.example"))
    assert karim.startup_id == nadia.startup_id and karim.status == "active"
