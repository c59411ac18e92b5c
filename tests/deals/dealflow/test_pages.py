"""The deal-flow pages over HTTP: the investor records a held meeting and sees its
pipeline; the startup sees only the step addressed to it (never the interest or notes)
and answers it; the investor sees the answer; each side is told by e-mail in its own
language; who may open what; bad input is a form error, never a 500."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from eventhub.deals.dealflow.models import DealRecord, DealStep
from eventhub.extensions import db
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("in_english")

SECRET = "Founder seems distracted; valuation silly"


def login(client, user) -> None:
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.data


def page(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def form(interest="high", next_step="send_deck", notes=SECRET, **more) -> dict[str, str]:
    return {"interest": interest, "next_step": next_step, "notes": notes, **more}


def test_record_answer_and_see_the_answer_in_the_pipeline(client, held, people, outbox):
    atlas, sunpump = people["atlas"], people["sunpump"]
    login(client, atlas)
    shown = client.get(f"/meetings/{held.id}/deal-flow")
    assert shown.status_code == 200 and "After the meeting with <bdi>Sunpump</bdi>" in page(shown)
    saved = client.post(f"/meetings/{held.id}/deal-flow", data=form())
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/my/deal-flow/startups/{sunpump.startup.id}"
    pipeline = page(client.get("/my/deal-flow"))
    assert "Sunpump" in pipeline and "Send deck" in pipeline and SECRET in pipeline
    assert "Waiting" in pipeline

    # The startup's team is told, each in its language; never the interest or the notes.
    mails = {str(m["To"]): m for m in outbox()}
    assert set(mails) == {sunpump.email, people["member"].email}
    assert mails[sunpump.email]["Content-Language"] == "en"
    assert mails[people["member"].email]["Content-Language"] == "ar"
    english = mails[sunpump.email].get_body(preferencelist=("plain",)).get_content()
    assert "Send your deck" in english and "Atlas Ventures" in english
    for message in mails.values():
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert SECRET not in text and "High" not in text and "high" not in text
    link = re.search(r"https?://[^/\s]+(/my/next-steps/\d+)", english).group(1)

    login(client, sunpump)
    steps = page(client.get("/my/next-steps"))
    assert "Send your deck" in steps and "Atlas Ventures" in steps
    assert SECRET not in steps and "Interest" not in steps and "High" not in steps
    answer_page = client.get(link)
    assert answer_page.status_code == 200
    assert SECRET not in page(answer_page) and "High" not in page(answer_page)
    answered = client.post(
        link, data={"reply": "Our deck, v3.", "link": "https://sunpump.ma/deck.pdf", "done": "y"}
    )
    assert answered.status_code == 302 and answered.headers["Location"] == "/my/next-steps"

    # The investor's team is told, and sees the answer.
    told = [m for m in outbox() if str(m["To"]) in (atlas.email, people["teammate"].email)]
    assert {str(m["To"]) for m in told} == {atlas.email, people["teammate"].email}
    assert any("Sunpump answered" in str(m["Subject"]) for m in told)
    login(client, people["teammate"])
    pipeline = page(client.get("/my/deal-flow"))
    assert "Our deck, v3." in pipeline and "https://sunpump.ma/deck.pdf" in pipeline
    pair = page(client.get(f"/my/deal-flow/startups/{sunpump.startup.id}"))
    assert "Our deck, v3." in pair and SECRET in pair


def test_editing_keeps_the_record_and_shows_what_was_saved(client, held, people, record):
    client.set_cookie("eventhub_lang", "en")
    record(held, people["atlas"], "low", "send_deck", "First")
    login(client, people["teammate"])
    shown = page(client.get(f"/meetings/{held.id}/deal-flow"))
    assert 'value="low" checked' in shown or "checked" in shown
    assert "First" in shown and 'name="version" type="hidden" value="1"' in shown
    response = client.post(
        f"/meetings/{held.id}/deal-flow", data=form("high", "second_meeting", "Second", version="1")
    )
    assert response.status_code == 302
    # A stale form (version 1 again) is refused: the record is shown as it is now.
    stale = client.post(
        f"/meetings/{held.id}/deal-flow", data=form("none", "pass", "Stale", version="1")
    )
    assert stale.status_code == 302
    assert "changed this record meanwhile" in page(client.get(stale.headers["Location"]))
    db.session.expire_all()
    stored = db.session.scalar(select(DealRecord))
    assert (stored.interest, stored.next_step, stored.notes) == ("high", "second_meeting", "Second")
    assert count(DealRecord) == 1 and count(DealStep) == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (form(next_step="ipo"), "next_step", "Not a valid choice"),
        (form(next_step=""), "next_step", "Choose one of the next steps."),
        (form(interest="very"), "interest", "Not a valid choice"),
        (form(notes="x" * 4001), "notes", "4000"),
    ],
)
def test_bad_input_is_a_form_error(client, held, people, field_errors, data, field, message):
    login(client, people["atlas"])
    response = client.post(f"/meetings/{held.id}/deal-flow", data=data)
    assert response.status_code == 422
    assert any(message in error for error in field_errors(response, field)), page(response)
    assert count(DealRecord) == 0


def test_a_meeting_not_held_or_not_yours(client, past_day, people, make_meeting, held):
    ahead = make_meeting(past_day, people["atlas"], people["argan"], hours_ago=-3)
    login(client, people["atlas"])
    response = client.get(f"/meetings/{ahead.id}/deal-flow")
    assert response.status_code == 409 and "once the meeting has been held" in page(response)
    assert client.post(f"/meetings/{ahead.id}/deal-flow", data=form()).status_code == 409
    assert client.get("/meetings/999999/deal-flow").status_code == 404
    login(client, people["sahara"])
    assert client.get(f"/meetings/{held.id}/deal-flow").status_code == 404
    assert client.post(f"/meetings/{held.id}/deal-flow", data=form()).status_code == 404
    assert count(DealRecord) == 0


def test_other_people_never_see_the_notes(client, held, people, record):
    step = record(held, people["atlas"], "high", "send_deck", SECRET).new_step
    sunpump_id = people["sunpump"].startup.id
    # Another investor: its own (empty) pipeline, and 404 on Atlas's startup page.
    login(client, people["sahara"])
    assert SECRET not in page(client.get("/my/deal-flow"))
    assert client.get(f"/my/deal-flow/startups/{sunpump_id}").status_code == 404
    assert client.get(f"/my/next-steps/{step.id}").status_code == 403
    # Another startup: not its step.
    login(client, people["argan"])
    assert client.get(f"/my/next-steps/{step.id}").status_code == 404
    assert "Atlas" not in page(client.get("/my/next-steps"))
    # The startup itself: the step only.
    login(client, people["sunpump"])
    for path in ("/my/next-steps", f"/my/next-steps/{step.id}"):
        shown = page(client.get(path))
        assert SECRET not in shown and "Send your deck" in shown
    # Staff and organisers: forbidden.
    for who in ("staff", "admin"):
        login(client, people[who])
        for path in (
            "/my/deal-flow",
            f"/my/deal-flow/startups/{sunpump_id}",
            f"/meetings/{held.id}/deal-flow",
        ):
            response = client.get(path)
            assert response.status_code == 403, (who, path)
            assert SECRET not in page(response)


@pytest.mark.parametrize("who", ["anonymous", "staff", "admin", "startup", "investor"])
def test_who_may_open_each_page(client, held, people, record, who):
    step = record(held, people["atlas"], "high", "send_deck").new_step
    users = {"staff": "staff", "admin": "admin", "startup": "sunpump", "investor": "atlas"}
    if who != "anonymous":
        login(client, people[users[who]])
    investor_pages = [
        "/my/deal-flow",
        f"/meetings/{held.id}/deal-flow",
        f"/my/deal-flow/startups/{people['sunpump'].startup.id}",
    ]
    startup_pages = ["/my/next-steps", f"/my/next-steps/{step.id}"]
    for path in investor_pages + startup_pages:
        response = client.get(path)
        if who == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        elif (who == "investor" and path in investor_pages) or (
            who == "startup" and path in startup_pages
        ):
            assert response.status_code == 200, path
        else:
            assert response.status_code == 403, (who, path)


def test_typed_text_is_escaped(client, held, people, record):
    step = record(held, people["atlas"], "high", "send_deck", "<script>alert(1)</script>").new_step
    login(client, people["sunpump"])
    client.post(f"/my/next-steps/{step.id}", data={"reply": "<img src=x onerror=alert(2)>"})
    login(client, people["atlas"])
    for path in ("/my/deal-flow", f"/my/deal-flow/startups/{people['sunpump'].startup.id}"):
        shown = page(client.get(path))
        assert "<script>alert(1)" not in shown and "&lt;script&gt;alert(1)" in shown
        assert "<img src=x" not in shown and "&lt;img src=x" in shown


def test_bad_answers_are_form_errors(client, held, people, record, field_errors):
    step = record(held, people["atlas"], "high", "send_deck").new_step
    login(client, people["sunpump"])
    path = f"/my/next-steps/{step.id}"
    empty = client.post(path, data={"reply": "", "link": ""})
    assert empty.status_code == 422
    assert field_errors(empty, "reply") == ["Write a reply, give a link or mark it done."]
    bad_link = client.post(path, data={"link": "javascript:alert(1)"})
    assert bad_link.status_code == 422 and field_errors(bad_link, "link")
    long_reply = client.post(path, data={"reply": "x" * 501})
    assert long_reply.status_code == 422 and field_errors(long_reply, "reply")
    db.session.expire_all()
    assert db.session.get(DealStep, step.id).answered_at is None
    # Once the investor moved on, the step is closed.
    client.post(path, data={"reply": "Sent"})
    record(held, people["atlas"], "high", "term_sheet")
    closed = client.post(path, data={"reply": "Again"})
    assert closed.status_code == 409


def test_forms_need_the_csrf_token(client, held, people, record, csrf_enabled, csrf_token):
    def sign_in(user) -> None:
        client.post("/logout", data={"csrf_token": csrf_token("/")})
        token = csrf_token("/login")
        data = {"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
        assert client.post("/login", data=data).status_code == 302

    step = record(held, people["atlas"], "high", "send_deck").new_step
    sign_in(people["atlas"])
    path = f"/meetings/{held.id}/deal-flow"
    assert client.post(path, data=form("low", "pass")).status_code == 400
    token = csrf_token(path)
    assert client.post(path, data=form("low", "pass", csrf_token=token)).status_code == 302
    sign_in(people["sunpump"])
    answer = f"/my/next-steps/{step.id}"
    assert client.post(answer, data={"reply": "Hi"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(DealStep, step.id).answered_at is None


def test_the_pipeline_pages_filters_and_sorts(client, past_day, people, make_meeting, record):
    from tests.support import factories

    atlas = people["atlas"]
    for number in range(30):
        startup = factories.create_startup(name=f"Startup {number:02d}")
        meeting = make_meeting(past_day, atlas, startup, hours_ago=20 + number)
        record(
            meeting, atlas, "high" if number % 2 else "low", "pass" if number < 10 else "send_deck"
        )
    login(client, atlas)
    first = page(client.get("/my/deal-flow?per_page=25&sort=startup"))
    assert "Startup 00" in first and "Startup 24" in first and "Startup 25" not in first
    assert "30 results" in first and 'rel="next"' in first
    assert "Startup 29" in page(client.get("/my/deal-flow?per_page=25&sort=startup&page=2"))
    passed = page(client.get("/my/deal-flow?stage=pass"))
    assert "10 results" in passed and "Startup 10" not in passed
    high = page(client.get("/my/deal-flow?stage=pass&interest=high"))
    assert "5 results" in high
    assert "1 result" in page(client.get("/my/deal-flow?q=Startup+07"))
    for odd in ("?stage=<script>", "?sort=nope&page=-3", "?event=abc", "?q=" + "x" * 500):
        assert client.get("/my/deal-flow" + odd).status_code == 200, odd


def test_links_from_home_agenda_and_navigation(client, held, people):
    login(client, people["atlas"])
    for path in ("/my/home", "/my/agenda"):
        assert 'href="/my/deal-flow"' in page(client.get(path)), path
    held.outcome = "held"
    db.session.commit()
    agenda = page(client.get(f"/events/{held.event.slug}/agenda?day={held.event.first_day}"))
    assert f'href="/meetings/{held.id}/deal-flow"' in agenda
    login(client, people["sunpump"])
    for path in ("/my/home", "/my/agenda"):
        assert 'href="/my/next-steps"' in page(client.get(path)), path
