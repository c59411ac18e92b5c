"""Reading the booth pages in the HTTP tests."""

from __future__ import annotations

import re
from typing import Any

SLUG = "booth-expo"  # the `expo` fixture's


def page_of(response: Any) -> str:
    return response.get_data(as_text=True)


def flashes(response: Any) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page_of(response), re.S)
