"""What plan assignment reads from the database: plans as the rules see them, accounts with
their consumer, last assignment and last billed day, and the plan history of accounts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound
from app.domain.tariffs.assignment import AssignmentStep, PlanFacts
from app.domain.tariffs.model import TariffStatus
from app.models.billing import Bill
from app.models.consumers import Consumer, ServiceAccount
from app.models.tariffs import Plan, PlanAssignment, PlanCategory, PlanService
from app.services.tariffs.records import load_states


@dataclass(frozen=True)
class LoadedPlan:
    id: str
    facts: PlanFacts
    tariff_status: dict[str, TariffStatus]  # utility (lower case) -> status on the effective date


@dataclass
class AccountFacts:
    account: ServiceAccount
    consumer_name: str
    category: str
    sub_category: str
    last_effective: date | None  # the latest recorded change's effective date
    billed_to: date | None  # the end of the latest billed period


def find_plan(session: Session, name: str) -> str:
    """A live plan's id from its name or short name (any case)."""
    wanted = name.strip().casefold()
    for plan_id, plan_name, short in session.execute(
            select(Plan.id, Plan.name, Plan.short_name).where(Plan.deleted.is_(False))):
        if wanted in (plan_name.casefold(), short.casefold()):
            return plan_id
    raise NotFound(f"No plan named '{name.strip()}'")


def plan_facts(session: Session, plan_id: str) -> PlanFacts:
    return load_plan(session, plan_id, None).facts


def load_plan(session: Session, plan_id: str, on: date | None) -> LoadedPlan:
    plan = session.get(Plan, plan_id)
    if plan is None or plan.deleted:
        raise NotFound("This plan no longer exists")
    categories = session.execute(select(PlanCategory.category, PlanCategory.sub_category).where(
        PlanCategory.plan_id == plan_id, PlanCategory.deleted.is_(False))).all()
    services = session.execute(select(PlanService.utility, PlanService.tariff_id).where(
        PlanService.plan_id == plan_id, PlanService.deleted.is_(False))).all()
    states = {state.row.id: state for state in load_states(session, [t for _, t in services])}
    status = {}
    if on is not None:
        status = {utility.lower(): states[tariff].status(on) if tariff in states
                  else TariffStatus.EXPIRED for utility, tariff in services}
    # a plan deactivated before its day was recorded (migration 0015): its last change's day
    stopped = (plan.inactive_since or plan.updated_at.date()) if plan.manually_inactive else None
    facts = PlanFacts(plan.name, plan.valid_from, plan.valid_to, stopped,
                      tuple((c, s) for c, s in categories),
                      frozenset(utility.lower() for utility, _ in services), plan.manually_inactive)
    return LoadedPlan(plan.id, facts, status)


def load_accounts(session: Session, *, account_no: str | None = None,
                  category: str | None = None) -> list[AccountFacts]:
    """Live service accounts (one by number, or every Active one of a consumer category)."""
    query = (select(ServiceAccount, Consumer.name, Consumer.category, Consumer.sub_category)
             .join(Consumer, Consumer.id == ServiceAccount.consumer_id)
             .where(ServiceAccount.deleted.is_(False), Consumer.deleted.is_(False))
             .order_by(ServiceAccount.account_no))
    if account_no is not None:
        query = query.where(ServiceAccount.account_no == account_no)
    if category is not None:
        query = query.where(Consumer.category == category, ServiceAccount.status == "Active")
    rows = session.execute(query).all()
    ids = [row[0].id for row in rows]
    effective = _latest(session, PlanAssignment.effective_from, PlanAssignment.service_account_id,
                        ids, PlanAssignment.deleted.is_(False))
    billed = _latest(session, Bill.period_end, Bill.service_account_id, ids,
                     Bill.status != "Cancelled", Bill.deleted.is_(False))
    return [AccountFacts(account, name, cat, sub or "", effective.get(account.id),
                         billed.get(account.id)) for account, name, cat, sub in rows]


def account_by_number(session: Session, account_no: str) -> AccountFacts:
    found = load_accounts(session, account_no=account_no.strip())
    if not found:
        raise NotFound(f"No service account {account_no.strip()}")
    return found[0]


def plan_histories(session: Session, account_ids: Iterable[str]) -> dict[str, list[AssignmentStep]]:
    """Each account's plan changes, oldest first (by effective date, then by when recorded)."""
    ids = list(account_ids)
    history: dict[str, list[AssignmentStep]] = defaultdict(list)
    if not ids:
        return history
    rows = session.execute(
        select(PlanAssignment.service_account_id, PlanAssignment.from_plan_id,
               PlanAssignment.to_plan_id, PlanAssignment.effective_from)
        .where(PlanAssignment.service_account_id.in_(ids), PlanAssignment.deleted.is_(False))
        .order_by(PlanAssignment.effective_from, PlanAssignment.assigned_at)).all()
    for account_id, from_plan, to_plan, effective in rows:
        history[account_id].append(AssignmentStep(from_plan, to_plan, effective))
    return history


def _latest(session: Session, column, key, ids: list[str], *conditions) -> dict[str, date]:
    if not ids:
        return {}
    found: dict[str, date] = {}
    for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
        chunk = ids[start:start + 500]
        found.update(session.execute(select(key, func.max(column)).where(
            key.in_(chunk), *conditions).group_by(key)).all())
    return found
