"""What every UtilityDesk PDF shares: the DejaVu fonts (they have the ₹ glyph), styles, sections, stamp."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError

from app.domain.core.errors import ValidationError
from app.formatting import Formats

FONT_DIR = Path(__file__).resolve().parents[3] / "resources" / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#5b6775")
RULE = colors.HexColor("#d5dae1")
ALERT = colors.HexColor("#b3261e")
ACCENT = colors.HexColor("#16324f")

Row = tuple[str, str]


@cache
def register_fonts() -> None:
    """DejaVu Sans from resources/fonts: free-licensed, and it draws ₹, € and £."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=8.5, leading=10.5, textColor=INK)
    return {
        "body": body,
        "muted": ParagraphStyle("muted", parent=body, textColor=MUTED, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=16, leading=20,
                                textColor=ACCENT),
        "utility": ParagraphStyle("utility", parent=body, fontName=BOLD, fontSize=12, leading=15),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=9.5, leading=12,
                                  textColor=ACCENT, spaceBefore=6, spaceAfter=2),
        "banner": ParagraphStyle("banner", parent=body, fontName=BOLD, fontSize=14, leading=18,
                                 textColor=ALERT, alignment=TA_CENTER, spaceBefore=4,
                                 spaceAfter=4),
        "label": ParagraphStyle("label", parent=body, textColor=MUTED),
        "value": ParagraphStyle("value", parent=body, alignment=TA_RIGHT),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
    }


def escape(text: object) -> str:
    """Text for a Paragraph, which reads a small XML dialect."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraph(text: object, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), styles()[style])


def section(title: str, rows: Sequence[Row], width: float, bold_last: bool = False) -> list[Flowable]:
    """A heading and its label/value rows, the value right-aligned."""
    s = styles()
    cells = [[Paragraph(escape(label), s["label"]), Paragraph(escape(value), s["value"])]
             for label, value in rows if value not in (None, "")]
    if not cells:
        return []
    table = Table(cells, colWidths=[width * 0.45, width * 0.55])
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]
    if bold_last:
        commands.append(("FONTNAME", (0, -1), (-1, -1), BOLD))
    table.setStyle(TableStyle(commands))
    return [Paragraph(escape(title), s["heading"]), table]


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], width: float) -> Table:
    """A small ruled table (credit applications, ...)."""
    s = styles()
    data = [[Paragraph(f"<b>{escape(h)}</b>", s["body"]) for h in header]]
    data += [[Paragraph(escape(cell), s["body"]) for cell in row] for row in rows]
    table = Table(data, colWidths=[width / len(header)] * len(header), repeatRows=1)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def side_by_side(left: list[Flowable], right: list[Flowable], width: float) -> list[Flowable]:
    """Two sections next to each other, each built for (width - gap) / 2."""
    table = Table([[left, right]], colWidths=[width / 2, width / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (0, 0), 8),
                               ("LEFTPADDING", (1, 0), (1, 0), 8),
                               ("RIGHTPADDING", (1, 0), (1, 0), 0)]))
    return [table]


def banners(*texts: str) -> list[Flowable]:
    return [paragraph(text, "banner") for text in texts if text]


def spacer(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


def stamp(text: str) -> Callable[[Canvas, BaseDocTemplate], None]:
    """The system stamp at the foot of every page: who made the document, when, page n."""

    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(doc.leftMargin + 6, 7 * mm, text)
        canvas.drawRightString(doc.pagesize[0] - doc.rightMargin - 6, 7 * mm, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def stamp_text(generated_at: datetime, formats: Formats, by: str = "") -> str:
    who = f" by {by}" if by else ""
    return f"System generated by UtilityDesk on {formats.moment(generated_at)}{who}"


def build(path: Path, pagesize: tuple[float, float], title: str, story: list[Flowable],
          footer: str) -> Path:
    register_fonts()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=pagesize, title=title, author="UtilityDesk",
                            leftMargin=14 * mm, rightMargin=14 * mm, topMargin=10 * mm,
                            bottomMargin=14 * mm)
    draw = stamp(footer)
    try:
        doc.build(story, onFirstPage=draw, onLaterPages=draw)
    except LayoutError as error:
        path.unlink(missing_ok=True)  # never leave half a document behind
        raise DoesNotFit(title, _block_of(error)) from None
    return path


class DoesNotFit(ValidationError):
    """A value too large for the document's template: no page can hold the block it is in."""

    def __init__(self, document: str, block: str) -> None:
        super().__init__(block, f"is too large to fit on a page of {document}; shorten it and print again")
        self.document, self.block = document, block


def _block_of(error: LayoutError) -> str:
    """The caption of the block that did not fit ("Consumer", "Description"), from ReportLab's message."""
    found = re.search(r"<Paragraph at 0x[0-9a-f]+>([^'\n]{1,40})", str(error))
    return found.group(1).strip() if found else "A block"


def content_width(pagesize: tuple[float, float]) -> float:
    """The frame's width inside the margins and the frame's own 6 pt padding on each side."""
    return pagesize[0] - 28 * mm - 12
