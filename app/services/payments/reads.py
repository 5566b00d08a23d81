"""Reading payments: the Record Payment form's look-ups (consumer, account, open items) and
payments read back (details, the list, the KPIs)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.domain.payments.rules import PaymentType, parse_payment_type
from app.models.consumers import Consumer
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import track
from app.services.payments.alerts import PaymentAlerts
from app.services.payments.details import PaymentDetails, load_details
from app.services.payments.drilldown import DAY, Breakdown, breakdown
from app.services.payments.export import export_payments
from app.services.payments.listing import PaymentFilter, PaymentKpis, PaymentRow, Sort, kpis
from app.services.payments.listing import count_payments as _count_payments
from app.services.payments.listing import list_payments as _list_payments
from app.services.payments.queries import (
    PayableItem,
    balance,
    like_pattern,
    local_today,
    payable_items,
    zone,
)


@dataclass(frozen=True)
class ConsumerSummary:
    consumer_id: str
    name: str
    account_no: str
    phone: str
    service_address: str
    status: str


@dataclass(frozen=True)
class AccountView:
    consumer_id: str
    name: str
    account_no: str
    service_address: str
    phone: str
    email: str
    balance: Money  # positive: the consumer owes; from the ledger
    vip: bool
    status: str


@dataclass(frozen=True)
class PaymentFormOptions:
    channels: tuple[str, ...]
    default_channel: str
    methods: tuple[str, ...]
    payment_types: tuple[str, ...]
    notes_max_length: int
    currency: str



def _digits_only(column):
    for mark in "()- +.":
        column = func.replace(column, mark, "")
    return column


def consumer_of(session: Session, consumer_id: str) -> Consumer:
    consumer = session.get(Consumer, consumer_id)
    if consumer is None:
        raise ValidationError("Consumer", "was not found")
    return consumer


ALL_PAYMENTS = PaymentFilter()
NEWEST_FIRST = Sort()


class PaymentReads:
    """The read side of PaymentsService."""

    def __init__(self, app: AppContext) -> None:
        self.app = app

    # the Record Payment form -------------------------------------------------

    def form_options(self, actor: Actor) -> PaymentFormOptions:
        actor.require(Permission.RECORD_PAYMENT)
        with self.app.sessions() as session:
            s = load_settings(session)
            return PaymentFormOptions(s.channels, s.default_channel, s.payment_modes,
                                      tuple(t.value for t in PaymentType),
                                      s.get("payments.notes_max_length"), s.currency)

    def find_consumers(self, actor: Actor, text: str, limit: int = 20) -> list[ConsumerSummary]:
        """Name, account number or phone; case-insensitive and partial. Exact account first."""
        actor.require(Permission.VIEW_PAYMENTS)
        text = text.strip()
        if not text:
            return []
        pattern = like_pattern(text)
        clauses = [Consumer.name.ilike(pattern, escape="\\"),
                   Consumer.account_no.ilike(pattern, escape="\\")]
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 3:
            clauses.append(_digits_only(Consumer.phone).like(f"%{digits}%"))
        exact_first = case((func.upper(Consumer.account_no) == text.upper(), 0), else_=1)
        query = select(Consumer).where(or_(*clauses)).order_by(exact_first, Consumer.name).limit(limit)
        with self.app.sessions() as session:
            return [ConsumerSummary(c.id, c.name, c.account_no, c.phone, c.service_address, c.status)
                    for c in session.execute(query).scalars()]

    def account(self, actor: Actor, consumer_id: str) -> AccountView:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            currency = load_settings(session).currency
            c = consumer_of(session, consumer_id)
            return AccountView(c.id, c.name, c.account_no, c.service_address, c.phone, c.email,
                               Money(balance(session, c.id), currency), c.vip, c.status)

    def payable_items(self, actor: Actor, consumer_id: str,
                      payment_type: PaymentType | str) -> list[PayableItem]:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            currency = load_settings(session).currency
            return payable_items(session, consumer_id, parse_payment_type(payment_type), currency)

    # reading --------------------------------------------------------------------

    def payment_details(self, actor: Actor, payment_id: str) -> PaymentDetails:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            currency = load_settings(session).currency
            details = load_details(session, payment_id, currency, self.app.clock.now())
        track(self.app, actor, "payment_history_viewed", search_criteria=None, date_range=None,
              details_accessed=details.transaction.receipt_no, follow_up_action=None)
        return details

    def list_payments(self, actor: Actor, flt: PaymentFilter = ALL_PAYMENTS, offset: int = 0,
                      limit: int = 100, sort: Sort = NEWEST_FIRST) -> list[PaymentRow]:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            s = load_settings(session)
            return _list_payments(session, flt, zone(s), s.currency, offset=offset, limit=limit,
                                  sort=sort)

    def export_payments(self, actor: Actor, flt: PaymentFilter, sort: Sort, path: Path,
                        fmt: str) -> int:
        """The filtered list as CSV or XLSX; how many payments were written."""
        return export_payments(self.app, actor, flt, sort, path, fmt)

    def count_payments(self, actor: Actor, flt: PaymentFilter = ALL_PAYMENTS) -> int:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            return _count_payments(session, flt, zone(load_settings(session)))

    def metric_breakdown(self, actor: Actor, metric: str, month: date, period: str = DAY) -> Breakdown:
        """A KPI card's drill-down: by method and by day or week (drilldown.py)."""
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            s = load_settings(session)
            return breakdown(session, metric, month, local_today(self.app, s), period, zone(s),
                             s.currency)

    def drilldown_closed(self, actor: Actor, source_metric: str, target_detail: str, depth: int,
                         seconds: int) -> None:
        track(self.app, actor, "metric_drilldown", source_metric=source_metric,
              target_detail=target_detail, analysis_depth=depth, time_spent=seconds)

    def kpis(self, actor: Actor, month: date, today: date | None = None) -> PaymentKpis:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            s = load_settings(session)
            day = today or local_today(self.app, s)
            figures = kpis(session, month, day, zone(s), s.currency, self.app.dialect)
        if figures.month == day.replace(day=1):  # alerts watch the current month's figures
            raised = PaymentAlerts(self.app).check(actor, figures, day)
            figures = replace(figures, alerts_raised=tuple(raised))
        track(self.app, actor, "dashboard_view", view="Payments KPIs",
              widgets_accessed=["Total Collected", "Received Today", "Collection Rate",
                                "Avg Collection Time"], date_range_selected=figures.month.isoformat())
        return figures

