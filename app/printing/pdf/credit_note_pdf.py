"""A credit note as an A4 PDF: header, consumer, amounts, reason, linked receipt and the system stamp."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4

from app.domain.core.money import Money
from app.formatting import Formats, format_money
from app.printing.pdf.common import (
    banners,
    build,
    content_width,
    grid,
    paragraph,
    section,
    side_by_side,
    spacer,
    stamp_text,
)


@dataclass(frozen=True)
class CreditApplicationLine:
    applied_to: str
    amount: Money
    applied_at: datetime
    applied_by: str


@dataclass(frozen=True)
class CreditNoteDocument:
    utility_name: str
    formats: Formats  # the utility's date format, zone and locale
    credit_note_no: str
    status: str
    consumer_name: str
    account_no: str
    created_at: datetime  # in the utility's zone
    expires_on: date
    original: Money
    applied: Money
    remaining: Money
    usage_percent: Decimal
    reason: str
    created_by: str
    remarks: str
    receipt_no: str
    generated_at: datetime
    generated_by: str
    applications: tuple[CreditApplicationLine, ...] = ()


def credit_note_story(doc: CreditNoteDocument) -> list:
    width = content_width(A4)
    money = lambda m: format_money(m, doc.formats.locale)  # noqa: E731
    story = [paragraph(doc.utility_name, "utility"), spacer(2),
             paragraph(f"Credit Note {doc.credit_note_no}", "title"),
             paragraph(f"Status: {doc.status}", "heading")]
    if doc.status in ("Voided", "Expired"):
        story += banners(doc.status.upper())
    half = width / 2 - 8
    story += side_by_side(
        section("Consumer", [("Name", doc.consumer_name), ("Account No", doc.account_no)], half),
        section("Dates", [("Created", doc.formats.moment(doc.created_at)),
                          ("Expires", doc.formats.day(doc.expires_on))], half), width)
    story += side_by_side(
        section("Amounts", [("Original credit amount", money(doc.original)),
                            ("Applied amount", money(doc.applied)), ("Usage", f"{doc.usage_percent}%"),
                            ("Remaining balance", money(doc.remaining))], half, bold_last=True),
        section("Credit note information", [("Reason", doc.reason), ("Created by", doc.created_by),
                                            ("Linked receipt", doc.receipt_no)], half), width)
    if doc.remarks:
        story += [paragraph("Remarks", "heading"), paragraph(doc.remarks)]
    if doc.applications:
        rows = [(a.applied_to, money(a.amount), doc.formats.moment(a.applied_at),
                 a.applied_by) for a in doc.applications]
        story += [paragraph("Applied to", "heading"),
                  grid(("Applied to", "Amount", "When", "By"), rows, width)]
    return story


def write_credit_note_pdf(doc: CreditNoteDocument, path: Path) -> Path:
    footer = stamp_text(doc.generated_at, doc.formats, doc.generated_by)
    return build(path, A4, f"Credit Note {doc.credit_note_no}", credit_note_story(doc), footer)
