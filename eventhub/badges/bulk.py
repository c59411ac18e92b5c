"""Bulk badge runs: one PDF when the run fits one part, else a ZIP of numbered part PDFs.

reportlab's canvas holds a document's pages until it saves, so a run is drawn one part
(at most PART_SIZE badges, one canvas) at a time, and each part leaves as soon as it is
saved: memory stays bounded by one part however many badges there are. The format is
known before the first byte (the file name and content type depend on it): the run reads
its first PART_SIZE + 1 badges ahead.

Plain data in, bytes out: no Flask, no database.
"""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from eventhub.badges.render import BadgeData, BadgeRenderError, Progress, render_pdf

PART_SIZE = 2_000


class BadgeRun:
    """The badges of one bulk run, drawn part by part as they are read."""

    def __init__(self, badges: Iterable[BadgeData], name: str) -> None:
        """``name`` is the file name without its suffix (ASCII, no quotes)."""
        self.part_size = PART_SIZE
        self._badges = iter(badges)
        self._ahead = list(itertools.islice(self._badges, self.part_size + 1))
        if not self._ahead:
            raise BadgeRenderError(_l("There is no badge to print."), "no_badges")
        self.name = name
        self.is_archive = len(self._ahead) > self.part_size
        self.count = 0  # badges drawn so far

    @property
    def filename(self) -> str:
        return f"{self.name}.zip" if self.is_archive else f"{self.name}.pdf"

    @property
    def mimetype(self) -> str:
        return "application/zip" if self.is_archive else "application/pdf"

    def parts(self) -> Iterator[list[BadgeData]]:
        """The badges in lists of at most ``part_size``; read once."""
        badges = itertools.chain(self._ahead, self._badges)
        self._ahead = []
        while part := list(itertools.islice(badges, self.part_size)):
            yield part

    def chunks(self, progress: Progress | None = None) -> Iterator[bytes]:
        """The file as it is drawn: the PDF, or the ZIP one part PDF at a time.

        ``progress(done)`` is called as badges are drawn. Read once.
        """
        if not self.is_archive:
            [part] = self.parts()
            yield self._draw(part, progress)
            return
        sink = _Chunks()
        # ZipFile writes to a stream it cannot seek with data descriptors: nothing is
        # rewritten, and each part is final once its bytes are taken.
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
            for number, part in enumerate(self.parts(), 1):
                # PDF streams are already compressed: the parts are stored as they are.
                archive.writestr(f"{self.name}-{number:03d}.pdf", self._draw(part, progress))
                yield sink.take()
        yield sink.take()  # the central directory

    def write(self, out: BinaryIO, progress: Progress | None = None) -> int:
        """Write the whole file to ``out``; returns the number of badges."""
        for chunk in self.chunks(progress):
            out.write(chunk)
        return self.count

    def _draw(self, part: list[BadgeData], progress: Progress | None) -> bytes:
        before = self.count
        report = None if progress is None else lambda done: progress(before + done)
        pdf = render_pdf(part, report)
        self.count += len(part)
        return pdf


class _Chunks:
    """A write-only stream whose bytes are taken out as they come."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._pending.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._pending)
        self._pending.clear()
        return data
