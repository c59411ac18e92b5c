"""What startups are told about their booth application: received, approved, rejected (with
the organiser's reason), waitlisted; to the team, in the team's language."""

from __future__ import annotations

from sqlalchemy import select

from eventhub.booths.models import BoothApplication
from eventhub.extensions import db
from eventhub.notifications.mailing import build
from eventhub.notifications.models import MailMessage
from tests.booths.pages import SLUG

APPLICATION_FORM = {
    "kind": "standard",
    "area_wanted": "9",
    "zone_1": "ai",
    "zone_2": "",
    "zone_3": "",
    "preferred_booths": "",
    "notes": "",
}


def decision_url(application: BoothApplication) -> str:
    return f"/organiser/events/{SLUG}/booth-applications/{application.id}/decision"


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_the_team_is_told_its_application_is_received_once(
    app, client, row_of_booths, make_startup, auth, outbox
):
    user, _startup = make_startup(name="Nour Health")
    user.preferred_language = "en"
    db.session.commit()
    auth.login(user)
    url = f"/events/{SLUG}/booth-application"
    assert client.post(url, data=APPLICATION_FORM).status_code == 302
    [message] = outbox()
    assert message["To"] == user.email
    assert message["Subject"] == "Your booth application for Booth Expo is received"
    assert message["Content-Language"] == "en"
    assert f"{app.config['PUBLIC_BASE_URL']}{url}" in text_of(message)
    assert "Hello \u2068Nour Health\u2069 team," in text_of(message)
    # Changing the application tells nothing new.
    assert client.post(url, data={**APPLICATION_FORM, "area_wanted": "12"}).status_code == 302
    assert len(outbox()) == 1


def test_each_decision_is_told_with_the_reason_of_a_rejection(
    client, in_english, show, login_as, outbox
):
    _event, apps = show
    later = apps["Later AI"]
    member = later.startup.members[0]
    member.preferred_language = "en"  # the team's language, whatever the organiser's
    db.session.commit()
    team = member.email
    login_as("admin")
    client.post(decision_url(later), data={"decision": "waitlist"})
    client.post(decision_url(later), data={"decision": "approve"})
    client.post(
        decision_url(later),
        data={"decision": "reject", "reason": "Only AI startups <from> the Accelerate cohort."},
    )
    waitlisted, approved, rejected = outbox()
    assert {m["To"] for m in (waitlisted, approved, rejected)} == {team}
    assert waitlisted["Subject"] == "Your booth application for Booth Expo is on the waiting list"
    assert approved["Subject"] == "Your booth application for Booth Expo is approved"
    assert rejected["Subject"] == "Your booth application for Booth Expo is not accepted"
    # The reason as typed (a text message: nothing to escape).
    assert "Only AI startups <from> the Accelerate cohort." in text_of(rejected)
    assert "/my/booths" in text_of(approved)


def test_a_rejection_tells_the_booth_given_back(client, in_english, plan, login_as, outbox):
    atlas = db.session.scalars(
        select(BoothApplication).where(BoothApplication.booth != None)  # noqa: E711
    ).one()
    atlas.startup.members[0].preferred_language = "en"
    db.session.commit()
    login_as("admin")
    client.post(decision_url(atlas), data={"decision": "reject", "reason": "Unpaid."})
    [message] = outbox()
    assert "Booth A01 is no longer yours." in text_of(message)
    assert "Unpaid." in text_of(message)


def test_a_refused_decision_tells_nothing(client, in_english, show, login_as, outbox):
    _event, apps = show
    login_as("admin")
    client.post(decision_url(apps["Later AI"]), data={"decision": "reject"})  # no reason
    client.post(decision_url(apps["Atlas AI"]), data={"decision": "approve"})  # unchanged
    assert outbox() == []


def test_a_decision_overtaken_before_it_was_sent_says_nothing(
    client, in_english, show, login_as, outbox
):
    _event, apps = show
    later = apps["Later AI"]
    login_as("admin")
    client.post(decision_url(later), data={"decision": "approve"})
    message = db.session.scalar(
        select(MailMessage).where(MailMessage.kind == "booth.application_approved")
    )
    later.status = "rejected"
    db.session.commit()
    assert build(message) is None
