"""The billing dashboard on `demo --consumers 100000 --months 18` (BENCH_QUICK=1: 10,000):
the overview of a cycle with both comparisons and the reconciliation, beside hand-written SQL
computing the same numbers; the global search's first page for a name fragment across all
cycles; a year's drill-down's first rows, and the process's peak memory."""

from __future__ import annotations

import resource
import sqlite3
from datetime import UTC, date, datetime, time

from app.domain.core.clock import FixedClock
from app.domain.dashboard.trends import Granularity, Period
from app.models.billing import BillingCycle
from app.runtime import open_runtime
from app.services.core.context import SYSTEM_ACTOR
from app.services.dashboard import DashboardFilter, DrillRequest
from app.services.registry import Services
from bench.demo_cache import TODAY, cached_demo
from bench.figures import median_ms, record, scaled

MONTHS = 18
BILLS = "status IN ('Approved', 'Final')"
def _bare_scope(db: sqlite3.Connection, cycle: str, start: str, end: str, ledger_end: str) -> tuple:
    """One cycle's figures in plain SQL: what any implementation must at least ask the database."""
    bills = db.execute(f"SELECT count(*), sum(total), sum(consumption), sum(bill_type = 'Estimated') "
                       f"FROM bills WHERE cycle_id = ? AND {BILLS}", (cycle,)).fetchone()
    held = db.execute("SELECT count(DISTINCT consumer_id) FROM billing_exceptions WHERE cycle_id = ? "
                      "AND status != 'Resolved'", (cycle,)).fetchone()
    classes = db.execute(f"""
        SELECT count(DISTINCT CASE WHEN cls = 'H' THEN acc END), count(DISTINCT CASE WHEN cls = 'L' THEN acc END),
               count(DISTINCT CASE WHEN cls = 'Z' THEN acc END), count(DISTINCT CASE WHEN cls = 'I' THEN acc END)
        FROM (SELECT b.service_account_id AS acc, CASE
            WHEN b.consumption = 0 AND p2 IS NULL THEN 'I'
            WHEN b.consumption = 0 AND p1 > 0 AND p2 > 0 THEN 'Z'
            WHEN n = 0 THEN 'I' WHEN b.consumption * 2 * n > total * 3 THEN 'H'
            WHEN b.consumption * 2 * n < total THEN 'L' ELSE 'N' END AS cls
          FROM (SELECT b.*,
            (SELECT h.consumption FROM bills h WHERE h.service_account_id = b.service_account_id AND h.{BILLS}
              AND h.period_start < b.period_start ORDER BY h.period_start DESC LIMIT 1) AS p1,
            (SELECT h.consumption FROM bills h WHERE h.service_account_id = b.service_account_id AND h.{BILLS}
              AND h.period_start < b.period_start ORDER BY h.period_start DESC LIMIT 1 OFFSET 1) AS p2,
            (SELECT count(*) FROM bills h WHERE h.service_account_id = b.service_account_id AND h.{BILLS}
              AND h.period_start <= date(b.period_start, '-330 days')
              AND strftime('%m', h.period_start) = strftime('%m', b.period_start)) AS n,
            (SELECT coalesce(sum(h.consumption), 0) FROM bills h WHERE h.service_account_id = b.service_account_id
              AND h.{BILLS} AND h.period_start <= date(b.period_start, '-330 days')
              AND strftime('%m', h.period_start) = strftime('%m', b.period_start)) AS total
            FROM bills b WHERE b.cycle_id = ? AND b.{BILLS}) AS b)""", (cycle,)).fetchone()
    lines = db.execute(f"SELECT l.kind, a.utility, sum(l.amount) FROM bill_lines l JOIN bills b ON b.id = l.bill_id "
                       f"JOIN service_accounts a ON a.id = b.service_account_id WHERE b.cycle_id = ? "
                       f"AND b.{BILLS} GROUP BY 1, 2", (cycle,)).fetchall()
    charges = db.execute("SELECT gl_code, sum(amount) FROM service_charges WHERE service_date BETWEEN ? AND ? "
                         "GROUP BY 1", (start, end)).fetchall()
    ledger = db.execute("SELECT sum(amount) FROM ledger_entries WHERE posted_at < ?", (ledger_end,)).fetchone()
    return bills, held, classes, lines, charges, ledger


def _bare_reconciliation(db: sqlite3.Connection, cycle: str) -> tuple:
    return (db.execute(f"SELECT sum(total) FROM bills WHERE cycle_id = ? AND {BILLS}", (cycle,)).fetchone(),
            db.execute("SELECT sum(amount) FROM ledger_entries").fetchone(),
            db.execute(f"SELECT sum(total) FROM bills WHERE {BILLS}").fetchone(),
            db.execute("SELECT sum(amount) FROM service_charges").fetchone(),
            db.execute("SELECT sum(amount) FROM payments WHERE status = 'Posted'").fetchone(),
            db.execute("SELECT sum(amount) FROM ledger_entries WHERE source_type NOT IN "
                       "('bill', 'service_charge', 'payment')").fetchone())


def main() -> None:
    consumers = scaled(100_000)
    folder = cached_demo(consumers, MONTHS)
    now = datetime.combine(TODAY, time(12), tzinfo=UTC)
    runtime = open_runtime(folder, lock=False, existing=True, clock=FixedClock(now))
    try:
        _measure(runtime, folder, consumers)
    finally:
        runtime.close()


def _measure(runtime, folder, consumers: int) -> None:
    services = Services(runtime.app)
    actor = SYSTEM_ACTOR
    with runtime.app.sessions() as session:
        cycles = session.query(BillingCycle).filter(BillingCycle.status == "Completed") \
            .order_by(BillingCycle.period_start.desc()).all()
    cycle = cycles[0]
    flt = DashboardFilter(cycle_id=cycle.id)
    scopes = services.dashboard.scopes(actor, flt)
    services.dashboard.overview(actor, flt)  # warm the page cache as a second look would
    overview_ms = median_ms(lambda: services.dashboard.overview(actor, flt), runs=3)
    db = sqlite3.connect(folder / "utilitydesk.sqlite3")
    ids = [cycle.id] + [c.id for c in cycles if c.name in (scopes.previous.label, scopes.last_year.label)]

    def bare() -> None:
        for scope, cycle_id in zip((scopes.current, scopes.previous, scopes.last_year), ids, strict=False):
            _bare_scope(db, cycle_id, scope.window.start.isoformat(), scope.window.end.isoformat(),
                        f"{scope.window.end.isoformat()} 23:59:59")
        _bare_reconciliation(db, cycle.id)

    bare_ms = median_ms(bare, runs=3)
    record(f"overview of a cycle, both comparisons and reconciliation ({consumers:,} consumers)",
           overview_ms, "ms", goal="< 300 ms, within 2x of bare SQL", baseline=bare_ms,
           baseline_name="hand-written SQL, same numbers", met=overview_ms < 300 and overview_ms <= 2 * bare_ms)

    bills = db.execute("SELECT count(*) FROM bills").fetchone()[0]
    search_ms = median_ms(lambda: services.dashboard_lists.search(actor, "smit", True, 0, 100), runs=5)
    bare_search = median_ms(lambda: db.execute(
        "SELECT b.id FROM bills b JOIN consumers c ON c.id = b.consumer_id WHERE c.rowid IN "
        "(SELECT rowid FROM consumer_search WHERE consumer_search MATCH '\"smit\"') "
        "ORDER BY b.bill_date DESC LIMIT 100").fetchall(), runs=5)
    record(f"search 'smit' across all cycles, first page ({bills:,} bills)", search_ms, "ms",
           goal="< 100 ms", baseline=bare_search, baseline_name="bare FTS5 query", met=search_ms < 100)

    year = DashboardFilter(period=Period(date(TODAY.year - 1, TODAY.month, 1), TODAY),
                           granularity=Granularity.YEARLY)
    request = DrillRequest("total_billed", year)
    rows = services.dashboard_lists.drill_count(actor, request)
    drill_ms = median_ms(lambda: services.dashboard_lists.drill_page(actor, request, 0, 100), runs=3)
    start = year.period.start.isoformat()
    bare_drill = median_ms(lambda: db.execute(
        f"SELECT b.id, b.total FROM bills b JOIN consumers c ON c.id = b.consumer_id WHERE b.{BILLS} "
        "AND b.bill_date >= ? ORDER BY b.total DESC LIMIT 100", (start,)).fetchall(), runs=3)
    record(f"drill-down of {rows:,} bills, first 100 rows", drill_ms, "ms", goal="< 200 ms",
           baseline=bare_drill, baseline_name="bare sorted SQL page", met=drill_ms < 200)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    record("peak memory with the drill-down open (no GUI)", peak, "MB")
    db.close()


if __name__ == "__main__":
    main()
