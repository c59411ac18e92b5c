"""Real job machinery for the tests and the benches: a Celery worker process on a broker of
the test's own, a Redis database that must answer, and an SMTP server (aiosmtpd) that can
be stopped and started again on the same port."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import redis
from aiosmtpd.controller import Controller

from devtools.servers import BIN, ROOT

READY_LINE = " ready."


@dataclass
class Worker:
    """A running `celery -A eventhub.jobs worker`: the leader of its own process group."""

    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes at once: a machine lost mid-task."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        """A warm shutdown (SIGTERM), as a deployment does; SIGKILL if it takes too long."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def worker_command(concurrency: int, pool: str, name: str) -> list[str]:
    return [
        str(BIN / "celery"),
        "-A",
        "eventhub.jobs",
        "worker",
        "--loglevel",
        "INFO",
        "--pool",
        pool,
        "--concurrency",
        str(concurrency),
        "--hostname",
        f"{name}@%h",
        # One worker of a test's own: nobody to sync with or to gossip to.
        "--without-mingle",
        "--without-gossip",
    ]


@contextmanager
def celery_worker(
    env: dict[str, str],
    log_path: Path,
    *,
    concurrency: int = 2,
    pool: str = "prefork",
    name: str = "test-worker",
    timeout: float = 60,
) -> Iterator[Worker]:
    """A Celery worker process with `env` (see devtools.servers.app_env), its output in
    `log_path`; yields once it says it is ready, stops it afterwards."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            worker_command(concurrency, pool, name),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(process, log_path)
    try:
        wait_until_ready(worker, timeout)
        yield worker
    finally:
        worker.stop()


def wait_until_ready(worker: Worker, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while READY_LINE not in worker.log():
        if worker.process.poll() is not None:
            raise AssertionError(f"the worker exited:\n{worker.log()}")
        if time.monotonic() > deadline:
            worker.kill()
            raise AssertionError(f"the worker was not ready in {timeout}s:\n{worker.log()}")
        time.sleep(0.1)


def peak_rss_mib(pid: int) -> float:
    """The peak resident memory of process `pid` so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"no VmHWM for process {pid}")


def redis_problem(url: str) -> str | None:
    """Why Redis at `url` cannot be used, or None when it answers."""
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        return f"Redis at {url} does not answer ({error})"
    finally:
        client.close()
    return None


def flush_redis(url: str) -> None:
    """Empty the Redis database of `url` (a database number of the test's or bench's own)."""
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class SmtpSink:
    """An SMTP server on 127.0.0.1:`port` keeping what it receives; `stop()` and `start()`
    take it down and bring it back on the same port."""

    port: int
    received: list[Received] = field(default_factory=list)
    _controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Message accepted for delivery"

    def start(self) -> SmtpSink:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        return [str(item.message()["Message-ID"]) for item in self.received]

    def recipients(self) -> list[str]:
        return [address for item in self.received for address in item.recipients]
