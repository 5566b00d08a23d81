"""Financial settlement of a request: outstanding from the ledger, the security deposit, the net.

The spec's sample: $456.78 outstanding, a $200.00 deposit used in the bill, $256.78 payable.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.core.money import Money

CLEARED = "Cleared"
PAYABLE = "Amount payable by consumer"
REFUND_DUE = "Refund due to consumer"
SETTLED = "Settled"


def outstanding_of(total_due: Money, payments_made: Money) -> Money:
    """AC012: total due (every debit in the ledger) minus payments made till date."""
    return total_due - payments_made


def use_in_bill_by_default(outstanding: Money) -> bool:
    """"Use in bill" starts ON only when something is outstanding."""
    return outstanding.amount > 0


@dataclass(frozen=True)
class NetSettlement:
    outstanding: Money
    deposit_held: Money
    use_in_bill: bool

    @property
    def deposit_applied(self) -> Money:
        """AC013: ON applies the whole deposit held as a deduction; OFF leaves it untouched."""
        return self.deposit_held if self.use_in_bill else Money.zero(self.outstanding.currency)

    @property
    def net(self) -> Money:
        """Outstanding minus the deposit applied: negative is a refund due to the consumer."""
        return self.outstanding - self.deposit_applied

    @property
    def outstanding_status(self) -> str:
        return CLEARED if self.outstanding.amount <= 0 else PAYABLE

    @property
    def status(self) -> str:
        if self.net.amount > 0:
            return PAYABLE
        return REFUND_DUE if self.net.amount < 0 else SETTLED

    def toggled(self, use_in_bill: bool) -> NetSettlement:
        return NetSettlement(self.outstanding, self.deposit_held, use_in_bill)


def settle(outstanding: Money, deposit_held: Money, use_in_bill: bool | None = None) -> NetSettlement:
    """The settlement as first shown: the toggle at its default unless the user set it."""
    chosen = use_in_bill_by_default(outstanding) if use_in_bill is None else use_in_bill
    return NetSettlement(outstanding, deposit_held, chosen)
