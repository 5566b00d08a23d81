"""A disconnection or reconnection request's receipt as an A4 PDF, for the consumer at the counter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4

from app.formatting import Formats
from app.printing.pdf.common import (
    build,
    content_width,
    paragraph,
    section,
    side_by_side,
    spacer,
    stamp_text,
)


@dataclass(frozen=True)
class RequestReceiptDocument:
    utility_name: str
    formats: Formats  # the utility's date format, zone and locale
    request_no: str
    request_type: str
    status: str
    consumer_name: str
    account_no: str
    service_address: str
    phone: str
    reason: str
    reason_code: str
    priority: str
    preferred_date: date | None
    time_slot: str
    notes: str
    created_at: datetime  # in the utility's zone
    created_by: str
    sla_due_at: datetime  # in the utility's zone
    notified: str
    generated_at: datetime


def write_request_receipt(path: Path, doc: RequestReceiptDocument) -> Path:
    width = content_width(A4)
    half = width / 2 - 8
    preferred = (f"{doc.formats.day(doc.preferred_date)} {doc.time_slot}"
                 if doc.preferred_date else "Not specified")
    story = [paragraph(doc.utility_name, "utility"), spacer(2),
             paragraph(f"{doc.request_type} request {doc.request_no}", "title"),
             paragraph(f"Status: {doc.status}", "heading")]
    story += side_by_side(
        section("Customer", [("Name", doc.consumer_name), ("Account No", doc.account_no),
                             ("Service address", doc.service_address), ("Phone", doc.phone)], half),
        section("Request", [("Reason", f"{doc.reason} ({doc.reason_code})"), ("Priority", doc.priority),
                            ("Preferred schedule", preferred),
                            ("Created", doc.formats.moment(doc.created_at)),
                            ("Created by", doc.created_by),
                            ("SLA due", doc.formats.moment(doc.sla_due_at))], half), width)
    if doc.notes:
        story += [paragraph("Additional notes", "heading"), paragraph(doc.notes)]
    told = f"An e-mail was sent to {doc.notified}." if doc.notified else "No notification was sent."
    story += [spacer(), paragraph(told)]
    return build(path, A4, f"Request {doc.request_no}", story,
                 stamp_text(doc.generated_at, doc.formats, doc.created_by))
