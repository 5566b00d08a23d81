"""How the overview asks the database (bench/bench_dashboard.py measures it): the ledger's
balances of several scopes read once as a running total, the reconciliation's sums answered
from covering indexes, each bill's history lookups run once, and the same figures on the
central service's PostgreSQL as on the desktop's SQLite."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models.billing import LedgerEntry
from app.runtime import open_runtime
from app.services.dashboard import DashboardFilter
from app.services.dashboard.figures import ledger_balance, ledger_balances
from app.services.registry import Services
from tests.dashboard_fixtures import build_world
from tests.factories import seed_users
from tests.payment_fixtures import actor


def _scopes(services, runtime, world, **narrow):
    flt = DashboardFilter(cycle_id=world.cycles[(2025, 3)], **narrow)
    scopes = services.dashboard.scopes(actor(runtime, "manager"), flt)
    return [scopes.current, scopes.previous, scopes.last_year]


def test_ledger_balances_of_several_scopes_are_each_scopes_balance(runtime, services):
    world = build_world(runtime)
    current, previous, last_year = _scopes(services, runtime, world)
    with runtime.app.sessions() as session, session.begin():
        consumer = session.execute(select(LedgerEntry.consumer_id)).scalars().first()
        # on the previous scope's end: not in its balance (before the end), in the later ones
        session.add(LedgerEntry(consumer_id=consumer, entry_type="deposit_applied", amount=Decimal("-3.25"),
                                source_type="security_deposit", source_id="d1",
                                posted_at=previous.ledger_end()))
        session.add(LedgerEntry(consumer_id=consumer, entry_type="deposit_applied", amount=Decimal("-1.00"),
                                source_type="security_deposit", source_id="d2",
                                posted_at=previous.ledger_end() - timedelta(microseconds=1)))
    narrowed = _scopes(services, runtime, world, segment="Commercial")[0]
    with runtime.app.sessions() as session:
        for scopes in ([current, previous, last_year], [last_year, current, previous, current],
                       [current, narrowed, previous]):
            assert ledger_balances(session, scopes) == [ledger_balance(session, s) for s in scopes]
        each = [ledger_balance(session, s) for s in (last_year, previous, current)]
    assert len(set(each)) == 3  # three different balances were compared


def test_the_overview_reads_history_once_and_its_sums_from_covering_indexes(runtime, services):
    world = build_world(runtime)
    manager = actor(runtime, "manager")
    statements: list[tuple[str, tuple]] = []
    from sqlalchemy import event

    def seen(conn, cursor, statement, parameters, context, many):
        statements.append((statement, parameters))

    event.listen(runtime.engine, "before_cursor_execute", seen)
    try:
        services.dashboard.overview(manager, DashboardFilter(cycle_id=world.cycles[(2025, 3)]))
    finally:
        event.remove(runtime.engine, "before_cursor_execute", seen)
    raw = sqlite3.connect(runtime.engine.url.database)

    def plan(statement: str, parameters: tuple) -> str:
        return " | ".join(row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters))

    classes = [plan(s, p) for s, p in statements if "class_inputs" in s]
    assert len(classes) == 3 and all("MATERIALIZE class_inputs" in text for text in classes)
    # the current scope's lines serve its figures and the reconciliation; each comparison has its own
    assert len([s for s, _p in statements if s.startswith("SELECT bill_lines.kind")]) == 3
    by_source = [plan(s, p) for s, p in statements if "GROUP BY ledger_entries.source_type" in s]
    assert by_source and "COVERING INDEX ix_ledger_source_posted" in by_source[0]
    counted = [plan(s, p) for s, p in statements if s.startswith("SELECT coalesce(sum(bills.total)")
               and "bill_date <=" in s]
    assert counted and "COVERING INDEX ix_bills_date_status_total" in counted[0]
    lines = [plan(s, p) for s, p in statements if s.startswith("SELECT bill_lines.kind")]
    assert lines and "COVERING INDEX ix_bill_lines_bill_kind_amount" in lines[0]
    raw.close()


@pytest.mark.postgres
def test_the_overview_on_postgresql_has_the_figures_it_has_on_sqlite(runtime, services, tmp_path, pg_url):
    from app.domain.core.clock import FixedClock
    from tests.factories import NOW

    central = open_runtime(tmp_path / "pg", lock=False, database_url=pg_url, clock=FixedClock(NOW))
    try:
        seed_users(central)
        overviews = []
        for rt, svc in ((runtime, services), (central, Services(central.app))):
            world = build_world(rt)
            flt = DashboardFilter(cycle_id=world.cycles[(2025, 3)])
            overview = svc.dashboard.overview(actor(rt, "manager"), flt)
            overviews.append((overview.scopes, overview.figures, overview.reconciliation))
        assert overviews[1] == overviews[0]
        figures = overviews[0][1]
        assert (figures.high_consumption_accounts, figures.low_consumption_accounts,
                figures.zero_consumption_accounts) == (1, 1, 1)
    finally:
        central.close()


def test_shared_reads_give_each_comparison_its_own_figures(runtime, services):
    """The lines and ledger read once for several scopes give the figures each scope has alone."""
    from app.services.dashboard.figures import scope_figures

    world = build_world(runtime)
    overview = services.dashboard.overview(actor(runtime, "manager"),
                                           DashboardFilter(cycle_id=world.cycles[(2025, 3)]))
    current, previous, last_year = _scopes(services, runtime, world)
    with runtime.app.sessions() as session:
        alone = [scope_figures(session, scope, "sqlite") for scope in (current, previous, last_year)]
    assert overview.figures == alone[0]
    for metric in ("service_charges", "outstanding_amount", "total_billed", "high_consumption_accounts"):
        m = overview.metrics[metric]
        assert (m.current, m.previous_cycle, m.last_year) == tuple(getattr(f, metric) for f in alone)
    assert alone[0].service_charges != alone[1].service_charges  # the comparison tells them apart


def test_classes_use_every_earlier_year_and_only_counted_bills(runtime, services):
    """Two earlier Marches for Asha average 200 (160 is no longer High); a cancelled March for
    Dina is not history (she stays Low). The overview's counts (one join per bill) and the
    drill-down's rows (lookups per bill) agree."""
    from datetime import date

    from app.models.billing import Bill
    from app.services.dashboard import DrillRequest

    world = build_world(runtime)
    with runtime.app.sessions() as session, session.begin():
        for name, units, status in (("Asha Smith", 300, "Approved"), ("Dina Patel", 10, "Cancelled")):
            template = session.get(Bill, world.bills[(name, (2024, 3))])
            session.add(Bill(invoice_no=f"INV-2023-{name[:4]}", consumer_id=template.consumer_id,
                             service_account_id=template.service_account_id, cycle_id=None,
                             period_start=date(2023, 2, 1), period_end=date(2023, 2, 28),
                             bill_date=date(2023, 3, 5), due_date=date(2023, 3, 20), consumption=Decimal(units),
                             total=Decimal("1.00"), status=status))
    manager = actor(runtime, "manager")
    flt = DashboardFilter(cycle_id=world.cycles[(2025, 3)])
    figures = services.dashboard.overview(manager, flt).figures
    assert (figures.high_consumption_accounts, figures.low_consumption_accounts,
            figures.zero_consumption_accounts) == (0, 1, 1)
    for metric in ("high_consumption_accounts", "low_consumption_accounts", "zero_consumption_accounts"):
        assert services.dashboard_lists.drill_count(manager, DrillRequest(metric, flt)) == getattr(figures, metric)
