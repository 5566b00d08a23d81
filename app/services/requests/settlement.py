"""The financial settlement tab read from the ledger: outstanding (total due minus payments
made), the most recent unpaid invoice's due date, the last payment, the security deposit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.core.money import Money
from app.domain.payments.rules import COUNTED_STATUSES, PaymentType
from app.domain.requests.settlement import NetSettlement, outstanding_of, settle
from app.models.billing import LedgerEntry
from app.models.consumers import SecurityDeposit
from app.models.payments import Payment
from app.services.payments.queries import money_sql, payable_items


@dataclass(frozen=True)
class SettlementView:
    total_due: Money
    payments_made: Money
    due_date: date | None  # of the most recent unpaid invoice
    last_payment: Money | None
    last_payment_at: datetime | None
    last_payment_method: str
    deposit_date: date | None
    settlement: NetSettlement  # "Use in bill" at its default; the screen toggles it live

    @property
    def outstanding(self) -> Money:
        return self.settlement.outstanding


def _sum(session: Session, consumer_id: str, debit: bool) -> Decimal:
    sign = LedgerEntry.amount > 0 if debit else LedgerEntry.amount < 0
    total = session.execute(select(money_sql(func.coalesce(func.sum(LedgerEntry.amount), 0)))
                            .where(LedgerEntry.consumer_id == consumer_id, sign)).scalar()
    return abs(total or Decimal(0))


def settlement_of(session: Session, consumer_id: str, currency: str) -> SettlementView:
    total_due = Money(_sum(session, consumer_id, debit=True), currency)
    paid = Money(_sum(session, consumer_id, debit=False), currency)
    unpaid = [item for item in payable_items(session, consumer_id, PaymentType.BILL, currency)
              if item.open_amount.amount > 0 and item.payable]
    latest = max(unpaid, key=lambda item: (item.generated_on or date.min, item.due_date or date.min),
                 default=None)
    payment = session.execute(select(Payment).where(
        Payment.consumer_id == consumer_id, Payment.status.in_(COUNTED_STATUSES))
        .order_by(Payment.paid_at.desc()).limit(1)).scalar()
    deposits = session.execute(select(SecurityDeposit).where(
        SecurityDeposit.consumer_id == consumer_id, SecurityDeposit.status == "Held",
        SecurityDeposit.deleted.is_(False)).order_by(SecurityDeposit.deposited_on)).scalars().all()
    held = Money(sum((d.amount for d in deposits), Decimal(0)), currency)
    return SettlementView(
        total_due, paid, latest.due_date if latest else None,
        Money(payment.amount, currency) if payment else None,
        payment.paid_at if payment else None, payment.method if payment else "",
        deposits[0].deposited_on if deposits else None,
        settle(outstanding_of(total_due, paid), held))
