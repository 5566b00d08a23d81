"""The billing dashboard as an A4 landscape PDF: every overview figure with both comparisons,
the reconciliation, and the revenue trend drawn as a chart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.pagesizes import A4, landscape

from app.formatting import Formats
from app.printing.pdf.common import (
    ACCENT,
    REGULAR,
    build,
    content_width,
    grid,
    paragraph,
    spacer,
    stamp_text,
)

PAGE = landscape(A4)


def trend_chart(points: Sequence[tuple[str, float]], width: float, height: float = 180) -> Drawing:
    """Billed by month; chart coordinates are display-only floats (the figures stay Decimal)."""
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 50, 30, width - 70, height - 60
    chart.data = [[value for _, value in points]]
    chart.categoryAxis.categoryNames = [month for month, _ in points]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.lines[0].strokeColor = ACCENT
    chart.lines[0].strokeWidth = 1.5
    drawing.add(chart)
    drawing.add(String(50, height - 14, "Revenue trend (billed by month)", fontName=REGULAR, fontSize=9))
    return drawing


def write_dashboard_pdf(path: Path, title: str, header: Sequence[str], rows: Sequence[Sequence[str]],
                        notes: Sequence[str], trend: Sequence[tuple[str, float]], generated_at: datetime,
                        formats: Formats, by: str = "") -> Path:
    width = content_width(PAGE)
    story = [paragraph(title, "title"), spacer(2), grid(header, rows, width), spacer(3)]
    story += [paragraph(note, "muted") for note in notes]
    if trend:
        story += [spacer(4), trend_chart(trend, width)]
    return build(path, PAGE, title, story, stamp_text(generated_at, formats, by))
