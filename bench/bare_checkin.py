"""The bare check-in route bench_checkin.py compares EventHub's with: Flask and
Flask-SQLAlchemy doing only the essential work of a scan (the HMAC check of the code, one
indexed select, one ORM insert, commit), served by gunicorn as
`bench.bare_checkin:create_app()`. Not part of the application."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from secrets import randbits

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import BigInteger, String, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.badges.tokens import BadgeTokenError, make_badge_token, read_badge_token
from eventhub.config import database_uri

KEY = b"bare-bench-key"
db = SQLAlchemy()


class BareRegistration(db.Model):
    __tablename__ = "bare_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_code: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str] = mapped_column(String(80))


class BareScan(db.Model):
    __tablename__ = "bare_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int]
    gate: Mapped[str] = mapped_column(String(60))
    scanned_at: Mapped[datetime]


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(os.environ["DATABASE_URL"], Path("."))
    db.init_app(app)

    @app.post("/scan")
    def scan():
        body = request.get_json()
        try:
            ref = read_badge_token(body["code"], KEY)
        except BadgeTokenError:
            return {"result": "malformed"}, 400
        holder = db.session.execute(
            select(BareRegistration.id, BareRegistration.first_name).where(
                BareRegistration.badge_code == ref.code
            )
        ).one()
        db.session.add(
            BareScan(registration_id=holder.id, gate=body["gate"], scanned_at=datetime.now(UTC))
        )
        db.session.commit()
        return {"result": "admitted", "name": holder.first_name}, 201

    return app


def prepare(registrations: int, scans: int) -> list[str]:
    """Create and fill the bare tables on DATABASE_URL; the codes of the first `scans`."""
    app = create_app()
    codes = [randbits(62) + 1 for _ in range(registrations)]
    with app.app_context():
        db.drop_all()
        db.create_all()
        rows = [{"badge_code": code, "first_name": f"Visitor {n}"} for n, code in enumerate(codes)]
        db.session.execute(insert(BareRegistration), rows)
        db.session.commit()
        db.engine.dispose()
    return [make_badge_token(code, 1, KEY) for code in codes[:scans]]
