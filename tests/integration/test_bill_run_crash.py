"""A bill run killed half-way (SIGKILL, as in a power cut) and resumed ends with exactly the
bills of an uninterrupted run: same invoice numbers, accounts, totals, lines and ledger."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import select, text

from app.domain.core.clock import FixedClock
from app.models.billing import Bill, BillLine, BillRun, LedgerEntry
from app.models.consumers import ServiceAccount
from app.runtime import open_runtime
from app.services.registry import Services
from tests.billing_fixtures import CYCLE, build_world
from tests.crash import kill_at_marker, needs_sigkill
from tests.factories import NOW
from tests.tariff_fixtures import actor

pytestmark = needs_sigkill

ACCOUNTS = 23
CHILD = """
import sys, time
from pathlib import Path

from app.domain.core.clock import FixedClock
from app.runtime import open_runtime
from app.services.billing import runs
from app.services.registry import Services
from tests.factories import NOW
from tests.billing_fixtures import CYCLE
from tests.tariff_fixtures import actor

folder = sys.argv[1]
runtime = open_runtime(Path(folder), lock=False, clock=FixedClock(NOW))
services = Services(runtime.app)
flush_rows, chunks = runs.flush_rows, []


def flush_then_wait(session, target):
    written = flush_rows(session, target)
    chunks.append(written)
    if len(chunks) == 3:  # the third chunk is written but not committed
        print("INSIDE", flush=True)
        time.sleep(120)
    return written


runs.flush_rows = flush_then_wait
billing = services.billing
specialist = actor(runtime, "specialist")
run_id = billing.start_run(specialist, billing.cycle_scope(CYCLE))
runs.execute_run(runtime.app, specialist, run_id, chunk_accounts=5)
"""


def snapshot(folder: Path) -> dict[str, object]:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW))
    try:
        with runtime.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        with runtime.app.sessions() as session:
            bills = session.execute(
                select(Bill.invoice_no, ServiceAccount.account_no, Bill.total, Bill.arrears,
                       Bill.bill_type, Bill.due_date)
                .join(ServiceAccount, ServiceAccount.id == Bill.service_account_id)
                .order_by(Bill.invoice_no)).all()
            lines = session.execute(
                select(Bill.invoice_no, BillLine.line_no, BillLine.description, BillLine.amount,
                       BillLine.gl_code).join(Bill, Bill.id == BillLine.bill_id)
                .order_by(Bill.invoice_no, BillLine.line_no)).all()
            ledger = sorted(session.execute(select(LedgerEntry.description, LedgerEntry.amount)).all())
            runs = session.execute(select(BillRun.state, BillRun.billed, BillRun.skipped)).all()
        return {"bills": bills, "lines": lines, "ledger": ledger, "runs": runs}
    finally:
        runtime.close()


def resume(folder: Path) -> None:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW))
    try:
        billing, specialist = Services(runtime.app).billing, actor(runtime, "specialist")
        for run_id in billing.unfinished_runs(specialist):
            billing.execute(specialist, run_id)
    finally:
        runtime.close()


def uninterrupted(folder: Path) -> None:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW))
    try:
        billing, specialist = Services(runtime.app).billing, actor(runtime, "specialist")
        run_id = billing.start_run(specialist, billing.cycle_scope(CYCLE))
        from app.services.billing import runs
        runs.execute_run(runtime.app, specialist, run_id, chunk_accounts=7)
    finally:
        runtime.close()


def test_killed_half_way_then_resumed_gives_the_bills_of_an_uninterrupted_run(runtime, services, tmp_path):
    world = build_world(runtime, services)
    for n in range(ACCOUNTS):
        reads = [(date(2025, 3, 16), "100"), (date(2025, 4, 16), str(150 + 37 * n))]
        world.consumer(f"Consumer {n:02d}", meters={"electricity": reads} if n % 7 else {"electricity": []})
    folder = runtime.paths.root
    runtime.engine.dispose()
    twin = tmp_path / "twin"
    shutil.copytree(folder, twin)

    kill_at_marker(CHILD, [str(folder)], "INSIDE")
    killed = snapshot(folder)
    assert killed["runs"] == [("Running", 8, 0)]  # two chunks of five committed (2 refused)
    assert 0 < len(killed["bills"]) < ACCOUNTS

    resume(folder)
    uninterrupted(twin)
    resumed, straight = snapshot(folder), snapshot(twin)
    assert resumed["bills"] == straight["bills"] and len(straight["bills"]) == ACCOUNTS - 4
    assert resumed["lines"] == straight["lines"]
    assert resumed["ledger"] == straight["ledger"]
    assert resumed["runs"][0][0] == "Completed"
