"""The rows one billed (or refused) account adds, written with the chunk's transaction.

A bill, its lines (each with its GL code), its ledger debit, the late payment charges it
assessed (service charges on GL 'Late payment', each on the ledger), the estimated reads it
made, and an outbox row for each synced row; or, for a refused account, one open exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.billing.account import AccountBill
from app.domain.billing.exceptions import BillingProblem
from app.domain.billing.gl import LATE, code_for, posting_for
from app.domain.billing.late_payment import LateCharge
from app.models.base import new_id
from app.models.billing import (
    Bill,
    BillingException,
    BillLine,
    BillRun,
    LedgerEntry,
    ServiceCharge,
)
from app.models.consumers import Consumer, MeterRead, ServiceAccount
from app.models.system import OutboxEntry
from app.services.core.serialize import row_to_dict

OPEN_EXCEPTION_STATES = ("Open", "Escalated")


@dataclass
class BillTarget:
    """Where the rows go: the run, its period and dates, and who is writing."""

    run_id: str
    cycle_id: str | None
    period_start: date
    period_end: date
    bill_date: date
    due_date: date
    now: datetime
    username: str
    postings: Mapping[str, str]
    rows: list[object] = field(default_factory=list)

    def add(self, row: object) -> None:
        self.rows.append(row)


def write_bill(session: Session, target: BillTarget, account: ServiceAccount, consumer: Consumer,
               billed: AccountBill, late: list[LateCharge], invoice_no: str,
               meter_ids: Mapping[str, str], version_id: str | None, rebill_no: int = 0,
               replaces: str | None = None) -> Bill:
    composed = billed.composed
    bill = Bill(id=new_id(), invoice_no=invoice_no, consumer_id=consumer.id,
                service_account_id=account.id, cycle_id=target.cycle_id,
                tariff_version_id=version_id, period_start=target.period_start,
                period_end=target.period_end, bill_date=target.bill_date, due_date=target.due_date,
                consumption=composed.consumption, bill_type="Estimated" if billed.estimated else "Actual",
                status="Approved", total=composed.total.amount, arrears=composed.arrears.amount,
                closing_read_on=billed.closing_read_on, run_id=target.run_id, rebill_no=rebill_no,
                replaces_bill_id=replaces, approved_by=target.username, version=1,
                updated_at=target.now, deleted=False)
    target.add(bill)
    for number, line in enumerate(composed.lines, start=1):
        target.add(BillLine(id=new_id(), bill_id=bill.id, line_no=number, kind=line.kind,
                            description=line.description[:160], quantity=_quantity(line.quantity),
                            rate=line.rate, amount=line.amount,
                            gl_code=code_for(target.postings, posting_for(line.group, line.utility)),
                            utility=line.utility, tariff_version=line.tariff_version, version=1,
                            updated_at=target.now, deleted=False))
    target.add(_ledger(consumer.id, "bill", bill.total, "bill", bill.id, f"Bill {invoice_no}", target))
    for charge in late:
        charge_row = ServiceCharge(id=new_id(), consumer_id=consumer.id, description=charge.description,
                                   amount=charge.amount, service_date=target.bill_date,
                                   gl_code=target.postings[LATE], bill_id=bill.id, version=1,
                                   updated_at=target.now, deleted=False)
        target.add(charge_row)
        target.add(_ledger(consumer.id, "service_charge", charge.amount, "service_charge",
                           charge_row.id, charge.description, target))
    for read in billed.estimated_reads:
        target.add(MeterRead(id=new_id(), meter_id=meter_ids[read.meter_no], read_on=read.read_on,
                             register=read.register, reading=read.reading, read_type="Estimated",
                             reason="", version=1, updated_at=target.now, deleted=False))
    return bill


def _quantity(value: Decimal | None) -> Decimal | None:
    """The column keeps 0.001 of a unit: a prorated share's fourth place is shown, not kept."""
    if value is None:
        return None
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _ledger(consumer_id: str, entry_type: str, amount, source_type: str, source_id: str,
            text: str, target: BillTarget) -> LedgerEntry:
    return LedgerEntry(id=new_id(), consumer_id=consumer_id, entry_type=entry_type, amount=amount,
                       source_type=source_type, source_id=source_id, description=text[:160],
                       posted_at=target.now, version=1, updated_at=target.now, deleted=False)


def record_problem(session: Session, target: BillTarget, account: ServiceAccount,
                   problem: BillingProblem) -> bool:
    """One open exception per account, period and category: True if a new one was opened."""
    exists = session.execute(select(BillingException.id).where(
        BillingException.service_account_id == account.id,
        BillingException.category == problem.category.value,
        BillingException.status.in_(OPEN_EXCEPTION_STATES),
        BillingException.run_id.in_(_runs_of_period(target)))).first()
    if exists:
        return False
    target.add(BillingException(
        id=new_id(), cycle_id=target.cycle_id, consumer_id=account.consumer_id,
        service_account_id=account.id, run_id=target.run_id, category=problem.category.value,
        severity=problem.severity.value, message=problem.detail, status="Open",
        opened_at=target.now, assigned_to="", resolved_by="", resolution="", version=1,
        updated_at=target.now, deleted=False))
    return True


def _runs_of_period(target: BillTarget):
    return select(BillRun.id).where(BillRun.period_start == target.period_start)


def resolve_problems(session: Session, target: BillTarget, account_id: str, invoice_no: str) -> None:
    """The account billed: its open exceptions of this period are resolved by the bill."""
    session.execute(update(BillingException).where(
        BillingException.service_account_id == account_id,
        BillingException.status.in_(OPEN_EXCEPTION_STATES),
        BillingException.run_id.in_(_runs_of_period(target)))
        .values(status="Resolved", resolved_at=target.now, resolved_by=target.username,
                resolution=f"Re-billed as {invoice_no}", version=BillingException.version + 1,
                updated_at=target.now))


def flush_rows(session: Session, target: BillTarget) -> int:
    """Adds the chunk's rows and their outbox entries; returns how many rows."""
    rows, target.rows = target.rows, []
    session.add_all(rows)
    session.flush()
    session.add_all([OutboxEntry(entity=type(row).__tablename__, entity_id=row.id,
                                 operation="insert", payload=row_to_dict(row),
                                 created_at=target.now, actor_username=target.username)
                     for row in rows])
    return len(rows)
