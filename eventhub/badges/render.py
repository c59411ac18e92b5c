"""Badge PDFs: one A6 portrait page per attendee, drawn on reportlab's canvas.

Plain data in, PDF bytes out: no Flask, no database. The layout, top to bottom: a band in
the category's colour with the category name, the full name (large; long names shrink,
then wrap onto up to three lines, never overflow), job title, organisation, the QR code
with its quiet zone kept clear, the event name, dates and venue, and the registration
number in small print.

* Drawing is reportlab's (``reportlab.pdfgen.canvas``), in DejaVu Sans (static/fonts/,
  which has Arabic presentation forms), embedded by reportlab as subsets with their
  ToUnicode maps, so the text can be searched and copied. ``rl_accel``, reportlab's C
  accelerator, measures strings and formats numbers when it is installed; it needs plain
  ``str`` text (a lazy translation string breaks it), so every text is made ``str`` here.
* Arabic is shaped with arabic-reshaper and put in visual order with python-bidi.
* The QR matrix comes from the qrcode library (version 2, error correction M, a fixed mask,
  so no mask search) and is drawn as one path with a rectangle per run of dark modules.
* A canvas holds its pages until it saves: large runs are drawn in parts (bulk.py).
"""

from __future__ import annotations

import io
import itertools
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import arabic_reshaper
import qrcode
from arabic_reshaper.ligatures import LIGATURES
from bidi import get_display
from flask_babel import lazy_gettext as _l
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from eventhub.errors import DomainError

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"

DEFAULT_LABELS: dict[str, dict[str, str]] = {
    "fr": {"registration_number": "N° d'inscription"},
    "en": {"registration_number": "Registration no."},
    "ar": {"registration_number": "رقم التسجيل"},
}


LEFT_TO_RIGHT_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


class BadgeRenderError(DomainError):
    """Badge data that cannot be drawn: nothing was written."""


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
QR_MODULES = 25  # version 2
QR_WIDTH = 34 * mm  # 25 modules of 1.36 mm, plus a 4-module quiet zone kept clear
QR_BOTTOM = 31 * mm
QR_QUIET_ZONE = 4 * QR_WIDTH / QR_MODULES  # nothing is drawn this close to the QR code
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
BLACK = (0.0, 0.0, 0.0)

Colour = tuple[float, float, float]
Progress = Callable[[int], None]

# Badge tokens are 33 characters; version 2 at level M holds 38 in alphanumeric mode.
QR_VERSION = 2
QR_MAX_CHARS = 38
QR_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
QR_MASK = 2  # lowest mean and worst-case ISO penalty over random tokens in this format


def render_badge(data: BadgeData) -> bytes:
    """One badge as a one-page A6 PDF."""
    return render_pdf([data])


def render_pdf(
    badges: Iterable[BadgeData], progress: Progress | None = None, progress_every: int = 100
) -> bytes:
    """One PDF with a page per badge, drawn on one canvas (which holds every page until
    it saves: give it a part of a large run, see bulk.py).

    ``progress(done)`` is called every ``progress_every`` badges and at the end.
    Raises BadgeRenderError before drawing anything if there is no badge or one is bad.
    """
    badges = list(badges)
    if not badges:
        raise BadgeRenderError(_l("There is no badge to print."), "no_badges")
    for badge in badges:  # every refusal before the first page
        parse_colour(badge.category_colour)
        check_token(badge.token)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A6, pageCompression=1, initialFontName=REGULAR.name)
    canvas.setTitle(clean_text(badges[0].event_name))
    canvas.setCreator("EventHub")
    canvas.setSubject("Badges")
    for done, badge in enumerate(badges, 1):
        draw_badge(canvas, badge)
        canvas.showPage()
        if progress is not None and (done % progress_every == 0 or done == len(badges)):
            progress(done)
    canvas.save()
    return out.getvalue()


def draw_badge(canvas: Canvas, data: BadgeData) -> None:
    """One badge on the canvas's current page."""
    _draw_band(canvas, data.category_name, parse_colour(data.category_colour))
    _draw_identity(canvas, data)
    _draw_qr(canvas, qr_matrix(data.token), (PAGE_WIDTH - QR_WIDTH) / 2, QR_BOTTOM, QR_WIDTH)
    _draw_event(canvas, data)


def _draw_band(canvas: Canvas, category: str, colour: Colour) -> None:
    canvas.setFillColorRGB(*colour)
    canvas.rect(0, PAGE_HEIGHT - BAND_HEIGHT, PAGE_WIDTH, BAND_HEIGHT, stroke=0, fill=1)
    if luminance(colour) > 0.8:  # a very light band would vanish into the white page
        canvas.setFillColorRGB(*GREY)
        canvas.rect(0, PAGE_HEIGHT - BAND_HEIGHT - 0.5 * mm, PAGE_WIDTH, 0.5 * mm, 0, 1)
    size, line = fit_line(clean_text(category).upper(), BOLD, TEXT_WIDTH, 20, 9)
    baseline = PAGE_HEIGHT - BAND_HEIGHT / 2 - size * BOLD.cap_height / 2
    _centred(canvas, line, BOLD, size, baseline, text_colour_on(colour))


def _draw_identity(canvas: Canvas, data: BadgeData) -> None:
    """Name, job title and organisation, centred in the space between band and QR."""
    name_size, name_lines = fit_name(data.full_name)
    # (visual line, font, size, colour, line height)
    rows = [(line, BOLD, name_size, INK, name_size * 1.18) for line in name_lines]
    if clean_text(data.job_title):
        size, line = fit_line(data.job_title, REGULAR, TEXT_WIDTH, 11, 8)
        rows.append((line, REGULAR, size, GREY, size * 1.4))
    if clean_text(data.organization):
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
        _centred(canvas, line, font, size, y + (lead - size * font.cap_height) / 2, colour)


def _draw_event(canvas: Canvas, data: BadgeData) -> None:
    size, line = fit_line(data.event_name, BOLD, TEXT_WIDTH, 11, 7)
    _centred(canvas, line, BOLD, size, EVENT_NAME_BASELINE, INK)
    size, line = fit_line(data.event_dates, REGULAR, TEXT_WIDTH, 9, 6.5)
    _centred(canvas, line, REGULAR, size, 16.5 * mm, INK)
    if clean_text(data.venue):
        size, line = fit_line(data.venue, REGULAR, TEXT_WIDTH, 9, 6.5)
        _centred(canvas, line, REGULAR, size, 12.5 * mm, GREY)
    labels = data.labels or DEFAULT_LABELS.get(data.language, DEFAULT_LABELS["en"])
    label = clean_text(labels.get("registration_number", ""))
    # Isolated left to right, so that in Arabic the number keeps its order (002-000482).
    number = f"{LEFT_TO_RIGHT_ISOLATE}{clean_text(data.registration_number)}{POP_ISOLATE}"
    size, line = fit_line(f"{label} {number}", REGULAR, TEXT_WIDTH, 7, 5)
    _centred(canvas, line, REGULAR, size, 5 * mm, GREY)


def _centred(
    canvas: Canvas, line: str, font: Font, size: float, baseline: float, colour: Colour
) -> None:
    if line:
        canvas.setFillColorRGB(*colour)
        canvas.setFont(font.name, size)
        canvas.drawCentredString(PAGE_WIDTH / 2, baseline, line)


# ------------------------------------------------------------------------ QR code


def qr_matrix(token: str) -> list[list[bool]]:
    """The QR code of a badge token as rows of modules (True = dark), without quiet zone.

    Raises BadgeRenderError("bad_token") for text that is not a badge-sized token.
    """
    check_token(token)
    code = qrcode.QRCode(
        version=QR_VERSION,
        error_correction=qrcode.ERROR_CORRECT_M,
        box_size=1,
        border=0,
        mask_pattern=QR_MASK,
    )
    code.add_data(token, optimize=0)  # one segment: the whole token in alphanumeric mode
    code.make(fit=False)
    return code.get_matrix()


def check_token(token: str) -> None:
    """BadgeRenderError("bad_token") unless the token fits the badge's QR code: at most 38
    characters of the QR alphanumeric set (the layout is made for 25 modules)."""
    if (
        not isinstance(token, str)
        or len(token) > QR_MAX_CHARS
        or not QR_ALPHANUMERIC.issuperset(token)
    ):
        raise BadgeRenderError(
            _l("A badge token must be at most 38 QR alphanumeric characters."), "bad_token"
        )


def _draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, width: float) -> None:
    """The modules as one filled path, a rectangle per horizontal run of dark modules,
    drawn in module units (row 0 at the top)."""
    modules = len(matrix)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width / modules, width / modules)
    path = canvas.beginPath()
    for row, cells in enumerate(matrix):
        left = 0
        for dark, run in itertools.groupby(cells):
            length = len(list(run))
            if dark:
                path.rect(left, modules - 1 - row, length, 1)
            left += length
    canvas.setFillColorRGB(*BLACK)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


# ------------------------------------------------------------------------ colours

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def parse_colour(value: str | None) -> Colour:
    """'#RRGGBB' as RGB fractions; BadgeRenderError("bad_colour") for anything else."""
    text = str(value or "").strip()
    if _COLOUR.fullmatch(text) is None:
        raise BadgeRenderError(
            _l("The category colour %(colour)s is not a colour as #RRGGBB.", colour=repr(text)),
            "bad_colour",
            field="colour",
        )
    return (int(text[1:3], 16) / 255, int(text[3:5], 16) / 255, int(text[5:7], 16) / 255)


def luminance(colour: Colour) -> float:
    """WCAG relative luminance."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in colour]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour_on(background: Colour) -> Colour:
    """White or ink, whichever has the higher WCAG contrast ratio on the background."""
    lum = luminance(background)
    on_white = 1.05 / (lum + 0.05)
    on_ink = (lum + 0.05) / (luminance(INK) + 0.05)
    return WHITE if on_white >= on_ink else INK


# -------------------------------------------------------------------------- fonts


class _SharedTTFont(TTFont):
    """reportlab's TTFont, made safe for documents saved by several threads at once.

    TTFont keeps each document's subsets apart, but saving one cuts the subsets from the
    font file through a single shared read position (hence its note: "you cannot use the
    same TTFont object for different documents at the same time"). The app's threads
    share these fonts, so the cutting is done one document at a time.
    """

    _cutting = threading.Lock()

    def addObjects(self, doc: object) -> None:
        with self._cutting:
            super().addObjects(doc)


class Font:
    """A TrueType face registered with reportlab, with what the layout needs of it."""

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.ttf = _SharedTTFont(name, str(path))
        pdfmetrics.registerFont(self.ttf)
        self.cap_height = self.ttf.face.capHeight / 1000
        self.glyphs = frozenset(map(chr, self.ttf.face.charToGlyph))

    def width(self, text: str, size: float) -> float:
        """Width in points (rl_accel's instanceStringWidthTTF when installed)."""
        return self.ttf.stringWidth(text, size)


REGULAR = Font("EventHub-DejaVuSans", FONT_DIR / "DejaVuSans.ttf")
BOLD = Font("EventHub-DejaVuSans-Bold", FONT_DIR / "DejaVuSans-Bold.ttf")

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


def clean_text(text: object) -> str:
    """One line of plain ``str``: whitespace runs made single spaces, control characters
    dropped (a lazy translation string becomes its text)."""
    return _CONTROL.sub("", _SPACES.sub(" ", str(text or "")).strip())


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
    text: str | None, font: Font, max_width: float, size: float, min_size: float
) -> tuple[float, str]:
    """(font size, visual text) for one line: shrunk to fit, then cut with an ellipsis."""
    logical = clean_text(text)
    line = visual(logical)
    width = font.width(line, size)
    if width <= max_width:
        return size, line
    fitted = size * max_width / width
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
    size = min(largest, TEXT_WIDTH / max(BOLD.width(one, 1), 0.001))
    if size >= smallest:
        return _floor_half(size), [one]
    pieces = _BREAK_AFTER.split(logical)
    if len(pieces) > 1:
        two = _balanced_split(pieces)
        largest, smallest = NAME_TWO_LINE_SIZES
        size = min(largest, TEXT_WIDTH / max(BOLD.width(line, 1) for line in two))
        if size >= smallest:
            return _floor_half(size), two
    return NAME_WRAP_SIZE, _wrap(pieces, BOLD, TEXT_WIDTH, NAME_WRAP_SIZE, NAME_MAX_LINES)


_BREAK_AFTER = re.compile(r"(?<=[ \-])")


def _balanced_split(pieces: list[str]) -> list[str]:
    """The two lines, cut between pieces, whose wider line is narrowest."""
    best: list[str] = []
    best_width = float("inf")
    for cut in range(1, len(pieces)):
        lines = [visual("".join(pieces[:cut]).rstrip()), visual("".join(pieces[cut:]))]
        width = max(BOLD.width(line, 1) for line in lines)
        if width < best_width:
            best, best_width = lines, width
    return best


def _wrap(
    pieces: list[str], font: Font, max_width: float, size: float, max_lines: int
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


def _ellipsize(logical: str, font: Font, max_width: float, size: float) -> str:
    """The longest start of the (logical) text that fits with "…" after it, in logical order."""
    chars = _prefix_that_fits(logical, font, max_width, size, suffix="…")
    return logical[:chars].rstrip() + "…"


def _prefix_that_fits(logical: str, font: Font, max_width: float, size: float, suffix: str) -> int:
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
