"""Issue 20, finding 7: no Content-Security-Policy, frame-ancestors, nosniff,
Referrer-Policy or HSTS. Now on every response (Flask-Talisman); the pages' own compliance
is checked in Chromium (tests/browser/test_content_security.py)."""

from __future__ import annotations

import pytest

from eventhub import create_app
from eventhub.extensions import db, limiter


def policy_of(response) -> dict[str, str]:
    directives = (part.strip() for part in response.headers["Content-Security-Policy"].split(";"))
    return dict(d.split(" ", 1) for d in directives if d)


@pytest.mark.parametrize(
    "path", ["/login", "/api/v1/events", "/no-such-page", "/static/css/app.css"]
)
def test_every_response_has_them(client, path):
    response = client.get(path)
    policy = policy_of(response)
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # not in development


def test_style_blocks_carry_the_request_s_nonce(client):
    client.set_cookie("eventhub_lang", "en")
    response = client.get("/sign-up")
    nonce = policy_of(response)["style-src"].split("'nonce-")[1].rstrip("'")
    page = response.get_data(as_text=True)
    assert f'<style nonce="{nonce}">' in page


def test_the_desk_s_badge_may_be_framed_by_the_site_only(
    client, login_as, make_event, make_registration
):
    login_as("staff")
    event = make_event()
    registration = make_registration(event)
    response = client.get(f"/events/{event.slug}/desk/{registration.id}/badge.pdf")
    assert response.status_code == 200
    assert policy_of(response)["frame-ancestors"] == "'self'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_hsts_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("EVENTHUB_INSTANCE_PATH", str(tmp_path))
    # A production app turns the shared rate limiter on: put it back for the other tests.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "a-long-production-secret",
            "PUBLIC_BASE_URL": "https://events.example.org",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    response = app.test_client().get("/login", base_url="https://events.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with app.app_context():
        db.engine.dispose()
