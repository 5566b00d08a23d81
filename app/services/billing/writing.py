"""The rows one billed (or refused) account adds, written with the chunk's transaction.

A bill, its lines (each with its GL code), its ledger debit, the late payment charges it
assessed (service charges on GL 'Late payment', each on the ledger), the estimated reads it
made, and an outbox row for each synced row; or, for a refused account, one open exception.
Rows are gathered as complete column dicts and inserted per table with one executemany per
chunk: a bill run writes millions of rows, and the ORM's unit of work per row costs more
than the rating.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from sqlalchemy import Table, insert, select, update
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
from app.models.consumers import MeterRead
from app.models.notices import Notice
from app.models.requests import Notification
from app.models.system import OutboxEntry
from app.services.billing.critical import add_critical_notices
from app.services.core.serialize import json_safe

OPEN_EXCEPTION_STATES = ("Open", "Escalated")
# parents before children, for the foreign keys
TABLES: tuple[Table, ...] = tuple(model.__table__ for model in (
    Bill, BillLine, ServiceCharge, LedgerEntry, MeterRead, BillingException, Notice, Notification))
QUANTITY = Decimal("0.001")


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
    draft: bool = False
    rows: dict[Table, list[dict]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: Table, **values: object) -> str:
        """A full row (every column, defaults filled, sync columns set); returns its id."""
        row = {**_defaults(table), **values, "id": values.get("id") or new_id(), "version": 1,
               "updated_at": self.now, "deleted": False}
        self.rows[table].append(row)
        return row["id"]


@cache
def _defaults(table: Table) -> dict[str, object]:
    return {column.key: (column.default.arg if column.default is not None and column.default.is_scalar
                         else None) for column in table.c}


def write_bill(target: BillTarget, account_id: str, consumer_id: str, billed: AccountBill,
               late: Sequence[LateCharge], invoice_no: str, meter_ids: Mapping[str, str],
               version_id: str | None, rebill_no: int = 0) -> str:
    composed = billed.composed
    total = composed.total.amount
    bill_id = target.add(
        Bill.__table__, invoice_no=invoice_no, consumer_id=consumer_id, service_account_id=account_id,
        cycle_id=target.cycle_id, tariff_version_id=version_id, period_start=target.period_start,
        period_end=target.period_end, bill_date=target.bill_date, due_date=target.due_date,
        consumption=composed.consumption, bill_type="Estimated" if billed.estimated else "Actual",
        status="Draft" if target.draft else "Approved", total=total, arrears=composed.arrears.amount,
        closing_read_on=billed.closing_read_on, run_id=target.run_id, rebill_no=rebill_no,
        approved_by="" if target.draft else target.username)
    for number, line in enumerate(composed.lines, start=1):
        target.add(BillLine.__table__, bill_id=bill_id, line_no=number, kind=line.kind,
                   description=line.description[:160], quantity=_quantity(line.quantity),
                   rate=line.rate, amount=line.amount,
                   gl_code=code_for(target.postings, posting_for(line.group, line.utility)),
                   utility=line.utility, tariff_version=line.tariff_version)
    if not target.draft:  # a draft is posted when it is approved
        _ledger(target, consumer_id, "bill", total, "bill", bill_id, f"Bill {invoice_no}")
    for charge in late:
        charge_id = target.add(ServiceCharge.__table__, consumer_id=consumer_id,
                               description=charge.description, amount=charge.amount,
                               service_date=target.bill_date, gl_code=target.postings[LATE],
                               bill_id=bill_id)
        _ledger(target, consumer_id, "service_charge", charge.amount, "service_charge", charge_id,
                charge.description)
    for read in billed.estimated_reads:
        target.add(MeterRead.__table__, meter_id=meter_ids[read.meter_no], read_on=read.read_on,
                   register=read.register, reading=read.reading, read_type="Estimated", reason="")
    return bill_id


def _quantity(value: Decimal | None) -> Decimal | None:
    """The column keeps 0.001 of a unit: a prorated share's fourth place is shown, not kept."""
    return None if value is None else value.quantize(QUANTITY, rounding=ROUND_HALF_UP)


def _ledger(target: BillTarget, consumer_id: str, entry_type: str, amount: Decimal,
            source_type: str, source_id: str, text: str) -> None:
    target.add(LedgerEntry.__table__, consumer_id=consumer_id, entry_type=entry_type, amount=amount,
               source_type=source_type, source_id=source_id, description=text[:160],
               posted_at=target.now)


def _runs_of_period(target: BillTarget):
    return select(BillRun.id).where(BillRun.period_start == target.period_start)


def open_problems(session: Session, target: BillTarget, account_ids: Sequence[str]) -> set[tuple[str, str]]:
    """(account, category) of the open exceptions of this period among the accounts."""
    if not account_ids:
        return set()
    return set(session.execute(select(BillingException.service_account_id, BillingException.category)
                               .where(BillingException.service_account_id.in_(account_ids),
                                      BillingException.status.in_(OPEN_EXCEPTION_STATES),
                                      BillingException.run_id.in_(_runs_of_period(target)))).all())


def record_problem(target: BillTarget, account_id: str, consumer_id: str, problem: BillingProblem,
                   already_open: set[tuple[str, str]]) -> None:
    """One open exception per account, period and category."""
    if (account_id, problem.category.value) in already_open:
        return
    target.add(BillingException.__table__, cycle_id=target.cycle_id, consumer_id=consumer_id,
               service_account_id=account_id, run_id=target.run_id,
               category=problem.category.value, severity=problem.severity.value,
               message=problem.detail, status="Open", opened_at=target.now, assigned_to="",
               resolved_by="", resolution="")


def resolve_problems(session: Session, target: BillTarget, billed: Mapping[str, str]) -> None:
    """Accounts billed now: their open exceptions of this period are resolved by the bill."""
    for account_id, invoice_no in billed.items():
        session.execute(update(BillingException).where(
            BillingException.service_account_id == account_id,
            BillingException.status.in_(OPEN_EXCEPTION_STATES),
            BillingException.run_id.in_(_runs_of_period(target)))
            .values(status="Resolved", resolved_at=target.now, resolved_by=target.username,
                    resolution=f"Re-billed as {invoice_no}", version=BillingException.version + 1,
                    updated_at=target.now))


def flush_rows(session: Session, target: BillTarget) -> int:
    """Inserts the chunk's rows and their outbox entries; returns how many rows."""
    add_critical_notices(session, target)
    written = 0
    outbox = []
    for table in TABLES:
        rows = target.rows.pop(table, [])
        if not rows:
            continue
        session.execute(insert(table), rows)
        written += len(rows)
        outbox.extend({"id": new_id(), "entity": table.name, "entity_id": row["id"],
                       "operation": "insert", "payload": json_safe(row), "base_version": None,
                       "created_at": target.now, "state": "Pending", "attempts": 0,
                       "last_error": "", "actor_username": target.username} for row in rows)
    if outbox:
        session.execute(insert(OutboxEntry.__table__), outbox)
    return written
