"""The booths blueprint, on which every audience's module registers its pages, and the
little its views share."""

from __future__ import annotations

from flask import Blueprint, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.profiles.models import Startup
from eventhub.routing import redirect_target

bp = Blueprint("booths", __name__)


def back_to(default: str) -> str:
    """Where a form's `next` asks to go back to, if it is a page of this site."""
    return redirect_target(request.form.get("next"), default)


def current_startup() -> Startup | None:
    """The signed-in account's startup; None, with a message saying so, if it has none."""
    startup = current_user.startup
    if startup is None:
        flash(_("Your account is not linked to a startup yet. Ask the organisers."), "error")
    return startup
