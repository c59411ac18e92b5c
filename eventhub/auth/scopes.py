"""What an API token may do: its scope and its event, against what each endpoint needs.

Every API endpoint declares the least scope a token needs to call it (`@token_scope`):

- `door`: one event's door, its check-in scans, door list and gates;
- `read`: reading event data (GET only);
- `organiser`: everything else, that is every write but a scan;
- `any`: every token (who am I; the OpenAPI document).

A token of scope `organiser` may do everything its account's role allows; `read` may
call the `read` endpoints and the door's reads (gates, door list), with GET only; `door`
only the `door` endpoints. An endpoint that declares nothing needs `organiser` (deny by
default). A token bound to an event is good only where the path names that event (its
`slug`): elsewhere, and where the path names no event, it is refused, but on `any`.

The check runs before every API request made with a valid token
(`enforce_token_scope`); a refusal is a 403 `token_scope`. Requests of a signed-in
browser are not concerned: their roles are checked as always.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from eventhub.auth.access import bearer_holder, is_token_request
from eventhub.auth.accounts import TokenHolder
from eventhub.auth.models import TOKEN_SCOPES
from eventhub.errors import ApiError

DOOR, READ, ORGANISER = TOKEN_SCOPES
ANY = "any"
NEEDS = (ANY, *TOKEN_SCOPES)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Endpoints whose view is not ours to decorate (flask-smorest's document).
SCOPE_OF_ENDPOINT = {"api-docs.openapi_json": ANY}

# For `@blp.alt_response(403, ...)` on every endpoint a token may be refused.
SCOPE_REFUSAL = "`token_scope`: the API token's scope or event does not cover this request"

_ATTRIBUTE = "token_scope_needed"

V = TypeVar("V", bound=Callable[..., object])


def token_scope(needed: str) -> Callable[[V], V]:
    """Declare the least scope a token needs to call the view (see the module's text).
    Kept through the other decorators, which all copy the view's attributes (wraps)."""
    if needed not in NEEDS:
        raise ValueError(f"unknown token scope {needed!r}")

    def decorator(view: V) -> V:
        setattr(view, _ATTRIBUTE, needed)
        return view

    return decorator


def declared_scope(endpoint: str, view: Callable[..., object] | None) -> str | None:
    """What the endpoint declares, or None if it declares nothing."""
    return getattr(view, _ATTRIBUTE, None) or SCOPE_OF_ENDPOINT.get(endpoint)


def scope_covers(scope: str, needed: str, *, safe_method: bool) -> bool:
    """Whether a token of `scope` may call an endpoint that needs `needed`."""
    if needed == ANY or scope == ORGANISER:
        return True
    if scope == READ:
        return safe_method and needed in (READ, DOOR)
    return scope == DOOR and needed == DOOR


def token_allows(
    needed: str, holder: TokenHolder, *, event_slug: str | None, safe_method: bool
) -> bool:
    """Whether `holder`'s token may make a request to an endpoint needing `needed`,
    about the event `event_slug` (None: the path names no event)."""
    if needed == ANY:
        return True
    if holder.event_slug is not None and event_slug != holder.event_slug:
        return False
    return scope_covers(holder.scope, needed, safe_method=safe_method)


def refusal_message(needed: str, holder: TokenHolder, event_slug: str | None) -> str:
    if holder.event_slug is not None and event_slug != holder.event_slug:
        return str(_l("This API token is for another event."))
    return str(
        _l("This API token's scope (%(scope)s) does not allow this request.", scope=holder.scope)
    )


def enforce_token_scope() -> None:
    """Before every request: a request made with a valid API token that its scope or its
    event does not cover is refused (403 `token_scope`). An unknown or revoked token is
    left to the views (401), a path that matches no route to the 404."""
    if not is_token_request() or request.endpoint is None:
        return
    holder = bearer_holder()
    if holder is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    needed = declared_scope(request.endpoint, view) or ORGANISER
    event_slug = (request.view_args or {}).get("slug")
    safe_method = request.method in SAFE_METHODS
    if not token_allows(needed, holder, event_slug=event_slug, safe_method=safe_method):
        raise ApiError(403, "token_scope", refusal_message(needed, holder, event_slug))


def or_token_scope(description: str) -> str:
    """The description of an endpoint's 403, with the token's refusal added."""
    return f"{description}; or {SCOPE_REFUSAL}"
