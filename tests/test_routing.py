"""Addresses: row ids in routes, and where a `next` parameter may send the browser."""

from __future__ import annotations

import pytest
from flask import Flask

from eventhub.models_common import MAX_ROW_ID
from eventhub.routing import is_safe_redirect, redirect_target


@pytest.mark.parametrize(
    "target",
    ["/", "/organiser/", "/events/expo?page=2", "/r/abc#badge"],
)
def test_paths_on_this_site_are_safe(target):
    assert is_safe_redirect(target)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/a\\b",
        "javascript:alert(1)",
        "evil.example",
        "/\r\nSet-Cookie: x=1",
        "/\tx",
        "/\t/evil.example/",  # issue 20, finding 6: what the booth pages let through
    ],
)
def test_anything_else_is_not(target):
    assert not is_safe_redirect(target)
    assert redirect_target(target, "/home") == "/home"


def test_row_id_converter_bounds_ids_to_the_database_integer(app: Flask):
    adapter = app.url_map.bind("localhost")
    endpoint, values = adapter.match(f"/startups/{MAX_ROW_ID}")
    assert values == {"startup_id": MAX_ROW_ID}
    for too_large_or_not_an_id in (str(MAX_ROW_ID + 1), "0", "-1", "1.5", "x"):
        with pytest.raises(Exception, match="404"):
            adapter.match(f"/startups/{too_large_or_not_an_id}")
    assert endpoint == "profiles.startup_page"
