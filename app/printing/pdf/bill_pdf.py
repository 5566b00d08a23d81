"""A bill as an A4 PDF: utility header, consumer, period, meter reads, consumption, lines by
tariff with their version, tax, arrears, total due, due date, and a QR code of the invoice number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

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
class BillDocLine:
    description: str
    quantity: Decimal | None
    rate: Decimal | None
    amount: Decimal
    tariff_version: int | None


@dataclass(frozen=True)
class BillDocRead:
    meter_no: str
    register: str
    read_on: date
    reading: Decimal
    read_type: str


@dataclass(frozen=True)
class BillDocument:
    utility_name: str
    formats: Formats  # the utility's date format, zone and locale
    currency: str
    invoice_no: str
    status: str
    bill_type: str
    consumer_name: str
    account_no: str
    billing_address: str
    period_start: date
    period_end: date
    bill_date: date
    due_date: date
    consumption: Decimal
    lines: tuple[BillDocLine, ...]
    reads: tuple[BillDocRead, ...]
    total: Decimal
    arrears: Decimal
    late_charges: tuple[tuple[str, Decimal], ...]
    generated_at: datetime
    generated_by: str
    # a final bill's settlement (billed, outstanding, deposit applied, final amount due)
    settlement: tuple[tuple[str, Decimal], ...] = ()


def qr_code(text: str, size_mm: float = 28) -> Drawing:
    widget = QrCodeWidget(text)
    left, bottom, right, top = widget.getBounds()
    size = size_mm * mm
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


def bill_story(doc: BillDocument) -> list:
    width = content_width(A4)
    half = width / 2 - 8

    def money(amount: Decimal) -> str:
        return format_money(Money(amount, doc.currency), doc.formats.locale)

    story = [paragraph(doc.utility_name, "utility"), spacer(2),
             paragraph(f"Bill {doc.invoice_no}", "title"),
             paragraph(f"{doc.bill_type} bill · {doc.status}", "heading")]
    if doc.status == "Cancelled":
        story += banners("CANCELLED")
    story += side_by_side(
        section("Consumer", [("Name", doc.consumer_name), ("Account No", doc.account_no),
                             ("Billing address", doc.billing_address)], half),
        section("Billing period", [("From", doc.formats.day(doc.period_start)),
                                   ("To", doc.formats.day(doc.period_end)),
                                   ("Bill date", doc.formats.day(doc.bill_date)),
                                   ("Due date", doc.formats.day(doc.due_date))], half), width)
    if doc.reads:
        story += [paragraph("Meter reads", "heading"), grid(
            ("Meter", "Register", "Read on", "Reading", "Type"),
            [(r.meter_no, r.register, doc.formats.day(r.read_on), f"{r.reading:,}", r.read_type)
             for r in doc.reads], width)]
    story += [paragraph(f"Consumption: {doc.consumption:,}", "heading"),
              paragraph("Charges", "heading"),
              grid(("Description", "Quantity", "Rate", "Tariff version", "Amount"),
                   [(line.description, "" if line.quantity is None else f"{line.quantity:,}",
                     "" if line.rate is None else str(line.rate),
                     "" if line.tariff_version is None else f"v{line.tariff_version}",
                     money(line.amount)) for line in doc.lines], width)]
    totals = [("Current charges", money(doc.total)), ("Arrears carried forward", money(doc.arrears)),
              ("Total due", money(doc.total + doc.arrears))]
    late = [(text, money(amount)) for text, amount in doc.late_charges]
    story += side_by_side(
        section("Amount due", [*totals[:2], *late, totals[2],
                               ("Pay by", doc.formats.day(doc.due_date))], half,
                bold_last=False),
        [qr_code(doc.invoice_no), paragraph(doc.invoice_no, "muted")], width)
    if doc.settlement:
        story += section("Final settlement", [(text, money(amount)) for text, amount in doc.settlement], half)
    return story


def write_bill_pdf(doc: BillDocument, path: Path) -> Path:
    footer = stamp_text(doc.generated_at, doc.formats, doc.generated_by)
    return build(path, A4, f"Bill {doc.invoice_no}", bill_story(doc), footer)
