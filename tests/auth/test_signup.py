"""Public sign-up: a startup or an investor asks for an account, confirms the address by
a link (once, 48 h), then waits for an organiser's approval. The same answer whether the
address is free or taken; bad input shown at its field with nothing saved."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from eventhub.auth.links import EMAIL_VERIFICATION
from eventhub.auth.models import AccountToken, AuditEntry, User
from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor, Startup

# The form offers the organiser's programmes: the demo's three exist.
pytestmark = pytest.mark.usefixtures("in_english", "logic_in_english", "programmes")

PASSWORD = "a-long-enough-secret"


def startup_form(**changes: Any) -> dict[str, Any]:
    form = {
        "role": "startup",
        "name": "Hind Tazi",
        "email": "hind@medina-robotics.example.ma",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "language": "en",
        "website": "https://medina-robotics.example.ma",
        "startup_name": "Medina Robotics",
        "sector": "deeptech",
        "stage": "mvp",
        "programme": "Accelerate",
        "city_site": "Rabat",
    }
    return {**form, **changes}


def investor_form(**changes: Any) -> dict[str, Any]:
    form = {
        "role": "investor",
        "name": "Leila Amrani",
        "email": "leila@atlas-angels.example.ma",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "language": "en",
        "website": "https://atlas-angels.example.ma",
        "fund": "Atlas Angels",
        "ticket_min_eur": "20000",
        "ticket_max_eur": "150000",
    }
    return {**form, **changes}


def text(response) -> str:
    return response.get_data(as_text=True)


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def verify_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/sign-up/verify/[A-Za-z0-9_-]+)", body(message))
    assert match, body(message)
    return match.group(1)


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def user_by(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def without_tokens(page: str) -> str:
    page = re.sub(r'name="csrf-token" content="[^"]*"', "", page)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", page)


# The way in --------------------------------------------------------------------------------


def test_the_sign_in_and_event_pages_link_to_the_sign_up(client, make_event):
    login_page = text(client.get("/login"))
    assert 'href="/sign-up"' in login_page and "Create an account" in login_page
    assert 'href="/sign-up/resend"' in login_page
    event = make_event()
    event_page = text(client.get(f"/events/{event.slug}"))
    assert f'href="/sign-up?event={event.slug}"' in event_page
    form = client.get(f"/sign-up?event={event.slug}&role=investor")
    assert form.status_code == 200
    assert event.name in text(form)
    assert re.search(r'value="investor"[^>]*checked|checked[^>]*value="investor"', text(form))


def test_an_unknown_or_unpublished_event_is_not_found(client, make_event):
    draft = make_event(status="draft")
    assert client.get("/sign-up?event=no-such-event").status_code == 404
    assert client.get(f"/sign-up?event={draft.slug}").status_code == 404
    assert client.get("/sign-up?event=%00").status_code == 404
    assert client.post("/sign-up?event=no-such-event", data=investor_form()).status_code == 404
    assert count(User) == 0


def test_a_signed_in_person_is_not_offered_another_account(client, login_as):
    user = login_as("investor")
    page = client.get("/sign-up")
    assert page.status_code == 200
    assert "You are signed in as" in text(page) and 'name="password"' not in text(page)
    response = client.post("/sign-up", data=investor_form())
    assert response.status_code == 302 and response.headers["Location"] == "/my/home"
    assert count(User) == 1 and user_by(user.email) is not None


# Signing up ---------------------------------------------------------------------------------


def test_a_startup_signs_up_and_is_sent_a_link(client, outbox):
    response = client.post("/sign-up", data=startup_form(email="Hind@Medina-Robotics.example.MA"))
    assert response.status_code == 200
    assert "Check your inbox" in text(response)
    user = user_by("hind@medina-robotics.example.ma")
    assert (user.role, user.status, user.is_active) == ("startup", "unverified", True)
    assert user.name == "Hind Tazi" and user.preferred_language == "en"
    assert user.signup_event_id is None
    startup = user.startup
    assert startup.owner_id == user.id
    assert (startup.name, startup.sector, startup.stage) == ("Medina Robotics", "deeptech", "mvp")
    assert (startup.programme, startup.city_site) == ("Accelerate", "Rabat")
    assert startup.website == "https://medina-robotics.example.ma"
    assert count(Investor) == 0
    [message] = outbox()
    assert message["To"] == user.email
    assert "Medina Robotics" in body(message)
    token = db.session.scalar(select(AccountToken))
    assert token.purpose == EMAIL_VERIFICATION and token.user_id == user.id
    assert timedelta(hours=47) < token.expires_at - token.created_at <= timedelta(hours=48)
    secret = verify_path(message).rsplit("/", 1)[1]
    assert secret not in str(db.session.execute(db.text("SELECT params FROM mail_messages")).all())
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_id) == ("account.signup", user.id)


def test_an_investor_signs_up_for_an_event(client, outbox, make_event):
    event = make_event()
    response = client.post(f"/sign-up?event={event.slug}", data=investor_form(language="ar"))
    assert response.status_code == 200
    user = user_by("leila@atlas-angels.example.ma")
    assert (user.role, user.status, user.signup_event_id) == ("investor", "unverified", event.id)
    investor = user.investor
    assert investor.user_id == user.id
    assert (investor.fund, investor.website) == ("Atlas Angels", "https://atlas-angels.example.ma")
    assert (investor.ticket_min_eur, investor.ticket_max_eur) == (20_000, 150_000)
    assert count(Startup) == 0
    [message] = outbox()
    assert message["Content-Language"] == "ar"


def test_the_other_roles_questions_are_ignored(client, outbox):
    form = investor_form(startup_name="", sector="space", stage="nope", programme="Other")
    assert client.post("/sign-up", data=form).status_code == 200
    form = startup_form(fund="", ticket_min_eur="lots", ticket_max_eur="-1")
    assert client.post("/sign-up", data=form).status_code == 200
    assert count(User) == 2 and count(Investor) == 1 and count(Startup) == 1


BAD_INPUTS = [
    ("role", startup_form(role=""), "role"),
    ("role admin", startup_form(role="admin"), "role"),
    ("no name", startup_form(name="  "), "name"),
    ("long name", startup_form(name="x" * 121), "name"),
    ("no e-mail", startup_form(email=""), "email"),
    ("bad e-mail", startup_form(email="not-an-address"), "email"),
    ("long e-mail", startup_form(email="a" * 250 + "@x.ma"), "email"),
    ("short password", startup_form(password="short", confirm="short"), "password"),
    ("confirmation", startup_form(confirm="something-else-entirely"), "confirm"),
    ("language", startup_form(language="xx"), "language"),
    ("website", startup_form(website="not a website"), "website"),
    ("website scheme", startup_form(website="javascript://example.com/%0aalert(1)"), "website"),
    ("startup name", startup_form(startup_name=""), "startup_name"),
    ("long startup name", startup_form(startup_name="x" * 121), "startup_name"),
    ("sector", startup_form(sector="space"), "sector"),
    ("stage", startup_form(stage="ipo"), "stage"),
    ("programme", startup_form(programme="Other"), "programme"),
    ("city site", startup_form(city_site="Paris"), "city_site"),
    ("fund", investor_form(fund=""), "fund"),
    ("smallest ticket", investor_form(ticket_min_eur="-5"), "ticket_min_eur"),
    ("ticket not a number", investor_form(ticket_max_eur="lots"), "ticket_max_eur"),
    ("huge ticket", investor_form(ticket_max_eur=str(10**12)), "ticket_max_eur"),
    (
        "ticket range",
        investor_form(ticket_min_eur="500000", ticket_max_eur="100"),
        "ticket_max_eur",
    ),
]


@pytest.mark.parametrize(
    ("form", "field"), [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_is_shown_at_its_field_and_nothing_is_saved(
    client, outbox, field_errors, form, field
):
    response = client.post("/sign-up", data=form)
    assert response.status_code == 422
    assert field_errors(response, field), text(response)
    assert count(User) == 0 and count(Startup) == 0 and count(Investor) == 0
    assert outbox() == [] and count(AccountToken) == 0


def test_a_startup_name_already_used_is_refused(client, outbox, field_errors, make_user):
    existing = make_user("startup")
    existing.startup.name = "Medina Robotics"
    db.session.commit()
    response = client.post("/sign-up", data=startup_form(startup_name="medina robotics"))
    assert response.status_code == 422
    assert field_errors(response, "startup_name") == ["Another startup already has this name."]
    assert count(User) == 1 and outbox() == []


# A taken address ------------------------------------------------------------------------------


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_warning(client, outbox, make_user):
    owner = make_user(
        "investor",
        email="leila@atlas-angels.example.ma",
        name="Leila Amrani",
        preferred_language="en",
    )
    free = client.post("/sign-up", data=investor_form(email="new@atlas-angels.example.ma"))
    taken = client.post("/sign-up", data=investor_form(email="LEILA@atlas-angels.example.ma"))
    assert free.status_code == taken.status_code == 200
    free_page = without_tokens(text(free)).replace("new@atlas-angels.example.ma", "ADDRESS")
    taken_page = without_tokens(text(taken)).replace("LEILA@atlas-angels.example.ma", "ADDRESS")
    assert free_page == taken_page
    assert db.session.scalar(select(func.count()).where(User.email == owner.email)) == 1
    assert count(Investor) == 2  # the owner's and the new address's, no third
    db.session.expire_all()
    assert db.session.get(User, owner.id).status == "active"
    verification, warning = outbox()
    assert verification["To"] == "new@atlas-angels.example.ma"
    assert warning["To"] == owner.email
    assert "tried to create" in warning["Subject"]
    assert "/login" in body(warning) and "/password/forgot" in body(warning)
    assert "/sign-up/verify/" not in body(warning)
    assert db.session.scalar(select(AccountToken).where(AccountToken.user_id == owner.id)) is None
    # Again within the hour: the same answer, no second warning.
    again = client.post("/sign-up", data=investor_form(email=owner.email))
    assert again.status_code == 200 and len(outbox()) == 2


def test_an_address_waiting_for_confirmation_gets_a_new_link(client, outbox):
    client.post("/sign-up", data=investor_form())
    client.post("/sign-up", data=investor_form(name="Someone Else", fund="Other Fund"))
    assert count(User) == 1
    first, second = outbox()
    assert client.get(verify_path(first)).status_code == 410  # replaced
    assert client.get(verify_path(second)).status_code == 200
    assert user_by("leila@atlas-angels.example.ma").investor.fund == "Atlas Angels"


def test_a_deactivated_accounts_address_is_told_nothing(client, outbox, make_user):
    make_user("investor", email="gone@example.test", is_active=False)
    response = client.post("/sign-up", data=investor_form(email="gone@example.test"))
    assert response.status_code == 200 and "Check your inbox" in text(response)
    assert outbox() == [] and count(User) == 1


# The verification link --------------------------------------------------------------------


def test_the_link_makes_the_account_pending_signs_in_and_tells_the_organisers(
    client, outbox, make_user
):
    nadia = make_user("admin", email="nadia@example.test", preferred_language="fr")
    karim = make_user("admin", email="karim@example.test", preferred_language="en")
    make_user("admin", email="retired@example.test", is_active=False)
    make_user("staff")
    client.post("/sign-up", data=investor_form())
    [message] = outbox()
    path = verify_path(message)
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my address" in text(page) and "Atlas Angels" in text(page)
    assert user_by("leila@atlas-angels.example.ma").status == "unverified"  # a GET changes nothing

    response = client.post(path)
    assert response.status_code == 302 and response.headers["Location"] == "/my/home"
    user = user_by("leila@atlas-angels.example.ma")
    assert user.status == "pending" and not user.is_approved
    home = client.get("/my/home")
    assert home.status_code == 200
    assert "Waiting for approval" in text(home)
    assert "Today&#39;s meetings" not in text(home) and "/my/agenda" not in text(home)

    told = {mail["To"]: mail for mail in outbox()[1:]}
    assert set(told) == {nadia.email, karim.email}
    assert told[nadia.email]["Content-Language"] == "fr"
    assert told[karim.email]["Content-Language"] == "en"
    assert "Leila Amrani" in told[karim.email]["Subject"]
    assert "/organiser/sign-ups" in body(told[karim.email])
    assert "Atlas Angels" in body(told[karim.email])
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["account.signup", "account.signup_verify"]

    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 410 and "already used" in text(again)
    assert client.post(path).status_code == 410


def test_an_expired_link_is_refused_and_changes_nothing(client, outbox):
    client.post("/sign-up", data=startup_form())
    path = verify_path(outbox()[0])
    token = db.session.scalar(select(AccountToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert "expired" in text(response)
    assert user_by("hind@medina-robotics.example.ma").status == "unverified"
    assert client.get("/my/home").status_code == 302  # not signed in


def test_an_unknown_or_altered_link_is_not_found(client, outbox):
    client.post("/sign-up", data=startup_form())
    path = verify_path(outbox()[0])
    altered = path[:-1] + ("A" if path[-1] != "A" else "B")
    for bad in (altered, "/sign-up/verify/nothing-here", "/sign-up/verify/%00"):
        assert client.get(bad).status_code == 404
        assert client.post(bad).status_code == 404
    assert user_by("hind@medina-robotics.example.ma").status == "unverified"


def test_another_accounts_session_is_replaced_by_the_confirmed_one(client, outbox, login_as):
    client.post("/logout")
    client.post("/sign-up", data=startup_form())
    login_as("staff")
    client.post(verify_path(outbox()[0]))
    page = text(client.get("/my/home"))
    assert "Waiting for approval" in page and "Hind Tazi" in page


# Signing in before confirming; sending the link again -------------------------------------


def test_an_unconfirmed_account_cannot_sign_in(client, outbox):
    client.post("/sign-up", data=startup_form())
    response = client.post(
        "/login", data={"email": "hind@medina-robotics.example.ma", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "Confirm your e-mail address first" in text(response)
    assert 'href="/sign-up/resend"' in text(response)
    assert client.get("/my/home").status_code == 302


def test_a_pending_account_signs_in(client, outbox):
    client.post("/sign-up", data=startup_form())
    client.post(verify_path(outbox()[0]))
    client.post("/logout")
    response = client.post(
        "/login", data={"email": "hind@medina-robotics.example.ma", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/my/home"


def test_the_link_is_sent_again_with_the_same_answer_for_any_address(client, outbox, make_user):
    client.post("/sign-up", data=startup_form())
    active = make_user("startup", email="active@example.test")
    assert client.get("/sign-up/resend").status_code == 200
    answers = [
        client.post("/sign-up/resend", data={"email": address})
        for address in ("HIND@medina-robotics.example.ma", active.email, "nobody@example.test")
    ]
    assert {answer.status_code for answer in answers} == {200}
    pages = {
        without_tokens(text(answer)).replace(address, "ADDRESS")
        for answer, address in zip(
            answers,
            ("HIND@medina-robotics.example.ma", active.email, "nobody@example.test"),
            strict=True,
        )
    }
    assert len(pages) == 1
    first, second = outbox()
    assert second["To"] == "hind@medina-robotics.example.ma"
    assert client.get(verify_path(first)).status_code == 410
    assert client.post(verify_path(second)).status_code == 302
    empty = client.post("/sign-up/resend", data={"email": ""})
    assert empty.status_code == 422


def test_sign_up_is_rate_limited(app, client, outbox, rate_limits_enabled):
    assert app.config["SIGNUP_RATE_LIMIT"]
    answers = [
        client.post("/sign-up", data=investor_form(email=f"fund{number}@example.test")).status_code
        for number in range(6)
    ]
    assert answers == [200] * 5 + [429]
    assert count(User) == 5
    resent = [
        client.post("/sign-up/resend", data={"email": "x@example.test"}).status_code
        for _ in range(6)
    ]
    assert resent == [200] * 5 + [429]
