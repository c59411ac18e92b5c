"""Short per-process caches for what every scan reads and an organiser rarely changes.

Each cache keeps a value for the number of seconds its setting says (0: not kept, as in
the tests), so a change made in another worker reaches this one within that time. No
guarantee ever depends on them: those live in the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import current_app

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TimedCache(Generic[K, V]):
    def __init__(self, setting: str, *, keep_none: bool = True, max_entries: int = 10_000) -> None:
        self.setting = setting
        self.keep_none = keep_none
        self.max_entries = max_entries
        self._entries: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K, load: Callable[[], V]) -> V:
        """The value kept for `key`, or `load()` (then kept, unless the setting is 0)."""
        ttl = float(current_app.config.get(self.setting, 0))
        now = time.monotonic()
        if ttl > 0:
            with self._lock:
                cached = self._entries.get(key)
            if cached is not None and now - cached[0] < ttl:
                return cached[1]
        value = load()
        if ttl > 0 and (value is not None or self.keep_none):
            with self._lock:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = (now, value)
        return value

    def refresh(self, key: K, value: V) -> None:
        """Replace the value kept for `key`, if one is kept, without extending its time."""
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                self._entries[key] = (cached[0], value)

    def forget(self, key: K | None = None) -> None:
        """Forget `key`, or everything."""
        with self._lock:
            if key is None:
                self._entries.clear()
            else:
                self._entries.pop(key, None)
