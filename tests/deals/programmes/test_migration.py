"""Migration 0017 fills the programmes table from the names startups hold, and goes back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import text

from eventhub import create_app
from eventhub.extensions import db
from tests.test_migrations import (  # noqa: F401 (_keep_logging: an autouse fixture)
    POSTGRES_URL,
    _keep_logging,
    postgres_database,
    schema_differences,
)

NAMES = ("Accelerate", "DigitAgri", " DigitAgri ", "accelerate", "", "Boost up Lab", "DigitAgri")


def check_programmes_are_filled(database_uri: str) -> None:
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        try:
            flask_migrate.upgrade(revision="0016")
            for number, programme in enumerate(NAMES):
                db.session.execute(
                    text(
                        "INSERT INTO startups (name, sector, stage, programme, city_site, "
                        "website, pitch, created_at) VALUES (:name, 'ai', 'seed', :programme, "
                        "'', '', '', :at)"
                    ),
                    {"name": f"S{number}", "programme": programme, "at": datetime.now(UTC)},
                )
            db.session.commit()
            flask_migrate.upgrade()
            rows = db.session.execute(
                text("SELECT name, description, translations FROM programmes ORDER BY name")
            ).all()
            # One per name whatever its spaces or case; none for startups without one.
            assert [row[0] for row in rows] == ["Accelerate", "Boost up Lab", "DigitAgri"]
            assert schema_differences() == []
            db.session.commit()
            flask_migrate.downgrade(revision="0016")
            kept = db.session.execute(text("SELECT count(*) FROM startups")).scalar()
            assert kept == len(NAMES)
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()


def test_sqlite_programmes_are_filled(tmp_path: Path):
    check_programmes_are_filled(f"sqlite:///{tmp_path / 'programmes.sqlite3'}")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="EVENTHUB_TEST_DATABASE_URL is not set")
def test_postgresql_programmes_are_filled():
    with postgres_database() as uri:
        check_programmes_are_filled(uri)
