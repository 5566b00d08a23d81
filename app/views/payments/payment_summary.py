"""What the Record Payment summary and the Review step say about a payment, from the domain's
ValidPayment: amounts, outstanding or extra, change, balance after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.core.money import Money
from app.domain.payments.rules import Difference, ValidPayment
from app.services.payments.posting import AccountView, PayableItem
from app.views.payments.display import Display

ITEM_LABELS = {"Bill": "Bill", "Service": "Service", "Installment": "Installment"}


@dataclass(frozen=True)
class ReviewData:
    """Everything the Review & Confirm step shows before the payment is posted."""

    account: AccountView
    item: PayableItem
    channel: str
    valid: ValidPayment
    paid_on: date
    recorded_by: str


def difference_text(valid: ValidPayment, display: Display) -> str:
    analysis = valid.analysis
    if analysis.kind is Difference.UNDER:
        return f"Under paid: {display.money(-analysis.difference)} still outstanding on the item"
    if analysis.kind is Difference.OVER:
        return f"Over paid: {display.money(valid.overpaid)} kept on account as a credit note"
    return "Exact payment"


def change_text(valid: ValidPayment, display: Display) -> str:
    if valid.cash is None:
        return ""
    if valid.cash.kept_on_account:
        return f"None: {display.money(valid.cash.kept_on_account)} kept on account"
    return display.money(valid.cash.change)


def balance_after(account: AccountView, valid: ValidPayment) -> Money:
    return account.balance - valid.amount


def settled_text(valid: ValidPayment, display: Display) -> str:
    """Each item the payment settles and how much, oldest due first."""
    return ", ".join(f"{a.reference} {display.money(a.amount)}" for a in valid.allocations) \
        if len(valid.allocations) > 1 else ""


def summary_rows(account: AccountView | None, item: PayableItem | None, valid: ValidPayment,
                 display: Display) -> list[tuple[str, str]]:
    rows = [("Payment amount", display.money(valid.amount)), ("Payment method", valid.method),
            ("Open amount", display.money(valid.open_amount) if item else ""),
            ("Difference", difference_text(valid, display))]
    if valid.cash is not None:
        rows += [("Amount received", display.money(valid.cash.tendered)),
                 ("Change due", change_text(valid, display))]
    if account is not None:
        rows.append(("Balance after payment", display.money(balance_after(account, valid))))
    return rows


def review_rows(data: ReviewData, display: Display) -> tuple[list[tuple[str, str]], ...]:
    """(account summary, payment summary, outcome) as the Review step lists them."""
    account, valid = data.account, data.valid
    accounts = [("Consumer name", account.name), ("Account number", account.account_no),
                ("Current balance (outstanding)", display.money(account.balance))]
    payment = [("Payment type", valid.payment_type.value),
               (ITEM_LABELS[valid.payment_type.value], settled_text(valid, display)
                or data.item.reference),
               ("Payment channel", data.channel), ("Payment method", valid.method),
               ("Total amount", display.money(valid.amount)),
               ("Payment date", display.day(data.paid_on)), ("Recorded by", data.recorded_by)]
    if valid.notes:
        payment.append(("Notes", valid.notes))
    outcome = [("Open amount", display.money(valid.open_amount)),
               ("Difference", difference_text(valid, display))]
    if valid.cash is not None:
        outcome += [("Amount received", display.money(valid.cash.tendered)),
                    ("Change due", change_text(valid, display))]
    outcome.append(("Balance after payment", display.money(balance_after(account, valid))))
    return accounts, payment, outcome
