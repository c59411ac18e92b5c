"""The organisers' queue of sign-ups: the requests waiting, oldest first, with what the
vetting needs; approve, or reject with a reason the applicant is told; two organisers
deciding at once (one wins, the other is told who); only organisers."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from eventhub.admin import signups
from eventhub.admin.audit import audit_sentence
from eventhub.auth.models import AuditEntry, User
from eventhub.extensions import db
from eventhub.models_common import utcnow
from tests.support.factories import TEST_PASSWORD
from tests.support.race_windows import statement_holder

pytestmark = pytest.mark.usefixtures("in_english", "logic_in_english")


@pytest.fixture
def applicants(make_user, make_event) -> dict[str, Any]:
    """Two investors and a startup waiting (oldest first: Oasis, Medina, Atlas), one
    unconfirmed and one already active; Atlas Angels signed up for the event."""
    event = make_event(name="Demo Day Rabat")
    now = utcnow()
    oasis = make_user(
        "investor", name="Pierre Lambert", status="pending", created_at=now - timedelta(days=3)
    )
    oasis.investor.fund = "Oasis VC"
    oasis.investor.website = "https://oasis-vc.example.com"
    oasis.investor.ticket_min_eur, oasis.investor.ticket_max_eur = 250_000, 2_000_000
    medina = make_user(
        "startup", name="Hind Tazi", status="pending", created_at=now - timedelta(days=2)
    )
    medina.startup.name = "Medina Robotics"
    medina.startup.website = "javascript://example.com/%0aalert(1)"
    atlas = make_user(
        "investor",
        name="Leila Amrani",
        status="pending",
        preferred_language="en",
        signup_event_id=event.id,
        created_at=now - timedelta(days=1),
    )
    atlas.investor.fund = "Atlas Angels"
    make_user("investor", name="Not Confirmed", status="unverified")
    make_user("investor", name="Already Active")
    db.session.commit()
    return {"event": event, "oasis": oasis, "medina": medina, "atlas": atlas}


def text(response) -> str:
    return response.get_data(as_text=True)


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def names_listed(page: str) -> list[str]:
    return re.findall(r"<h2><bdi>([^<]+)</bdi></h2>", page)


# The queue -------------------------------------------------------------------------------------


def test_the_queue_lists_the_waiting_requests_oldest_first(client, login_as, applicants):
    login_as("admin")
    response = client.get("/organiser/sign-ups")
    assert response.status_code == 200
    page = text(response)
    assert names_listed(page) == ["Pierre Lambert", "Hind Tazi", "Leila Amrani"]
    assert "3 requests waiting." in page
    assert "Oasis VC" in page and 'href="https://oasis-vc.example.com"' in page
    assert "250,000 – 2,000,000" in page
    assert "Medina Robotics" in page
    assert 'href="javascript:' not in page  # only http(s) addresses become links
    assert "Demo Day Rabat" in page


def test_the_queue_filters_by_role_and_event(client, login_as, applicants):
    login_as("admin")
    investors = text(client.get("/organiser/sign-ups?role=investor"))
    assert names_listed(investors) == ["Pierre Lambert", "Leila Amrani"]
    slug = applicants["event"].slug
    for_event = text(client.get(f"/organiser/sign-ups?event={slug}"))
    assert names_listed(for_event) == ["Leila Amrani"]
    both = text(client.get(f"/organiser/sign-ups?event={slug}&role=startup"))
    assert names_listed(both) == [] and "No request is waiting" in both
    odd = client.get("/organiser/sign-ups?role=wizard&event=%00&page=999999999999")
    assert odd.status_code == 200


def test_the_count_of_waiting_requests_is_in_the_menu_and_on_the_dashboard(
    client, login_as, applicants
):
    login_as("admin")
    assert signups.count_pending() == 3
    dashboard = text(client.get("/organiser/"))
    assert re.search(
        r'href="/organiser/sign-ups">Sign-ups <span class="tag"[^>]*>3</span>', dashboard
    )
    assert dashboard.count('href="/organiser/sign-ups"') == 2  # the menu and the dashboard


# Deciding --------------------------------------------------------------------------------------


def test_approving_records_the_decision_audits_and_tells_the_applicant(
    client, login_as, applicants, outbox
):
    nadia = login_as("admin")
    atlas = applicants["atlas"]
    response = client.post(f"/organiser/sign-ups/{atlas.id}/approve?role=investor")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/sign-ups?role=investor"
    atlas = fresh(atlas)
    assert (atlas.status, atlas.reviewed_by_id, atlas.review_note) == ("active", nadia.id, "")
    assert atlas.reviewed_at is not None and atlas.is_approved
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "signup.approve"))
    assert entry.actor_id == nadia.id and entry.target == atlas.email
    assert str(audit_sentence(entry)) == (
        f"<bdi>{nadia.name}</bdi> approved the sign-up of <bdi>Leila Amrani</bdi>."
    )
    [message] = outbox()
    assert message["To"] == atlas.email
    assert "approved" in message["Subject"]
    assert "/my/home" in body(message)
    assert "Leila Amrani" not in names_listed(text(client.get("/organiser/sign-ups")))


def test_rejecting_needs_a_reason_which_the_applicant_is_told(
    app, client, login_as, applicants, outbox, field_errors
):
    medina = applicants["medina"]
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    other.post("/login", data={"email": medina.email, "password": TEST_PASSWORD})
    assert other.get("/my/home").status_code == 200
    login_as("admin")
    url = f"/organiser/sign-ups/{medina.id}/reject"
    for note in ("", "   ", "x" * 1001):
        response = client.post(url, data={"note": note})
        assert response.status_code == 422
        assert field_errors(response, f"note-{medina.id}")
        assert fresh(medina).status == "pending"
    assert outbox() == []

    response = client.post(url, data={"note": "Not a startup of our programmes."})
    assert response.status_code == 302
    medina = fresh(medina)
    assert (medina.status, medina.review_note) == ("rejected", "Not a startup of our programmes.")
    [message] = outbox()
    assert message["To"] == medina.email
    assert "Not a startup of our programmes." in body(message)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "signup.reject"))
    assert entry.details["reason"] == "Not a startup of our programmes."
    assert "rejected the sign-up of <bdi>Hind Tazi</bdi>" in str(audit_sentence(entry))
    # The applicant's session ended, and the account can no longer sign in.
    assert other.get("/my/home").status_code == 302
    refused = other.post("/login", data={"email": medina.email, "password": TEST_PASSWORD})
    assert refused.status_code == 403
    assert "was not approved" in text(refused)


def test_the_second_organiser_is_told_who_decided(app, client, make_user, applicants, outbox):
    nadia = make_user("admin", name="Nadia Organiser")
    karim = make_user("admin", name="Karim Organiser")
    atlas = applicants["atlas"]
    nadias, karims = app.test_client(), app.test_client()
    for browser, organiser in ((nadias, nadia), (karims, karim)):
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        browser.post("/login", data={"email": organiser.email, "password": TEST_PASSWORD})
    assert nadias.post(f"/organiser/sign-ups/{atlas.id}/approve").status_code == 302
    late = karims.post(f"/organiser/sign-ups/{atlas.id}/reject", data={"note": "No."})
    assert late.status_code == 409
    assert "already decided by Nadia Organiser: approved." in text(late)
    late = karims.post(f"/organiser/sign-ups/{atlas.id}/approve")
    assert late.status_code == 409
    atlas = fresh(atlas)
    assert (atlas.status, atlas.reviewed_by_id) == ("active", nadia.id)
    assert len(outbox()) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_the_decision_is_a_conditional_update(applicants, make_user):
    """The organiser's page was read before another organiser decided: the write finds the
    request decided and changes nothing."""
    nadia = make_user("admin", name="Nadia Organiser")
    karim = make_user("admin", name="Karim Organiser")
    oasis = applicants["oasis"]
    assert oasis.status == "pending"  # loaded, as a page would have it
    db.session.execute(
        update(User)
        .where(User.id == oasis.id)
        .values(status="rejected", reviewed_by_id=karim.id, review_note="Too late stage.")
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(signups.ReviewError) as refused:
        signups.decide(oasis, "approve", nadia)
    assert refused.value.code == "already_decided"
    assert "already decided by Karim Organiser: rejected." in str(refused.value.message)
    db.session.rollback()


@pytest.fixture
def held_decisions() -> Any:
    """Each decision's UPDATE waits a moment before it goes to the database, so that both
    requests have read the request as waiting before either writes."""
    hold = statement_holder("UPDATE users SET status", 0.3)
    sa_event.listen(Engine, "before_cursor_execute", hold)
    yield
    sa_event.remove(Engine, "before_cursor_execute", hold)


def test_two_organisers_deciding_at_the_same_moment(
    app: Flask, make_user, applicants, outbox, held_decisions
):
    """Both requests pass their checks before either writes: exactly one decision is made."""
    organisers = [make_user("admin", name=f"Organiser {n}") for n in range(2)]
    atlas = applicants["atlas"]
    browsers = []
    for organiser in organisers:
        browser = app.test_client()
        browser.post("/login", data={"email": organiser.email, "password": TEST_PASSWORD})
        browsers.append(browser)
    answers: list[int] = []

    def decide(browser, decision: str) -> None:
        data = {"note": "Not for us."} if decision == "reject" else {}
        with app.app_context():
            answers.append(
                browser.post(f"/organiser/sign-ups/{atlas.id}/{decision}", data=data).status_code
            )

    threads = [
        threading.Thread(target=decide, args=(browsers[0], "approve")),
        threading.Thread(target=decide, args=(browsers[1], "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == [302, 409]
    atlas = fresh(atlas)
    assert atlas.status in ("active", "rejected")
    decisions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("signup.%"))
    ).all()
    assert len(decisions) == 1 and len(outbox()) == 1


def test_only_a_waiting_request_of_a_startup_or_investor_can_be_decided(
    client, login_as, make_user, applicants
):
    organiser = login_as("admin")
    active = make_user("startup")
    assert client.post(f"/organiser/sign-ups/{active.id}/approve").status_code == 409
    assert fresh(active).reviewed_by_id is None
    assert client.post(f"/organiser/sign-ups/{organiser.id}/approve").status_code == 404
    assert client.post("/organiser/sign-ups/999999/approve").status_code == 404
    unconfirmed = db.session.scalar(select(User).where(User.status == "unverified"))
    assert client.post(f"/organiser/sign-ups/{unconfirmed.id}/approve").status_code == 409
    assert fresh(unconfirmed).status == "unverified"
    with pytest.raises(signups.ReviewError):
        signups.decide(applicants["oasis"], "maybe", organiser)


# Who may -----------------------------------------------------------------------------------------


def routes(user_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", "/organiser/sign-ups"),
        ("POST", f"/organiser/sign-ups/{user_id}/approve"),
        ("POST", f"/organiser/sign-ups/{user_id}/reject"),
    ]


def test_anonymous_is_sent_to_sign_in(client, applicants):
    for method, path in routes(applicants["atlas"].id):
        response = client.open(path, method=method, data={"note": "No."})
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next=")
    assert fresh(applicants["atlas"]).status == "pending"


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_other_roles_are_refused(client, login_as, applicants, role):
    login_as(role)
    for method, path in routes(applicants["atlas"].id):
        response = client.open(path, method=method, data={"note": "No."})
        assert response.status_code == 403, path
    assert fresh(applicants["atlas"]).status == "pending"


def test_a_waiting_applicant_cannot_approve_itself(app, applicants):
    oasis = applicants["oasis"]
    browser = app.test_client()
    browser.post("/login", data={"email": oasis.email, "password": TEST_PASSWORD})
    assert browser.post(f"/organiser/sign-ups/{oasis.id}/approve").status_code == 403
    assert fresh(oasis).status == "pending"
