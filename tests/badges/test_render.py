"""Badge PDFs checked as a reader would: pages turned into images with pdftoppm, QR codes
decoded with zxing-cpp, text extracted with pdftotext."""

from __future__ import annotations

import io
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import qrcode
from qrcode.util import MODE_ALPHA_NUM, QRData

from eventhub.badges import render
from eventhub.badges.render import (
    BOLD,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    QR_MASK,
    TEXT_WIDTH,
    BadgeData,
    BadgeRenderError,
    fit_name,
    qr_matrix,
    render_badge,
    visual,
    write_badges,
)
from eventhub.badges.tokens import make_badge_token
from tests.support.reading import DPI, decode_qr, needs_poppler, pages_as_images

KEY = b"test-badge-signing-key"
MM = DPI / 25.4  # pixels per millimetre
ARABIC_NAME = "محمد الأمين بن عبد الله"
LONG_NAME = (
    "Maximilian Alexander Christophe-Emmanuel de La Rochefoucauld-Montmorency "
    "von Hohenzollern-Sigmaringen und Habsburg-Lothringen"
)


@pytest.fixture
def make_badge() -> Callable[..., BadgeData]:
    codes = iter(range(1000, 2000))

    def make(**overrides: Any) -> BadgeData:
        fields: dict[str, Any] = {
            "full_name": "Amélie Dubois-Laurent",
            "organization": "Université Mohammed VI Polytechnique",
            "job_title": "Head of Partnerships",
            "category_name": "Exhibitor",
            "category_colour": "#0B6E4F",
            "event_name": "GITEX Africa 2026",
            "event_dates": "14–16 April 2026",
            "venue": "Bab Jdid, Marrakech",
            "registration_number": "EH-2026-000123",
            "token": make_badge_token(next(codes), 1, KEY),
            "language": "en",
        }
        fields.update(overrides)
        return BadgeData(**fields)

    return make


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True)
    return result.stdout.decode()


def pdf_pages(pdf: bytes, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return int(fields["Pages"]), fields["Page size"].strip()


# ---------------------------------------------------------------- one badge, looked at


@needs_poppler
def test_badge_is_one_a6_page_whose_qr_decodes_to_the_token(make_badge, tmp_path) -> None:
    badge = make_badge()
    pdf = render_badge(badge)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf_pages(pdf, tmp_path) == (1, "297.64 x 419.53 pts")
    [page] = pages_as_images(pdf, tmp_path)
    [found] = decode_qr(page)
    assert found.text == badge.token


@needs_poppler
def test_qr_is_at_least_30_mm_with_a_clear_quiet_zone(make_badge, tmp_path) -> None:
    [page] = pages_as_images(render_badge(make_badge()), tmp_path)
    [found] = decode_qr(page)
    corners = found.position
    left, right = corners.top_left.x, corners.top_right.x
    top, bottom = corners.top_left.y, corners.bottom_left.y
    module = (right - left) / 24  # corners are module centres: 25 modules wide
    assert (right - left + module) / MM >= 30
    quiet = 4 * module
    outer = page.crop(
        (
            int(left - module / 2 - quiet),
            int(top - module / 2 - quiet),
            int(right + module / 2 + quiet),
            int(bottom + module / 2 + quiet),
        )
    )
    inner = (int(quiet), int(quiet), outer.width - int(quiet), outer.height - int(quiet))
    ring = outer.copy()
    ring.paste(255, inner)
    assert ring.getextrema()[0] > 200  # nothing dark in the quiet zone


@needs_poppler
def test_text_is_what_the_badge_says(make_badge, tmp_path) -> None:
    badge = make_badge()
    text = pdf_text(render_badge(badge), tmp_path)
    for expected in (
        "EXHIBITOR",
        badge.full_name,
        badge.organization,
        badge.job_title,
        badge.event_name,
        badge.event_dates,
        badge.venue,
        "Registration no. EH-2026-000123",
    ):
        assert expected in text


@needs_poppler
def test_long_name_stays_inside_the_page(make_badge, tmp_path) -> None:
    badge = make_badge(full_name=LONG_NAME, organization="A" * 120)
    [page] = pages_as_images(render_badge(badge), tmp_path)
    band_bottom = int(25 * MM)
    margin = int(5 * MM)  # text keeps 7 mm from the edges
    for edge in (
        (0, band_bottom, margin, page.height),
        (page.width - margin, band_bottom, page.width, page.height),
    ):
        assert page.crop(edge).getextrema()[0] == 255
    assert decode_qr(page)[0].text == badge.token


@pytest.mark.parametrize(
    "name",
    [
        LONG_NAME,
        "A" * 200,
        "Jean-Baptiste Dupont-Aignan de Saint-Exupéry",
        ARABIC_NAME * 4,
        "W" * 30 + " " + "W" * 30,
        "",
    ],
)
def test_name_lines_never_exceed_the_text_width(name: str) -> None:
    size, lines = fit_name(name)
    assert 1 <= len(lines) <= 3
    assert size >= 11
    assert all(BOLD.width(line, size) <= TEXT_WIDTH for line in lines)


def test_short_name_is_large_and_long_one_shrinks() -> None:
    assert fit_name("Li Na") == (28.0, ["Li Na"])
    size, lines = fit_name("Jean-Baptiste Dupont-Aignan de Saint-Exupéry")
    assert len(lines) == 2 and 12 <= size < 28


@needs_poppler
def test_arabic_name_is_shaped_right_to_left_with_glyphs(make_badge, tmp_path) -> None:
    badge = make_badge(full_name=ARABIC_NAME, category_name="زائر", language="ar")
    shaped = visual(ARABIC_NAME)
    assert shaped[0] == "\ufeea"  # the final heh of الله, drawn leftmost
    assert all(ord(char) in BOLD.face.charToGlyph for char in shaped)
    pdf = render_badge(badge)
    text = unicodedata.normalize("NFKC", pdf_text(pdf, tmp_path))
    assert set(ARABIC_NAME.replace(" ", "")) <= set(text)
    assert "رقم التسجيل" in text or set("رقم التسجيل".replace(" ", "")) <= set(text)
    [page] = pages_as_images(pdf, tmp_path)
    assert decode_qr(page)[0].text == badge.token


# ---------------------------------------------------------------------------- bulk


@needs_poppler
def test_three_badges_make_three_decodable_pages(make_badge, tmp_path) -> None:
    badges = [
        make_badge(full_name="Ana Li"),
        make_badge(full_name=ARABIC_NAME, category_colour="#F2C14E"),
        make_badge(full_name=LONG_NAME, category_colour="#FFFFFF", job_title=None),
    ]
    out = io.BytesIO()
    assert write_badges(badges, out) == 3
    assert pdf_pages(out.getvalue(), tmp_path)[0] == 3
    pages = pages_as_images(out.getvalue(), tmp_path)
    assert [decode_qr(page)[0].text for page in pages] == [b.token for b in badges]


def test_pages_are_written_while_badges_are_still_coming(make_badge) -> None:
    out = io.BytesIO()
    sizes = []

    def badges():
        for _ in range(5):
            yield make_badge()
            sizes.append(out.tell())

    write_badges(badges(), out)
    assert sizes[1] < sizes[2] < sizes[3] < sizes[4]  # each page out before the next badge


def test_progress_is_reported(make_badge) -> None:
    seen: list[int] = []
    assert write_badges((make_badge() for _ in range(5)), io.BytesIO(), seen.append, 2) == 5
    assert seen == [2, 4, 5]


def test_no_badges_is_an_error_and_writes_nothing() -> None:
    out = io.BytesIO()
    with pytest.raises(BadgeRenderError) as caught:
        write_badges([], out)
    assert caught.value.code == "no_badges"
    assert out.getvalue() == b""


def test_token_outside_the_qr_alphanumeric_set_is_refused(make_badge) -> None:
    with pytest.raises(BadgeRenderError) as caught:
        render_badge(make_badge(token="1abc"))
    assert caught.value.code == "bad_token"


# --------------------------------------------------------------------- details


@pytest.mark.parametrize(
    ("colour", "text_colour"),
    [
        ("#111111", render.WHITE),
        ("#0B6E4F", render.WHITE),
        ("#F2C14E", render.INK),
        ("#FFFFFF", render.INK),
        ("not a colour", render.WHITE),
    ],
)
def test_category_name_contrasts_with_its_band(colour: str, text_colour) -> None:
    assert render._text_colour_on(render._parse_colour(colour)) == text_colour


def test_control_characters_and_line_breaks_are_cleaned(make_badge) -> None:
    assert render.clean_text(" Amina\n\tEl\x00 Amrani ") == "Amina El Amrani"
    assert render_badge(make_badge(full_name="Amina\nEl Amrani\x07")).startswith(b"%PDF")


@pytest.mark.parametrize(
    "text", ["1C4FF2NUY63HAGAABNBTUMAZV3CCGNLWH", "A", "", "HELLO WORLD $%*+-./:", "9" * 38]
)
def test_qr_matrix_is_the_qrcode_librarys(text: str) -> None:
    reference = qrcode.QRCode(
        version=2, error_correction=qrcode.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK
    )
    reference.add_data(QRData(text.encode(), mode=MODE_ALPHA_NUM), optimize=0)
    reference.make(fit=False)
    assert qr_matrix(text) == [[bool(cell) for cell in row] for row in reference.modules]


def test_random_tokens_match_the_qrcode_library() -> None:
    for code in range(1, 41):
        token = make_badge_token(code * 7919, code, KEY)
        reference = qrcode.QRCode(
            version=2, error_correction=qrcode.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK
        )
        reference.add_data(QRData(token.encode(), mode=MODE_ALPHA_NUM), optimize=0)
        reference.make(fit=False)
        assert qr_matrix(token) == [[bool(cell) for cell in row] for row in reference.modules]


def test_page_size_is_a6() -> None:
    assert (round(PAGE_WIDTH / 72 * 25.4), round(PAGE_HEIGHT / 72 * 25.4)) == (105, 148)


@needs_poppler
def test_more_than_255_distinct_characters_use_more_font_subsets(make_badge, tmp_path) -> None:
    letters = [chr(code) for code in range(0x100, 0x180)] + [chr(c) for c in range(0x410, 0x450)]
    letters += [chr(code) for code in range(0x3B1, 0x3CA)] + list("abcdefghijklmnopqrstuvwxyz")
    words = ["".join(letters[i : i + 12]) for i in range(0, len(letters), 12)]
    badges = [make_badge(full_name=" ".join(words[i : i + 2])) for i in range(0, len(words), 2)]
    out = io.BytesIO()
    write_badges(badges, out)
    assert b"/B1 " in out.getvalue()  # a second subset of the bold face
    text = pdf_text(out.getvalue(), tmp_path)
    assert all(word in text for word in words)
