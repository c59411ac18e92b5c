"""Jobs: helpers to make jobs in any state, and an app whose job files go to a temporary
instance folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.work import tracking
from eventhub.work.models import Job


@pytest.fixture(autouse=True)
def jobs_instance(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Each test writes its job files to a folder of its own."""
    before = app.instance_path
    app.instance_path = str(tmp_path / "instance")
    yield Path(app.instance_path) / tracking.JOBS_FOLDER
    app.instance_path = before


@pytest.fixture
def make_job(app: Flask) -> Callable[..., Job]:
    """make_job(event=None, kind="export", status="queued", **columns) → a committed Job;
    a done job gets a small result file unless `file=False`."""

    def make(event: Any = None, kind: str = "export", status: str = "queued", **values: Any) -> Job:
        with_file = values.pop("file", True)
        job = tracking.create_job(
            kind,
            event_id=event.id if event is not None else None,
            requested_by_id=None,
            params=values.pop("params", {"table": "registrations", "fmt": "csv", "filters": {}}),
        )
        job.status = status
        for name, value in values.items():
            setattr(job, name, value)
        if status == "done" and with_file:
            with tracking.result_file(job.id, ".csv") as out:
                out.write(b"a,b\r\n1,2\r\n")
            job.file_path = tracking.result_path(job.id, ".csv")
            job.file_name = job.file_name or "registrations-x.csv"
            job.mimetype = job.mimetype or "text/csv; charset=utf-8"
            job.finished_at = utcnow()
            job.expires_at = values.get("expires_at", utcnow() + timedelta(hours=24))
        db.session.commit()
        return job

    return make


def reload(job: Job) -> Job:
    db.session.expire_all()
    fresh = db.session.get(Job, job.id)
    assert fresh is not None
    return fresh
