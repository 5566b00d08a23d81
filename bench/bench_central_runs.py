"""A cycle billed by the central service's job workers, 1 and 2 of them, beside the desktop's
local run of the same cycle on the same PostgreSQL server.

The bill run bench's utility (BENCH_CENTRAL_ACCOUNTS single-meter consumers, default 20,000;
BENCH_QUICK=1: 2,000) is built once into a PostgreSQL database, then copied (CREATE DATABASE
... TEMPLATE) for each measurement: the local run (execute_run in this process, the bare
floor of one process's billing against PostgreSQL) and a central run with 1 and with 2
`utilitydesk server --jobs-only` processes, timed from the request (start_central_run: the
run recorded, its chunk jobs deferred) to the run's Completed state. Needs PostgreSQL
(UTILITYDESK_TEST_PG, as the tests); the machine's load matters: see `uptime` beside it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.domain.core.clock import FixedClock  # noqa: E402
from app.models.users import User  # noqa: E402
from app.runtime import open_runtime  # noqa: E402
from app.services.billing.runs import execute_run, start_run  # noqa: E402
from app.services.registry import Services  # noqa: E402
from bench import bench_bill_run  # noqa: E402
from bench.bench_bill_run import CYCLE, MANAGER, NOW, build  # noqa: E402
from bench.figures import Unavailable, record, scaled  # noqa: E402
from sync.run_protocol import BillRunRequest  # noqa: E402
from sync.server.central_runs import progress_of, start_central_run  # noqa: E402
from sync.server.config import ServerConfig  # noqa: E402
from sync.server.state import open_central  # noqa: E402

ACCOUNTS = int(os.environ.get("BENCH_CENTRAL_ACCOUNTS", scaled(20_000)))
CHUNK = int(os.environ.get("BENCH_CENTRAL_CHUNK", 500))
ADMIN_URL = os.environ.get("UTILITYDESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def main() -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - no server: the row says so
        raise Unavailable(f"no PostgreSQL at {ADMIN_URL}: {type(error).__name__}") from None
    base = f"utilitydesk_bench_{uuid.uuid4().hex[:10]}"
    made = [base]
    try:
        _create(admin, base)
        with tempfile.TemporaryDirectory(prefix="utilitydesk-central-") as tmp:
            started = time.perf_counter()
            bench_bill_run.ACCOUNTS = ACCOUNTS  # the utility built: this bench's size
            build(Path(tmp) / "built", _url(base))
            _add_user(_url(base))
            print(f"{ACCOUNTS:,} accounts built in {time.perf_counter() - started:.1f} s", flush=True)
            local = _copy(admin, base, "local", made)
            local_rate, billed = _local_run(Path(tmp) / "local", _url(local))
            print(f"  local run: {billed:,} bills, {local_rate:,.0f} bills/s", flush=True)
            rates = {}
            for workers in (1, 2):
                copy = _copy(admin, base, f"w{workers}", made)
                rates[workers], billed = _central_run(_url(copy), workers)
                print(f"  central, {workers} worker(s): {billed:,} bills, {rates[workers]:,.0f} bills/s",
                      flush=True)
        record(f"central run, 1 job worker, {billed:,} bills", rates[1], "bills/s",
               baseline=local_rate, baseline_name="local run (one process) on the same PostgreSQL")
        record(f"central run, 2 job workers, {billed:,} bills", rates[2], "bills/s",
               baseline=rates[1], baseline_name="1 job worker")
        print(f"  load: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    finally:
        for name in made:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _url(name: str) -> str:
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _create(admin, name: str, template: str | None = None) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))


def _copy(admin, base: str, suffix: str, made: list[str]) -> str:
    name = f"{base}_{suffix}"
    _create(admin, name, base)
    made.append(name)
    return name


def _add_user(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(User.__table__.insert().values(
            id=MANAGER.user_id, username=MANAGER.username, full_name=MANAGER.full_name,
            role=MANAGER.role.value, password_hash="-", active=True))
    engine.dispose()


def _local_run(folder: Path, url: str) -> tuple[float, int]:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW), database_url=url)
    try:
        billing = Services(runtime.app).billing
        started = time.perf_counter()
        run_id = start_run(runtime.app, MANAGER, billing.cycle_scope(CYCLE))
        result = execute_run(runtime.app, MANAGER, run_id)
        return result.billed / (time.perf_counter() - started), result.billed
    finally:
        runtime.close()


def _central_run(url: str, workers: int) -> tuple[float, int]:
    from tests.job_helpers import job_worker_processes

    central = open_central(ServerConfig(database_url=url, run_chunk_accounts=CHUNK))
    try:
        with job_worker_processes(url, count=workers, chunk_accounts=CHUNK):
            started = time.perf_counter()
            view = start_central_run(central, MANAGER.username, BillRunRequest(cycle=CYCLE))
            while view.state != "Completed":
                time.sleep(0.1)
                view = progress_of(central, view.run_id)
            return view.billed / (time.perf_counter() - started), view.billed
    finally:
        central.engine.dispose()


if __name__ == "__main__":
    main()
