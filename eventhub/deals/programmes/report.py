"""A programme's outcome at an event as files: a one-page PDF report (reportlab, with bar
charts drawn by reportlab.graphics) and an XLSX workbook of every programme's figures.

Counts only. Texts are drawn in the badges' fonts (DejaVu Sans, registered in
eventhub/badges/render.py), Arabic shaped and reordered the same way, so that programme
and event names render in any of the three languages.
"""

from __future__ import annotations

import io
from typing import Any

from flask_babel import format_date, pgettext
from flask_babel import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eventhub.badges.render import BOLD, REGULAR, clean_text, visual
from eventhub.deals.dealflow.labels import STEP_LABELS
from eventhub.deals.dealflow.models import NEXT_STEPS
from eventhub.deals.programmes.outcomes import ProgrammeOutcome
from eventhub.events.models import Event
from eventhub.spreadsheets import Table

MARGIN = 18 * mm
CHART_WIDTH = A4[0] - 2 * MARGIN
BAR_COLOUR = colors.HexColor("#1f5f8b")


def figure_labels() -> list[tuple[str, str]]:
    """(attribute of ProgrammeOutcome, label in the reader's language), in the order pages
    and files show them."""
    return [
        ("startups", _("Startups of the programme")),
        ("taking_part", _("Startups taking part")),
        ("booths", _("Booths")),
        ("visitors", _("Visitors at their booths")),
        ("leads", _("Leads")),
        ("meetings_requested", _("Meetings requested")),
        ("meetings_confirmed", _("Meetings confirmed")),
        ("meetings_held", _("Meetings held")),
        ("meetings_missed", _("Meetings missed (no-shows)")),
        ("mutual_interests", _("Mutual interests")),
    ]


def figure_rows(outcome: ProgrammeOutcome) -> list[tuple[str, int]]:
    return [(label, getattr(outcome, name)) for name, label in figure_labels()]


def meeting_bars(outcome: ProgrammeOutcome) -> list[tuple[str, int]]:
    return [
        (pgettext("meetings", "Requested"), outcome.meetings_requested),
        (pgettext("meetings", "Confirmed"), outcome.meetings_confirmed),
        (pgettext("meetings", "Held"), outcome.meetings_held),
        (pgettext("meetings", "Missed"), outcome.meetings_missed),
    ]


def step_bars(outcome: ProgrammeOutcome) -> list[tuple[str, int]]:
    return [(str(STEP_LABELS[step]), outcome.next_steps.get(step, 0)) for step in NEXT_STEPS]


def report_pdf(event: Event, outcome: ProgrammeOutcome) -> bytes:
    """The programme's one-page report at `event`."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    title = _(
        "%(programme)s at %(event)s",
        programme=outcome.programme.localized("name"),
        event=event.localized("name"),
    )
    canvas.setTitle(clean_text(title))
    height = A4[1]
    y = height - MARGIN
    canvas.setFont(BOLD.name, 16)
    canvas.drawString(MARGIN, y - 16, _text(title))
    y -= 26
    canvas.setFont(REGULAR.name, 10)
    canvas.drawString(
        MARGIN,
        y - 10,
        _text(
            _(
                "Programme outcomes · %(first)s – %(last)s",
                first=format_date(event.first_day, "medium"),
                last=format_date(event.last_day, "medium"),
            )
        ),
    )
    y -= 26
    canvas.setFont(REGULAR.name, 11)
    for label, value in figure_rows(outcome):
        canvas.drawString(MARGIN, y - 11, _text(label))
        canvas.drawRightString(MARGIN + 110 * mm, y - 11, str(value))
        y -= 16
    y -= 8
    y = _chart(canvas, y, _("Meetings"), meeting_bars(outcome))
    y = _chart(canvas, y - 6, _("Next steps by stage"), step_bars(outcome))
    canvas.setFont(REGULAR.name, 8)
    canvas.drawString(
        MARGIN,
        MARGIN / 2,
        _text(_("Counts only: this report names no visitor, investor or startup.")),
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _text(text: Any) -> str:
    return visual(clean_text(text))


def _chart(canvas: Canvas, top: float, title: Any, bars: list[tuple[str, int]]) -> float:
    """A horizontal bar chart under `title`, its top at `top`; returns its bottom."""
    bar_height = 16
    height = len(bars) * bar_height * 1.6 + 34
    drawing = Drawing(CHART_WIDTH, height)
    drawing.add(String(0, height - 12, _text(title), fontName=BOLD.name, fontSize=12))
    chart = HorizontalBarChart()
    chart.x, chart.y = 45 * mm, 14
    chart.width, chart.height = CHART_WIDTH - 45 * mm - 10, height - 40
    # reportlab draws the first category at the bottom: reversed, they read top down.
    ordered = list(reversed(bars))
    chart.data = [[value for _label, value in ordered]]
    chart.categoryAxis.categoryNames = [_text(label) for label, _value in ordered]
    chart.categoryAxis.labels.fontName = REGULAR.name
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(4, *(value for _label, value in bars))
    chart.valueAxis.labels.fontName = REGULAR.name
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = "%d"
    chart.bars[0].fillColor = BAR_COLOUR
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = REGULAR.name
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    renderPDF.draw(drawing, canvas, MARGIN, top - height)
    return top - height


def outcomes_table(event: Event, outcomes: list[ProgrammeOutcome]) -> Table:
    """Every programme's figures at `event`, one row per programme (formula-safe cells)."""
    header = [_("Programme"), _("Programme (fr)")]
    header += [label for _name, label in figure_labels()]
    header += [str(STEP_LABELS[step]) for step in NEXT_STEPS]

    def rows():
        for outcome in outcomes:
            yield [
                outcome.programme.localized("name"),
                outcome.programme.name,
                *(value for _label, value in figure_rows(outcome)),
                *(outcome.next_steps.get(step, 0) for step in NEXT_STEPS),
            ]

    return Table(
        header=header,
        rows=rows(),
        filename=f"{event.slug}-programme-outcomes",
        title=_("Programme outcomes")[:31],
    )
