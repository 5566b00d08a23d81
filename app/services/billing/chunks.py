"""A recorded bill run cut into chunks that separate processes bill (the central service's
job workers), each chunk with the same code as a local run's (runs.bill_accounts).

A chunk is a range of account numbers (after, through]: small to hand to a job queue, and the
same accounts however often it is billed. The caller owns the transaction: a chunk's bills,
lines, ledger rows and the run's counters commit together or not at all, and the unique key
(account, period, rebill number) makes a chunk billed twice bill nobody twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from app.domain.core.permissions import Permission
from app.models.billing import BillRun
from app.models.consumers import ServiceAccount
from app.services.billing.runs import (
    CHUNK_ACCOUNTS,
    NumberIssuer,
    RunProgress,
    _scope_of,
    bill_accounts,
)
from app.services.billing.scope import accounts_in_scope
from app.services.core.context import AppContext
from app.services.core.settings import load_settings
from app.services.core.work import Work

Bounds = tuple[str, str]


def chunk_bounds(app: AppContext, run_id: str, chunk_accounts: int = CHUNK_ACCOUNTS) -> list[Bounds]:
    """The run's accounts as (after, through] account-number ranges of chunk_accounts each,
    found by the database (every chunk_accounts-th number) without reading every account."""
    with app.sessions() as session:
        run = session.get(BillRun, run_id)
        ordered = accounts_in_scope(_scope_of(run)).order_by(None).add_columns(
            func.row_number().over(order_by=ServiceAccount.account_no).label("n")).subquery()
        count = session.execute(select(func.count()).select_from(ordered)).scalar_one()
        ends = list(session.execute(
            select(ordered.c.account_no).where((ordered.c.n % chunk_accounts == 0)
                                               | (ordered.c.n == count))
            .order_by(ordered.c.account_no)).scalars())
    return list(zip(["", *ends[:-1]], ends, strict=True))


def bill_range(work: Work, run_id: str, bounds: Bounds,
               issue: NumberIssuer | None = None) -> tuple[int, int, int]:
    """Bills the run's accounts in (after, through] in the caller's transaction and adds the
    counts to the run (as increments: chunks of one run commit side by side); returns
    (billed, skipped as billed before, failed)."""
    work.actor.require(Permission.RUN_BILLING)
    after, through = bounds
    run = work.session.get(BillRun, run_id)
    account_ids = list(work.session.execute(
        accounts_in_scope(_scope_of(run)).where(ServiceAccount.account_no > after,
                                                ServiceAccount.account_no <= through)).scalars())
    billed, skipped, failed = bill_accounts(work, run, load_settings(work.session), account_ids, issue)
    work.session.execute(
        update(BillRun).where(BillRun.id == run_id)
        .values(billed=BillRun.billed + billed, skipped=BillRun.skipped + skipped,
                failed=BillRun.failed + failed, updated_at=work.now)
        .execution_options(synchronize_session=False))
    return billed, skipped, failed


def run_progress(app: AppContext, run_id: str, now: datetime) -> RunProgress | None:
    """What a run has done so far, as the desktop's progress bar shows it (None: no such run)."""
    with app.sessions() as session:
        run = session.get(BillRun, run_id)
        if run is None:
            return None
        until = run.finished_at or (now if run.state == "Running" else run.updated_at) or now
        seconds = max((until - run.started_at).total_seconds(), 0.0)
        return RunProgress(run.id, run.scope_label, run.state, run.accounts_total, run.billed,
                           run.skipped, run.failed, seconds,
                           run.billed / seconds if seconds > 0 else 0.0)
