"""Bill run throughput against a bare executemany of the same rows, and the bytes per bill.

A utility of N single-meter electricity consumers on a plan (BENCH_BILL_ACCOUNTS, default
100,000; BENCH_QUICK=1: 10,000) with an opening and a closing read each is billed by a real
cycle run (rating, plan charges, tax, late payment, invoice numbers, ledger, outbox, chunk
commits). Then a copy of the database taken just before the run receives exactly the rows
the run wrote, by plain executemany in one transaction per table: the floor any bill run
pays for its writes. Each is done BENCH_BILL_RUNS times (3) on a fresh copy; the table gets
the median rates, their ratio and the file growth per bill.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import insert, select  # noqa: E402

from app.domain.core.clock import FixedClock  # noqa: E402
from app.domain.core.permissions import Role  # noqa: E402
from app.domain.tariffs.validation import RateType, TariffVersion, Unit, Utility  # noqa: E402
from app.models.base import new_id  # noqa: E402
from app.models.billing import Bill, BillingCycle, BillLine, BillRun, LedgerEntry, ServiceCharge  # noqa: E402
from app.models.consumers import Consumer, Meter, MeterRead, MeterType, ServiceAccount  # noqa: E402
from app.models.reference import ServiceCentre, Zone  # noqa: E402
from app.models.system import AuditEntry, NumberBlock, OutboxEntry, UsageEvent  # noqa: E402
from app.models.tariffs import Plan, PlanCharge, PlanService  # noqa: E402
from app.runtime import open_runtime  # noqa: E402
from app.services.core.context import Actor  # noqa: E402
from app.services.registry import Services  # noqa: E402
from bench.figures import record, scaled  # noqa: E402

ACCOUNTS = int(os.environ.get("BENCH_BILL_ACCOUNTS", scaled(100_000)))
RUNS = int(os.environ.get("BENCH_BILL_RUNS", 3))  # each on a fresh copy of the built folder
NOW = datetime(2025, 4, 20, 10, 30, tzinfo=UTC)
PERIOD = (date(2025, 3, 16), date(2025, 4, 15))
CYCLE = "North Zone - Apr 2025"
MANAGER = Actor("bench-manager", "manager", "Ravi Kumar", Role.BILLING_MANAGER)
ADMIN = Actor("bench-admin", "admin", "Asha Rao", Role.UTILITY_ADMINISTRATOR)
WRITTEN = (BillRun, Bill, BillLine, LedgerEntry, ServiceCharge, MeterRead, OutboxEntry,
           AuditEntry, UsageEvent)  # parents first


def build(folder: Path, database_url: str | None = None) -> None:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW), database_url=database_url)
    services = Services(runtime.app)
    services.settings.update(ADMIN, {"general.currency": "USD", "general.locale": "en_US",
                                       "general.time_zone": "America/New_York"})
    tariff = TariffVersion("Home Electricity", Utility.ELECTRICITY, Unit.KWH, RateType.FLAT, "USD",
                           date(2025, 1, 1), unit_rate=Decimal("0.1200"))
    tariff_id = services.tariffs.create(MANAGER, tariff).tariff_id
    with runtime.app.sessions() as session, session.begin():
        centre = ServiceCentre(code="CSC", name="Central")
        session.add(centre)
        session.flush()
        zone = Zone(code="NZ", name="North", centre_id=centre.id)
        plan = Plan(name="Home", short_name="H", description="", billing_frequency="Monthly",
                    tax_type="Percentage", tax_rate=Decimal(5), valid_from=date(2025, 1, 1))
        kind = MeterType(name="Single phase", utility="electricity")
        session.add_all([zone, plan, kind])
        session.flush()
        session.add_all([
            BillingCycle(name=CYCLE, zone_id=zone.id, period_start=PERIOD[0], period_end=PERIOD[1],
                         deadline=datetime(2025, 4, 25, tzinfo=UTC)),
            PlanService(plan_id=plan.id, utility="electricity", tariff_id=tariff_id),
            PlanCharge(plan_id=plan.id, name="Administrative Fee", scope="Common",
                       charge_type="Fixed", amount=Decimal("5.99"))])
        consumers, accounts, meters, reads = [], [], [], []
        for n in range(ACCOUNTS):
            consumer, account, meter = new_id(), new_id(), new_id()
            consumers.append({"id": consumer, "account_no": f"C{n:07d}", "name": f"Consumer {n}",
                              "category": "Residential", "service_address": "1 Main St",
                              "billing_address": "1 Main St", "zone_id": zone.id,
                              "registered_on": date(2024, 1, 1)})
            accounts.append({"id": account, "consumer_id": consumer, "utility": "electricity",
                             "account_no": f"C{n:07d}-E", "plan_id": plan.id,
                             "connected_on": date(2024, 1, 1)})
            meters.append({"id": meter, "meter_no": f"M{n:07d}", "device_no": f"D{n:07d}",
                           "meter_type_id": kind.id, "service_account_id": account})
            reads += [{"id": new_id(), "meter_id": meter, "read_on": PERIOD[0], "reading": Decimal(1000)},
                      {"id": new_id(), "meter_id": meter, "read_on": date(2025, 4, 16),
                       "reading": Decimal(1000 + 50 + n % 700)}]
        for model, rows in ((Consumer, consumers), (ServiceAccount, accounts), (Meter, meters),
                            (MeterRead, reads)):
            session.execute(insert(model), rows)
    runtime.close()


def bill_run(folder: Path) -> tuple[float, int]:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW))
    try:
        billing = Services(runtime.app).billing
        started = time.perf_counter()
        result = billing.generate(MANAGER, billing.cycle_scope(CYCLE))
        return time.perf_counter() - started, result.billed
    finally:
        runtime.close()


def written_rows(folder: Path, before: dict[str, set[str]]) -> dict[type, list[dict]]:
    """Every row the run added, as plain column dicts, per table."""
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW))
    try:
        with runtime.engine.connect() as connection:
            rows = {}
            for model in WRITTEN:
                table = model.__table__
                key = table.c.seq if "seq" in table.c else table.c.id
                found = [dict(row._mapping) for row in connection.execute(select(table))]
                rows[model] = [row for row in found if str(row[key.name]) not in before[table.name]]
            return rows
    finally:
        runtime.close()


def keys(folder: Path) -> dict[str, set[str]]:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW))
    try:
        with runtime.engine.connect() as connection:
            return {model.__table__.name: {str(value) for value in connection.execute(select(
                model.__table__.c.seq if "seq" in model.__table__.c else model.__table__.c.id)).scalars()}
                for model in WRITTEN}
    finally:
        runtime.close()


def bare_inserts(folder: Path, rows: dict[type, list[dict]]) -> float:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW))
    try:
        started = time.perf_counter()
        with runtime.engine.begin() as connection:
            for model in WRITTEN:
                if rows[model]:
                    connection.execute(insert(model.__table__), rows[model])
            connection.execute(NumberBlock.__table__.update().values(next_seq=NumberBlock.next_seq))
        return time.perf_counter() - started
    finally:
        runtime.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="utilitydesk-bill-run-") as tmp:
        built = Path(tmp) / "built"
        started = time.perf_counter()
        build(built)
        print(f"{ACCOUNTS:,} accounts built in {time.perf_counter() - started:.1f} s")
        before = keys(built)
        size_before = _size(built)
        runs, bares, rows, growth = [], [], None, 0
        for n in range(RUNS):  # the run, then the bare inserts of its rows, each on a fresh copy
            run_folder = shutil.copytree(built, Path(tmp) / f"run-{n}")
            seconds, billed = bill_run(run_folder)
            runs.append(seconds)
            if rows is None:
                growth = _size(run_folder) - size_before
                rows = written_rows(run_folder, before)
            shutil.rmtree(run_folder)
            bare_folder = shutil.copytree(built, Path(tmp) / f"bare-{n}")
            bares.append(bare_inserts(bare_folder, rows))
            shutil.rmtree(bare_folder)
            print(f"  run {n + 1}: {seconds:.2f} s, bare {bares[-1]:.2f} s", flush=True)
        count = sum(len(r) for r in rows.values())
        print(f"{billed:,} bills, {count:,} rows written: "
              f"{', '.join(f'{m.__tablename__} {len(r):,}' for m, r in rows.items() if r)}")
        run_rate, bare_rate = billed / statistics.median(runs), billed / statistics.median(bares)
        record(f"bill run, {billed:,} bills, median of {RUNS}", run_rate, "bills/s",
               baseline=bare_rate, baseline_name="bare executemany of the same rows")
        record("database growth per bill (rows, outbox, indexes)", growth / max(billed, 1), "B")


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.sqlite3*"))


if __name__ == "__main__":
    main()
