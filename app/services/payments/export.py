"""The payments list, as filtered and sorted on screen, exported to CSV or XLSX, and the
usage event the payments story asks for (report_generated)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from app.domain.core.permissions import Permission
from app.reports.payments_export import Row, check_format, write_payments
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import track
from app.services.payments.listing import PaymentFilter, Sort, list_payments
from app.services.payments.queries import zone

PAGE = 5_000


def filters_applied(flt: PaymentFilter) -> list[str]:
    """The names of the filters in use (what the usage event records, not their values)."""
    names = {"text": "search", "date_from": "date from", "date_to": "date to", "method": "method",
             "status": "status", "payment_type": "type", "consumer_id": "consumer"}
    return [label for field, label in names.items() if getattr(flt, field)]


def export_payments(app: AppContext, actor: Actor, flt: PaymentFilter, sort: Sort, path: Path,
                    fmt: str) -> int:
    """Every payment the filter finds, in the list's order; returns how many were written."""
    actor.require(Permission.VIEW_PAYMENTS)
    fmt = check_format(fmt)
    started = time.perf_counter()
    with app.sessions() as session:
        settings = load_settings(session)
        tz = zone(settings)

        def rows() -> Iterator[Row]:
            offset = 0
            while page := list_payments(session, flt, tz, settings.currency, offset=offset,
                                        limit=PAGE, sort=sort):
                for p in page:
                    yield (p.receipt_no, p.paid_at.astimezone(tz), p.consumer_name, p.account_no,
                           p.payment_type, p.method, p.amount.amount, p.amount.currency, p.status)
                offset += len(page)

        count = write_payments(rows(), Path(path), fmt)
    track(app, actor, "report_generated", report_type="Payments list",
          filters_applied=filters_applied(flt), export_format=fmt.upper(), rows=count,
          generation_time=round(time.perf_counter() - started, 3))
    return count
