"""Addresses: the `<id:…>` converter for row ids, and where a `next` may send a browser."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from werkzeug.routing import IntegerConverter

from eventhub.models_common import MAX_ROW_ID


class RowIdConverter(IntegerConverter):
    """`<id:booth_id>`: a positive integer that fits a row id. A larger one matches no route
    (a 404), instead of overflowing the database's INTEGER (a 500)."""

    def __init__(self, map: object) -> None:
        super().__init__(map, min=1, max=MAX_ROW_ID)


def is_safe_redirect(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no `//` or backslash tricks (browsers
    read a backslash as a slash), no control characters."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def redirect_target(target: str | None, default: str) -> str:
    """`target` if it is a safe place to send the browser, else `default`."""
    return target if is_safe_redirect(target) else default


def init_routing(app: Flask) -> None:
    app.url_map.converters["id"] = RowIdConverter
