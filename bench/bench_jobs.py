"""Jobs on real processes: confirmations sent after an SMTP outage, and a bulk badge job.

Mail: gunicorn (4 sync workers) takes 1,000 registrations through the API while the SMTP
server (aiosmtpd) is down; a Celery worker on Redis tries each confirmation, fails and
retries with back-off. Then the SMTP server comes back on the same port: the time until
every confirmation is delivered, the duplicates (must be 0, counted by Message-ID and by
recipient) and the attempts made.

Bulk badges (when eventhub/work/ has the job): 50,000 confirmed registrations, one bulk
badge job run by one worker (prefork, one pool process): its time, the pool process's
peak resident memory (VmHWM; bar 300 MB) and how often the progress shown moved.

    python bench/bench_jobs.py [--registrations 1000] [--badges 50000] [--quick]
                               [--retry-seconds 2] [--concurrency 2] [--postgres]

Runs on SQLite in a temporary folder (PostgreSQL with --postgres), on Redis database 6 at
127.0.0.1:6379 (skipped, and said so, without Redis).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, Row, create_engine, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.servers import (  # noqa: E402
    app_env,
    flask_command,
    free_port,
    gunicorn,
    post_json,
    postgres_database,
    run_in_app,
)
from devtools.workers import (  # noqa: E402
    SmtpSink,
    Worker,
    celery_worker,
    flush_redis,
    peak_rss_mib,
    redis_problem,
)
from eventhub.config import database_uri  # noqa: E402
from eventhub.work.models import Job  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/6"
POSTGRES_SERVER_URL = os.environ.get(
    "EVENTHUB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SLUG = "bench-jobs"
RSS_BAR_MIB = 300.0
CLIENT_THREADS = 8

SETUP = f"""
from datetime import date, timedelta
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
event = Event(slug="{SLUG}", name="Bench Jobs Expo", kind="expo", status="published",
              venue="V", city="Casablanca", first_day=date.today() + timedelta(days=5),
              last_day=date.today() + timedelta(days=6))
event.categories = [AttendeeCategory(name="Visitor", is_default=True)]
db.session.add(event)
db.session.commit()
result = event.id
"""

# COUNT confirmed registrations inserted in bulk, then one bulk badge job queued.
BULK_JOB = f"""
import secrets
from sqlalchemy import insert, select
from eventhub.extensions import db
from eventhub.badges.tokens import new_badge_code
from eventhub.events.models import Event
from eventhub.registration.models import Registration
from eventhub.work.starts import start_bulk_badges
from eventhub.work.tracking import queue_job
event = db.session.scalar(select(Event).where(Event.slug == "{SLUG}"))
category_id = event.categories[0].id
rows = []
for number in range(COUNT):
    rows.append(dict(event_id=event.id, category_id=category_id, email=f"b{{number}}@bench.test",
                     first_name="Badge", last_name=str(number), organization="Bench",
                     status="confirmed", source="demo", manage_token=secrets.token_urlsafe(32),
                     badge_code=new_badge_code(), badge_version=1, language="fr",
                     job_title="", country="MA"))
    if len(rows) == 5000:
        db.session.execute(insert(Registration), rows)
        rows = []
if rows:
    db.session.execute(insert(Registration), rows)
db.session.commit()
job = start_bulk_badges(event, None, user_id=None, language="en")
db.session.commit()
queue_job(job.id)
result = job.id
"""


@dataclass
class MailFigures:
    registrations: int
    arrival_seconds: float
    down_seconds: float
    deliver_seconds: float
    received: int
    duplicate_ids: int
    duplicate_recipients: int
    sent_rows: int
    attempts: int
    max_attempts: int


@dataclass
class BadgeFigures:
    badges: int
    seconds: float
    peak_rss_mib: float
    progress_moves: int
    status: str


def wait_for(condition: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"Bench failed: {what} not within {timeout:.0f}s")
        time.sleep(0.2)


def mail_counts(engine: Engine) -> tuple[Counter, int, int, int]:
    """The messages by status, and the attempts: in all, the most at one message, and the
    messages tried at least once."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT status, attempts FROM mail_messages")).all()
    attempts = [row.attempts for row in rows]
    tried = sum(1 for count in attempts if count >= 1)
    return Counter(row.status for row in rows), sum(attempts), max(attempts, default=0), tried


def register_all(base_url: str, count: int) -> None:
    url = f"{base_url}/api/v1/events/{SLUG}/registrations"

    def one(number: int) -> int:
        body = {
            "first_name": "Nadia",
            "last_name": f"Bench {number}",
            "email": f"n{number}@example.com",
            "country": "MA",
        }
        return post_json(url, body)[0]

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        statuses = Counter(pool.map(one, range(count)))
    if statuses != {201: count}:
        raise SystemExit(f"Bench failed: registrations answered {dict(statuses)}")


def bench_mail(env: dict[str, str], engine: Engine, smtp: SmtpSink, count: int) -> MailFigures:
    with gunicorn(env, workers=4) as base_url:
        smtp.stop()
        down_since = time.monotonic()
        register_all(base_url, count)
        arrival = time.monotonic() - down_since
    wait_for(lambda: mail_counts(engine)[3] == count, "a first attempt at every message", 300)
    back = time.monotonic()
    smtp.start()
    wait_for(lambda: mail_counts(engine)[0] == {"sent": count}, "every message sent", 1800)
    delivered = time.monotonic() - back
    time.sleep(3)  # a late duplicate would arrive now
    statuses, attempts, most, _tried = mail_counts(engine)
    ids = Counter(smtp.message_ids())
    recipients = Counter(smtp.recipients())
    return MailFigures(
        registrations=count,
        arrival_seconds=arrival,
        down_seconds=back - down_since,
        deliver_seconds=delivered,
        received=len(smtp.received),
        duplicate_ids=sum(n - 1 for n in ids.values()),
        duplicate_recipients=sum(n - 1 for n in recipients.values()),
        sent_rows=statuses["sent"],
        attempts=attempts,
        max_attempts=most,
    )


def pool_process(worker: Worker) -> int:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    if len(children) != 1:
        raise SystemExit(f"Bench failed: expected one pool process, found {children}")
    return int(children[0])


def job_state(engine: Engine, job_id: int) -> Row:
    with engine.connect() as connection:
        return connection.execute(select(Job).where(Job.id == job_id)).one()


def bench_badges(env: dict[str, str], engine: Engine, tmp: Path, count: int) -> BadgeFigures:
    with celery_worker(env, tmp / "badge-worker.log", concurrency=1, name="badges") as worker:
        child = pool_process(worker)
        job_id = run_in_app(env, BULK_JOB.replace("COUNT", str(count)), timeout=1800)
        deadline = time.monotonic() + 3600
        seen: list[int] = []
        job = job_state(engine, job_id)
        while job.status in ("queued", "running"):
            if time.monotonic() > deadline:
                raise SystemExit("Bench failed: the bulk badge job ran more than an hour")
            if not seen or seen[-1] != job.done:
                seen.append(job.done)
            time.sleep(0.1)
            job = job_state(engine, job_id)
        peak = peak_rss_mib(child)
    seconds = (job.finished_at - job.started_at).total_seconds()
    return BadgeFigures(count, seconds, peak, len(seen) - 1, job.status)


@contextmanager
def bench_database(args: argparse.Namespace, tmp: Path) -> Iterator[str]:
    if args.postgres:
        with postgres_database(POSTGRES_SERVER_URL, "bench_jobs") as url:
            yield url
    else:
        yield f"sqlite:///{tmp / 'bench-jobs.sqlite3'}"


def run(args: argparse.Namespace, tmp: Path) -> tuple[MailFigures, BadgeFigures | None]:
    smtp = SmtpSink(free_port()).start()
    with bench_database(args, tmp) as database_url:
        env = app_env(
            database_url,
            REDIS_URL=REDIS_URL,
            EVENTHUB_JOBS_EAGER="false",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(smtp.port),
            EVENTHUB_MAIL_RETRY_SECONDS=str(args.retry_seconds),
            EVENTHUB_OUTBOX=str(tmp / "outbox"),
            EVENTHUB_INSTANCE_PATH=str(tmp / "instance"),
            EVENTHUB_REGISTRATION_RATE_LIMIT="100000 per minute",
        )
        flask_command(env, "db", "upgrade")
        run_in_app(env, SETUP)
        engine = create_engine(database_uri(database_url, Path(".")))
        try:
            log = tmp / "mail-worker.log"
            with celery_worker(env, log, concurrency=args.concurrency, name="mail"):
                mail = bench_mail(env, engine, smtp, args.registrations)
            badges = None
            if has_bulk_badge_job() and args.badges > 0:
                badges = bench_badges(env, engine, tmp, args.badges)
        finally:
            engine.dispose()
            smtp.stop()
    return mail, badges


def has_bulk_badge_job() -> bool:
    return importlib.util.find_spec("eventhub.work.tasks") is not None


def print_mail(figures: MailFigures, args: argparse.Namespace) -> None:
    print()
    print(
        f"Mail: {figures.registrations:,} registrations through gunicorn (4 workers) with the "
        f"SMTP server down; one Celery worker (prefork, {args.concurrency} processes) on "
        f"Redis; retries after {args.retry_seconds} s, doubling"
    )
    rows = [
        ("registrations taken (SMTP down)", f"{figures.arrival_seconds:.1f} s"),
        ("SMTP down in all", f"{figures.down_seconds:.1f} s"),
        ("SMTP back -> all delivered", f"{figures.deliver_seconds:.1f} s"),
        ("messages received", f"{figures.received:,}"),
        ("rows sent", f"{figures.sent_rows:,}"),
        ("duplicates by Message-ID", f"{figures.duplicate_ids}"),
        ("duplicates by recipient", f"{figures.duplicate_recipients}"),
        ("attempts in all", f"{figures.attempts:,}"),
        ("attempts per message", f"{figures.attempts / figures.registrations:.1f} mean"),
        ("most attempts at one message", f"{figures.max_attempts}"),
    ]
    for name, value in rows:
        print(f"  {name:<32} {value:>12}")
    clean = figures.duplicate_ids == figures.duplicate_recipients == 0
    exact = figures.received == figures.sent_rows == figures.registrations
    print(f"  verdict: {'exactly once' if clean and exact else 'NOT EXACTLY ONCE'}")


def print_badges(figures: BadgeFigures | None, args: argparse.Namespace) -> None:
    print()
    if figures is None:
        print("Bulk badges: skipped (no bulk badge job in eventhub/work/, or --badges 0).")
        return
    print(f"Bulk badges: one job of {figures.badges:,} badges, one worker, one pool process")
    rate = figures.badges / figures.seconds if figures.seconds else 0.0
    rows = [
        ("job status", figures.status),
        ("time (started -> finished)", f"{figures.seconds:.1f} s"),
        ("badges per second", f"{rate:.0f}"),
        ("pool process peak RSS", f"{figures.peak_rss_mib:.0f} MiB"),
        ("progress moves seen", f"{figures.progress_moves}"),
    ]
    for name, value in rows:
        print(f"  {name:<32} {value:>12}")
    ok = figures.status == "done" and figures.peak_rss_mib < RSS_BAR_MIB
    print(f"  verdict: {'under' if ok else 'NOT UNDER'} the {RSS_BAR_MIB:.0f} MB bar")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=1_000)
    parser.add_argument("--badges", type=int, default=50_000)
    parser.add_argument("--retry-seconds", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--quick", action="store_true", help="200 registrations and 2,000 badges")
    args = parser.parse_args()
    if args.quick:
        args.registrations, args.badges = min(args.registrations, 200), min(args.badges, 2_000)
    problem = redis_problem(REDIS_URL)
    if problem is not None:
        print(f"Jobs bench skipped: it needs Redis at 127.0.0.1:6379 ({problem}).")
        return
    flush_redis(REDIS_URL)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            mail, badges = run(args, Path(tmp))
    finally:
        flush_redis(REDIS_URL)
    print_mail(mail, args)
    print_badges(badges, args)


if __name__ == "__main__":
    main()
