"""The facts a bill run needs, fetched for a chunk of accounts in a few queries.

Tariffs and plans are read once per run (TariffBook); meters, reads, earlier bills, overdue
bills and ledger balances once per chunk, never once per account.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.billing.account import (
    AccountFacts,
    MeterHistory,
    PastBill,
    TariffChoice,
    as_reading,
)
from app.domain.billing.compose import PlanCharge, PlanTerms
from app.domain.billing.late_payment import OverdueBill
from app.domain.core.errors import NotFound
from app.domain.tariffs.assignment import period_problem, plan_on
from app.domain.tariffs.plans import ChargeType, TaxType
from app.models.billing import Bill, LedgerEntry
from app.models.consumers import Consumer, Meter, MeterRead, MeterType, ServiceAccount
from app.models.tariffs import Plan, PlanService
from app.models.tariffs import PlanCharge as PlanChargeRow
from app.services.payments.queries import bill_open
from app.services.tariffs.assignment_facts import plan_facts, plan_histories
from app.services.tariffs.records import load_states

ZERO = Decimal(0)


@dataclass
class TariffBook:
    """Tariffs and plans as the run rates with them, loaded on first use."""

    session: Session
    choices: dict[str, TariffChoice] = field(default_factory=dict)
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    version_ids: dict[tuple[str, int], str] = field(default_factory=dict)  # (tariff, version) -> row
    plans: dict[str, PlanTerms | None] = field(default_factory=dict)
    plan_services: dict[str, dict[str, str]] = field(default_factory=dict)
    plan_stops: dict[str, object] = field(default_factory=dict)  # plan id -> PlanFacts

    def tariff(self, tariff_id: str, category: str) -> TariffChoice:
        if tariff_id not in self.choices:
            self._load_tariff(tariff_id)
        choice = self.choices[tariff_id]
        allowed = self.categories.get(tariff_id) or ()
        if not choice.problem and allowed and category not in allowed:
            return TariffChoice(problem=f"Tariff '{choice.name}' does not apply to {category} "
                                        f"consumers (only {', '.join(allowed)})")
        return choice

    def _load_tariff(self, tariff_id: str) -> None:
        states = load_states(self.session, [tariff_id])
        if not states:
            self.choices[tariff_id] = TariffChoice(problem="The account's tariff was deleted")
            return
        state = states[0]
        versions = tuple(state.in_force())
        self.categories[tariff_id] = state.categories
        for record in state.versions:
            self.version_ids[(state.row.name, record.version_no)] = record.id
        problem = "" if versions else f"Tariff '{state.row.name}' has no published version"
        self.choices[tariff_id] = TariffChoice(state.row.name, versions, problem)

    def plan(self, plan_id: str | None) -> PlanTerms | None:
        if plan_id is None:
            return None
        if plan_id not in self.plans:
            row = self.session.get(Plan, plan_id)
            charges = self.session.execute(select(PlanChargeRow).where(
                PlanChargeRow.plan_id == plan_id, PlanChargeRow.deleted.is_(False))).scalars()
            self.plans[plan_id] = None if row is None else PlanTerms(
                row.name, TaxType(row.tax_type), row.tax_rate,
                tuple(PlanCharge(c.name, c.scope, ChargeType(c.charge_type), c.amount) for c in charges))
            services = self.session.execute(select(PlanService).where(
                PlanService.plan_id == plan_id, PlanService.deleted.is_(False))).scalars()
            self.plan_services[plan_id] = {s.utility.lower(): s.tariff_id for s in services}
        return self.plans[plan_id]

    def plan_problem(self, plan_id: str | None, period_start: date) -> str:
        """An inactive plan rates only periods that started before it stopped applying."""
        if plan_id is None or self.plan(plan_id) is None:
            return ""
        if plan_id not in self.plan_stops:
            try:
                self.plan_stops[plan_id] = plan_facts(self.session, plan_id)
            except NotFound:
                return "The account's plan was deleted: assign an Active plan"
        return period_problem(self.plan_stops[plan_id], period_start) or ""

    def tariffs_for(self, account, plan_id: str | None, category: str, utilities: Sequence[str],
                    problem: str = "") -> dict[str, TariffChoice]:
        if problem:
            return {utility: TariffChoice(problem=problem) for utility in utilities}
        self.plan(plan_id)
        by_plan = self.plan_services.get(plan_id or "", {})
        chosen = {}
        for utility in utilities:
            tariff_id = by_plan.get(utility.lower())
            if tariff_id is None and account.tariff_id and account.utility.lower() == utility.lower():
                tariff_id = account.tariff_id
            chosen[utility] = (self.tariff(tariff_id, category) if tariff_id else TariffChoice(
                problem=f"No tariff rates {utility} for {account.account_no}: "
                        "its plan has no such service and it has no tariff"))
        return chosen


ACCOUNT_COLUMNS = (ServiceAccount.id, ServiceAccount.account_no, ServiceAccount.utility,
                   ServiceAccount.plan_id, ServiceAccount.tariff_id, ServiceAccount.sanctioned_load_kw,
                   ServiceAccount.consumer_id, Consumer.name, Consumer.category,
                   Consumer.billing_address)


@dataclass(frozen=True)
class ChunkFacts:
    accounts: list  # rows of ACCOUNT_COLUMNS, in account order
    facts: dict[str, AccountFacts]  # by service account id
    overdue: dict[str, list[OverdueBill]]
    meter_ids: dict[str, str]  # meter no -> meter id


def load_chunk(session: Session, book: TariffBook, account_ids: Sequence[str], period_start: date,
               bill_date: date) -> ChunkFacts:
    rows = session.execute(
        select(*ACCOUNT_COLUMNS).join(Consumer, Consumer.id == ServiceAccount.consumer_id)
        .where(ServiceAccount.id.in_(account_ids)).order_by(ServiceAccount.account_no)).all()
    meters, meter_ids = _meters(session, account_ids, bill_date)
    past = _past_bills(session, account_ids, period_start)
    arrears = _arrears(session, {row.consumer_id for row in rows}, period_start)
    histories = plan_histories(session, account_ids)
    facts = {}
    for account in rows:
        own = meters.get(account.id, [])
        # the plan in force when the period starts rates the whole period
        plan_id = plan_on(histories.get(account.id, ()), account.plan_id, period_start)
        problem = book.plan_problem(plan_id, period_start)
        facts[account.id] = AccountFacts(
            account.account_no, account.name, account.billing_address, tuple(own),
            book.tariffs_for(account, plan_id, account.category, [m.utility for m in own], problem),
            book.plan(plan_id), tuple(past.get(account.id, ())), account.sanctioned_load_kw,
            arrears.get(account.consumer_id, ZERO))
    return ChunkFacts(list(rows), facts, _overdue(session, account_ids, bill_date), meter_ids)


def _meters(session: Session, account_ids: Sequence[str], bill_date: date
            ) -> tuple[dict[str, list[MeterHistory]], dict[str, str]]:
    meter_rows = session.execute(
        select(Meter.id, Meter.meter_no, Meter.service_account_id, Meter.dial_digits,
               MeterType.utility, MeterType.registers)
        .join(MeterType, MeterType.id == Meter.meter_type_id)
        .where(Meter.service_account_id.in_(account_ids), Meter.status == "Installed")
        .order_by(Meter.meter_no)).all()
    reads: dict[str, list] = defaultdict(list)
    if meter_rows:
        for meter_id, read_on, reading, read_type, reason, register in session.execute(
                select(MeterRead.meter_id, MeterRead.read_on, MeterRead.reading, MeterRead.read_type,
                       MeterRead.reason, MeterRead.register)
                .where(MeterRead.meter_id.in_([m.id for m in meter_rows]), MeterRead.read_on <= bill_date)
                .order_by(MeterRead.meter_id, MeterRead.read_on, MeterRead.register)):
            reads[meter_id].append(as_reading(read_on, reading, read_type, reason, register))
    by_account: dict[str, list[MeterHistory]] = defaultdict(list)
    for meter in meter_rows:
        registers = tuple(part.strip() for part in meter.registers.split(",") if part.strip())
        by_account[meter.service_account_id].append(MeterHistory(
            meter.meter_no, meter.utility.lower(), registers or ("total",), meter.dial_digits,
            tuple(reads[meter.id])))
    return by_account, {meter.meter_no: meter.id for meter in meter_rows}


def _past_bills(session: Session, account_ids: Sequence[str], period_start: date
                ) -> dict[str, list[PastBill]]:
    rows = session.execute(
        select(Bill.service_account_id, Bill.period_start, Bill.period_end, Bill.consumption,
               Bill.closing_read_on)
        .where(Bill.service_account_id.in_(account_ids), Bill.period_start < period_start,
               Bill.status != "Cancelled")
        .order_by(Bill.service_account_id, Bill.period_start)).all()
    past: dict[str, list[PastBill]] = defaultdict(list)
    for account_id, start, end, consumption, closing in rows:
        past[account_id].append(PastBill(start, end, consumption, closing))
    return past


def _overdue(session: Session, account_ids: Sequence[str], bill_date: date
             ) -> dict[str, list[OverdueBill]]:
    open_ = bill_open()
    rows = session.execute(
        select(Bill.service_account_id, Bill.invoice_no, Bill.due_date, open_)
        .where(Bill.service_account_id.in_(account_ids), Bill.status == "Approved",
               Bill.due_date < bill_date, open_ > 0)).all()
    overdue: dict[str, list[OverdueBill]] = defaultdict(list)
    for account_id, invoice_no, due, amount in rows:
        overdue[account_id].append(OverdueBill(invoice_no, due, amount))
    return overdue


def _arrears(session: Session, consumer_ids: set[str], period_start: date) -> dict[str, Decimal]:
    """Each consumer's ledger balance, less the bills of this very period (other accounts of
    the same consumer billed by this run are current charges, not arrears)."""
    if not consumer_ids:
        return {}
    totals = dict(session.execute(
        select(LedgerEntry.consumer_id, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.consumer_id.in_(consumer_ids)).group_by(LedgerEntry.consumer_id)).all())
    current = dict(session.execute(
        select(LedgerEntry.consumer_id, func.sum(LedgerEntry.amount))
        .join(Bill, Bill.id == LedgerEntry.source_id)
        .where(LedgerEntry.consumer_id.in_(consumer_ids), LedgerEntry.source_type == "bill",
               Bill.period_start == period_start).group_by(LedgerEntry.consumer_id)).all())
    return {consumer: (total or ZERO) - (current.get(consumer) or ZERO)
            for consumer, total in totals.items()}
