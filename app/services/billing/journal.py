"""The GL journal of one billing cycle, balanced to the cent, as CSV or JSON rows.

It covers the cycle's bills (each debits Receivable and credits its lines' codes), their
correcting credits, the late payment charges they assessed, and the payments allocated to
them (debit Cash receipts or Other receipts, credit Receivable). Lines written before lines
had GL codes get the code of their kind and service.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.billing.gl import (
    CASH,
    OTHER_RECEIPTS,
    RECEIVABLE,
    JournalEntry,
    Posting,
    balanced,
    code_for,
    journal,
    posting_for,
)
from app.domain.core.errors import ValidationError
from app.domain.core.settings import Settings
from app.domain.payments.rules import COUNTED_STATUSES
from app.models.billing import Bill, BillLine, LedgerEntry, ServiceCharge
from app.models.consumers import ServiceAccount
from app.models.payments import Payment, PaymentAllocation
from app.services.billing.bills import CORRECTING_CREDIT
from app.services.billing.scope import cycle_scope


@dataclass(frozen=True)
class CycleJournal:
    cycle: str
    entries: tuple[JournalEntry, ...]
    bills: int
    payments: int

    @property
    def debits(self) -> int:
        return sum(e.debit_minor for e in self.entries)

    @property
    def credits(self) -> int:
        return sum(e.credit_minor for e in self.entries)


def _minor(amount) -> int:
    return int(amount.scaleb(2))


def cycle_journal(session: Session, settings: Settings, cycle_name: str) -> CycleJournal:
    scope = cycle_scope(session, cycle_name)
    codes = {p.posting: p.code for p in settings.get("gl.postings")}
    receivable = codes[RECEIVABLE]
    bills = session.execute(select(Bill.id, Bill.total, ServiceAccount.utility)
                            .join(ServiceAccount, ServiceAccount.id == Bill.service_account_id)
                            .where(Bill.cycle_id == scope.cycle_id,
                                   Bill.status != "Draft")).all()  # drafts are not posted
    bill_ids = [bill_id for bill_id, _, _ in bills]
    by_bill: dict[str, list[Posting]] = {bill_id: [Posting(receivable, _minor(total))]
                                         for bill_id, total, _ in bills}
    utility_of = {bill_id: utility for bill_id, _, utility in bills}
    for line in _in(session, select(BillLine), BillLine.bill_id, bill_ids):
        code = line.gl_code or code_for(codes, posting_for(_group(line.kind), utility_of[line.bill_id]))
        by_bill[line.bill_id].append(Posting(code, -_minor(line.amount)))
    postings = [posting for rows in by_bill.values() for posting in rows]
    credited = _in(session, select(LedgerEntry.source_id).where(
        LedgerEntry.source_type == CORRECTING_CREDIT), LedgerEntry.source_id, bill_ids)
    for bill_id in credited:  # a correcting credit reverses the bill's own postings
        postings += [Posting(p.code, -p.minor) for p in by_bill[bill_id]]
    for charge in _in(session, select(ServiceCharge), ServiceCharge.bill_id, bill_ids):
        postings += [Posting(receivable, _minor(charge.amount)),
                     Posting(charge.gl_code, -_minor(charge.amount))]
    payments = _in(session, select(PaymentAllocation.amount, Payment.method, Payment.id)
                   .join(Payment, Payment.id == PaymentAllocation.payment_id)
                   .where(Payment.status.in_(COUNTED_STATUSES)), PaymentAllocation.bill_id, bill_ids)
    for amount, method, _ in payments:
        postings += [Posting(codes[CASH if method == "Cash" else OTHER_RECEIPTS], _minor(amount)),
                     Posting(receivable, -_minor(amount))]
    descriptions = {code.code: code.description for code in settings.gl_codes}
    entries = tuple(journal(postings, descriptions))
    if not balanced(entries):  # a bill whose lines do not sum to its total: never export it
        raise ValidationError("journal", f"The journal of {scope.label} does not balance")
    return CycleJournal(scope.label, entries, len(bills), len({p for _, _, p in payments}))


def _group(kind: str) -> str:
    return {"tax": "tax", "plan_charge": "service_charge"}.get(kind, "consumption")


def _in(session: Session, query, column, ids: list[str], size: int = 900) -> list:
    """Rows whose column is in ids, queried in slices (SQLite's bound-parameter limit)."""
    rows: list = []
    for first in range(0, len(ids), size):
        result = session.execute(query.where(column.in_(ids[first:first + size])))
        rows.extend(result.scalars() if len(query.column_descriptions) == 1 else result.all())
    return rows


def write_journal(journal_: CycleJournal, path: Path) -> Path:
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(journal_json(journal_), indent=2), encoding="utf-8")
        return path
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["GL code", "Description", "Debit", "Credit"])
        for entry in journal_.entries:
            writer.writerow([entry.code, entry.description, _text(entry.debit_minor),
                             _text(entry.credit_minor)])
        writer.writerow(["", "Total", _text(journal_.debits), _text(journal_.credits)])
    return path


def journal_json(journal_: CycleJournal) -> dict[str, object]:
    return {"cycle": journal_.cycle, "bills": journal_.bills, "payments": journal_.payments,
            "entries": [{"code": e.code, "description": e.description,
                         "debit": _text(e.debit_minor), "credit": _text(e.credit_minor)}
                        for e in journal_.entries],
            "debits": _text(journal_.debits), "credits": _text(journal_.credits)}


def _text(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"
