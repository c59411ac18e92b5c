"""The organiser's management of accounts: the list, the role, deactivation and
reactivation; who may do it, and the rules that keep an organiser in charge (not oneself,
never the last active organiser, even when two organisers act at the same moment); a
deactivated account refused at its very next request, in every worker."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from eventhub.admin import users
from eventhub.admin.audit import audit_sentence
from eventhub.auth.accounts import record_audit
from eventhub.auth.models import AuditEntry, User
from eventhub.extensions import db
from eventhub.models_common import utcnow
from tests.support.factories import TEST_PASSWORD
from tests.support.servers import (
    app_env,
    dedicated_postgres_database,
    flask_command,
    gunicorn,
    needs_postgres,
    run_in_app,
)

pytestmark = pytest.mark.usefixtures("in_english")

REMEMBER = "remember_token"


def routes(user_id: int | str) -> list[tuple[str, str]]:
    return [
        ("GET", "/organiser/users"),
        ("GET", f"/organiser/users/{user_id}"),
        ("POST", f"/organiser/users/{user_id}/role"),
        ("POST", f"/organiser/users/{user_id}/deactivate"),
        ("POST", f"/organiser/users/{user_id}/reactivate"),
    ]


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


# The list --------------------------------------------------------------------------------


def test_search_filters_and_pages(app, make_user):
    nadia = make_user("admin", name="Nadia Organiser", email="nadia@example.test")
    karim = make_user("investor", name="Karim Fund", email="karim@vc.example.test")
    make_user("startup", name="Atlas_AI 100%", email="atlas@example.test")
    karim.is_active = False
    db.session.commit()

    def found(**typed: Any) -> list[str]:
        filters = users.UserFilters.read(typed.get("q"), typed.get("role"), typed.get("state"))
        return [user.name for user in db.session.scalars(users.select_users(filters))]

    assert found() == ["Atlas_AI 100%", "Karim Fund", "Nadia Organiser"]
    assert found(q="vc.example") == ["Karim Fund"]  # by e-mail
    assert found(q="nadia ORG") == ["Nadia Organiser"]  # by name, any case
    assert found(q="_ai 100%") == ["Atlas_AI 100%"]
    assert found(q="%") == ["Atlas_AI 100%"]  # % and _ are literal
    assert found(q="_") == ["Atlas_AI 100%"]
    assert found(role="investor") == ["Karim Fund"]
    assert found(state="deactivated") == ["Karim Fund"]
    assert found(state="active", role="admin") == ["Nadia Organiser"]
    assert found(role="wizard", state="nonsense") == found()  # unknown: no filter
    assert users.count_by_state() == {
        "active": 2,
        "invited": 0,
        "pending": 0,
        "rejected": 0,
        "deactivated": 1,
    }
    assert users.organisation_of(karim) == "Karim Fund"
    assert users.organisation_of(nadia) is None


def test_the_list_page(client, login_as, make_user):
    login_as("admin")
    investor = make_user("investor", name="Sahara Capital", email="sahara@example.test")
    investor.last_login_at = utcnow()
    for number in range(55):
        make_user("startup", name=f"Startup {number:02d}")
    page = client.get("/organiser/users?role=investor").get_data(as_text=True)
    assert "Sahara Capital" in page and "sahara@example.test" in page and "Startup 01" not in page
    assert "1 user found." in page
    assert re.search(r"\d{1,2}:\d{2}(?!:)", page)  # the last sign-in, without seconds
    first = client.get("/organiser/users").get_data(as_text=True)
    assert "57 users found." in first and 'aria-current="page">1<' in first
    second = client.get("/organiser/users?page=2").get_data(as_text=True)
    assert "Startup 53" in second and "Startup 01" not in second
    assert client.get("/organiser/users?page=999999999999").status_code == 200
    assert client.get("/organiser/users?q=%00%25&state=nope").status_code == 200
    assert "/organiser/users" in client.get("/organiser/").get_data(as_text=True)


# Who may ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, make_user):
    target = make_user("startup")
    for method, path in routes(target.id):
        response = client.open(path, method=method)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_other_roles_are_refused_everywhere(client, login_as, make_user, role):
    target = make_user("startup")
    login_as(role)
    for method, path in routes(target.id):
        assert client.open(path, method=method, data={"role": "admin"}).status_code == 403, path
    assert fresh(target).role == "startup" and fresh(target).is_active


def test_the_changes_need_the_csrf_token(app, client, login_as, make_user, csrf_token):
    login_as("admin")
    target = make_user("investor")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for _method, path in routes(target.id)[2:]:
            assert client.post(path, data={"role": "admin"}).status_code == 400, path
        assert fresh(target).role == "investor" and fresh(target).is_active
        token = csrf_token(f"/organiser/users/{target.id}")
        response = client.post(
            f"/organiser/users/{target.id}/role", data={"role": "staff", "csrf_token": token}
        )
        assert response.status_code == 302 and fresh(target).role == "staff"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_bad_input_changes_nothing(client, login_as, make_user):
    login_as("admin")
    target = make_user("investor")
    response = client.post(f"/organiser/users/{target.id}/role", data={"role": "wizard"})
    assert response.status_code == 422
    assert "Choose one of the roles offered." in response.get_data(as_text=True)
    assert fresh(target).role == "investor"
    for user_id in (987654, 2**31, 2**63, 0):
        for method, path in routes(user_id)[1:]:
            assert client.open(path, method=method, data={"role": "staff"}).status_code == 404
    assert client.get("/organiser/users/-1").status_code == 404


# The changes -----------------------------------------------------------------------------


def test_role_change_deactivation_and_reactivation(client, login_as, make_user):
    nadia = login_as("admin")
    karim = make_user("investor", name="Karim")
    response = client.post(f"/organiser/users/{karim.id}/role", data={"role": "startup"})
    assert response.status_code == 302
    karim = fresh(karim)
    assert karim.role == "startup" and karim.startup is not None  # it gets its profile
    client.post(f"/organiser/users/{karim.id}/deactivate")
    assert fresh(karim).is_active is False
    client.post(f"/organiser/users/{karim.id}/reactivate")
    assert fresh(karim).is_active is True
    actions = [(e.actor_id, e.action) for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == [
        (nadia.id, "user.role_change"),
        (nadia.id, "user.deactivate"),
        (nadia.id, "user.reactivate"),
    ]
    dashboard = client.get("/organiser/").get_data(as_text=True)
    assert "<bdi>Karim</bdi>&#39;s role from <bdi>Investor</bdi> to <bdi>Startup</bdi>" in dashboard
    assert "deactivated the account of <bdi>Karim</bdi>" in dashboard


def test_the_audit_sentences(app, make_user):
    nadia = make_user("admin", name="Nadia")
    entry = record_audit(
        nadia, "user.role_change", "k@x.test", user="<Karim>", old="investor", new="admin"
    )
    cli = record_audit(None, "user.deactivate", "k@x.test")
    unknown = record_audit(nadia, "booth.teleport", "expo/B1")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(audit_sentence(entry)) == (
            "<bdi>Nadia</bdi> changed <bdi>&lt;Karim&gt;</bdi>&#39;s role from "
            "<bdi>Investor</bdi> to <bdi>Organiser</bdi>."
        )
        assert "Someone at the command line" in str(audit_sentence(cli))
        assert "k@x.test" in str(audit_sentence(cli))
        expected = "<bdi>Nadia</bdi> made a change to the booths of <bdi>expo</bdi>."
        assert str(audit_sentence(unknown)) == expected  # a generic line, never the code


def test_an_organiser_cannot_demote_or_deactivate_themselves(client, login_as, make_user):
    me = login_as("admin")
    make_user("admin")
    response = client.post(f"/organiser/users/{me.id}/role", data={"role": "staff"})
    assert response.status_code == 409
    assert "You cannot change your own role" in response.get_data(as_text=True)
    response = client.post(f"/organiser/users/{me.id}/deactivate")
    assert response.status_code == 409
    assert fresh(me).role == "admin" and fresh(me).is_active
    assert "Change the role" not in client.get(f"/organiser/users/{me.id}").get_data(as_text=True)


def test_the_last_organiser_is_kept_when_two_organisers_act_one_after_the_other(app, make_user):
    """Nadia and Omar both have the users page open; Nadia deactivates Omar, then Omar's
    page (his session still loaded) demotes Nadia: refused."""
    nadia, omar = make_user("admin", name="Nadia"), make_user("admin", name="Omar")
    assert users.deactivate(nadia, omar)
    db.session.commit()
    with pytest.raises(users.UserAdminError) as refused:
        users.change_role(omar, nadia, "staff")
    assert refused.value.code == "last_organiser"
    db.session.rollback()
    with pytest.raises(users.UserAdminError) as refused:
        users.deactivate(omar, nadia)
    assert refused.value.code == "last_organiser"
    db.session.rollback()
    assert fresh(nadia).role == "admin" and fresh(nadia).is_active
    # An organiser who is no longer one cannot change anyone.
    karim = make_user("investor")
    with pytest.raises(users.UserAdminError) as refused:
        users.change_role(omar, karim, "staff")
    assert refused.value.code == "not_organiser"


def test_the_last_organiser_is_kept_when_two_organisers_act_at_once(app, make_user):
    """Two transactions at the same moment, each demoting the other organiser: the first
    holds the organisers' lock until it commits; the second waits, counts anew, is refused."""
    nadia, omar = make_user("admin", name="Nadia"), make_user("admin", name="Omar")
    ids = {"nadia": nadia.id, "omar": omar.id}
    first_locked, first_may_commit = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def act(actor: str, target: str, hold: bool) -> None:
        with app.app_context():
            try:
                actor_user = db.session.get(User, ids[actor])
                target_user = db.session.get(User, ids[target])
                users.change_role(actor_user, target_user, "staff")
                if hold:
                    first_locked.set()
                    first_may_commit.wait(10)
                    time.sleep(0.2)
                db.session.commit()
                outcome[actor] = "done"
            except users.UserAdminError as error:
                db.session.rollback()
                outcome[actor] = error.code
            finally:
                first_locked.set()
                db.session.remove()

    first = threading.Thread(target=act, args=("nadia", "omar", True))
    first.start()
    assert first_locked.wait(10)
    second = threading.Thread(target=act, args=("omar", "nadia", False))
    second.start()
    time.sleep(0.3)
    assert second.is_alive()  # waiting for the first one's lock
    first_may_commit.set()
    first.join(20)
    second.join(20)
    assert outcome == {"nadia": "done", "omar": "last_organiser"}
    db.session.expire_all()
    assert [u.name for u in db.session.query(User).filter_by(role="admin", is_active=True)] == [
        "Nadia"
    ]


def test_a_deactivated_users_session_and_remember_cookie_are_refused_at_the_next_request(
    app, client, make_user, auth
):
    karim = make_user("investor")
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    signed_in = browser.post(
        "/login", data={"email": karim.email, "password": TEST_PASSWORD, "remember": "y"}
    )
    assert signed_in.status_code == 302
    remember = browser.get_cookie(REMEMBER).value
    assert browser.get("/my/home").status_code == 200
    only_cookie = app.test_client()
    only_cookie.set_cookie(REMEMBER, remember)
    assert only_cookie.get("/my/home").status_code == 200

    auth.login(make_user("admin"))
    assert client.post(f"/organiser/users/{karim.id}/deactivate").status_code == 302

    assert browser.get("/my/home").status_code == 302
    again = app.test_client()
    again.set_cookie(REMEMBER, remember)
    assert again.get("/my/home").status_code == 302
    signed_in_again = browser.post("/login", data={"email": karim.email, "password": TEST_PASSWORD})
    assert signed_in_again.status_code != 302  # nor can it sign in again


# In every worker of a real server -----------------------------------------------------------

PASSWORD = "worker-password-1"
SETUP = f"""
from eventhub.auth.accounts import create_user
from eventhub.extensions import db
create_user("organiser@example.test", "{PASSWORD}", "admin", "Nadia")
karim = create_user("karim@example.test", "{PASSWORD}", "investor", "Karim")
db.session.commit()
result = karim.id
"""
REQUESTS = 12


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def open(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf(self, path: str) -> str:
        page = self.open(path)[1]
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def sign_in(self, email: str, remember: bool = False) -> None:
        form = {"csrf_token": self.csrf("/login"), "email": email, "password": PASSWORD}
        if remember:
            form["remember"] = "y"
        assert self.open("/login", form)[0] == 302

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == name)

    def with_only(self, name: str, value: str) -> Browser:
        other = Browser(self.base)
        host = urllib.parse.urlparse(self.base).hostname
        other.jar.set_cookie(
            http.cookiejar.Cookie(
                *(0, name, value, None, False, host, False, False, "/", True),
                *(False, None, False, None, None, {}),
            )
        )
        return other


def statuses_at_once(browser: Browser, path: str) -> list[int]:
    """REQUESTS requests at the same moment, so that every worker answers some."""
    barrier = threading.Barrier(REQUESTS)
    answers: list[int] = []

    def one() -> None:
        barrier.wait(20)
        answers.append(browser.open(path)[0])

    threads = [threading.Thread(target=one) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def deactivation_counts_in_every_worker(database_url: str) -> None:
    env = app_env(
        database_url,
        EVENTHUB_SESSION_COOKIE_SECURE="false",
        EVENTHUB_REMEMBER_COOKIE_SECURE="false",
        EVENTHUB_RATELIMIT_ENABLED="false",
    )
    flask_command(env, "db", "upgrade")
    karim_id = run_in_app(env, SETUP)
    with gunicorn(env, workers=4) as base_url:
        karim = Browser(base_url)
        karim.sign_in("karim@example.test", remember=True)
        remembered = karim.with_only(REMEMBER, karim.cookie(REMEMBER))
        assert statuses_at_once(karim, "/my/home") == [200] * REQUESTS
        assert statuses_at_once(remembered, "/my/home") == [200] * REQUESTS

        organiser = Browser(base_url)
        organiser.sign_in("organiser@example.test")
        token = organiser.csrf(f"/organiser/users/{karim_id}")
        status, _ = organiser.open(f"/organiser/users/{karim_id}/deactivate", {"csrf_token": token})
        assert status == 302

        assert statuses_at_once(karim, "/my/home") == [302] * REQUESTS
        assert statuses_at_once(remembered, "/my/home") == [302] * REQUESTS


@pytest.mark.slow
def test_a_deactivation_counts_at_once_in_every_worker_on_sqlite(tmp_path: Path):
    deactivation_counts_in_every_worker(f"sqlite:///{tmp_path / 'workers.sqlite3'}")


@pytest.mark.slow
@pytest.mark.postgres
@needs_postgres
def test_a_deactivation_counts_at_once_in_every_worker_on_postgresql():
    with dedicated_postgres_database("user_deactivation") as url:
        deactivation_counts_in_every_worker(url)
