"""The app's connections come from SQLAlchemy's pool with its own options: a pooled
connection is tested before use, so a database restart costs no request."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from eventhub.extensions import db
from tests.support.servers import needs_postgres


def test_the_pool_pings_and_recycles_with_sqlalchemys_options(app):
    pool = db.engine.pool
    assert pool._pre_ping is True
    assert pool._recycle == 1800


@needs_postgres
def test_a_connection_the_database_dropped_is_replaced_unseen(app):
    own_pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
    db.session.commit()  # the connection goes back to the pool
    other_process = create_engine(db.engine.url, poolclass=NullPool)
    with other_process.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": own_pid})
        admin.commit()
    other_process.dispose()
    # Without pool_pre_ping this would fail with "server closed the connection".
    assert db.session.execute(text("SELECT pg_backend_pid()")).scalar() != own_pid
