"""Security headers on every response, by Flask-Talisman: a Content-Security-Policy with no
inline script (the templates have none; `<style>` blocks carry the request's nonce),
frame-ancestors 'none', nosniff, Referrer-Policy same-origin, and HSTS in production.

TLS ends at the reverse proxy, so Talisman does not redirect to HTTPS itself; the session
cookie's flags stay those of the configuration (secure in production).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask_talisman import Talisman

from eventhub.responses import PRIVATE_ROBOTS_TAG

talisman = Talisman()

SELF = "'self'"
POLICY: dict[str, Any] = {
    "default-src": SELF,
    "script-src": SELF,
    "style-src": SELF,  # plus the nonce of the request's <style> blocks
    # style="…" attributes: category colours, bar widths. No script can run from them.
    "style-src-attr": "'unsafe-inline'",
    "img-src": [SELF, "data:", "blob:"],  # QR codes drawn by the page, camera snapshots
    "media-src": [SELF, "blob:"],  # the scanner's camera stream
    "font-src": SELF,
    "connect-src": SELF,
    "worker-src": SELF,  # the scanner's service worker
    "manifest-src": SELF,
    "frame-src": SELF,  # the help desk's badge PDF, printed from a frame
    "frame-ancestors": "'none'",
    "object-src": "'none'",
    "base-uri": SELF,
    "form-action": SELF,
}
# A PDF the help desk prints from a frame of its own page.
FRAMED_BY_THIS_SITE: dict[str, Any] = {**POLICY, "frame-ancestors": SELF}


def init_security_headers(app: Flask) -> None:
    production = app.config["ENV_NAME"] == "production"
    # Registered first, so run after Talisman's (Flask runs them in reverse order).
    app.after_request(_private_pages_send_no_referrer)
    talisman.init_app(
        app,
        force_https=False,
        strict_transport_security=production,
        strict_transport_security_max_age=365 * 24 * 3600,
        content_security_policy=POLICY,
        content_security_policy_nonce_in=["style-src"],
        frame_options="DENY",
        referrer_policy="same-origin",
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_http_only=True,
        # The scanner and the leads page use the camera of this site only.
        permissions_policy={"camera": "(self)", "geolocation": "()", "microphone": "()"},
    )


def framed_by_this_site(view: Any) -> Any:
    """For a view whose response this site shows in a frame of its own."""
    return talisman(frame_options="SAMEORIGIN", content_security_policy=FRAMED_BY_THIS_SITE)(view)


def _private_pages_send_no_referrer(response: Response) -> Response:
    """A page whose address holds its key (`responses.private`) keeps `no-referrer`, which
    Talisman's same-origin for every response would replace."""
    if response.headers.get("X-Robots-Tag") == PRIVATE_ROBOTS_TAG:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response
