"""JSON bodies the app cannot take — nested deeper than anyone sends, or so deep that the
parser gives up — are a plain 400 `malformed_json` like any other unreadable JSON, never a
RecursionError (a 500 and a traceback). Both readers of bodies are covered: Flask's
`request.get_json()` (the JSON provider) and webargs, which flask-smorest's `@arguments` use.
"""

from __future__ import annotations

import json
from typing import Any

import flask
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

MAX_JSON_DEPTH = 32  # arrays and objects inside one another; the API's own bodies use 3
# The "document" of the decoding error: not empty, which webargs would read as "no body".
TOO_DEEP = "(nested too deep)"


def check_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> Any:
    """`value` itself if its arrays and objects nest at most `limit` deep, else ValueError."""
    level = [value]
    for _depth in range(limit + 1):
        level = [
            child
            for item in level
            if isinstance(item, (list, dict))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return value
    raise ValueError(f"JSON nested more than {limit} deep")


def load_bounded(text: str | bytes) -> Any:
    """json.loads that refuses, with a JSONDecodeError, what is nested too deep."""
    try:
        value = json.loads(text)
    except RecursionError as error:
        raise json.JSONDecodeError("JSON nested too deep to read", TOO_DEEP, 0) from error
    try:
        return check_depth(value)
    except ValueError as error:
        raise json.JSONDecodeError(str(error), TOO_DEEP, 0) from error


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading bodies with `load_bounded`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return load_bounded(s) if not kwargs else super().loads(s, **kwargs)


class BoundedFlaskParser(FlaskParser):
    """webargs' Flask parser, reading JSON bodies with `load_bounded`."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        return load_bounded(req.get_data(cache=True))
