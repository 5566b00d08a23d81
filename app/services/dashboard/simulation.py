"""Tariff simulations for the dashboard: the last billed cycle's accounts (each zone's) rated by a tariff,
billed again by the bill run's own code (facts loaded as a run loads them, bill_account, the
rating engine) once with the versions in force and once with a draft version or the rates
changed by a percentage; the difference is summarised (app/domain/dashboard/simulation.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from app.domain.billing.account import AccountFacts, TariffChoice, bill_account
from app.domain.billing.compose import ComposedBill, LineGroup
from app.domain.billing.exceptions import BillingRefused
from app.domain.core.errors import NotFound, ValidationError
from app.domain.dashboard.simulation import (
    SimulatedBill,
    SimulationSummary,
    check_rate_change,
    scale_rates,
    summarise,
)
from app.domain.tariffs.model import TariffVersion
from app.models.billing import Bill, BillingCycle
from app.models.consumers import Consumer, ServiceAccount
from app.models.tariffs import PlanService
from app.services.billing.loading import TariffBook, load_chunk
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.dashboard.service import require_dashboard
from app.services.tariffs.records import DRAFT, load_state, load_states, version_of

CHUNK = 500
ZERO = Decimal(0)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TariffOption:
    tariff_id: str
    name: str
    drafts: tuple[int, ...]  # draft version numbers


@dataclass(frozen=True)
class SimulationRequest:
    tariff_id: str
    draft_version: int | None = None  # a draft version of the tariff, or
    percent: Decimal | None = None  # every energy rate changed by this percentage


@dataclass(frozen=True)
class SimulationResult:
    cycle: str
    tariff: str
    proposal: str
    currency: str
    summary: SimulationSummary
    not_billable: int  # accounts the run itself could not bill (no reads, no address, ...)


class TariffSimulation:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def tariffs(self, actor: Actor) -> list[TariffOption]:
        require_dashboard(actor)
        with self.app.sessions() as session:
            return [TariffOption(state.row.id, state.row.name,
                                 tuple(r.version_no for r in state.versions if r.state == DRAFT))
                    for state in load_states(session) if state.published]

    def simulate(self, actor: Actor, request: SimulationRequest, progress: Progress | None = None
                 ) -> SimulationResult:
        require_dashboard(actor)
        with self.app.sessions() as session:
            state = load_state(session, request.tariff_id)
            proposed, proposal = _proposal(state, request)
            cycles = _last_billed_cycles(session)
            settings = load_settings(session)
            bills, refused = _simulated(session, state.row, proposed, cycles, settings.currency,
                                        progress or (lambda *_: None))
        return SimulationResult(", ".join(c.name for c in cycles), state.row.name, proposal,
                                settings.currency, summarise(bills), refused)


def _proposal(state, request: SimulationRequest) -> tuple[Callable[[TariffChoice, date], tuple], str]:
    """How the tariff's versions change, and the words for it."""
    if (request.draft_version is None) == (request.percent is None):
        raise ValidationError("Proposal", "choose a draft version or enter a rate change, not both")
    if request.percent is not None:
        percent = request.percent
        check_rate_change(percent)  # before any work
        return (lambda choice, _start: tuple(scale_rates(v, percent) for v in choice.versions),
                f"energy rates {'+' if percent > 0 else ''}{percent}%")
    record = state.version_no(request.draft_version)
    if record.state != DRAFT:
        raise ValidationError("Draft version", f"v{record.version_no} of '{state.row.name}' is not a draft")
    draft: TariffVersion = version_of(record)
    # The draft as if it had been in force for the whole simulated period.
    return (lambda _choice, start: (replace(draft, valid_from=min(start, draft.valid_from), valid_to=None),),
            f"draft v{record.version_no}")


def _last_billed_cycles(session: Session) -> list[BillingCycle]:
    """Each zone's most recent cycle with approved bills: the last cycle, utility-wide."""
    billed = (select(BillingCycle.zone_id, func.max(BillingCycle.period_start).label("start"))
              .where(BillingCycle.deleted.is_(False),
                     exists().where(Bill.cycle_id == BillingCycle.id, Bill.status == "Approved"))
              .group_by(BillingCycle.zone_id).subquery())
    cycles = list(session.execute(
        select(BillingCycle).join(billed, (billed.c.zone_id == BillingCycle.zone_id)
                                  & (billed.c.start == BillingCycle.period_start))
        .where(BillingCycle.deleted.is_(False)).order_by(BillingCycle.name)).scalars())
    if not cycles:
        raise NotFound("No billing cycle has approved bills yet: there is no consumption to simulate on")
    return cycles


def _simulated(session: Session, tariff_row, proposed, cycles: list[BillingCycle], currency: str,
               progress: Progress) -> tuple[list[SimulatedBill], int]:
    tariff = tariff_row.name
    # Only accounts that could be rated by the tariff (directly or through their plan) are
    # loaded; which tariff really rates each service is decided below, as the run decides it.
    plans = select(PlanService.plan_id).where(PlanService.tariff_id == tariff_row.id,
                                              PlanService.deleted.is_(False))
    rows = session.execute(
        select(Bill.service_account_id, Bill.cycle_id, Bill.bill_date, Consumer.category)
        .join(ServiceAccount, ServiceAccount.id == Bill.service_account_id)
        .join(Consumer, Consumer.id == ServiceAccount.consumer_id)
        .where(Bill.cycle_id.in_([c.id for c in cycles]), Bill.status == "Approved",
               or_(ServiceAccount.tariff_id == tariff_row.id, ServiceAccount.plan_id.in_(plans)))
        .order_by(ServiceAccount.account_no)).all()
    by_cycle = {cycle.id: cycle for cycle in cycles}
    groups: dict[tuple[str, date], list[str]] = defaultdict(list)
    category = {}
    for account_id, cycle_id, bill_date, segment in rows:
        groups[(cycle_id, bill_date)].append(account_id)
        category[account_id] = segment
    book, bills, refused, done = TariffBook(session), [], 0, 0
    for (cycle_id, bill_date), ids in sorted(groups.items()):
        cycle = by_cycle[cycle_id]
        for first in range(0, len(ids), CHUNK):
            chunk = load_chunk(session, book, ids[first:first + CHUNK], cycle.period_start, bill_date)
            for account_id, facts in chunk.facts.items():
                if not any(c.name == tariff and not c.problem for c in facts.tariffs.values()):
                    continue  # not rated by this tariff: the change does not touch it
                try:
                    bills.append(_both(facts, tariff, proposed, cycle, bill_date, currency,
                                       category[account_id]))
                except BillingRefused:
                    refused += 1
            done += len(chunk.facts)
            progress("accounts", done, len(rows))
    return bills, refused


def _both(facts: AccountFacts, tariff: str, proposed, cycle: BillingCycle, bill_date: date,
          currency: str, segment: str) -> SimulatedBill:
    start, end = cycle.period_start, cycle.period_end
    now = bill_account(facts, currency, start, end, bill_date).composed
    changed = {utility: TariffChoice(choice.name, proposed(choice, start)) if choice.name == tariff else choice
               for utility, choice in facts.tariffs.items()}
    then = bill_account(replace(facts, tariffs=changed), currency, start, end, bill_date).composed
    return SimulatedBill(facts.account_no, facts.consumer_name, segment, now.total.amount, then.total.amount,
                         _energy(now), _energy(then))


def _energy(bill: ComposedBill) -> Decimal:
    return sum((line.amount for line in bill.lines if line.group == LineGroup.CONSUMPTION), ZERO)
