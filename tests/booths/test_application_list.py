"""The organiser's list of booth applications at scale: pages, search, filters and sorts on
the server, decisions on the ticked rows (all or nothing), and one application's page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from eventhub.auth.models import AuditEntry
from eventhub.booths.applications import APPLICATION_SORTS, decide_many, select_applications
from eventhub.booths.errors import BoothError
from eventhub.booths.models import BoothApplication
from eventhub.extensions import db
from eventhub.listing import list_args, page_of
from eventhub.notifications.models import MailMessage
from tests.booths.pages import SLUG, flashes
from tests.booths.pages import page_of as text_of

pytestmark = pytest.mark.usefixtures("in_english")
LIST = f"/organiser/events/{SLUG}/booth-applications"


@pytest.fixture
def many(expo, make_startup, make_application):
    """60 pending applications (Startup 00 … 59, every third in fintech, every fifth a pod),
    an approved Atlas AI and a rejected Old Co; (event, {name: application})."""
    apps = {}
    for number in range(60):
        name = f"Startup {number:02d}"
        sector = "fintech" if number % 3 == 0 else "ai"
        _user, startup = make_startup(name=name, sector=sector)
        kind = "pod" if number % 5 == 0 else "standard"
        apps[name] = make_application(expo, startup, status="pending", kind=kind)
    _user, atlas = make_startup(name="Atlas AI", contact="Salma Bennani")
    apps["Atlas AI"] = make_application(expo, atlas)
    _user, old = make_startup(name="Old Co")
    apps["Old Co"] = make_application(expo, old, status="rejected", decision_reason="Late.")
    return expo, apps


def rows(event, query: dict[str, str], **filters) -> list[str]:
    args = list_args(MultiDict(query), sorts=APPLICATION_SORTS, default_sort="submitted")
    page = page_of(select_applications(event, **filters), args, BoothApplication.id)
    return [application.startup.name for application in page.items]


def ticked_ids(response) -> set[int]:
    return {
        int(n)
        for n in re.findall(r'name="application" value="(\d+)"[^>]*checked', text_of(response))
    }


# --- Logic -------------------------------------------------------------------------------


def test_filters_and_sorts_give_the_right_rows_and_pages_do_not_overlap(many):
    event, _apps = many
    first = rows(event, {"sort": "startup"})
    second = rows(event, {"sort": "startup", "page": "2"})
    assert len(first) == 50 and len(second) == 12 and not set(first) & set(second)
    assert first[:2] == ["Atlas AI", "Old Co"] and second[-1] == "Startup 59"
    assert rows(event, {"sort": "-startup"})[0] == "Startup 59"
    assert rows(event, {"sort": "-status", "per_page": "25"})[:2] == ["Old Co", "Startup 00"]
    assert rows(event, {}, sector="fintech", kind="pod") == [
        f"Startup {n:02d}" for n in range(0, 60, 15)
    ]
    assert rows(event, {}, status="approved") == ["Atlas AI"]
    assert rows(event, {}, q="salma") == ["Atlas AI"]  # a contact of its team
    assert rows(event, {}, q="startup 4") == [f"Startup {n}" for n in range(40, 50)]


def test_decide_many_approves_all_in_one_go(many, make_user, logic_in_english):
    event, apps = many
    organiser = make_user("admin")
    chosen = [apps[f"Startup {n:02d}"].id for n in (1, 2, 3)]
    decided = decide_many(event, chosen, "approve", organiser)
    db.session.commit()
    assert {a.status for a in decided} == {"approved"} and len(decided) == 3
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("booth_application.approve") == 3


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("nothing", "nothing_selected"),
        ("other_event", "unknown_application"),
        ("no_such_id", "unknown_application"),
        ("decided", "already_decided"),
        ("no_reason", "reason_required"),
        ("waitlist", "bad_decision"),
    ],
)
def test_decide_many_refuses_bad_input_and_changes_nothing(
    case, code, many, make_event, make_startup, make_application, make_user, logic_in_english
):
    event, apps = many
    organiser = make_user("admin")
    other = make_event(slug="other-expo")
    _user, stranger = make_startup(name="Elsewhere")
    foreign = make_application(other, stranger, status="pending")
    pending = [apps["Startup 01"].id, apps["Startup 02"].id]
    ids, decision = {
        "nothing": ([], "approve"),
        "other_event": ([*pending, foreign.id], "approve"),
        "no_such_id": ([*pending, 2**40], "approve"),
        "decided": ([*pending, apps["Old Co"].id, apps["Atlas AI"].id], "reject"),
        "no_reason": (pending, "reject"),
        "waitlist": (pending, "waitlist"),
    }[case]
    before = snapshot()
    with pytest.raises(BoothError) as refused:
        decide_many(event, ids, decision, organiser, "" if case == "no_reason" else "Full.")
    db.session.rollback()
    assert refused.value.code == code
    if case == "decided":
        assert "Atlas AI, Old Co" in str(refused.value.message)
    assert snapshot() == before


def snapshot() -> tuple:
    statuses = db.session.execute(
        select(BoothApplication.id, BoothApplication.status).order_by(BoothApplication.id)
    ).all()
    audit = db.session.scalar(select(func.count()).select_from(AuditEntry))
    mails = db.session.scalar(select(func.count()).select_from(MailMessage))
    return tuple(statuses), audit, mails


# --- HTTP ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "staff", "startup", "investor"])
def test_only_organisers_see_or_decide(role, client, many, login_as):
    _event, apps = many
    if role:
        login_as(role)
    expected = 302 if role is None else 403
    assert client.get(LIST).status_code == expected
    assert client.get(f"{LIST}/{apps['Atlas AI'].id}").status_code == expected
    before = snapshot()
    posted = client.post(LIST, data={"application": apps["Startup 01"].id, "decision": "approve"})
    assert posted.status_code == expected
    assert snapshot() == before


def test_the_list_pages_sorts_and_keeps_its_arguments(client, many, login_as):
    login_as("admin")
    page = text_of(client.get(LIST + "?sector=fintech&sort=-startup"))
    assert page.count('name="application"') == 20
    assert page.index("Startup 57") < page.index("Startup 54")
    assert "decision-form" not in page  # no decision form on every row any more
    assert re.search(r'href="[^"]*sector=fintech[^"]*sort=startup', page)  # header link
    assert 'aria-sort="descending"' in page
    assert "results" in text_of(client.get(LIST + "?page=2"))
    for bad in (
        "?page=-1&per_page=9999&sort=password",
        "?page=abc&status=%00&sector=nope&kind=castle",
        "?q=" + "x" * 5000,
        "?sort=-",
        "?page=99999999999999999999",
    ):
        assert client.get(LIST + bad).status_code == 200, bad


def test_bulk_approve_and_reject_with_a_count_in_the_flash(client, many, login_as):
    _event, apps = many
    login_as("admin")
    chosen = [apps[f"Startup {n:02d}"].id for n in (1, 2, 4)]
    done = client.post(
        LIST + "?status=pending&sort=startup",
        data={"application": chosen, "decision": "approve"},
        follow_redirects=False,
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"{LIST}?status=pending&sort=startup")
    assert "3 applications approved." in flashes(client.get(done.headers["Location"]))
    assert {db.session.get(BoothApplication, i).status for i in chosen} == {"approved"}
    mails = db.session.scalars(select(MailMessage.kind)).all()
    assert mails.count("booth.application_approved") == 3
    rejected = client.post(
        LIST,
        data={"application": [apps["Startup 05"].id], "decision": "reject", "reason": "Full."},
        follow_redirects=True,
    )
    assert "1 application rejected." in flashes(rejected)
    application = db.session.get(BoothApplication, apps["Startup 05"].id)
    assert (application.status, application.decision_reason) == ("rejected", "Full.")


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"decision": "approve"}, 409, "Select at least one application."),
        ({"application": ["1x"], "decision": "approve"}, 422, "The selection is not valid"),
        ({"application": ["FOREIGN"], "decision": "approve"}, 409, "are not this expo"),
        ({"application": ["OLD", "P1"], "decision": "approve"}, 409, "Already decided: Old Co."),
        ({"application": ["P1", "P2"], "decision": "reject", "reason": "  "}, 422, "reason"),
        ({"application": ["P1"], "decision": "delete"}, 409, "Choose approve or reject."),
        ({"application": ["P1"], "decision": "reject", "reason": "x" * 1001}, 422, "1000"),
    ],
)
def test_bad_bulk_input_says_why_keeps_the_ticks_and_changes_nothing(
    data, status, message, client, many, login_as, make_event, make_startup, make_application
):
    _event, apps = many
    other = make_event(slug="other-expo")
    _user, stranger = make_startup(name="Elsewhere")
    foreign = make_application(other, stranger, status="pending")
    ids = {"FOREIGN": foreign.id, "OLD": apps["Old Co"].id, "P1": apps["Startup 01"].id,
           "P2": apps["Startup 02"].id}  # fmt: skip
    data = {**data, "application": [str(ids.get(v, v)) for v in data.get("application", [])]}
    login_as("admin")
    before = snapshot()
    response = client.post(LIST + "?sort=startup", data=data)
    assert response.status_code == status
    assert message in text_of(response)
    assert snapshot() == before
    if data["application"] and "1x" not in data["application"]:
        shown = {int(i) for i in data["application"] if int(i) != foreign.id}
        assert ticked_ids(response) == shown


def test_bulk_decisions_need_the_csrf_token(app, client, many, login_as):
    _event, apps = many
    login_as("admin")
    before = snapshot()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        data = {"application": apps["Startup 01"].id, "decision": "approve"}
        assert client.post(LIST, data=data).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert snapshot() == before


def test_one_application_page_keeps_the_single_decision(client, many, login_as):
    _event, apps = many
    login_as("admin")
    atlas = apps["Atlas AI"]
    url = f"{LIST}/{atlas.id}"
    page = text_of(client.get(url))
    assert "Salma Bennani" in page and 'class="decision-form"' in page
    assert 'value="approve"' not in page  # approved already
    changed = client.post(
        f"{url}/decision", data={"decision": "reject", "reason": "No show.", "next": url}
    )
    assert changed.headers["Location"].endswith(url)
    db.session.refresh(atlas)
    assert atlas.status == "rejected"
    assert client.get(f"{LIST}/999999").status_code == 404
    assert client.get(f"/organiser/events/other/booth-applications/{atlas.id}").status_code == 404
