"""The meetings blueprint, whose routes the audience modules of this package register."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("meetings", __name__)
