"""A payment receipt as an A5 PDF: every section of the payment, VOID and DUPLICATE where they apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.pagesizes import A5

from app.domain.core.money import Money
from app.formatting import Formats, format_money
from app.printing.pdf.common import (
    Row,
    banners,
    build,
    content_width,
    paragraph,
    section,
    side_by_side,
    spacer,
    stamp_text,
)

ITEM_LABELS = {"Bill": "Invoice No", "Service": "Service", "Installment": "Installment"}


@dataclass(frozen=True)
class ReceiptDocument:
    utility_name: str
    centre: str
    counter: str
    formats: Formats  # the utility's date format, zone and locale
    receipt_no: str
    payment_no: str
    transaction_no: str
    paid_at: datetime  # in the utility's zone
    status: str
    consumer_name: str
    account_no: str
    service_address: str
    phone: str
    email: str
    payment_type: str
    reference: str
    channel: str
    method: str
    amount: Money
    applied: Money
    balance_after: Money
    received_by: str
    verification: str
    processing_time: str
    generated_at: datetime
    period: tuple[date, date] | None = None
    item_amount: Money | None = None
    difference: str = ""
    tendered: Money | None = None
    change: Money | None = None
    credit_note_no: str = ""
    credit_note_amount: Money | None = None
    notes: str = ""
    footer_lines: tuple[str, ...] = ()
    duplicate: bool = False
    copy_no: int | None = None
    reprinted_at: datetime | None = None  # in the utility's zone
    method_lines: tuple[tuple[str, str], ...] = ()  # card, cheque or transfer details
    void: bool = False
    void_reason: str = ""
    settled: tuple[tuple[str, Money], ...] = ()  # several items in one payment: each and its amount


def _money(doc: ReceiptDocument, money: Money | None) -> str:
    return "" if money is None else format_money(money, doc.formats.locale)


def _receipt_rows(doc: ReceiptDocument) -> list[Row]:
    return [("Receipt No", doc.receipt_no), ("Payment ID", doc.payment_no),
            ("Transaction ID", doc.transaction_no),
            ("Payment date", doc.formats.moment(doc.paid_at)), ("Status", doc.status)]


def _consumer_rows(doc: ReceiptDocument) -> list[Row]:
    return [("Name", doc.consumer_name), ("Account No", doc.account_no),
            ("Service address", doc.service_address), ("Phone", doc.phone), ("Email", doc.email)]


def _payment_rows(doc: ReceiptDocument) -> list[Row]:
    period = "" if doc.period is None else (
        f"{doc.formats.day(doc.period[0])} – {doc.formats.day(doc.period[1])}")
    label = ITEM_LABELS.get(doc.payment_type, "Item")
    items: list[Row] = [(label, doc.reference)] if len(doc.settled) < 2 else [
        (label, f"{reference}: {_money(doc, part)}") for reference, part in doc.settled]
    return [
        ("Payment type", doc.payment_type), *items,
        ("Service period", period), ("Channel", doc.channel), ("Method", doc.method),
        *doc.method_lines,
        ("Amount due on items" if doc.settled[1:] else "Amount due on item",
         _money(doc, doc.item_amount)), ("Difference", doc.difference),
    ]


def _amount_rows(doc: ReceiptDocument) -> list[Row]:
    """The same words and order as the thermal receipt and the screen."""
    rows: list[Row] = [("Amount paid", _money(doc, doc.amount))]
    if doc.credit_note_no:
        rows += [("Applied", _money(doc, doc.applied)),
                 ("Kept on account", _money(doc, doc.credit_note_amount)),
                 ("Credit note", doc.credit_note_no)]
    rows += [("Tendered", _money(doc, doc.tendered)), ("Change", _money(doc, doc.change))]
    return rows + [("Balance after payment", _money(doc, doc.balance_after))]


def _processing_rows(doc: ReceiptDocument) -> list[Row]:
    return [("Received by", doc.received_by), ("Verification", doc.verification),
            ("Processing time", doc.processing_time), ("Counter", doc.counter)]


def receipt_story(doc: ReceiptDocument) -> list:
    width = content_width(A5)
    marks = ("VOID" if doc.void else "", "DUPLICATE" if doc.duplicate else "")
    story = [paragraph(doc.utility_name, "utility"), paragraph(f"{doc.centre} · {doc.counter}", "muted"),
             spacer(2), paragraph("Payment Receipt", "title"), *banners(*marks),
             *_copy_note(doc),
             paragraph(f"Amount paid {_money(doc, doc.amount)}", "heading")]
    half = width / 2 - 8
    story += side_by_side(section("Receipt", _receipt_rows(doc), half),
                          section("Processing", _processing_rows(doc), half), width)
    story += section("Consumer", _consumer_rows(doc), width)
    story += side_by_side(section("Payment", _payment_rows(doc), half),
                          section("Amounts", _amount_rows(doc), half), width)
    if doc.void_reason:
        story += section("Void", [("Reason", doc.void_reason)], width)
    if doc.notes:
        story += section("Notes", [("Notes", doc.notes)], width)
    # One A5 page: the marks stand once, at the top (a PDF is not torn in two like a slip).
    return story + [spacer(4), *(paragraph(line, "center") for line in doc.footer_lines)]


def _copy_note(doc: ReceiptDocument) -> list:
    if not doc.duplicate:
        return []
    parts = [f"Copy {doc.copy_no}"] if doc.copy_no else []
    parts += [f"reprinted {doc.formats.moment(doc.reprinted_at)}"] if doc.reprinted_at else []
    return [paragraph(" · ".join(parts), "center")] if parts else []


def write_receipt_pdf(doc: ReceiptDocument, path: Path) -> Path:
    footer = stamp_text(doc.generated_at, doc.formats)
    return build(path, A5, f"Receipt {doc.receipt_no}", receipt_story(doc), footer)
