"""Bill runs: recorded, chunked, idempotent and resumable.

A run is a BillRun row (who, scope, started, counts, state, resume point). Accounts are
billed in account-number order in chunks; each chunk is one transaction holding its bills,
lines, ledger entries, late payment charges, estimated reads, exceptions, invoice numbers,
outbox rows and the run's counters, so a run killed half-way loses at most the chunk it was
in, and nothing of it is half-written. Running again (or resuming) skips every account that
already has a live bill for the period: the unique key (account, period, rebill number)
makes a second bill impossible even if two runs race.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.billing.account import bill_account
from app.domain.billing.exceptions import BillingProblem, BillingRefused
from app.domain.billing.late_payment import late_charges
from app.domain.billing.lifecycle import due_date
from app.domain.core.permissions import Permission
from app.domain.core.settings import Settings
from app.models.billing import Bill, BillingCycle, BillRun
from app.models.consumers import ServiceAccount
from app.services.billing.loading import ChunkFacts, TariffBook, load_chunk
from app.services.billing.scope import RunScope, accounts_in_scope
from app.services.billing.writing import (
    BillTarget,
    flush_rows,
    open_problems,
    record_problem,
    resolve_problems,
    write_bill,
)
from app.services.core.context import Actor, AppContext
from app.services.core.numbering import issue_numbers
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments.queries import local_today

CHUNK_ACCOUNTS = 500
RACE_RETRIES = 5
RUNNING, STOPPED, COMPLETED = "Running", "Stopped", "Completed"


@dataclass(frozen=True)
class RunProgress:
    run_id: str
    label: str
    state: str
    accounts_total: int
    billed: int
    skipped: int
    failed: int
    seconds: float
    bills_per_second: float

    @property
    def done(self) -> int:
        return self.billed + self.skipped + self.failed

    @property
    def eta_seconds(self) -> float | None:
        if not self.bills_per_second or self.done >= self.accounts_total:
            return None if self.done < self.accounts_total else 0.0
        return (self.accounts_total - self.done) / self.bills_per_second


Progress = Callable[[RunProgress], None]
# How a chunk's invoice numbers are issued: (session, settings, how many, on) -> the numbers.
# A desktop takes them from its leased blocks; the central service leases them itself.
NumberIssuer = Callable[[Session, Settings, int, date], list[str]]


def start_run(app: AppContext, actor: Actor, scope: RunScope, bill_date: date | None = None,
              *, as_draft: bool = False) -> str:
    """Records a new run over the scope (counting its accounts); returns its id. Draft bills
    are not posted to the ledger until approved."""
    actor.require(Permission.RUN_BILLING)
    with unit_of_work(app, actor) as work:
        settings = load_settings(work.session)
        if scope.kind == "zone" and scope.cycle_id is None:
            scope = replace(scope, cycle_id=open_cycle(work, scope, settings))
        total = work.session.execute(
            select(func.count()).select_from(accounts_in_scope(scope).subquery())).scalar_one()
        run = BillRun(scope=scope.kind, scope_label=scope.label, cycle_id=scope.cycle_id,
                      zone_id=scope.zone_id, segment=scope.segment, account_no=scope.account_no,
                      period_start=scope.period_start, period_end=scope.period_end,
                      bill_date=bill_date or local_today(app, settings), off_cycle=scope.off_cycle,
                      as_draft=as_draft,
                      started_by=actor.username, started_at=work.now, state=RUNNING,
                      accounts_total=total)
        work.record(run)
        work.audit("bill_run_started", "bill_run", run.id, scope=scope.kind, label=scope.label,
                   period=f"{scope.period_start}..{scope.period_end}", accounts=total)
        work.track("Bill_Generation_Started", generation_type="single" if scope.kind == "account"
                   else "bulk", volume=total)
        return run.id


def execute_run(app: AppContext, actor: Actor, run_id: str, progress: Progress | None = None,
                should_stop: Callable[[], bool] | None = None,
                chunk_accounts: int = CHUNK_ACCOUNTS) -> RunProgress:
    """Bills the run's accounts from its resume point on; safe to call again after a crash."""
    actor.require(Permission.RUN_BILLING)
    clock_start = time.perf_counter()
    with app.sessions() as session:
        run = session.get(BillRun, run_id)
        scope = _scope_of(run)
        pending = session.execute(accounts_in_scope(scope).where(
            _after(run.last_account_no))).all() if run.state != COMPLETED else []
    context = _RunContext(app, actor, run_id, scope, clock_start, progress)
    for first in range(0, len(pending), chunk_accounts):
        if should_stop is not None and should_stop():
            return context.finish(STOPPED)
        context.bill_chunk([row[0] for row in pending[first:first + chunk_accounts]],
                           pending[min(first + chunk_accounts, len(pending)) - 1][1])
    return context.finish(COMPLETED)


def open_cycle(work: Work, scope: RunScope, settings: Settings) -> str:
    """A zone's month billed for the first time becomes its cycle ("North Zone - May 2026"),
    due the configured days after the period ends (billing.cycle_deadline_days), 17:00 local."""
    days = settings.get("billing.cycle_deadline_days")
    deadline = datetime.combine(scope.period_end + timedelta(days=days), time_of_day(17),
                                ZoneInfo(settings.time_zone)).astimezone(UTC)
    cycle = BillingCycle(name=scope.label, zone_id=scope.zone_id, period_start=scope.period_start,
                         period_end=scope.period_end, deadline=deadline, status="Running")
    work.record(cycle)
    work.audit("billing_cycle_opened", "billing_cycle", cycle.id, name=cycle.name)
    return cycle.id


def _after(last_account_no: str):
    return ServiceAccount.account_no > last_account_no


def _scope_of(run: BillRun) -> RunScope:
    return RunScope(run.scope, run.scope_label, run.period_start, run.period_end, run.cycle_id,
                    run.zone_id, run.segment, run.account_no, run.off_cycle)


class _RunContext:
    def __init__(self, app: AppContext, actor: Actor, run_id: str, scope: RunScope,
                 clock_start: float, progress: Progress | None) -> None:
        self.app, self.actor, self.run_id, self.scope = app, actor, run_id, scope
        self.clock_start, self.progress = clock_start, progress
        self.billed_here = 0

    def bill_chunk(self, account_ids: Sequence[str], last_account_no: str) -> None:
        """One chunk in one transaction. Another run that billed some of these accounts (or
        took the same invoice numbers) first makes the insert fail on a unique key: the chunk
        is rolled back whole and billed again, skipping what the other run billed."""
        for attempt in range(RACE_RETRIES):
            try:
                return self._bill_chunk_once(account_ids, last_account_no)
            except IntegrityError:
                if attempt == RACE_RETRIES - 1:
                    raise
        return None

    def _bill_chunk_once(self, account_ids: Sequence[str], last_account_no: str) -> None:
        with unit_of_work(self.app, self.actor) as work:
            run = work.session.get(BillRun, self.run_id)
            settings = load_settings(work.session)
            counts = bill_accounts(work, run, settings, account_ids)
            run.billed += counts[0]
            run.skipped += counts[1]
            run.failed += counts[2]
            run.last_account_no = last_account_no
            run.version += 1
            run.updated_at = work.now
            self.billed_here += counts[0]
            snapshot = self._progress(run)
        if self.progress is not None:
            self.progress(snapshot)

    def finish(self, state: str) -> RunProgress:
        with unit_of_work(self.app, self.actor) as work:
            # locked: the central service's last two chunks may both find the run done
            run = work.session.get(BillRun, self.run_id, with_for_update=True)
            if run.state != COMPLETED:
                run.state = state
                run.finished_at = work.now if state == COMPLETED else None
                base = run.version
                run.version += 1
                work.record(run, "update", base_version=base)
                if state == COMPLETED:
                    _close_cycle(work.session, run)
                work.audit(f"bill_run_{state.lower()}", "bill_run", run.id, billed=run.billed,
                           skipped=run.skipped, failed=run.failed)
                work.track("Bill_Generation_Completed", volume=run.billed + run.failed,
                           success_rate=_rate(run))
            snapshot = self._progress(run)
        if self.progress is not None:
            self.progress(snapshot)
        return snapshot

    def _progress(self, run: BillRun) -> RunProgress:
        seconds = time.perf_counter() - self.clock_start
        speed = self.billed_here / seconds if seconds > 0 else 0.0
        return RunProgress(run.id, run.scope_label, run.state, run.accounts_total, run.billed,
                           run.skipped, run.failed, seconds, speed)


def finish_run(app: AppContext, actor: Actor, run_id: str) -> RunProgress:
    """Marks a run whose every chunk is billed completed (once, however often it is called)."""
    return _RunContext(app, actor, run_id, None, time.perf_counter(), None).finish(COMPLETED)


def _rate(run: BillRun) -> str:
    attempted = run.billed + run.failed
    return f"{run.billed * 100 / attempted:.2f}" if attempted else "100.00"


def _close_cycle(session: Session, run: BillRun) -> None:
    if run.cycle_id is None or run.scope not in ("cycle", "zone"):
        return
    cycle = session.get(BillingCycle, run.cycle_id)
    cycle.accounts_total = run.accounts_total
    cycle.status = "Completed" if run.failed == 0 else "Running"
    cycle.version += 1


def bill_accounts(work: Work, run: BillRun, settings: Settings, account_ids: Sequence[str],
                  issue: NumberIssuer | None = None) -> tuple[int, int, int]:
    """Bills the chunk's accounts; returns (billed, skipped as billed before, failed)."""
    session = work.session
    earlier = session.execute(
        select(Bill.service_account_id, Bill.status).where(
            Bill.service_account_id.in_(account_ids), Bill.period_start == run.period_start)).all()
    live = {account for account, status in earlier if status != "Cancelled"}
    rebills: dict[str, int] = defaultdict(int)
    for account, status in earlier:
        if status == "Cancelled":
            rebills[account] += 1
    todo = [account for account in account_ids if account not in live]
    book = TariffBook(session)
    chunk = load_chunk(session, book, todo, run.period_start, run.bill_date)
    target = BillTarget(run.id, run.cycle_id, run.period_start, run.period_end, run.bill_date,
                        due_date(run.bill_date, settings.get("billing.due_days")), work.now,
                        work.actor.username, {p.posting: p.code for p in settings.get("gl.postings")},
                        draft=run.as_draft)
    already_open = open_problems(session, target, todo)
    composed, failed = [], 0
    late_by_consumer: dict[str, Decimal] = defaultdict(Decimal)
    for account in chunk.accounts:
        # a rebill's period already had its late charges, with the bill it replaces
        outcome = _compose_one(settings, chunk, target, account, late_by_consumer,
                               assess_late=account.id not in rebills)
        if isinstance(outcome, BillingProblem):
            record_problem(target, account.id, account.consumer_id, outcome, already_open)
            failed += 1
        else:
            composed.append((account, *outcome))
    numbers = (issue or _leased_numbers(work))(session, settings, len(composed), run.bill_date)
    billed: dict[str, str] = {}
    for (account, bill, late), number in zip(composed, numbers, strict=True):
        tariff, version = bill.composed.versions[0]
        write_bill(target, account.id, account.consumer_id, bill, late, number, chunk.meter_ids,
                   book.version_ids.get((tariff, version)), rebills.get(account.id, 0))
        billed[account.id] = number
    resolve_problems(session, target, {a: n for a, n in billed.items()
                                       if any(key[0] == a for key in already_open)})
    flush_rows(session, target)
    return len(billed), len(account_ids) - len(todo), failed


def _leased_numbers(work: Work) -> NumberIssuer:
    def issue(session: Session, settings: Settings, count: int, on: date) -> list[str]:
        return [number.text for number in issue_numbers(
            session, settings, "invoice", count, on=on, device_code=work.app.device_code,
            self_lease=work.app.self_lease)]
    return issue


def _compose_one(settings: Settings, chunk: ChunkFacts, target: BillTarget, account,
                 late_by_consumer: dict[str, Decimal], *, assess_late: bool = True):
    """(the account's bill, its late charges), or the problem that stops it."""
    facts = chunk.facts[account.id]
    overdue = chunk.overdue.get(account.id, []) if assess_late else []
    late = late_charges(overdue, target.period_start, target.period_end,
                        target.bill_date, settings.get("billing.late_penalty_percent"),
                        settings.get("billing.late_interest_percent"), settings.currency)
    late_total = sum((charge.amount for charge in late), Decimal(0))
    facts = replace(facts, arrears=facts.arrears + late_by_consumer[account.consumer_id] + late_total)
    try:
        billed = bill_account(facts, settings.currency, target.period_start, target.period_end,
                              target.bill_date, settings.get("billing.estimate_recent_reads"))
    except BillingRefused as refused:
        return refused.problem
    late_by_consumer[account.consumer_id] += late_total
    return billed, late
