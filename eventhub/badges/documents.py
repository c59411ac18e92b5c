"""From registrations to badge PDFs: the app's side of badges/render.py."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import BinaryIO

import qrcode
from flask import Flask
from flask_babel import force_locale
from qrcode.image.svg import SvgPathImage
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from eventhub.badges.render import BadgeData, render_badge, write_badges
from eventhub.badges.signing import badge_token
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.registration.models import Registration
from eventhub.templating import event_dates

BULK_BATCH_SIZE = 500


def badge_data(registration: Registration, event: Event | None = None) -> BadgeData:
    event = event or registration.event
    with force_locale(registration.language or "fr"):
        dates = event_dates(event)
    return BadgeData(
        full_name=registration.full_name,
        organization=registration.organization,
        job_title=registration.job_title,
        category_name=registration.category.name,
        category_colour=registration.category.colour,
        event_name=event.name,
        event_dates=dates,
        venue=f"{event.venue}, {event.city}",
        registration_number=registration.number,
        token=badge_token(registration),
        language=registration.language or "fr",
    )


def badge_pdf(registration: Registration) -> bytes:
    return render_badge(badge_data(registration))


def badge_qr_svg(registration: Registration) -> str:
    """The badge's QR code as SVG, for the attendee's page."""
    image = qrcode.make(
        badge_token(registration), image_factory=SvgPathImage, box_size=10, border=2
    )
    return image.to_string(encoding="unicode")


def select_badge_holders(event: Event, category: AttendeeCategory | None = None):
    """Confirmed registrations of an event (or one category), in a stable order."""
    query = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .options(joinedload(Registration.category))
        .order_by(Registration.last_name, Registration.first_name, Registration.id)
    )
    if category is not None:
        query = query.where(Registration.category_id == category.id)
    return query


def iter_badge_data(event: Event, category: AttendeeCategory | None = None) -> Iterator[BadgeData]:
    """Badge data streamed in batches: memory stays flat however many badges there are."""
    result = db.session.execute(
        select_badge_holders(event, category).execution_options(yield_per=BULK_BATCH_SIZE)
    )
    for registration in result.scalars():
        yield badge_data(registration, event)


def write_event_badges(
    event: Event,
    out: BinaryIO,
    category: AttendeeCategory | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    return write_badges(iter_badge_data(event, category), out, progress=progress)


def badge_filename(event: Event, category: AttendeeCategory | None = None) -> str:
    suffix = f"-{category.name.lower().replace(' ', '-')}" if category else ""
    return f"badges-{event.slug}{suffix}.pdf"


def count_badge_holders(event: Event, category: AttendeeCategory | None = None) -> int:
    subquery = select_badge_holders(event, category).subquery()
    return db.session.scalar(select(func.count()).select_from(subquery)) or 0


class _StreamClosed(Exception):
    """The reader went away (the browser closed the download)."""


class _QueueWriter:
    """A write-only file whose bytes are handed, in chunks, to another thread."""

    CHUNK = 64 * 1024

    def __init__(self, chunks: queue.Queue[bytes | None], stop: threading.Event) -> None:
        self._chunks = chunks
        self._stop = stop
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= self.CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if not self._buffer:
            return
        while True:
            if self._stop.is_set():
                raise _StreamClosed
            try:
                self._chunks.put(bytes(self._buffer), timeout=1)
                break
            except queue.Full:
                continue
        self._buffer.clear()


def stream_event_badges(
    app: Flask, event_id: int, category_id: int | None = None
) -> Iterator[bytes]:
    """The bulk PDF as an iterator of chunks, drawn in a worker thread as it is sent.

    Memory stays bounded (a few chunks in flight) and the first bytes leave at once,
    however many badges there are; if the download is abandoned, drawing stops.
    """
    chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
    stop = threading.Event()

    def produce() -> None:
        with app.app_context():
            try:
                event = db.session.get(Event, event_id)
                category = db.session.get(AttendeeCategory, category_id) if category_id else None
                writer = _QueueWriter(chunks, stop)
                write_event_badges(event, writer, category)
                writer.flush()
            except _StreamClosed:
                pass
            except Exception:
                app.logger.exception("bulk badge PDF of event %s failed", event_id)
            finally:
                db.session.remove()
                chunks.put(None)

    worker = threading.Thread(target=produce, name=f"badges-{event_id}", daemon=True)
    worker.start()
    try:
        while (chunk := chunks.get()) is not None:
            yield chunk
    finally:
        stop.set()
