"""The registration blueprint, on which the public and the organiser pages register."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("registration", __name__)
