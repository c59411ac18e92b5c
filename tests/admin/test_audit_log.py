"""The audit log for people: a sentence for every action the code records (never its code),
and the organiser's page of it: paged, searched, filtered by kind and event, by time."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from eventhub.admin import audit
from eventhub.auth.accounts import record_audit
from eventhub.auth.models import AuditEntry
from eventhub.extensions import db
from eventhub.listing import list_args, page_of
from eventhub.models_common import utcnow

PACKAGE = Path(__file__).parents[2] / "eventhub"
# Codes the code builds at run time (f-strings, variables), listed by hand.
BUILT_CODES = {
    "booth_application.approve",
    "booth_application.reject",
    "booth_application.waitlist",
    "settings.two_factor_required",
    "settings.two_factor_optional",
    "signup.approve",
    "signup.reject",
    "registration.cancel",
    "registration.reinstate",
    "registration.category",
    "registration.reissue_badge",
    "registration.export",
    "checkin.export",
}


def recorded_codes() -> set[str]:
    """Every action code written as a literal in a record_audit(…) call of the package."""
    codes = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "record_audit"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
            ):
                codes.add(node.args[1].value)
    return codes


def plain(markup) -> str:
    return re.sub(r"<[^>]+>", "", str(markup))


def test_every_recorded_action_has_a_sentence_of_its_own():
    codes = recorded_codes() | BUILT_CODES
    assert len(codes) > 60
    assert sorted(codes - set(audit.SENTENCES)) == []
    assert all(audit.kind_of(code) for code in codes)  # and a kind for the filter


def test_sentences_name_people_and_events_not_codes(app, make_user, make_event):
    nadia = make_user("admin", name="Nadia")
    event = make_event(slug="gitex", name="GITEX Africa")
    allocation = record_audit(
        nadia, "booth.allocation", "gitex", placed=12, new=3, moved=1, kept=8, removed=0,
        unplaced=2, fingerprint="28d2c0ffee", via="web",
    )  # fmt: skip
    rejected = record_audit(
        nadia, "booth_application.reject", "gitex/7", startup="<Souk Pay>", reason="Full."
    )
    unknown = record_audit(nadia, "wizard.spell", "gitex/x")
    closed = record_audit(nadia, "hall.self_service", "gitex/Hall 1", open=False)
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        names = audit.event_names([allocation, rejected, unknown])
        assert names == {"gitex": event.name}
        said = plain(audit.audit_sentence(allocation, names))
        assert said == (
            "Nadia saved the booth allocation of GITEX Africa: 12 startups placed "
            "(3 new, 1 moved), 2 without a booth."
        )
        assert "&lt;Souk Pay&gt;" in str(audit.audit_sentence(rejected, names))
        assert plain(audit.audit_sentence(unknown)) == "Nadia made a recorded change (gitex/x)."
        assert "closed the hall Hall 1 of GITEX Africa" in plain(
            audit.audit_sentence(closed, names)
        )
        for entry in (allocation, rejected, unknown):
            text = str(audit.audit_sentence(entry, names))
            assert not re.search(r"booth\.[a-z]", text)
            assert "fingerprint" not in text and "<code>" not in text


@pytest.fixture
def log(make_user, make_event):
    """55 entries a minute apart, oldest first: Nadia's on gitex booths, Karim's account
    changes, and one of the command line on another event."""
    nadia = make_user("admin", name="Nadia Organiser", email="nadia@example.test")
    karim = make_user("admin", name="Karim", email="karim@example.test")
    make_event(slug="gitex", name="GITEX Africa")
    make_event(slug="demo_day", name="Demo Day")
    entries = []
    for number in range(40):
        entries.append(record_audit(nadia, "booth.create", f"gitex/A{number:02d}"))
    for number in range(14):
        entries.append(record_audit(karim, "account.password_change", f"k{number}@x.test"))
    entries.append(record_audit(None, "event.update", "demo_day"))
    db.session.flush()
    now = utcnow()
    for minutes, entry in enumerate(entries):
        db.session.execute(
            update(AuditEntry)
            .where(AuditEntry.id == entry.id)
            .values(at=now - timedelta(minutes=len(entries) - minutes))
        )
    db.session.commit()
    return entries


def targets(**query) -> list[str]:
    typed = {key: value for key, value in query.items() if key in ("q", "kind", "event")}
    filters = audit.AuditFilters.read(typed.get("q"), typed.get("kind"), typed.get("event"))
    args = list_args(
        MultiDict(query), sorts=audit.AUDIT_SORTS, default_sort="time", default_descending=True
    )
    page = page_of(audit.select_audit(filters), args, AuditEntry.id)
    return [entry.target for entry in page.items]


def test_filters_search_sort_and_pages(app, log):
    first, second = targets(), targets(page="2")
    assert len(first) == 50 and len(second) == 5 and not set(first) & set(second)
    assert first[0] == "demo_day" and second[-1] == "gitex/A00"  # newest first
    assert targets(sort="time")[0] == "gitex/A00"
    assert len(targets(q="karim@")) == 14  # who: the e-mail…
    assert len(targets(q="nadia org")) == 40  # …or the name
    assert targets(q="A07") == ["gitex/A07"]  # what
    assert len(targets(kind="booths")) == 40
    assert len(targets(kind="accounts")) == 14
    assert targets(event="demo_day") == ["demo_day"]  # the _ is no wildcard
    assert len(targets(event="gitex", kind="accounts")) == 0
    assert len(targets(kind="nonsense", event="nowhere", per_page="100")) == 55  # no filter


@pytest.mark.parametrize("role", [None, "staff", "startup", "investor"])
def test_only_organisers_read_the_log(role, client, login_as):
    if role:
        login_as(role)
    assert client.get("/organiser/audit").status_code == (302 if role is None else 403)


def test_the_page(client, in_english, login_as, log):
    login_as("admin")
    page = client.get("/organiser/audit?kind=booths&event=gitex").get_data(as_text=True)
    assert "<bdi>Nadia Organiser</bdi> added the booth <bdi>A39</bdi> to" in page
    assert "GITEX Africa" in page and "booth.create" not in page
    assert "40 results" in page
    assert re.search(r"\d{1,2}:\d{2}(?!:\d)", page)  # times without seconds
    assert not re.search(r"\d{1,2}:\d{2}:\d{2}", plain(page.split("<main", 1)[1]))
    assert re.search(r'href="[^"]*kind=booths[^"]*sort=time"', page)  # the sort keeps filters
    for bad in ("?page=-3&sort=nope", "?page=x&per_page=1e9", "?q=%00" + "x" * 3000,
                "?event=%25&kind=%00", "?page=99999999999999999999"):  # fmt: skip
        assert client.get("/organiser/audit" + bad).status_code == 200, bad
    dashboard = client.get("/organiser/").get_data(as_text=True)
    assert "/organiser/audit" in dashboard and "booth.create" not in dashboard
