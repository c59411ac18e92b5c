"""Who is calling: the JSON view of the logged-in user or of the device's API token."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from eventhub.api import TOKEN_OR_SESSION, ErrorSchema
from eventhub.auth.access import current_caller, login_required
from eventhub.auth.accounts import record_token_use
from eventhub.auth.models import ROLES
from eventhub.auth.scopes import ANY, token_scope
from eventhub.extensions import db
from eventhub.models_common import utcnow

blp = Blueprint(
    "auth_api",
    __name__,
    url_prefix="/api/v1",
    description="The authenticated caller.",
)


class MeSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    email = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    role = ma.fields.String(required=True, metadata={"enum": list(ROLES)})
    via = ma.fields.String(
        required=True,
        metadata={"enum": ["session", "token"], "description": "How the caller authenticated"},
    )
    token_label = ma.fields.String(
        metadata={"description": "The API token's label (only when `via` is `token`)"}
    )


@blp.route("/me")
@token_scope(ANY)
@login_required
@blp.response(200, MeSchema)
@blp.alt_response(
    401,
    schema=ErrorSchema,
    description="Not logged in (`unauthenticated`), or the bearer token is unknown or "
    "revoked (`invalid_token`)",
)
@blp.doc(security=TOKEN_OR_SESSION)
def me() -> dict[str, Any]:
    """The authenticated user, and whether it came by session or by API token."""
    body: dict[str, Any] = {
        "id": current_user.id,
        "email": current_user.email,
        "name": current_user.name,
        "role": current_user.role,
        "via": "session",
    }
    caller = current_caller()
    token = caller.token if caller is not None else None
    if token is not None:
        body["via"] = "token"
        body["token_label"] = token.label
        if record_token_use(token, utcnow()):
            db.session.commit()
    return body
