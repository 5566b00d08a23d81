"""Bill PDFs, one or a cycle's batch, each bill then marked printed with when and by whom."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.billing.exceptions import Category
from app.domain.billing.lifecycle import check_printable
from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission
from app.formatting import Formats
from app.models.billing import Bill
from app.models.consumers import Meter, MeterRead
from app.printing.pdf.bill_pdf import BillDocLine, BillDocRead, BillDocument, write_bill_pdf
from app.printing.pdf.common import DoesNotFit
from app.services.billing.bills import bill_detail, mark_printed
from app.services.billing.raised import open_exception
from app.services.billing.scope import cycle_scope
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work


def bill_document(session: Session, invoice_no: str, actor: Actor, now, *,
                  draft_ok: bool = False) -> BillDocument:
    """The bill's PDF content; a draft only for its review (a final bill before approval)."""
    detail = bill_detail(session, invoice_no)
    if not (draft_ok and detail.status == "Draft"):
        check_printable(detail.status)
    settings = load_settings(session)
    bill = session.execute(select(Bill).where(Bill.id == detail.id)).scalar_one()
    return BillDocument(
        settings.utility_name, Formats.of(settings), settings.currency, detail.invoice_no, detail.status,
        detail.bill_type, detail.consumer_name, detail.account_no, detail.billing_address,
        detail.period_start, detail.period_end, detail.bill_date, detail.due_date,
        detail.consumption,
        tuple(BillDocLine(line.description, line.quantity, line.rate, line.amount,
                          line.tariff_version) for line in detail.lines),
        _reads(session, bill), detail.total, detail.arrears, detail.late_charges, now,
        actor.full_name)


def _reads(session: Session, bill: Bill) -> tuple[BillDocRead, ...]:
    """The reads the bill counts between: its opening (the previous bill's closing) and closing."""
    if bill.closing_read_on is None:
        return ()
    previous = session.execute(
        select(Bill.closing_read_on).where(Bill.service_account_id == bill.service_account_id,
                                           Bill.period_start < bill.period_start,
                                           Bill.status != "Cancelled")
        .order_by(Bill.period_start.desc())).scalars().first()
    query = (select(Meter.meter_no, MeterRead.register, MeterRead.read_on, MeterRead.reading,
                    MeterRead.read_type)
             .join(Meter, Meter.id == MeterRead.meter_id)
             .where(Meter.service_account_id == bill.service_account_id,
                    MeterRead.read_on <= bill.closing_read_on)
             .order_by(Meter.meter_no, MeterRead.register, MeterRead.read_on))
    if previous is not None:
        query = query.where(MeterRead.read_on >= previous)
    rows = session.execute(query).all()  # a first bill counts from the meter's first read
    return tuple(BillDocRead(*row) for row in rows)


def bill_pdf(app: AppContext, actor: Actor, invoice_no: str, path: Path) -> Path:
    """The bill as a PDF, then marked printed. A bill whose data does not fit the template is a
    Print Format Error: an exception is opened for a specialist, and the message says so."""
    actor.require(Permission.VIEW_BILLING)
    with app.sessions() as session:
        document = bill_document(session, invoice_no, actor, app.clock.now())
    try:
        written = write_bill_pdf(document, path)
    except DoesNotFit as error:
        _print_format_error(app, actor, invoice_no, error)
        raise DoesNotFit(error.document, f"{error.block} (a Print Format Errors exception was opened)") from None
    mark_printed(app, actor, document.invoice_no)
    return written


def _print_format_error(app: AppContext, actor: Actor, invoice_no: str, error: DoesNotFit) -> None:
    with unit_of_work(app, actor) as work:
        bill = work.session.execute(select(Bill).where(Bill.invoice_no == invoice_no)).scalar_one()
        open_exception(work, consumer_id=bill.consumer_id, category=Category.PRINT_FORMAT,
                       cycle_id=bill.cycle_id, service_account_id=bill.service_account_id,
                       detail=f"Bill {invoice_no} cannot be printed: the {error.block} block is too "
                              "large for a page of the bill template.")


@dataclass(frozen=True)
class PrintedCycle:
    written: list[Path]
    refused: list[str]  # "INV-...: why", each with its Print Format Errors exception opened


def print_cycle(app: AppContext, actor: Actor, cycle_name: str, folder: Path,
                progress: Callable[[int, int], None] | None = None) -> PrintedCycle:
    """Every approved bill of the cycle as <invoice>.pdf in the folder, with progress. A bill that
    does not fit its template is left out (and an exception opened); the others still print."""
    actor.require(Permission.VIEW_BILLING)
    with app.sessions() as session:
        scope = cycle_scope(session, cycle_name)
        invoices = session.execute(select(Bill.invoice_no).where(
            Bill.cycle_id == scope.cycle_id, Bill.status == "Approved")
            .order_by(Bill.invoice_no)).scalars().all()
    return print_bills(app, actor, invoices, folder, progress)


def print_bills(app: AppContext, actor: Actor, invoices: Sequence[str], folder: Path,
                progress: Callable[[int, int], None] | None = None) -> PrintedCycle:
    """The chosen bills as <invoice>.pdf in the folder, with progress. A bill that cannot be
    printed (a draft, a cancelled bill, one too large for its template) is left out with the
    reason; the others still print."""
    actor.require(Permission.VIEW_BILLING)
    folder.mkdir(parents=True, exist_ok=True)
    written, refused = [], []
    for done, invoice in enumerate(invoices, start=1):
        try:
            written.append(bill_pdf(app, actor, invoice, folder / f"{invoice}.pdf"))
        except ValidationError as error:  # DoesNotFit too: its exception is already opened
            refused.append(f"{invoice}: {error}")
        if progress is not None:
            progress(done, len(invoices))
    return PrintedCycle(written, refused)
