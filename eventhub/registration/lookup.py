"""Finding a registration by the private token of its address."""

from __future__ import annotations

from flask import abort

from eventhub.registration.models import Registration
from eventhub.registration.register import find_by_manage_token


def registration_or_404(token: str) -> Registration:
    registration = find_by_manage_token(token)
    if registration is None:
        abort(404)
    return registration
