"""Table cards: an A4 sheet of four cards (A6 each, to cut), one per meeting table, with
the table's name, the event, the QR code of its check-in address and what to do with it.

Plain data in, PDF bytes out: no Flask, no database. Drawn on reportlab's canvas in the
badges' fonts (DejaVu Sans, Arabic shaped by eventhub.badges.render); the QR matrix is the
qrcode library's (error correction M, the smallest version that fits the address).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eventhub.badges.render import BOLD, REGULAR, fit_line

PAGE_WIDTH, PAGE_HEIGHT = A4
CARD_WIDTH, CARD_HEIGHT = PAGE_WIDTH / 2, PAGE_HEIGHT / 2
MARGIN = 10 * mm
QR_WIDTH = 62 * mm


@dataclass(frozen=True)
class TableCard:
    table: str  # the table's name
    event: str  # the event's name
    url: str  # the absolute check-in address the QR code holds
    instruction: str  # "Scan with your phone when you arrive", in the sheet's language
    footer: str = ""  # e.g. the staff instruction


def qr_matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.ERROR_CORRECT_M, box_size=1, border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def render_cards(cards: Iterable[TableCard], title: str = "") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    cards = list(cards)
    for index, card in enumerate(cards):
        position = index % 4
        if index and position == 0:
            canvas.showPage()
        x = (position % 2) * CARD_WIDTH
        y = PAGE_HEIGHT - (position // 2 + 1) * CARD_HEIGHT
        _draw_card(canvas, card, x, y)
    if not cards:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_card(canvas: Canvas, card: TableCard, x: float, y: float) -> None:
    width = CARD_WIDTH - 2 * MARGIN
    centre = x + CARD_WIDTH / 2
    canvas.setStrokeColorRGB(0.75, 0.75, 0.75)
    canvas.setDash(2, 3)
    canvas.rect(x, y, CARD_WIDTH, CARD_HEIGHT, stroke=1, fill=0)
    canvas.setDash()
    canvas.setFillColorRGB(0, 0, 0)
    top = y + CARD_HEIGHT - MARGIN
    size, line = fit_line(card.table, BOLD, width, 30, 12)
    canvas.setFont(BOLD.name, size)
    canvas.drawCentredString(centre, top - size, line)
    size2, line2 = fit_line(card.event, REGULAR, width, 12, 7)
    canvas.setFont(REGULAR.name, size2)
    canvas.drawCentredString(centre, top - size - 8 * mm, line2)
    _draw_qr(canvas, qr_matrix(card.url), centre - QR_WIDTH / 2, y + 30 * mm, QR_WIDTH)
    size3, line3 = fit_line(card.instruction, BOLD, width, 11, 7)
    canvas.setFont(BOLD.name, size3)
    canvas.drawCentredString(centre, y + 22 * mm, line3)
    if card.footer:
        size4, line4 = fit_line(card.footer, REGULAR, width, 8, 6)
        canvas.setFont(REGULAR.name, size4)
        canvas.drawCentredString(centre, y + 15 * mm, line4)


def _draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, width: float) -> None:
    """One filled path, a rectangle per run of dark modules (row 0 at the top)."""
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
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
