"""Bill runs on PostgreSQL: two runs of one cycle racing bill every account exactly once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app.models.billing import Bill, BillLine, LedgerEntry
from app.runtime import open_runtime
from app.services.registry import Services
from tests.billing_fixtures import CYCLE, build_world
from tests.factories import seed_users
from tests.tariff_fixtures import actor

pytestmark = pytest.mark.postgres
ACCOUNTS = 40


@pytest.fixture
def pg_runtime(tmp_path, pg_url):
    from app.domain.core.clock import FixedClock
    from tests.factories import NOW

    runtime = open_runtime(tmp_path / "d", lock=False, database_url=pg_url, clock=FixedClock(NOW))
    seed_users(runtime)
    yield runtime
    runtime.close()


def test_two_racing_runs_of_one_cycle_bill_each_account_once(pg_runtime):
    services = Services(pg_runtime.app)
    world = build_world(pg_runtime, services)
    for n in range(ACCOUNTS):
        world.consumer(f"C{n}", meters={"electricity": [(date(2025, 3, 16), "10"),
                                                        (date(2025, 4, 16), str(60 + n))]})
    specialist = actor(pg_runtime, "specialist")
    results, errors = [], []

    def run() -> None:
        try:
            from app.services.billing.runs import execute_run
            run_id = services.billing.start_run(specialist, services.billing.cycle_scope(CYCLE))
            results.append(execute_run(pg_runtime.app, specialist, run_id, chunk_accounts=7))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(r.billed for r in results) == ACCOUNTS
    assert all(r.billed + r.skipped == ACCOUNTS for r in results)
    with pg_runtime.app.sessions() as session:
        bills = session.execute(select(func.count(), func.count(func.distinct(Bill.service_account_id)),
                                       func.count(func.distinct(Bill.invoice_no)))).one()
        assert tuple(bills) == (ACCOUNTS, ACCOUNTS, ACCOUNTS)
        totals = session.execute(select(func.sum(Bill.total))).scalar()
        assert session.execute(select(func.sum(BillLine.amount))).scalar() == totals
        assert session.execute(select(func.sum(LedgerEntry.amount))).scalar() == totals
