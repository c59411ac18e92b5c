"""Real servers for the tests and the benches: a PostgreSQL database of its own, gunicorn
workers on it, commands and scripts in the app's context, and JSON requests."""

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

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_connect(url: str) -> psycopg.Connection:
    """A connection outside any transaction, for CREATE and DROP DATABASE."""
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


@contextmanager
def postgres_database(server_url: str, name: str) -> Iterator[str]:
    """A fresh database `name` on the server of `server_url`, dropped afterwards. Yields
    its URL."""
    with admin_connect(server_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server_url.rpartition('/')[0]}/{name}"
    finally:
        with admin_connect(server_url) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a production app on `database_url`, plus `settings`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EVENTHUB_")}
    env.update(
        {
            "EVENTHUB_ENV": "production",
            "SECRET_KEY": "server-secret-" + database_url[-12:],
            "DATABASE_URL": database_url,
            # Servers started here answer on 127.0.0.1, whatever their port.
            "EVENTHUB_PUBLIC_BASE_URL": "http://127.0.0.1",
            "PYTHONPATH": str(ROOT),
            # Jobs run in the process that queues them, unless `settings` give a broker,
            # and their files go to an instance folder of its own: a server started for a
            # test or a bench must not write into the developer's instance/.
            "EVENTHUB_JOBS_EAGER": "true",
            "EVENTHUB_INSTANCE_PATH": tempfile.mkdtemp(prefix="eventhub-instance-"),
        }
    )
    env.update(settings)
    return env


def _run(command: list[str], env: dict[str, str], timeout: float, what: str) -> str:
    """`command`'s output; AssertionError with all it printed if it fails."""
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"{what} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def flask_command(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    command = [str(BIN / "flask"), "--app", "eventhub", *args]
    return _run(command, env, timeout, f"flask {' '.join(args)}")


def run_in_app(env: dict[str, str], code: str, timeout: float = 120) -> Any:
    """Run `code` inside an app context of that database; it sets `result` (JSON-able)."""
    script = (
        "import json\nfrom eventhub import create_app\napp = create_app()\n"
        "with app.app_context():\n"
        + "".join(f"    {line}\n" for line in code.strip().splitlines())
        + "    print('RESULT=' + json.dumps(result))\n"
    )
    output = _run([sys.executable, "-c", script], env, timeout, "script")
    line = next(x for x in output.splitlines() if x.startswith("RESULT="))
    return json.loads(line.removeprefix("RESULT="))


@contextmanager
def gunicorn(
    env: dict[str, str], workers: int = 4, timeout: float = 60, app: str = "eventhub:create_app()"
) -> Iterator[str]:
    """gunicorn serving `app` with `workers` sync workers on a free port; yields the base
    URL once it answers and every worker has loaded the app."""
    port = free_port()
    ready_dir = Path(tempfile.mkdtemp(prefix="gunicorn-ready-"))
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--config",
            "python:devtools.gunicorn_ready",
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
        while len(list(ready_dir.iterdir())) < workers:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{process.stdout.read()}")
            if time.monotonic() > deadline:
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
    """POST `payload` as JSON; the status and the JSON body answered."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
