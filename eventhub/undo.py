"""Undo offered in a flash message (issue 18, "safe actions"): after a cheap-to-reverse
action the next page's message carries a small POST form (its CSRF token is added when the
message is shown), for example "Registration cancelled. [Reinstate]".

The message is stored in the session as a mapping; templates/_confirm.html flash_message()
draws it. The undo route checks roles, CSRF and the ids itself, as any other route does.
"""

from __future__ import annotations

from typing import Any

from flask import flash, url_for


def flash_with_undo(
    text: str,
    label: str,
    endpoint: str,
    *,
    fields: dict[str, str] | None = None,
    category: str = "success",
    **values: Any,
) -> None:
    """Flash `text` with a button `label` that POSTs `fields` to `url_for(endpoint, **values)`."""
    flash(
        {
            "text": str(text),
            "undo": {
                "action": url_for(endpoint, **values),
                "label": str(label),
                "fields": {name: str(value) for name, value in (fields or {}).items()},
            },
        },
        category,
    )
