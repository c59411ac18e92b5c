"""Response headers shared by several capabilities."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app


def private(response: Any) -> Response:
    """A page or file whose address holds its key (a private token): kept out of caches,
    out of other sites' logs (no Referer) and out of search engines."""
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
