"""A completed service order's report as an A4 PDF: the order, the request and what was done to
each meter (unassigned, removed to the warehouse or decommissioned, assigned)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4

from app.formatting import Formats
from app.printing.pdf.common import (
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
class MeterLine:
    meter_no: str
    action: str
    from_status: str
    to_status: str


@dataclass(frozen=True)
class ServiceOrderReport:
    utility_name: str
    formats: Formats  # the utility's date format, zone and locale
    so_no: str
    name: str
    order_type: str
    status: str
    request_no: str
    consumer_name: str
    account_no: str
    scheduled: date
    assigned_to: str
    approved_by: str
    created_by: str
    completed_at: datetime  # in the utility's zone
    remarks: str
    meters: tuple[MeterLine, ...]
    generated_at: datetime
    generated_by: str


def write_service_order_report(path: Path, doc: ServiceOrderReport) -> Path:
    width = content_width(A4)
    half = width / 2 - 8
    story = [paragraph(doc.utility_name, "utility"), spacer(2),
             paragraph(f"Service order {doc.so_no}", "title"), paragraph(doc.name, "heading")]
    story += side_by_side(
        section("Order", [("Type", doc.order_type), ("Status", doc.status),
                          ("Scheduled", doc.formats.day(doc.scheduled)),
                          ("Completed", doc.formats.moment(doc.completed_at))], half),
        section("Request", [("Request", doc.request_no), ("Consumer", doc.consumer_name),
                            ("Account No", doc.account_no), ("Assigned to", doc.assigned_to or "—"),
                            ("Approved by", doc.approved_by or "—"), ("Created by", doc.created_by)], half),
        width)
    if doc.meters:
        story += [paragraph("Meters", "heading"),
                  grid(("Meter", "Action", "From", "To"),
                       [(m.meter_no, m.action, m.from_status, m.to_status) for m in doc.meters], width)]
    if doc.remarks:
        story += [paragraph("Remarks", "heading"), paragraph(doc.remarks)]
    return build(path, A4, f"Service order {doc.so_no}", story,
                 stamp_text(doc.generated_at, doc.formats, doc.generated_by))
