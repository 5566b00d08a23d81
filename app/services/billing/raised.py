"""Exceptions raised outside a bill run: a payment the gateway refused, a bill that does not fit
its template. Each opens one exception in the spec's category, once per cause, audited."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.billing.exceptions import RULES, Category
from app.models.billing import BillingException
from app.models.consumers import Consumer
from app.services.billing.exceptions import OPEN_STATES
from app.services.core.work import Work


def open_exception(work: Work, *, consumer_id: str, category: Category, detail: str,
                   cycle_id: str | None = None, service_account_id: str | None = None) -> BillingException:
    """The open exception for this consumer, category, cycle and cause; opened if there is none,
    so that importing the same gateway file twice or reprinting a batch opens nothing new."""
    same_cycle = (BillingException.cycle_id.is_(None) if cycle_id is None
                  else BillingException.cycle_id == cycle_id)
    existing = work.session.execute(select(BillingException).where(
        BillingException.consumer_id == consumer_id, BillingException.category == category.value,
        same_cycle, BillingException.message == detail,
        BillingException.status.in_(OPEN_STATES))).scalars().first()
    if existing is not None:
        return existing
    row = BillingException(consumer_id=consumer_id, cycle_id=cycle_id, service_account_id=service_account_id,
                           category=category.value, severity=RULES[category].severity.value,
                           message=detail, status="Open", opened_at=work.now)
    work.record(row)
    consumer = work.session.get(Consumer, consumer_id)  # the audit log names the account, not an id
    work.audit("exception_opened", "billing_exception", row.id, category=category.value,
               severity=row.severity, detail=detail, account_no=consumer.account_no if consumer else "")
    return row
