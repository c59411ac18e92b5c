"""Real servers for the booking bench: a PostgreSQL database of its own, gunicorn workers on
it, and JSON requests. (What bench_booking.py needs; the tests have their own helpers in
tests/support/servers.py, which benches do not import.)"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import requests
from flask import Flask

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def admin_connect(url: str) -> psycopg.Connection:
    """A connection outside any transaction, for CREATE and DROP DATABASE."""
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def app_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a production app on `database_url`, plus `settings`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EVENTHUB_")}
    env.update(
        {
            "EVENTHUB_ENV": "production",
            "SECRET_KEY": "bench-server-secret-" + database_url[-12:],
            "DATABASE_URL": database_url,
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(settings)
    return env


def flask_command(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "eventhub", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def run_in_app(env: dict[str, str], code: str, timeout: float = 120) -> Any:
    """Run `code` inside an app context of that database; it sets `result` (JSON-able)."""
    script = (
        "import json\nfrom eventhub import create_app\napp = create_app()\n"
        "with app.app_context():\n"
        + "".join(f"    {line}\n" for line in code.strip().splitlines())
        + "    print('RESULT=' + json.dumps(result))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"script failed:\n{completed.stdout}\n{completed.stderr}")
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT="))
    return json.loads(line.removeprefix("RESULT="))


def serving(app: Flask) -> Flask:
    """For an app factory that gunicorn calls in each worker: leaves a file named after the
    worker's pid in GUNICORN_READY_DIR, so that `gunicorn` can wait for every worker."""
    ready_dir = os.environ.get("GUNICORN_READY_DIR")
    if ready_dir:
        Path(ready_dir, str(os.getpid())).touch()
    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], app: str, workers: int = 4, timeout: float = 60) -> Iterator[str]:
    """gunicorn serving `app` (a factory that returns through `serving`) with `workers`
    workers on a free port; yields the base URL once every worker has loaded the app."""
    port = _free_port()
    ready_dir = Path(tempfile.mkdtemp(prefix="gunicorn-ready-"))
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT,
        env={**env, "GUNICORN_READY_DIR": str(ready_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while len(list(ready_dir.iterdir())) < workers:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{process.stdout.read()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"not all {workers} gunicorn workers started in time")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        shutil.rmtree(ready_dir, ignore_errors=True)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def post_json(
    url: str, payload: dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """POST `payload` as JSON; the status and the JSON body answered."""
    response = requests.post(url, json=payload, headers=headers, timeout=60)
    return response.status_code, response.json() if response.content else None
