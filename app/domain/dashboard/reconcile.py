"""The dashboard's figures check each other: a mismatch is reported with both sides, never hidden.

- Total billed (the card) = the sum of the bill totals = the sum of the bill lines by GL code.
- Outstanding (the ledger balance) = what the documents say is owed: bills and service charges
  less posted payments, plus the ledger's entries no document stands behind (deposits applied).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    expected_label: str
    expected: Decimal
    actual_label: str
    actual: Decimal

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected

    @property
    def ok(self) -> bool:
        return self.difference == 0

    def describe(self) -> str:
        if self.ok:
            return f"{self.name}: {self.expected_label} = {self.actual_label}"
        return (f"{self.name} does not reconcile: {self.expected_label} {self.expected} but "
                f"{self.actual_label} {self.actual} (difference {self.difference})")


@dataclass(frozen=True, slots=True)
class Reconciliation:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def mismatches(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.ok)


def reconcile(total_billed: Decimal, sum_of_bill_totals: Decimal, lines_by_gl: Mapping[str, Decimal],
              ledger_balance: Decimal, documents_balance: Decimal) -> Reconciliation:
    lines = sum(lines_by_gl.values(), Decimal(0))
    return Reconciliation((
        Check("Total billed", "total billed", total_billed, "sum of bill totals", sum_of_bill_totals),
        Check("Bill lines", "sum of bill totals", sum_of_bill_totals, "sum of lines by GL code", lines),
        Check("Outstanding", "ledger balance", ledger_balance, "bills and charges less payments",
              documents_balance),
    ))
