"""The `flask --app eventhub …` commands: create-user and seed-demo."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.auth.passwords import verify_password
from eventhub.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.profiles.models import Investor, Startup

PASSWORD = "a-good-long-password"


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def all_users() -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(select(User).order_by(User.id)))


def create_user(runner, *args: str):
    return runner.invoke(args=["create-user", *args])


# create-user


@pytest.mark.parametrize("role", ["admin", "staff", "startup", "investor"])
def test_create_user_for_each_role(runner, role):
    result = create_user(
        runner, "Someone@Example.com", "--role", role, "--password", PASSWORD, "--name", "Atlas AI"
    )
    assert result.exit_code == 0, result.output
    [user] = all_users()
    assert result.output == f"Created {role} someone@example.com (id {user.id}).\n"
    assert (user.email, user.role, user.name, user.is_active) == (
        "someone@example.com",
        role,
        "Atlas AI",
        True,
    )
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, PASSWORD)
    if role == "startup":
        assert user.startup.name == "Atlas AI"
        assert user.startup.members == [user]
    else:
        assert user.startup is None
    if role == "investor":
        assert user.investor.fund == "Atlas AI"
    else:
        assert user.investor is None
    assert count(Startup) == (role == "startup")
    assert count(Investor) == (role == "investor")


def test_create_user_without_a_name_uses_the_address(runner):
    result = create_user(runner, "founder@example.com", "--role", "startup", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    [user] = all_users()
    assert user.name == "founder"
    assert user.startup.name == "founder"


def test_create_user_keeps_startup_names_unique(runner, make_user):
    make_user("startup", name="Atlas AI")
    result = create_user(
        runner, "b@example.com", "--role", "startup", "--password", PASSWORD, "--name", "atlas ai"
    )
    assert result.exit_code == 0, result.output
    assert sorted(db.session.scalars(select(Startup.name))) == ["Atlas AI", "atlas ai (2)"]


@pytest.mark.parametrize("email", ["taken@example.com", "TAKEN@example.com"])
def test_create_user_refuses_an_email_in_use(runner, email):
    assert (
        create_user(
            runner, "taken@example.com", "--role", "staff", "--password", PASSWORD
        ).exit_code
        == 0
    )
    result = create_user(runner, email, "--role", "admin", "--password", PASSWORD)
    assert result.exit_code != 0
    assert "An account already uses taken@example.com." in result.output
    assert "Traceback" not in result.output
    [user] = all_users()
    assert user.role == "staff"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "staff", "--password", "short"], "at least 10 characters"),
        (["--role", "staff", "--password", ""], "at least 10 characters"),
        (["--role", "root", "--password", PASSWORD], "Invalid value for '--role'"),
        (["--role", "Admin", "--password", PASSWORD], "Invalid value for '--role'"),
        (["--password", PASSWORD], "Missing option '--role'"),
        (["--role", "staff"], "Missing option '--password'"),
        (["--role", "startup", "--password", PASSWORD, "--name", "x" * 121], "at most 120"),
    ],
    ids=["weak-password", "empty-password", "unknown-role", "role-case", "no-role",
         "no-password", "long-name"],
)  # fmt: skip
def test_create_user_refusals(runner, args, message):
    result = create_user(runner, "someone@example.com", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert all_users() == []
    assert count(Startup) == 0


@pytest.mark.parametrize(
    "email",
    ["not-an-address", "someone@", "@example.com", "a b@example.com", "x" * 250 + "@example.com"],
)
def test_create_user_refuses_a_malformed_email(runner, email):
    result = create_user(runner, email, "--role", "staff", "--password", PASSWORD)
    assert result.exit_code == 1
    assert "Not a valid e-mail address" in result.output
    assert all_users() == []


# seed-demo


@pytest.fixture
def foundation_demo(monkeypatch):
    """A smaller seed-demo, without the later capabilities' demo data (registrations…),
    which is slow to build: the accounts, events, some startups and investors are what
    these tests need."""
    monkeypatch.setattr("eventhub.demo._capability_seeders", lambda: [])
    monkeypatch.setattr("eventhub.demo.STARTUP_COUNT", 24)
    monkeypatch.setattr("eventhub.demo.INVESTOR_COUNT", 22)  # some funds get an " II"


def table_counts() -> dict[str, int]:
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def demo_snapshot() -> dict[str, Any]:
    """What the demo data is made of, independent of row ids and creation times."""
    db.session.expire_all()
    users = db.session.scalars(select(User).order_by(User.email))
    investors = db.session.scalars(select(Investor).join(Investor.user).order_by(User.email))
    return {
        "users": [(u.email, u.role, u.name, u.startup.name if u.startup else None) for u in users],
        "startups": [
            tuple(row)
            for row in db.session.execute(
                select(Startup.name, Startup.sector, Startup.stage, Startup.programme,
                       Startup.city_site, Startup.website).order_by(Startup.name)
            )
        ],
        "investors": [
            (i.user.email, i.fund, i.ticket_min_eur, i.ticket_max_eur, i.sectors, i.stages)
            for i in investors
        ],
        "events": [
            (e.slug, e.kind, e.status, e.first_day, e.registration_opens_at,
             [z.name for z in e.zones],
             [(c.name, c.colour, c.is_public, c.is_default, [z.name for z in c.zones], c.days)
              for c in e.categories])
            for e in db.session.scalars(select(Event).order_by(Event.slug))
        ],
    }  # fmt: skip


def test_seed_demo_twice_gives_the_same_data(runner):
    """The whole demo, every capability's part included: the second run adds nothing."""
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "200 startups" in first.output and "40 investors" in first.output
    counts = table_counts()
    # 200 startups and 40 investors, and those of the onboarding demo (invited, signed up).
    assert counts["startups"] == 203 and counts["investors"] == 43 and counts["events"] == 2
    snapshot = demo_snapshot()

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "Demo data: nothing new to add." in second.output
    assert table_counts() == counts
    assert demo_snapshot() == snapshot


def test_seed_demo_is_deterministic(runner, foundation_demo):
    """On a fresh database, the same data again."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    snapshot = demo_snapshot()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert demo_snapshot() == snapshot


def test_seed_demo_accounts_can_sign_in(runner, client, foundation_demo):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert DEMO_PASSWORD in result.output
    homes = {"admin": "/organiser/", "staff": "/staff/", "startup": "/my/home",
             "investor": "/my/home"}  # fmt: skip
    for email, role, name in DEMO_ACCOUNTS:
        assert f"{role:<9} {email}" in result.output
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (email, response.status_code)
        assert response.headers["Location"] == homes[role]
        page = client.get(homes[role])
        assert page.status_code == 200
        assert name in page.get_data(as_text=True)
        client.post("/logout")


def test_seed_demo_if_empty_seeds_an_empty_database(runner, foundation_demo):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.output
    assert table_counts()["startups"] == 24


def test_seed_demo_if_empty_leaves_a_database_with_users_alone(runner, make_user):
    make_user("admin", email="boss@example.com")
    before = table_counts()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "The database already has data: demo seeding skipped." in result.output
    assert table_counts() == before


def test_seed_demo_completes_partial_demo_data(runner, foundation_demo):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    counts = table_counts()
    db.session.delete(db.session.scalar(select(Event).where(Event.slug == "tech-expo-marrakech")))
    db.session.delete(db.session.scalar(select(User).where(User.email == "staff@eventhub.test")))
    db.session.commit()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data: 8 categories, 1 events, 1 users, 6 zones." in result.output
    assert table_counts() == counts
