"""A bill's life: Draft, Approved, Cancelled; printed and sent are recorded beside the status.

An approved bill is a posted money record: it is never edited. It is cancelled by a
correcting credit of its whole total on the ledger, and a rebill is a new bill for the
same account and period (its rebill number one higher).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from app.domain.core.errors import ValidationError


class BillStatus(StrEnum):
    DRAFT = "Draft"
    APPROVED = "Approved"
    CANCELLED = "Cancelled"


FINAL_BILL = "Final"  # a bill's type when it closes an account (a disconnection's final bill)

_ALLOWED = {
    (BillStatus.DRAFT, BillStatus.APPROVED),
    (BillStatus.DRAFT, BillStatus.CANCELLED),
    (BillStatus.APPROVED, BillStatus.CANCELLED),
}


def check_transition(current: str, new: BillStatus) -> None:
    if (BillStatus(current), new) not in _ALLOWED:
        raise ValidationError("status", f"A {current} bill cannot become {new.value}")


def check_printable(status: str) -> None:
    if status != BillStatus.APPROVED:
        raise ValidationError("status", f"Only an approved bill is printed or sent, not a {status} one")


def due_date(bill_date: date, due_days: int) -> date:
    return bill_date + timedelta(days=due_days)
