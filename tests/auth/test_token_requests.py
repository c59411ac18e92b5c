"""Issue 20, findings 3 and 4: an API token is the whole identity of an API request, and
only of an API request.

- A bearer token sent with a session cookie (the one `GET /login` hands out) was let
  through the role check while the view saw an anonymous user: a 500.
- An organiser's device token opened `/organiser/` and downloaded the registrations CSV.
"""

from __future__ import annotations

import re

import pytest

from eventhub.auth.accounts import issue_api_token
from eventhub.extensions import db


def token_of(user) -> dict[str, str]:
    issued = issue_api_token(user, "Gate A phone")
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


def test_a_token_with_the_login_page_s_session_cookie(client, make_user):
    organiser = make_user("admin")
    client.get("/login")  # the session cookie, with its CSRF token and no user
    assert any(cookie.key == "session" for cookie in client._cookies.values())
    response = client.get("/api/v1/me", headers=token_of(organiser))
    assert response.status_code == 200
    assert response.json["email"] == organiser.email
    created = client.post(
        "/organiser/api-tokens", data={"user_id": organiser.id, "label": "x"},
        headers=token_of(organiser),
    )  # fmt: skip
    assert created.status_code == 302 and "/login" in created.headers["Location"]


def test_a_token_speaks_for_itself_whatever_browser_sends_it(client, login_as, make_user):
    login_as("admin")
    staff = make_user("staff")
    response = client.get("/api/v1/me", headers=token_of(staff))
    assert response.json["email"] == staff.email  # not the signed-in organiser
    assert "Set-Cookie" not in response.headers  # its session is neither read nor written


def test_a_bad_token_is_not_covered_by_the_session(client, login_as):
    login_as("admin")
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert (response.status_code, response.json["error"]["code"]) == (401, "invalid_token")


@pytest.mark.parametrize(
    "path",
    ["/organiser/", "/organiser/events/{slug}/registrations/export.csv", "/my/home", "/account"],
)
def test_tokens_open_no_page(client, make_user, make_event, path):
    organiser = make_user("admin")
    event = make_event()
    response = client.get(path.format(slug=event.slug), headers=token_of(organiser))
    assert response.status_code == 302
    assert re.search(r"/login\b", response.headers["Location"])


def test_the_same_token_still_works_on_the_api(client, make_user):
    organiser = make_user("admin")
    assert client.get("/api/v1/me", headers=token_of(organiser)).status_code == 200
