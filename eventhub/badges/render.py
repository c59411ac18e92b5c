"""Badge PDFs: one A6 portrait page per attendee, and bulk PDFs streamed page by page.

Plain data in, PDF bytes out: no Flask, no database. The layout, top to bottom: a band in
the category's colour with the category name, the full name (large; long names shrink,
then wrap onto two lines, never overflow), job title, organisation, the QR code, the
event name, dates and venue, and the registration number in small print.

How it is built, and why:

* The PDF is written directly by a small writer (``_PdfWriter``), not by reportlab's
  canvas, which keeps every page in memory until it saves. Each page's content stream
  and page object go to the output as soon as the page is drawn; only byte offsets and
  the set of characters used are kept. Fonts are embedded once, at the end, as subsets
  of the characters the document used. Memory stays flat however many badges there are.
* Text uses DejaVu Sans (static/fonts/, which has Arabic presentation forms). reportlab
  reads the font and cuts the subsets (``TTFontFace.makeSubset``); Arabic is shaped with
  arabic-reshaper and put in visual order with python-bidi.
* The QR code is encoded here for the one shape badges need (version 2, 25x25 modules,
  error correction M, alphanumeric mode, a fixed mask): the qrcode library spends most of
  its time choosing a mask and in pure-Python Reed-Solomon. The tests check the matrices
  against the qrcode library's and decode rendered badges with zxing-cpp. The QR is drawn
  as one path of rectangles, one per run of dark modules.
"""

from __future__ import annotations

import io
import operator
import re
import threading
import unicodedata
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import arabic_reshaper
from arabic_reshaper.ligatures import LIGATURES
from bidi import get_display
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFontFace

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"

DEFAULT_LABELS: dict[str, dict[str, str]] = {
    "fr": {"registration_number": "N° d'inscription"},
    "en": {"registration_number": "Registration no."},
    "ar": {"registration_number": "رقم التسجيل"},
}


class BadgeRenderError(Exception):
    """Badge data that cannot be drawn; ``code`` is a stable machine code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class BadgeData:
    """Everything printed on one badge, as plain text."""

    full_name: str
    organization: str | None
    category_name: str
    category_colour: str  # "#RRGGBB"
    event_name: str
    event_dates: str
    registration_number: str
    token: str
    job_title: str | None = None
    venue: str = ""
    language: str = "fr"  # "fr" | "en" | "ar": picks DEFAULT_LABELS when labels is None
    labels: Mapping[str, str] | None = None


# --------------------------------------------------------------------------- layout

PAGE_WIDTH, PAGE_HEIGHT = A6
MARGIN = 7 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
BAND_HEIGHT = 24 * mm
QR_WIDTH = 34 * mm  # 25 modules of 1.36 mm, plus a 4-module quiet zone kept clear
QR_BOTTOM = 31 * mm
QR_QUIET_ZONE = 4 * QR_WIDTH / 25  # nothing is drawn this close to the QR code
TEXT_AREA_TOP = PAGE_HEIGHT - BAND_HEIGHT - 6 * mm
TEXT_AREA_BOTTOM = QR_BOTTOM + QR_WIDTH + QR_QUIET_ZONE + 3 * mm
EVENT_NAME_BASELINE = 21 * mm  # its capitals (11 pt at most) end 4 mm below the quiet zone

NAME_ONE_LINE_SIZES = (28.0, 17.0)  # largest, smallest font size on one line
NAME_TWO_LINE_SIZES = (22.0, 12.0)
NAME_WRAP_SIZE = 11.0
NAME_MAX_LINES = 3
INK = (0.1, 0.1, 0.1)
GREY = (0.33, 0.33, 0.33)
WHITE = (1.0, 1.0, 1.0)
FALLBACK_COLOUR = "#6B7280"

Colour = tuple[float, float, float]


def render_badge(data: BadgeData) -> bytes:
    """One badge as a one-page A6 PDF."""
    out = io.BytesIO()
    write_badges([data], out)
    return out.getvalue()


def write_badges(
    datas: Iterable[BadgeData],
    out: BinaryIO,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 100,
) -> int:
    """Write one PDF with a page per badge to ``out``; returns the number of badges.

    Pages are written as they are drawn, so memory does not grow with the number of
    badges. ``progress(done)`` is called every ``progress_every`` badges and at the end.
    Raises BadgeRenderError("no_badges") before writing anything if there are none.
    """
    badges = iter(datas)
    first = next(badges, None)
    if first is None:
        raise BadgeRenderError("there are no badges to print", "no_badges")
    writer = _PdfWriter(out, title=first.event_name)
    done = 0
    for data in _chain_first(first, badges):
        writer.add_page(_draw_badge(data, writer))
        done += 1
        if progress is not None and done % progress_every == 0:
            progress(done)
    writer.close()
    if progress is not None and done % progress_every:
        progress(done)
    return done


def _chain_first(first: BadgeData, rest: Iterable[BadgeData]) -> Iterable[BadgeData]:
    yield first
    yield from rest


def _draw_badge(data: BadgeData, writer: _PdfWriter) -> str:
    page = _Page(writer)
    _draw_band(page, data.category_name, _parse_colour(data.category_colour))
    _draw_identity(page, data)
    page.qr(data.token, (PAGE_WIDTH - QR_WIDTH) / 2, QR_BOTTOM, QR_WIDTH)
    _draw_event(page, data)
    return page.content()


def _draw_band(page: _Page, category: str, colour: Colour) -> None:
    page.rect(0, PAGE_HEIGHT - BAND_HEIGHT, PAGE_WIDTH, BAND_HEIGHT, colour)
    if _luminance(colour) > 0.8:  # a very light band would vanish into the white page
        page.rect(0, PAGE_HEIGHT - BAND_HEIGHT - 0.5 * mm, PAGE_WIDTH, 0.5 * mm, GREY)
    size, line = fit_line(category.upper(), BOLD, TEXT_WIDTH, 20, 9)
    baseline = PAGE_HEIGHT - BAND_HEIGHT / 2 - size * BOLD.cap_height / 2
    page.text_centered(line, BOLD, size, baseline, _text_colour_on(colour))


def _draw_identity(page: _Page, data: BadgeData) -> None:
    """Name, job title and organisation, centred in the space between band and QR."""
    name_size, name_lines = fit_name(data.full_name)
    # (visual line, font, size, colour, line height)
    rows = [(line, BOLD, name_size, INK, name_size * 1.18) for line in name_lines]
    if data.job_title and data.job_title.strip():
        size, line = fit_line(data.job_title, REGULAR, TEXT_WIDTH, 11, 8)
        rows.append((line, REGULAR, size, GREY, size * 1.4))
    if data.organization and data.organization.strip():
        size, line = fit_line(data.organization, BOLD, TEXT_WIDTH, 13, 8)
        rows.append((line, BOLD, size, INK, size * 1.4))
    gap = 3 * mm if len(rows) > len(name_lines) else 0
    height = sum(row[4] for row in rows) + gap
    y = (TEXT_AREA_TOP + TEXT_AREA_BOTTOM + height) / 2
    for index, (line, font, size, colour, lead) in enumerate(rows):
        if index == len(name_lines):
            y -= gap
        y -= lead
        # baseline so that the line's capitals sit in the middle of its line height
        page.text_centered(line, font, size, y + (lead - size * font.cap_height) / 2, colour)


def _draw_event(page: _Page, data: BadgeData) -> None:
    size, line = fit_line(data.event_name, BOLD, TEXT_WIDTH, 11, 7)
    page.text_centered(line, BOLD, size, EVENT_NAME_BASELINE, INK)
    size, line = fit_line(data.event_dates, REGULAR, TEXT_WIDTH, 9, 6.5)
    page.text_centered(line, REGULAR, size, 16.5 * mm, INK)
    if data.venue.strip():
        size, line = fit_line(data.venue, REGULAR, TEXT_WIDTH, 9, 6.5)
        page.text_centered(line, REGULAR, size, 12.5 * mm, GREY)
    labels = data.labels or DEFAULT_LABELS.get(data.language, DEFAULT_LABELS["en"])
    number = f"{labels.get('registration_number', '')} {data.registration_number}".strip()
    size, line = fit_line(number, REGULAR, TEXT_WIDTH, 7, 5)
    page.text_centered(line, REGULAR, size, 5 * mm, GREY)


# ------------------------------------------------------------------------ colours


def _parse_colour(value: str) -> Colour:
    """'#RRGGBB' as RGB fractions; anything else draws a neutral grey band."""
    text = (value or "").strip()
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", text):
        text = FALLBACK_COLOUR
    return tuple(int(text[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _luminance(colour: Colour) -> float:
    """WCAG relative luminance."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in colour]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _text_colour_on(background: Colour) -> Colour:
    """White or ink, whichever has the higher WCAG contrast ratio on the background."""
    lum = _luminance(background)
    on_white = 1.05 / (lum + 0.05)
    on_ink = (lum + 0.05) / (_luminance(INK) + 0.05)
    return WHITE if on_white >= on_ink else INK


# -------------------------------------------------------------------------- fonts


class _Widths(dict[str, float]):
    """Advance widths by character; characters the face lacks get its default width."""

    def __init__(self, face: TTFontFace) -> None:
        super().__init__((chr(code), float(width)) for code, width in face.charWidths.items())
        self.default = float(face.defaultWidth)

    def __missing__(self, char: str) -> float:
        return self.default


class _Font:
    """A TrueType face: metrics for layout, subsets for embedding."""

    def __init__(self, key: str, path: Path) -> None:
        self.key = key
        self.face = TTFontFace(str(path))
        self.widths = _Widths(self.face)
        self.cap_height = self.face.capHeight / 1000
        self.glyphs = frozenset(chr(code) for code in self.face.charToGlyph)

    def units(self, text: str) -> float:
        """Width of text in 1/1000 of the font size."""
        return sum(map(self.widths.__getitem__, text))

    def width(self, text: str, size: float) -> float:
        return self.units(text) * size / 1000


_SUBSET_LOCK = threading.Lock()
REGULAR = _Font("R", FONT_DIR / "DejaVuSans.ttf")
BOLD = _Font("B", FONT_DIR / "DejaVuSans-Bold.ttf")

# Ligatures the reshaper may emit only if both faces have glyphs for them (DejaVu has
# lam-alef, not the "Allah" word ligature the reshaper uses by default).
_GLYPHS = REGULAR.glyphs & BOLD.glyphs
_RESHAPER = arabic_reshaper.ArabicReshaper(
    configuration={
        name: all(form in _GLYPHS for form in forms if form) for name, (_, forms) in LIGATURES
    }
)
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def clean_text(text: str | None) -> str:
    """One line of text: whitespace runs made single spaces, control characters dropped."""
    return _CONTROL.sub("", _SPACES.sub(" ", text or "").strip())


def visual(text: str) -> str:
    """Text as drawn left to right: Arabic shaped into presentation forms and reordered."""
    if _RTL.search(text) is not None:
        shaped = get_display(_RESHAPER.reshape(text))
        text = "".join(c for c in shaped if unicodedata.category(c) != "Cf")
    return text if _GLYPHS.issuperset(text) else _with_fallbacks(text)


def _with_fallbacks(text: str) -> str:
    """Characters the fonts lack replaced by their compatibility form when they have that
    (other characters stay, and print as the font's missing-glyph box)."""
    out = []
    for char in text:
        if char not in _GLYPHS:
            plain = unicodedata.normalize("NFKC", char)
            if plain and _GLYPHS.issuperset(plain):
                char = plain
        out.append(char)
    return "".join(out)


@lru_cache(maxsize=4096)  # event name, dates, venue and labels repeat on every badge
def fit_line(
    text: str | None, font: _Font, max_width: float, size: float, min_size: float
) -> tuple[float, str]:
    """(font size, visual text) for one line: shrunk to fit, then cut with an ellipsis."""
    logical = clean_text(text)
    line = visual(logical)
    units = font.units(line)
    if units * size <= max_width * 1000:
        return size, line
    fitted = max_width * 1000 / units
    if fitted >= min_size:
        return _floor_half(fitted), line
    return min_size, visual(_ellipsize(logical, font, max_width, min_size))


def fit_name(full_name: str) -> tuple[float, list[str]]:
    """(font size, visual lines) for the name, never wider than the text width.

    One line, shrinking down to 17 pt; else two balanced lines down to 12 pt; else up to
    three lines at 11 pt, cut with an ellipsis only if even those are not enough.
    Lines break after spaces and hyphens, or inside a word too long for a line.
    """
    logical = clean_text(full_name)
    one = visual(logical)
    largest, smallest = NAME_ONE_LINE_SIZES
    size = min(largest, TEXT_WIDTH * 1000 / max(BOLD.units(one), 1))
    if size >= smallest:
        return _floor_half(size), [one]
    pieces = _BREAK_AFTER.split(logical)
    if len(pieces) > 1:
        two = _balanced_split(pieces)
        largest, smallest = NAME_TWO_LINE_SIZES
        size = min(largest, TEXT_WIDTH * 1000 / max(BOLD.units(line) for line in two))
        if size >= smallest:
            return _floor_half(size), two
    return NAME_WRAP_SIZE, _wrap(pieces, BOLD, TEXT_WIDTH, NAME_WRAP_SIZE, NAME_MAX_LINES)


_BREAK_AFTER = re.compile(r"(?<=[ \-])")


def _balanced_split(pieces: list[str]) -> list[str]:
    """The two lines, cut between pieces, whose wider line is narrowest."""
    best: list[str] = []
    best_units = float("inf")
    for cut in range(1, len(pieces)):
        lines = [visual("".join(pieces[:cut]).rstrip()), visual("".join(pieces[cut:]))]
        units = max(BOLD.units(line) for line in lines)
        if units < best_units:
            best, best_units = lines, units
    return best


def _wrap(
    pieces: list[str], font: _Font, max_width: float, size: float, max_lines: int
) -> list[str]:
    """Greedy wrap (visual lines); a piece wider than a line is cut; the last line ellipsized."""
    lines: list[str] = []  # logical, each with the space or hyphen it broke after
    current = ""
    queue = list(pieces)
    while queue and len(lines) < max_lines:
        piece = queue.pop(0)
        if font.width(visual((current + piece).rstrip()), size) <= max_width:
            current += piece
        elif current:
            lines.append(current)
            current = ""
            queue.insert(0, piece)
        else:  # one piece wider than a whole line: cut it
            cut = max(1, _prefix_that_fits(piece, font, max_width, size, suffix=""))
            lines.append(piece[:cut])
            queue.insert(0, piece[cut:])
    if current:
        lines.append(current)
    if queue:  # did not fit: the last line ends with what it can of the rest, and "…"
        lines[-1] = _ellipsize(lines[-1] + "".join(queue), font, max_width, size)
    return [visual(line.rstrip()) for line in lines]


def _ellipsize(logical: str, font: _Font, max_width: float, size: float) -> str:
    """The longest start of the (logical) text that fits with "…" after it, in logical order."""
    chars = _prefix_that_fits(logical, font, max_width, size, suffix="…")
    return logical[:chars].rstrip() + "…"


def _prefix_that_fits(logical: str, font: _Font, max_width: float, size: float, suffix: str) -> int:
    """The longest prefix (in characters) that fits with ``suffix``: binary search."""
    low, high = 0, len(logical)
    while low < high:
        middle = (low + high + 1) // 2
        if font.width(visual(logical[:middle] + suffix), size) <= max_width:
            low = middle
        else:
            high = middle - 1
    return low


def _floor_half(size: float) -> float:
    return int(size * 2) / 2


# ------------------------------------------------------------------------ QR code
# Version 2 (25x25), error correction level M, alphanumeric mode, fixed mask: 38
# characters at most; badge tokens have 33. See ISO/IEC 18004:2015.

QR_SIZE = 25
QR_MAX_CHARS = 38
QR_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
QR_MASK = 2  # lowest mean and worst-case ISO penalty over random tokens in this format
_QR_DATA_CODEWORDS = 28
_QR_EC_CODEWORDS = 16
_QR_EC_LEVEL_M = 0b00
_QR_ALNUM_VALUES = {char: value for value, char in enumerate(QR_ALPHANUMERIC)}


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code for ``text`` as rows of modules (True = dark), without quiet zone."""
    rows = _qr_rows(text)
    return [[cell == "1" for cell in rows[r * _ROW : r * _ROW + QR_SIZE]] for r in range(QR_SIZE)]


def qr_path(text: str) -> str:
    """The QR code as PDF path operators: a rectangle per horizontal run of dark modules,
    in module units with the origin at the bottom left (scale and place it with ``cm``)."""
    return "\n".join([_RUN_RECTS[match.span()] for match in _DARK_RUN.finditer(_qr_rows(text))])


def _qr_rows(text: str) -> str:
    """The modules as "0"/"1", row after row, each row followed by a "0" separator.

    The masked data bits and two constants form a source string; one gather through a
    precomputed index list (C-level) places them and the function patterns at once.
    """
    codewords = _qr_data_codewords(text)
    payload = int.from_bytes(codewords + _rs_remainder(codewords), "big")
    bits = payload << _REMAINDER_BITS ^ _MASK_BITS
    source = format(bits, f"0{len(_DATA_POSITIONS)}b") + "01"
    return "".join(_GATHER(source))


def _qr_data_codewords(text: str) -> bytes:
    if len(text) > QR_MAX_CHARS or any(c not in _QR_ALNUM_VALUES for c in text):
        raise BadgeRenderError(
            "a badge token must be at most 38 QR alphanumeric characters", "bad_token"
        )
    value, length = 0b0010, 4  # mode: alphanumeric
    value, length = (value << 9) | len(text), length + 9
    for i in range(0, len(text) - 1, 2):
        pair = _QR_ALNUM_VALUES[text[i]] * 45 + _QR_ALNUM_VALUES[text[i + 1]]
        value, length = (value << 11) | pair, length + 11
    if len(text) % 2:
        value, length = (value << 6) | _QR_ALNUM_VALUES[text[-1]], length + 6
    capacity = 8 * _QR_DATA_CODEWORDS
    terminator = min(4, capacity - length)
    value, length = value << terminator, length + terminator
    value, length = value << (-length % 8), length + (-length % 8)
    data = value.to_bytes(length // 8, "big")
    return data + (b"\xec\x11" * _QR_DATA_CODEWORDS)[: _QR_DATA_CODEWORDS - len(data)]


def _gf_tables() -> tuple[list[int], list[int]]:
    exp, log = [0] * 512, [0] * 256
    value = 1
    for power in range(255):
        exp[power] = value
        log[value] = power
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    for power in range(255, 512):
        exp[power] = exp[power - 255]
    return exp, log


_GF_EXP, _GF_LOG = _gf_tables()


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _GF_EXP[_GF_LOG[a] + _GF_LOG[b]]


def _rs_generator(degree: int) -> list[int]:
    poly = [1]
    for i in range(degree):
        product = [*poly, 0]
        for j, coefficient in enumerate(poly):
            product[j + 1] ^= _gf_mul(coefficient, _GF_EXP[i])
        poly = product
    return poly


def _rs_table() -> list[int]:
    """For each leading byte, the generator times that byte, as one integer (16 bytes)."""
    generator = _rs_generator(_QR_EC_CODEWORDS)[1:]
    return [
        int.from_bytes(bytes(_gf_mul(factor, g) for g in generator), "big") for factor in range(256)
    ]


_RS_TABLE = _rs_table()
_RS_SHIFT = 8 * (_QR_EC_CODEWORDS - 1)
_RS_MASK = (1 << 8 * _QR_EC_CODEWORDS) - 1


def _rs_remainder(data: bytes) -> bytes:
    """Reed-Solomon error correction codewords for data (one block): long division by the
    generator polynomial, the remainder held in one integer and shifted a byte at a time."""
    remainder = 0
    for byte in data:
        factor = byte ^ (remainder >> _RS_SHIFT)
        remainder = ((remainder << 8) & _RS_MASK) ^ _RS_TABLE[factor]
    return remainder.to_bytes(_QR_EC_CODEWORDS, "big")


def _qr_template() -> tuple[list[list[bool | None]], list[int]]:
    """Function patterns and format information; the data positions in placement order."""
    grid: list[list[bool | None]] = [[None] * QR_SIZE for _ in range(QR_SIZE)]
    for top, left in ((0, 0), (0, QR_SIZE - 7), (QR_SIZE - 7, 0)):
        _place_finder(grid, top, left)
    for i in range(8, QR_SIZE - 8):
        grid[6][i] = grid[i][6] = i % 2 == 0
    for row in range(16, 21):  # alignment pattern centred on (18, 18)
        for col in range(16, 21):
            grid[row][col] = max(abs(row - 18), abs(col - 18)) != 1
    _place_format_info(grid, (_QR_EC_LEVEL_M << 3) | QR_MASK)
    return grid, _data_positions(grid)


def _place_finder(grid: list[list[bool | None]], top: int, left: int) -> None:
    """A 7x7 finder pattern with its white separator."""
    for dr in range(-1, 8):
        for dc in range(-1, 8):
            row, col = top + dr, left + dc
            if 0 <= row < QR_SIZE and 0 <= col < QR_SIZE:
                ring = max(abs(dr - 3), abs(dc - 3))
                grid[row][col] = ring != 2 and ring != 4


def _place_format_info(grid: list[list[bool | None]], data: int) -> None:
    bits = data << 10
    for shift in range(4, -1, -1):
        if bits & (1 << (shift + 10)):
            bits ^= 0x537 << shift
    bits = ((data << 10) | bits) ^ 0x5412
    last = QR_SIZE - 1
    for i in range(15):
        dark = (bits >> i) & 1 == 1
        # around the top-left finder, then split between the other two
        vertical = i if i < 6 else i + 1 if i < 8 else QR_SIZE - 15 + i
        grid[vertical][8] = dark
        horizontal = last - i if i < 8 else 15 - i if i < 9 else 14 - i
        grid[8][horizontal] = dark
    grid[QR_SIZE - 8][8] = True  # the dark module


def _data_positions(grid: list[list[bool | None]]) -> list[int]:
    """Free modules in placement order: two-column strips, zigzagging from bottom right."""
    positions = []
    upward = True
    col = QR_SIZE - 1
    while col > 0:
        if col == 6:  # the vertical timing pattern
            col -= 1
        rows = range(QR_SIZE - 1, -1, -1) if upward else range(QR_SIZE)
        for row in rows:
            for c in (col, col - 1):
                if grid[row][c] is None:
                    positions.append(row * QR_SIZE + c)
        upward = not upward
        col -= 2
    return positions


def _mask_bit(row: int, col: int) -> bool:
    masks: dict[int, Callable[[int, int], bool]] = {
        0: lambda i, j: (i + j) % 2 == 0,
        1: lambda i, j: i % 2 == 0,
        2: lambda i, j: j % 3 == 0,
        3: lambda i, j: (i + j) % 3 == 0,
        4: lambda i, j: (i // 2 + j // 3) % 2 == 0,
        5: lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
        6: lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
        7: lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
    }
    return masks[QR_MASK](row, col)


def _gather_plan(
    grid: list[list[bool | None]], positions: list[int]
) -> tuple[Callable[[str], tuple[str, ...]], int]:
    """An itemgetter from (data bits + "01") to rows; the mask as an integer of bits."""
    zero, one = len(positions), len(positions) + 1
    index = {position: k for k, position in enumerate(positions)}
    plan = []
    for row in range(QR_SIZE):
        for col in range(QR_SIZE):
            cell = grid[row][col]
            plan.append(index[row * QR_SIZE + col] if cell is None else one if cell else zero)
        plan.append(zero)  # row separator, so that no run of dark modules wraps
    mask = 0
    for position in positions:
        mask = mask << 1 | _mask_bit(position // QR_SIZE, position % QR_SIZE)
    return operator.itemgetter(*plan), mask


_ROW = QR_SIZE + 1
_DARK_RUN = re.compile("1+")
_RUN_RECTS = {  # (start, end) in _qr_rows -> its rectangle, for every possible run
    (row * _ROW + left, row * _ROW + right): f"{left} {QR_SIZE - 1 - row} {right - left} 1 re"
    for row in range(QR_SIZE)
    for left in range(QR_SIZE)
    for right in range(left + 1, QR_SIZE + 1)
}
_TEMPLATE_GRID, _DATA_POSITIONS = _qr_template()
_REMAINDER_BITS = len(_DATA_POSITIONS) - 8 * (_QR_DATA_CODEWORDS + _QR_EC_CODEWORDS)
_GATHER, _MASK_BITS = _gather_plan(_TEMPLATE_GRID, _DATA_POSITIONS)


# --------------------------------------------------------------------- PDF output


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _rgb(colour: Colour) -> str:
    return " ".join(_num(c) for c in colour)


class _Page:
    """Drawing operators for one page's content stream."""

    def __init__(self, writer: _PdfWriter) -> None:
        self._writer = writer
        self._ops: list[str] = []

    def rect(self, x: float, y: float, width: float, height: float, colour: Colour) -> None:
        self._ops.append(f"{_rgb(colour)} rg {_num(x)} {_num(y)} {_num(width)} {_num(height)} re f")

    def text_centered(
        self, line: str, font: _Font, size: float, baseline: float, colour: Colour
    ) -> None:
        if line:
            self._ops.append(self._writer.text_op(line, font, size, baseline, colour))

    def qr(self, text: str, x: float, y: float, width: float) -> None:
        scale = _num(width / QR_SIZE)
        self._ops.append(
            f"q 0 0 0 rg {scale} 0 0 {scale} {_num(x)} {_num(y)} cm\n{qr_path(text)}\nf Q"
        )

    def content(self) -> str:
        return "\n".join(self._ops)


class _FontSubsets:
    """Which characters a document used in one font, as subsets of at most 256 codes.

    Code 0 of each subset is left to the missing glyph, so a subset holds 255 characters.
    """

    def __init__(self, font: _Font) -> None:
        self.font = font
        self.codes: dict[str, tuple[int, int]] = {}
        self.subsets: list[list[int]] = [[0]]

    def encode(self, text: str) -> list[tuple[str, bytes]]:
        """(resource name, codes) runs, one per change of subset."""
        runs: list[tuple[str, bytes]] = []
        current, codes = -1, bytearray()
        for char in text:
            subset, code = self.codes.get(char) or self._add(char)
            if subset != current:
                if codes:
                    runs.append((self.resource_name(current), bytes(codes)))
                current, codes = subset, bytearray()
            codes.append(code)
        if codes:
            runs.append((self.resource_name(current), bytes(codes)))
        return runs

    def _add(self, char: str) -> tuple[int, int]:
        if len(self.subsets[-1]) == 256:
            self.subsets.append([0])
        subset = self.subsets[-1]
        subset.append(ord(char))
        self.codes[char] = (len(self.subsets) - 1, len(subset) - 1)
        return self.codes[char]

    def resource_name(self, subset: int) -> str:
        return f"{self.font.key}{subset}"


class _PdfWriter:
    """A minimal PDF 1.7 writer: pages out as they come, fonts and page tree at the end."""

    CATALOG, PAGES, RESOURCES, INFO = 1, 2, 3, 4

    def __init__(self, out: BinaryIO, title: str = "") -> None:
        self._out = out
        self._position = 0
        self._offsets = array("Q", [0] * 5)  # by object number; 1-4 are written last
        self._pages = array("L")
        self._fonts = {REGULAR.key: _FontSubsets(REGULAR), BOLD.key: _FontSubsets(BOLD)}
        self._title = title
        self._text_ops: dict[tuple[str, str, float, float, Colour], str] = {}
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def text_op(self, line: str, font: _Font, size: float, baseline: float, colour: Colour) -> str:
        """Operators for one centred line (memoised: most lines repeat on every badge)."""
        key = (line, font.key, size, baseline, colour)
        op = self._text_ops.get(key)
        if op is None:
            if len(self._text_ops) >= 4096:
                self._text_ops.clear()
            x = (PAGE_WIDTH - font.width(line, size)) / 2
            runs = " ".join(
                f"/{name} {_num(size)} Tf <{codes.hex()}> Tj"
                for name, codes in self._fonts[font.key].encode(line)
            )
            op = f"{_rgb(colour)} rg BT {_num(x)} {_num(baseline)} Td {runs} ET"
            self._text_ops[key] = op
        return op

    def add_page(self, content: str) -> None:
        stream = self._stream_object(content.encode("ascii"), compress=True)
        contents = self._new_object(stream)
        page = (
            f"<< /Type /Page /Parent {self.PAGES} 0 R /Resources {self.RESOURCES} 0 R "
            f"/MediaBox [0 0 {_num(PAGE_WIDTH)} {_num(PAGE_HEIGHT)}] /Contents {contents} 0 R >>"
        )
        self._pages.append(self._new_object(page.encode("ascii")))

    def close(self) -> None:
        font_refs = []
        for subsets in self._fonts.values():
            for index, subset in enumerate(subsets.subsets):
                if len(subset) > 1:
                    ref = self._font_objects(subsets.font, index, subset)
                    font_refs.append(f"/{subsets.resource_name(index)} {ref} 0 R")
        resources = f"<< /ProcSet [/PDF /Text] /Font << {' '.join(font_refs)} >> >>"
        self._write_object(self.RESOURCES, resources.encode("ascii"))
        self._offsets[self.PAGES] = self._position
        self._write(b"%d 0 obj\n<< /Type /Pages /Count %d /Kids [" % (self.PAGES, len(self._pages)))
        for chunk in _chunks(self._pages):  # in pieces: 50,000 pages make a long array
            self._write(" ".join(f"{page} 0 R" for page in chunk).encode("ascii") + b"\n")
        self._write(b"] >>\nendobj\n")
        catalog = f"<< /Type /Catalog /Pages {self.PAGES} 0 R >>"
        self._write_object(self.CATALOG, catalog.encode("ascii"))
        info = f"<< /Producer (EventHub) /Title {_pdf_text(self._title)} >>"
        self._write_object(self.INFO, info.encode("ascii"))
        self._write_xref()

    def _font_objects(self, font: _Font, index: int, subset: list[int]) -> int:
        face = font.face
        base_font = f"{_subset_tag(font.key, index)}+{face.name.decode('ascii')}"
        with _SUBSET_LOCK:  # makeSubset reads the face through a shared file position
            font_file = face.makeSubset(subset)
        file_ref = self._new_object(
            self._stream_object(font_file, compress=True, extra=f"/Length1 {len(font_file)}")
        )
        flags = (face.flags & ~(1 << 5)) | (1 << 2)  # symbolic, as the subset has its own cmap
        descriptor = (
            f"<< /Type /FontDescriptor /FontName /{base_font} /Flags {flags} "
            f"/FontBBox [{' '.join(_num(v) for v in face.bbox)}] "
            f"/ItalicAngle {_num(face.italicAngle)} "
            f"/Ascent {_num(face.ascent)} /Descent {_num(face.descent)} "
            f"/CapHeight {_num(face.capHeight)} /StemV {_num(face.stemV)} "
            f"/MissingWidth {_num(face.defaultWidth)} /FontFile2 {file_ref} 0 R >>"
        )
        descriptor_ref = self._new_object(descriptor.encode("ascii"))
        to_unicode_ref = self._new_object(
            self._stream_object(_to_unicode_cmap(subset).encode("ascii"), compress=True)
        )
        widths = " ".join(_num(face.getCharWidth(code)) for code in subset)
        font_dict = (
            f"<< /Type /Font /Subtype /TrueType /BaseFont /{base_font} /FirstChar 0 "
            f"/LastChar {len(subset) - 1} /Widths [{widths}] "
            f"/FontDescriptor {descriptor_ref} 0 R /ToUnicode {to_unicode_ref} 0 R >>"
        )
        return self._new_object(font_dict.encode("ascii"))

    @staticmethod
    def _stream_object(data: bytes, compress: bool, extra: str = "") -> bytes:
        if compress:
            data = zlib.compress(data, 6)
        flate = "/Filter /FlateDecode " if compress else ""
        head = f"<< /Length {len(data)} {flate}{extra}>>\nstream\n".encode("ascii")
        return head + data + b"\nendstream"

    def _new_object(self, body: bytes) -> int:
        number = len(self._offsets)
        self._offsets.append(0)
        self._write_object(number, body)
        return number

    def _write_object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._position
        self._write(b"%d 0 obj\n%b\nendobj\n" % (number, body))

    def _write_xref(self) -> None:
        start = self._position
        count = len(self._offsets)
        self._write(b"xref\n0 %d\n0000000000 65535 f \n" % count)
        for chunk in _chunks(self._offsets[1:]):
            self._write("".join(f"{offset:010d} 00000 n \n" for offset in chunk).encode("ascii"))
        trailer = (
            f"trailer\n<< /Size {count} /Root {self.CATALOG} 0 R /Info {self.INFO} 0 R >>\n"
            f"startxref\n{start}\n%%EOF\n"
        )
        self._write(trailer.encode("ascii"))

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)


def _chunks(numbers: array, size: int = 4096) -> Iterator[array]:
    for start in range(0, len(numbers), size):
        yield numbers[start : start + size]


def _subset_tag(key: str, index: int) -> str:
    """Six capital letters, distinct per font and subset, as PDF subset names require."""
    letters = ""
    for _ in range(5):
        index, digit = divmod(index, 26)
        letters = chr(65 + digit) + letters
    return "E" + chr(65 + "RB".index(key)) + letters[1:]


def _to_unicode_cmap(subset: list[int]) -> str:
    """Codes to Unicode, so text can be searched and copied; bfchar blocks hold <= 100."""
    entries = [f"<{code:02X}> <{_utf16_hex(char)}>" for code, char in enumerate(subset) if code]
    blocks = "\n".join(
        f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar"
        for chunk in (entries[i : i + 100] for i in range(0, len(entries), 100))
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
        f"{blocks}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    )


def _utf16_hex(code_point: int) -> str:
    return chr(code_point).encode("utf-16-be").hex().upper()


def _pdf_text(text: str) -> str:
    """A PDF text string (UTF-16 with BOM, hex) for the document information."""
    return "<FEFF" + clean_text(text).encode("utf-16-be").hex().upper() + ">"
