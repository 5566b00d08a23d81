"""Assigning and changing service accounts' plans: one account at a time (from the consumer)
or every Active account of a consumer category at once, with the rules of
app.domain.tariffs.assignment, an audit entry and a history row per change."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.domain.core.errors import ConflictError, ValidationError
from app.domain.core.permissions import Permission
from app.domain.tariffs.assignment import assignment_problem
from app.models.base import new_id
from app.models.consumers import Consumer, ServiceAccount
from app.models.tariffs import Plan, PlanAssignment
from app.services.core.changes import PLANS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.work import Work, unit_of_work
from app.services.tariffs.assignment_facts import (
    AccountFacts,
    LoadedPlan,
    account_by_number,
    find_plan,
    load_accounts,
    load_plan,
)
from app.services.tariffs.records import utility_today

CONSUMER_SOURCE = "Consumer"


@dataclass(frozen=True)
class AccountPlan:
    """A consumer's service account and the plan it is on, for the assign dialog."""

    account_no: str
    utility: str
    category: str
    plan_name: str


@dataclass(frozen=True)
class AssignmentEntry:
    """One line of an account's plan history."""

    from_plan: str
    to_plan: str
    effective_from: date
    source: str
    assigned_by: str
    assigned_at: datetime


@dataclass(frozen=True)
class BulkPreview:
    """What a bulk assignment would do: shown for confirmation before anything is written."""

    plan_name: str
    category: str
    effective_from: date
    changing: tuple[str, ...]  # account numbers
    skipped: tuple[tuple[str, str], ...]  # (account number, why)

    def skipped_by_reason(self) -> list[tuple[str, int]]:
        return sorted(Counter(reason for _, reason in self.skipped).items())


@dataclass(frozen=True)
class AssignmentResult:
    changed: int
    skipped: tuple[tuple[str, str], ...]
    changes: Changes


class PlanAssignments:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def plan_named(self, actor: Actor, name: str) -> str:
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            return find_plan(session, name)

    def accounts_of(self, actor: Actor, consumer_id: str) -> list[AccountPlan]:
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            rows = session.execute(
                select(ServiceAccount.account_no, ServiceAccount.utility, Consumer.category, Plan.name)
                .join(Consumer, Consumer.id == ServiceAccount.consumer_id)
                .outerjoin(Plan, Plan.id == ServiceAccount.plan_id)
                .where(ServiceAccount.consumer_id == consumer_id, ServiceAccount.deleted.is_(False))
                .order_by(ServiceAccount.account_no)).all()
            return [AccountPlan(no, utility, category, plan or "") for no, utility, category, plan in rows]

    def assign(self, actor: Actor, account_no: str, plan_id: str,
               effective_from: date | None = None) -> AssignmentResult:
        """Puts one account on a plan, or says which rule refuses it (nothing is written)."""
        actor.require(Permission.EDIT_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            effective = effective_from or utility_today(self.app, work.session)
            plan = load_plan(work.session, plan_id, effective)
            facts = account_by_number(work.session, account_no)
            problem = _problem(plan, facts, effective)
            if problem:
                raise ValidationError("plan", problem)
            _write(work, plan, facts, effective, CONSUMER_SOURCE)
            work.audit("plan_assigned", "service_account", facts.account.id,
                       account_no=facts.account.account_no, plan=plan.facts.name,
                       effective_from=effective.isoformat(), source=CONSUMER_SOURCE)
            return AssignmentResult(1, (), Changes.of(PLANS))

    def preview_bulk(self, actor: Actor, plan_id: str, category: str,
                     effective_from: date | None = None) -> BulkPreview:
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            effective = effective_from or utility_today(self.app, session)
            plan = load_plan(session, plan_id, effective)
            return _preview(plan, category, load_accounts(session, category=category), effective)

    def assign_bulk(self, actor: Actor, plan_id: str, category: str, *,
                    effective_from: date | None = None,
                    confirmed_count: int | None = None) -> AssignmentResult:
        """Every Active account of the category that the rules allow, all in one transaction.

        `confirmed_count` is the number the user confirmed: if it changed meanwhile, nothing
        is written and the user sees the new preview."""
        actor.require(Permission.EDIT_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            effective = effective_from or utility_today(self.app, work.session)
            plan = load_plan(work.session, plan_id, effective)
            accounts = load_accounts(work.session, category=category)
            preview = _preview(plan, category, accounts, effective)
            if confirmed_count is not None and confirmed_count != len(preview.changing):
                raise ConflictError(f"{len(preview.changing)} account(s) would now change, not the "
                                    f"{confirmed_count} confirmed: review and confirm again")
            source = f"Bulk: {category}"
            changing = set(preview.changing)
            for facts in accounts:
                if facts.account.account_no in changing:
                    _write(work, plan, facts, effective, source)
            work.audit("plan_assigned_in_bulk", "plan", plan.id, plan=plan.facts.name,
                       category=category, effective_from=effective.isoformat(),
                       changed=len(changing), accounts=list(preview.changing),
                       skipped=dict(preview.skipped_by_reason()))
            return AssignmentResult(len(changing), preview.skipped, Changes.of(PLANS))

    def history(self, actor: Actor, account_no: str) -> list[AssignmentEntry]:
        """The account's plan changes, newest first."""
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            facts = account_by_number(session, account_no)
            rows = session.execute(select(PlanAssignment).where(
                PlanAssignment.service_account_id == facts.account.id,
                PlanAssignment.deleted.is_(False))
                .order_by(PlanAssignment.effective_from.desc(), PlanAssignment.assigned_at.desc())
            ).scalars().all()
            names = dict(session.execute(select(Plan.id, Plan.name)).all())
            return [AssignmentEntry(names.get(row.from_plan_id or "", ""), names.get(row.to_plan_id, ""),
                                    row.effective_from, row.source, row.assigned_by, row.assigned_at)
                    for row in rows]


def _preview(plan: LoadedPlan, category: str, accounts: list[AccountFacts],
             effective: date) -> BulkPreview:
    if not plan.facts.active_on(effective):
        raise ValidationError("plan", f"Plan '{plan.facts.name}' is not Active on "
                                      f"{effective.isoformat()}")
    if category not in {main for main, _ in plan.facts.categories}:
        raise ValidationError("category", f"Plan '{plan.facts.name}' is not for {category} consumers")
    changing, skipped = [], []
    for facts in accounts:
        problem = _problem(plan, facts, effective)
        if problem:
            skipped.append((facts.account.account_no, problem))
        else:
            changing.append(facts.account.account_no)
    return BulkPreview(plan.facts.name, category, effective, tuple(changing), tuple(skipped))


def _problem(plan: LoadedPlan, facts: AccountFacts, effective: date) -> str | None:
    account = facts.account
    if account.plan_id == plan.id:
        return f"Already on plan '{plan.facts.name}'"
    if facts.last_effective is not None and effective < facts.last_effective:
        return f"A plan change effective {facts.last_effective.isoformat()} is already recorded"
    if facts.billed_to is not None and effective <= facts.billed_to:
        return f"Already billed up to {facts.billed_to.isoformat()}: choose a later effective date"
    return assignment_problem(plan.facts, category=facts.category, sub_category=facts.sub_category,
                              utility=account.utility,
                              tariff_status=plan.tariff_status.get(account.utility.lower()),
                              effective_from=effective)


def _write(work: Work, plan: LoadedPlan, facts: AccountFacts, effective: date, source: str) -> None:
    account = facts.account
    work.record(PlanAssignment(
        id=new_id(), version=1, updated_at=work.now, deleted=False, service_account_id=account.id,
        from_plan_id=account.plan_id, to_plan_id=plan.id, effective_from=effective, source=source,
        assigned_by=work.actor.username, assigned_at=work.now), flush=False)
    base = account.version
    account.plan_id, account.version, account.updated_at = plan.id, base + 1, work.now
    work.record(account, "update", base_version=base, flush=False)
