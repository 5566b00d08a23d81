"""Bills read back (detail with lines and ledger) and their lifecycle after a run.

An approved bill is never edited: it is cancelled by a correcting credit on the ledger for
its whole total, and re-billed by a single-account run whose bill carries the next rebill
number and names the bill it replaces. Printing and sending are recorded with when and who.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.billing.lifecycle import FINAL_BILL, BillStatus, check_printable, check_transition
from app.domain.core.errors import NotFound, ValidationError
from app.domain.core.permissions import Permission, can
from app.formatting import Formats
from app.models.base import new_id
from app.models.billing import Bill, BillLine, BillRun, LedgerEntry, ServiceCharge
from app.models.consumers import Consumer, ServiceAccount
from app.services.core.changes import BILLS, LEDGER, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work

CORRECTING_CREDIT = "bill_credit"


@dataclass(frozen=True)
class BillLineView:
    line_no: int
    description: str
    quantity: Decimal | None
    rate: Decimal | None
    amount: Decimal
    gl_code: str
    tariff_version: int | None


@dataclass(frozen=True)
class BillDetail:
    id: str
    invoice_no: str
    account_no: str
    consumer_name: str
    billing_address: str
    period_start: date
    period_end: date
    bill_date: date
    due_date: date
    bill_type: str
    status: str
    consumption: Decimal
    total: Decimal
    arrears: Decimal
    lines: tuple[BillLineView, ...]
    late_charges: tuple[tuple[str, Decimal], ...]
    rebill_no: int
    printed: str
    sent: str

    @property
    def amount_due(self) -> Decimal:
        return self.total + self.arrears


def bill_detail(session: Session, invoice_no: str) -> BillDetail:
    row = session.execute(
        select(Bill, ServiceAccount, Consumer)
        .join(ServiceAccount, ServiceAccount.id == Bill.service_account_id)
        .join(Consumer, Consumer.id == Bill.consumer_id)
        .where(Bill.invoice_no == invoice_no.strip())).first()
    if row is None:
        raise NotFound(f"No bill with invoice number '{invoice_no}'")
    bill, account, consumer = row
    lines = session.execute(select(BillLine).where(BillLine.bill_id == bill.id)
                            .order_by(BillLine.line_no)).scalars()
    late = session.execute(select(ServiceCharge.description, ServiceCharge.amount)
                           .where(ServiceCharge.bill_id == bill.id)).all()
    return BillDetail(
        bill.id, bill.invoice_no, account.account_no, consumer.name, consumer.billing_address,
        bill.period_start, bill.period_end, bill.bill_date, bill.due_date, bill.bill_type,
        bill.status, bill.consumption, bill.total, bill.arrears,
        tuple(BillLineView(line.line_no, line.description, line.quantity, line.rate, line.amount,
                           line.gl_code, line.tariff_version) for line in lines),
        tuple((text, amount) for text, amount in late), bill.rebill_no,
        _stamp(bill.printed_at, bill.printed_by, session), _stamp(bill.sent_at, bill.sent_by, session))


def _stamp(at: datetime | None, by: str, session: Session) -> str:
    """"11/22/2026 4:30 PM by Emily Davis": in the utility's date format and zone."""
    return "" if at is None else f"{Formats.of(load_settings(session)).moment(at)} by {by}"


def cancel_bill(app: AppContext, actor: Actor, invoice_no: str, reason: str) -> Changes:
    """Cancels an approved bill by a correcting credit; the account can then be re-billed."""
    actor.require(Permission.RUN_BILLING)
    if not reason.strip():
        raise ValidationError("reason", "Give the reason for cancelling the bill")
    with unit_of_work(app, actor) as work:
        bill = work.session.execute(select(Bill).where(Bill.invoice_no == invoice_no.strip())
                                    ).scalar_one_or_none()
        if bill is None:
            raise NotFound(f"No bill with invoice number '{invoice_no}'")
        check_transition(bill.status, BillStatus.CANCELLED)
        posted = bill.status == BillStatus.APPROVED.value
        base = bill.version
        bill.status, bill.version, bill.updated_at = BillStatus.CANCELLED.value, base + 1, work.now
        work.record(bill, "update", base_version=base)
        if posted:  # a draft was never on the ledger: nothing to correct
            work.record(LedgerEntry(
                id=new_id(), consumer_id=bill.consumer_id, entry_type=CORRECTING_CREDIT,
                amount=-bill.total, source_type=CORRECTING_CREDIT, source_id=bill.id,
                description=f"Correcting credit for {bill.invoice_no}: {reason.strip()}"[:160],
                posted_at=work.now))
        work.audit("bill_cancelled", "bill", bill.id, invoice_no=bill.invoice_no,
                   total=str(bill.total), reason=reason.strip())
        return Changes.of(BILLS, LEDGER)


def mark_printed(app: AppContext, actor: Actor, invoice_no: str, *, sent: bool = False) -> Changes:
    """Who printed or sent the bill, and when. Whoever may see bills marks them; a final bill
    also whoever may print final bills (a supervisor, who sees no billing otherwise)."""
    with unit_of_work(app, actor) as work:
        bill = work.session.execute(select(Bill).where(Bill.invoice_no == invoice_no)).scalar_one()
        actor.require(Permission.PRINT_FINAL_BILL if bill.bill_type == FINAL_BILL and
                      not can(actor.role, Permission.VIEW_BILLING) else Permission.VIEW_BILLING)
        check_printable(bill.status)
        base = bill.version
        if sent:
            bill.sent_at, bill.sent_by = work.now, actor.username
        else:
            bill.printed_at, bill.printed_by = work.now, actor.username
        bill.version, bill.updated_at = base + 1, work.now
        work.record(bill, "update", base_version=base)
        work.audit("bill_sent" if sent else "bill_printed", "bill", bill.id, invoice_no=invoice_no)
        return Changes.of(BILLS)


def approve_run(app: AppContext, actor: Actor, run_id: str) -> int:
    """Approves a draft run's bills: each is posted to the ledger; how many were approved."""
    actor.require(Permission.RUN_BILLING)
    with unit_of_work(app, actor) as work:
        drafts = work.session.execute(select(Bill).where(
            Bill.run_id == run_id, Bill.status == BillStatus.DRAFT.value)
            .order_by(Bill.invoice_no)).scalars().all()
        approve_bills(work, drafts)
        if not drafts and work.session.get(BillRun, run_id) is None:
            raise NotFound(f"No bill run '{run_id}'")
        work.audit("bills_approved", "bill_run", run_id, bills=len(drafts))
        return len(drafts)


def approve_bills(work: Work, drafts: list[Bill]) -> None:
    """Draft bills approved and posted to the ledger (a run's, or a request's final bill)."""
    for bill in drafts:
        check_transition(bill.status, BillStatus.APPROVED)
        base = bill.version
        bill.status, bill.approved_by = BillStatus.APPROVED.value, work.actor.username
        bill.version, bill.updated_at = base + 1, work.now
        work.record(bill, "update", base_version=base)
        work.record(LedgerEntry(id=new_id(), consumer_id=bill.consumer_id, entry_type="bill",
                                amount=bill.total, source_type="bill", source_id=bill.id,
                                description=f"Bill {bill.invoice_no}", posted_at=work.now))
