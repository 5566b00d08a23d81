"""Late payment penalty and interest: late-payment revenue, never principal.

At each bill, every earlier bill of the account still open at the bill date and past its due
date is charged interest (a monthly percent of its open principal, pro rata by the days it
was overdue within the period being billed), and, if it fell due within that period, a
penalty (a percent of its open principal). Billing periods tile the calendar, so a bill is
penalised once and each overdue day earns interest once. Only bills are principal: earlier
penalties and interest are service charges and never earn more. Each charge is rounded half-up to the
minor unit; an amount that rounds to nothing is not charged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.domain.core.money import minor_digits, round_half_up

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DAYS_PER_MONTH = Decimal(30)
PENALTY, INTEREST = "Late payment penalty", "Late payment interest"


@dataclass(frozen=True, slots=True)
class OverdueBill:
    invoice_no: str
    due_date: date
    open_principal: Decimal


@dataclass(frozen=True, slots=True)
class LateCharge:
    description: str
    amount: Decimal
    invoice_no: str


def late_charges(overdue: Sequence[OverdueBill], period_start: date, period_end: date,
                 bill_date: date, penalty_percent: Decimal, interest_percent_per_month: Decimal,
                 currency: str) -> list[LateCharge]:
    places = minor_digits(currency)
    charges = []
    for bill in sorted(overdue, key=lambda b: (b.due_date, b.invoice_no)):
        if bill.open_principal <= 0 or bill.due_date >= bill_date:
            continue
        fell_due_now = period_start <= bill.due_date <= period_end
        penalty = (round_half_up(bill.open_principal * penalty_percent / HUNDRED, places)
                   if fell_due_now else ZERO)
        overdue_from = max(bill.due_date + timedelta(days=1), period_start)
        days = max(0, (period_end - overdue_from).days + 1)
        interest = round_half_up(bill.open_principal * interest_percent_per_month / HUNDRED
                                 * days / DAYS_PER_MONTH, places)
        for description, amount in ((PENALTY, penalty), (INTEREST, interest)):
            if amount > 0:
                charges.append(LateCharge(f"{description} on {bill.invoice_no}", amount,
                                          bill.invoice_no))
    return charges
