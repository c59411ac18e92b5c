"""Times on pages are shown to the minute, never with seconds, in every language."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from eventhub.templating import datetime_to_minute, event_datetime

MOMENT = datetime(2026, 12, 6, 13, 5, 42, tzinfo=UTC)  # 14:05:42 in Casablanca (UTC+1)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Dec 6, 2026, 2:05\u202fPM"),
        ("fr", "6 déc. 2026, 14:05"),
        ("ar", "06\u200f/12\u200f/2026، 2:05 م"),
    ],
)
def test_event_datetime_stops_at_the_minute(app, make_event, language, expected):
    event = make_event()
    with app.test_request_context(), force_locale(language):
        shown = event_datetime(MOMENT, event)
        assert shown == expected  # the event's time zone, no ":42"
        assert shown == datetime_to_minute(MOMENT.astimezone(event.tz).replace(tzinfo=None))
        assert event_datetime(MOMENT, event, "short").count(":") == 1


def test_no_template_or_script_asks_for_seconds():
    root = Path(__file__).resolve().parent.parent
    for template in (root / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "%S" not in text, template
        assert "'HH:mm:ss'" not in text, template
    for script in (root / "static" / "js").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"toLocaleTimeString\(\s*lang\s*\)", text), script
        assert not re.search(r"toLocaleString\(\s*\w*\s*\)", text), script
