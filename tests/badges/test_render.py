"""Badge PDFs checked as a reader would: pages turned into images with pdftoppm, QR codes
decoded with zxing-cpp, text extracted with pdftotext, fonts listed with pdffonts."""

from __future__ import annotations

import base64
import re
import subprocess
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask_babel import lazy_gettext as _l
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.pdfgen import canvas as reportlab_canvas
from reportlab.pdfgen import pathobject

from eventhub.badges import render
from eventhub.badges.render import (
    BOLD,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TEXT_WIDTH,
    BadgeData,
    BadgeRenderError,
    fit_name,
    parse_colour,
    qr_matrix,
    render_badge,
    render_pdf,
    visual,
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


def pdf_pages(pdf: bytes, tmp_path: Path) -> tuple[int, tuple[int, int]]:
    """(pages, page size in whole millimetres), as pdfinfo reads them."""
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    width, _x, height, _unit = fields["Page size"].split()
    return int(fields["Pages"]), (round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4))


# ---------------------------------------------------------------- one badge, looked at


@needs_poppler
def test_badge_is_one_a6_page_whose_qr_decodes_to_the_token(make_badge, tmp_path) -> None:
    badge = make_badge()
    pdf = render_badge(badge)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf_pages(pdf, tmp_path) == (1, (105, 148))  # A6
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
    assert set(shaped) <= BOLD.glyphs
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
    pdf = render_pdf(badges)
    assert pdf_pages(pdf, tmp_path)[0] == 3
    pages = pages_as_images(pdf, tmp_path)
    assert [decode_qr(page)[0].text for page in pages] == [b.token for b in badges]


def test_progress_is_reported(make_badge) -> None:
    seen: list[int] = []
    render_pdf((make_badge() for _ in range(5)), seen.append, 2)
    assert seen == [2, 4, 5]


def test_no_badges_is_an_error() -> None:
    with pytest.raises(BadgeRenderError) as caught:
        render_pdf([])
    assert caught.value.code == "no_badges"


@pytest.mark.parametrize("token", ["1abc", "1" + "A" * 38, "ÉTÉ", "1AB\n"])
def test_token_that_does_not_fit_the_qr_code_is_refused(make_badge, token: str) -> None:
    with pytest.raises(BadgeRenderError) as caught:
        render_badge(make_badge(token=token))
    assert caught.value.code == "bad_token"


@pytest.mark.parametrize("colour", ["not a colour", "#12345", "#GGGGGG", "red", "", " ", None])
def test_bad_colour_is_refused_before_any_page_is_drawn(make_badge, colour) -> None:
    good, bad = make_badge(), make_badge(category_colour=colour)
    with pytest.raises(BadgeRenderError) as caught:
        render_pdf([good, bad])
    assert caught.value.code == "bad_colour"
    assert caught.value.field == "colour"
    assert repr(str(colour or "").strip()) in str(caught.value.message)


# --------------------------------------------------------------------- details


@pytest.mark.parametrize(
    ("colour", "text_colour"),
    [
        ("#111111", render.WHITE),
        ("#0B6E4F", render.WHITE),
        ("#F2C14E", render.INK),
        ("#FFFFFF", render.INK),
        ("#1f6feb", render.WHITE),
    ],
)
def test_category_name_contrasts_with_its_band(colour: str, text_colour) -> None:
    assert render.text_colour_on(parse_colour(colour)) == text_colour


def test_control_characters_and_line_breaks_are_cleaned(make_badge) -> None:
    assert render.clean_text(" Amina\n\tEl\x00 Amrani ") == "Amina El Amrani"
    assert render_badge(make_badge(full_name="Amina\nEl Amrani\x07")).startswith(b"%PDF")


def test_qr_matrix_is_version_2_without_quiet_zone(make_badge) -> None:
    matrix = qr_matrix(make_badge().token)
    assert len(matrix) == 25 and all(len(row) == 25 for row in matrix)
    assert matrix[0][:8] == [True] * 7 + [False]  # the top-left finder, then its separator


@needs_poppler
@pytest.mark.parametrize("code", [1, 2**40 + 7, 2**63 - 1])
def test_qr_reads_as_version_2_level_m_with_the_fixed_mask(make_badge, tmp_path, code) -> None:
    badge = make_badge(token=make_badge_token(code, 7, KEY))
    [page] = pages_as_images(render_badge(badge), tmp_path)
    [found] = decode_qr(page)
    assert found.text == badge.token
    assert found.ec_level == "M"
    assert found.extra["Version"] == "2"
    assert found.extra["DataMask"] == render.QR_MASK


@needs_poppler
def test_qr_is_drawn_as_one_vector_path(make_badge, tmp_path) -> None:
    """No image in the PDF: the QR code is vector (sharp at any printer's resolution)."""
    path = tmp_path / "badge.pdf"
    path.write_bytes(render_badge(make_badge()))
    images = subprocess.run(["pdfimages", "-list", path], capture_output=True, text=True)
    assert images.returncode == 0
    assert len(images.stdout.splitlines()) == 2  # the header lines only


def test_page_size_is_a6() -> None:
    assert (round(PAGE_WIDTH / 72 * 25.4), round(PAGE_HEIGHT / 72 * 25.4)) == (105, 148)


@needs_poppler
def test_more_than_255_distinct_characters_use_more_font_subsets(make_badge, tmp_path) -> None:
    letters = [chr(code) for code in range(0x100, 0x180)] + [chr(c) for c in range(0x410, 0x450)]
    letters += [chr(code) for code in range(0x3B1, 0x3CA)] + list("abcdefghijklmnopqrstuvwxyz")
    words = ["".join(letters[i : i + 12]) for i in range(0, len(letters), 12)]
    badges = [make_badge(full_name=" ".join(words[i : i + 2])) for i in range(0, len(words), 2)]
    pdf = render_pdf(badges)
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True)
    bold_subsets = [line for line in fonts.stdout.splitlines() if "DejaVuSans-Bold" in line]
    assert len(bold_subsets) >= 2
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in bold_subsets)
    text = pdf_text(pdf, tmp_path)
    assert all(word in text for word in words)


@needs_poppler
def test_only_the_badge_fonts_are_in_the_pdf(make_badge, tmp_path) -> None:
    """Embedded subsets of DejaVu Sans, with a ToUnicode map; no unembedded base font."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(render_badge(make_badge()))
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all("+DejaVuSans" in row for row in rows)


@needs_poppler
def test_lazy_translated_labels_are_drawn_as_text(make_badge, tmp_path) -> None:
    """rl_accel measures only plain str: a lazy translation string is made text first."""
    badge = make_badge(labels={"registration_number": _l("Badge number")})
    assert "Badge number EH-2026-000123" in pdf_text(render_badge(badge), tmp_path)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (reportlab_canvas, "fp_str"),
        (reportlab_canvas, "escapePDF"),
        (pathobject, "fp_str"),
        (ttfonts, "instanceStringWidthTTF"),
    ],
)
def test_reportlab_draws_with_its_c_accelerator(module, name: str) -> None:
    """rl_accel (requirements.txt) is installed, and what reportlab draws with is its C."""
    assert getattr(module, name).__module__ == "_rl_accel"


def font_programs(pdf: bytes) -> list[bytes]:
    """The embedded TrueType subsets, decoded (reportlab writes ASCII85 over Flate)."""
    programs = []
    for stream in re.findall(rb"stream\r?\n(.*?)~>\r?\nendstream", pdf, re.S):
        data = zlib.decompress(base64.a85decode(stream))
        if data.startswith(b"\x00\x01\x00\x00"):  # a TrueType font file
            programs.append(data)
    return sorted(programs)


def test_threads_saving_at_once_cut_font_subsets_one_at_a_time(make_badge, monkeypatch) -> None:
    """reportlab cuts a font's subsets through one shared read position: app threads that
    save badges at once take turns (a slowed cut shows any overlap), and each document
    embeds exactly the subsets that one thread alone would."""
    cutting, most = 0, 0
    count = threading.Lock()
    cut = TTFontFile.makeSubset

    def slow_cut(face: TTFontFile, subset: list[int]) -> bytes:
        nonlocal cutting, most
        with count:
            cutting += 1
            most = max(most, cutting)
        time.sleep(0.01)
        try:
            return cut(face, subset)
        finally:
            with count:
                cutting -= 1

    runs = [[make_badge(full_name=name)] for name in ("Ana Li", ARABIC_NAME, "Ωμέγα Жизнь")]
    expected = [font_programs(render_pdf(badges)) for badges in runs]
    monkeypatch.setattr(TTFontFile, "makeSubset", slow_cut)
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        drawn = list(pool.map(render_pdf, runs * 4))
    assert most == 1
    assert [font_programs(pdf) for pdf in drawn] == expected * 4


@needs_poppler
def test_the_registration_number_keeps_its_order_on_an_arabic_badge(make_badge, tmp_path):
    badge = make_badge(language="ar", registration_number="002-000482", full_name="سلمى")
    text = pdf_text(render_badge(badge), tmp_path)
    assert "002-000482" in text and "000482-002" not in text
