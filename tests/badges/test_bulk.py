"""Bulk runs: one PDF up to a part, else a ZIP of part PDFs, each drawn on its own canvas
and sent before the next part is read."""

from __future__ import annotations

import io
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventhub.badges import bulk
from eventhub.badges.bulk import PART_SIZE, BadgeRun
from eventhub.badges.render import BadgeData, BadgeRenderError
from eventhub.badges.tokens import make_badge_token
from tests.support.reading import needs_poppler

KEY = b"test-badge-signing-key"
NAMES = ("Salma Bennani", "يوسف العلوي", "Jean-Baptiste de la Rochefoucauld-Montmorency")


def badges(count: int, start: int = 1) -> Iterator[BadgeData]:
    for number in range(start, start + count):
        yield BadgeData(
            full_name=NAMES[number % len(NAMES)],
            organization="Atlas Fintech SARL",
            category_name="Visitor",
            category_colour="#2A9D8F",
            event_name="GITEX Africa 2026",
            event_dates="14–16 April 2026",
            registration_number=f"EH-2026-{number:06d}",
            token=make_badge_token(number, 1, KEY),
            language="en",
        )


def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "part.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@needs_poppler
def test_a_run_just_over_one_part_is_a_zip_of_two_valid_pdfs(tmp_path) -> None:
    run = BadgeRun(badges(PART_SIZE + 1), "badges-gitex")
    assert (run.filename, run.mimetype) == ("badges-gitex.zip", "application/zip")
    out = io.BytesIO()
    assert run.write(out) == PART_SIZE + 1
    parts = zip_parts(out.getvalue())
    assert list(parts) == ["badges-gitex-001.pdf", "badges-gitex-002.pdf"]
    assert [page_count(pdf, tmp_path) for pdf in parts.values()] == [PART_SIZE, 1]
    last = subprocess.run(
        ["pdftotext", tmp_path / "part.pdf", "-"], check=True, capture_output=True, text=True
    )
    assert f"EH-2026-{PART_SIZE + 1:06d}" in last.stdout  # the one badge of part 2


@needs_poppler
@pytest.mark.parametrize(("count", "pages"), [(1, [1]), (3, [3]), (4, [3, 1]), (7, [3, 3, 1])])
def test_parts_hold_at_most_part_size_badges(monkeypatch, tmp_path, count, pages) -> None:
    monkeypatch.setattr(bulk, "PART_SIZE", 3)
    run = BadgeRun(badges(count), "badges-x")
    data = b"".join(run.chunks())
    if len(pages) == 1:
        assert not run.is_archive and run.filename == "badges-x.pdf"
        assert run.mimetype == "application/pdf" and data.startswith(b"%PDF-")
        assert page_count(data, tmp_path) == count
    else:
        assert run.is_archive
        parts = zip_parts(data)
        assert list(parts) == [f"badges-x-{n:03d}.pdf" for n in range(1, len(pages) + 1)]
        assert [page_count(pdf, tmp_path) for pdf in parts.values()] == pages
    assert run.count == count


def test_each_part_is_sent_before_the_next_is_read(monkeypatch) -> None:
    """Memory holds one part: a part's bytes leave before the next badges are even read."""
    monkeypatch.setattr(bulk, "PART_SIZE", 2)
    read = 0

    def counted() -> Iterator[BadgeData]:
        nonlocal read
        for badge in badges(5):
            read += 1
            yield badge

    run = BadgeRun(counted(), "badges-x")
    assert read == 3  # a part and one more, to know the format
    seen = [read for _chunk in run.chunks()]
    assert seen == [3, 4, 5, 5]  # three parts, then the ZIP's directory


def test_progress_counts_across_parts(monkeypatch) -> None:
    monkeypatch.setattr(bulk, "PART_SIZE", 150)
    seen: list[int] = []
    BadgeRun(badges(320), "badges-x").write(io.BytesIO(), seen.append)
    assert seen == [100, 150, 250, 300, 320]


def test_an_empty_run_is_refused() -> None:
    with pytest.raises(BadgeRenderError) as caught:
        BadgeRun(iter([]), "badges-x")
    assert caught.value.code == "no_badges"
