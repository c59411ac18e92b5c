"""gunicorn configuration for the servers of the tests and benches: each worker, once it
has loaded the app, leaves a file named after its pid in GUNICORN_READY_DIR, so that a test
or a bench can wait for all of them (a race needs several workers really serving, not one
while the others still boot)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def post_worker_init(worker: Any) -> None:
    ready_dir = os.environ.get("GUNICORN_READY_DIR")
    if ready_dir:
        Path(ready_dir, str(worker.pid)).touch()
