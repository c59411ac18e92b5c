"""Addresses: the `<id:…>` converter for row ids, where a `next` may send a browser, and
the absolute links that leave the site."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, current_app
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


def public_url(endpoint: str, *, _anchor: str | None = None, **values: Any) -> str:
    """The absolute address of `endpoint` for links that leave the site (e-mails, API
    answers), always on PUBLIC_BASE_URL: never on the Host a request claims to be for."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    values = {name: value for name, value in values.items() if value is not None}
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{quote(_anchor)}" if _anchor else url


def init_routing(app: Flask) -> None:
    app.url_map.converters["id"] = RowIdConverter
