"""Real servers for tests: a dedicated PostgreSQL database, gunicorn workers on it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("EVENTHUB_TEST_DATABASE_URL")

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="needs PostgreSQL: set EVENTHUB_TEST_DATABASE_URL"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_connect(url: str) -> Any:
    import psycopg

    base = url.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(base, autocommit=True)


@contextmanager
def dedicated_postgres_database(suffix: str) -> Iterator[str]:
    """A fresh database next to the test one, dropped afterwards. Yields its URL."""
    assert POSTGRES_URL
    base, _, name = POSTGRES_URL.rpartition("/")
    name = name.split("?")[0]
    database = f"{name}_{suffix}"
    with _admin_connect(POSTGRES_URL) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    try:
        yield f"{base}/{database}"
    finally:
        with _admin_connect(POSTGRES_URL) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def app_env(database_url: str, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EVENTHUB_")}
    env.update(
        {
            "EVENTHUB_ENV": "production",
            "SECRET_KEY": "test-server-secret-" + database_url[-12:],
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
        raise AssertionError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
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
        raise AssertionError(f"script failed:\n{completed.stdout}\n{completed.stderr}")
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT="))
    return json.loads(line.removeprefix("RESULT="))


@contextmanager
def gunicorn(
    env: dict[str, str], workers: int = 4, timeout: float = 60, app: str = "eventhub:create_app()"
) -> Iterator[str]:
    """gunicorn with `workers` workers on a free port, every one of them serving; yields the
    base URL."""
    port = free_port()
    ready_dir = Path(tempfile.mkdtemp(prefix="gunicorn-ready-"))
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--config",
            "python:tests.support.gunicorn_ready",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            app,
        ],
        cwd=ROOT,
        env={**env, "GUNICORN_READY_DIR": str(ready_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{process.stdout.read()}")
            try:
                with urllib.request.urlopen(base_url + "/api/v1/events", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # it answers
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise AssertionError("gunicorn did not answer in time") from None
                time.sleep(0.2)
        while len(list(ready_dir.iterdir())) < workers:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"not all {workers} gunicorn workers started in time")
            time.sleep(0.1)
        yield base_url
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
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
