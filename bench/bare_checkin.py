"""The bare check-in endpoint the bench compares EventHub with: token check, one indexed
lookup, one insert, raw driver, no framework. Not part of the application."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from datetime import UTC, datetime

from eventhub.badges.tokens import BadgeTokenError, make_badge_token, read_badge_token

KEY = b"bare-bench-key"
_connection = None


def _connect():
    global _connection
    if _connection is None:
        url = os.environ["DATABASE_URL"]
        if url.startswith("sqlite:///"):
            _connection = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=15)
            _connection.execute("PRAGMA journal_mode=WAL")
            _connection.execute("PRAGMA synchronous=NORMAL")
        else:
            import psycopg

            _connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    return _connection


def _placeholder() -> str:
    return "?" if isinstance(_connect(), sqlite3.Connection) else "%s"


def app(environ, start_response):
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
    try:
        ref = read_badge_token(body["code"], KEY)
    except BadgeTokenError:
        start_response("400 Bad Request", [("Content-Type", "application/json")])
        return [b'{"result": "malformed"}']
    connection = _connect()
    mark = _placeholder()
    row = connection.execute(
        f"SELECT id, first_name FROM registrations WHERE badge_code = {mark}", (ref.code,)
    ).fetchone()
    connection.execute(
        f"INSERT INTO scans (registration_id, gate, scanned_at) VALUES ({mark}, {mark}, {mark})",
        (row[0], body["gate"], datetime.now(UTC).isoformat()),
    )
    connection.commit()
    start_response("201 Created", [("Content-Type", "application/json")])
    return [json.dumps({"result": "admitted", "name": row[1]}).encode()]


def prepare(database_url: str, registrations: int, scans: int) -> tuple[dict[str, str], list[str]]:
    """Create the two tables, seed them, and return the server environment and tokens."""
    env = {**os.environ, "DATABASE_URL": database_url}
    os.environ["DATABASE_URL"] = database_url
    global _connection
    _connection = None
    connection = _connect()
    mark = _placeholder()
    serial = "INTEGER PRIMARY KEY" if mark == "?" else "SERIAL PRIMARY KEY"
    connection.execute(
        f"CREATE TABLE registrations (id {serial}, badge_code BIGINT UNIQUE, first_name TEXT)"
    )
    connection.execute(
        f"CREATE TABLE scans (id {serial}, registration_id INTEGER, gate TEXT, scanned_at TEXT)"
    )
    codes = [secrets.randbits(62) + 1 for _ in range(registrations)]
    rows = [(code, f"Visitor {number}") for number, code in enumerate(codes)]
    statement = f"INSERT INTO registrations (badge_code, first_name) VALUES ({mark}, {mark})"
    if mark == "?":
        connection.executemany(statement, rows)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(statement, rows)
    connection.commit()
    connection.close()
    _connection = None
    return env, [make_badge_token(code, 1, KEY) for code in codes[:scans]]
