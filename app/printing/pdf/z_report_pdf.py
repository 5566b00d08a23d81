"""Counter reports (X and Z) as A4 PDFs: a title, header lines and titled sections of label/value rows."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONTS = Path(__file__).resolve().parents[3] / "resources" / "fonts"
REGULAR, BOLD = "UtilityDesk-Sans", "UtilityDesk-Sans-Bold"


@dataclass(frozen=True)
class ReportSection:
    heading: str
    rows: tuple[tuple[str, str], ...]
    emphasis: frozenset[str] = frozenset()  # labels printed bold (totals)


@dataclass(frozen=True)
class ReportDocument:
    """What a counter report says, before it becomes paper: shared by ESC/POS, PDF and the screen."""

    title: str
    header: tuple[tuple[str, str], ...]
    sections: tuple[ReportSection, ...]
    notes: tuple[str, ...] = ()


def _register_fonts() -> tuple[str, str]:
    """DejaVu from resources/ (it has the rupee sign); Helvetica only if the files are missing."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return REGULAR, BOLD
    regular, bold = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
    if not regular.exists():
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold if bold.exists() else regular)))
    return REGULAR, BOLD


def render_report_pdf(document: ReportDocument) -> bytes:
    regular, bold = _register_fonts()
    out = BytesIO()
    page = SimpleDocTemplate(out, pagesize=A4, title=document.title, author="UtilityDesk",
                             leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                             bottomMargin=18 * mm)
    title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=6)
    heading = ParagraphStyle("heading", fontName=bold, fontSize=11, leading=14, spaceBefore=10,
                             spaceAfter=4)
    note = ParagraphStyle("note", fontName=bold, fontSize=9, leading=12, textColor=colors.darkred)
    story: list = [Paragraph(_escape(document.title), title)]
    # Warnings (unsynced payments) first: a Z report is read top-down and filed.
    story += [Paragraph(_escape(line), note) for line in document.notes]
    story += [Spacer(1, 3 * mm), _table(document.header, frozenset(), regular, bold)]
    for section in document.sections:
        story += [Paragraph(_escape(section.heading), heading),
                  _table(section.rows, section.emphasis, regular, bold)]
    page.build(story)
    return out.getvalue()


def write_report_pdf(document: ReportDocument, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_report_pdf(document))
    return path


def _table(rows: tuple[tuple[str, str], ...], emphasis: frozenset[str], regular: str,
           bold: str) -> Table:
    table = Table([list(row) for row in rows] or [["", ""]], colWidths=[95 * mm, 75 * mm])
    style = [("FONTNAME", (0, 0), (-1, -1), regular), ("FONTSIZE", (0, 0), (-1, -1), 10),
             ("ALIGN", (1, 0), (1, -1), "RIGHT"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]
    style += [("FONTNAME", (0, n), (-1, n), bold) for n, row in enumerate(rows) if row[0] in emphasis]
    table.setStyle(TableStyle(style))
    return table


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
