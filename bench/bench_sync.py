"""Sync throughput on loopback: N counters pushing payments to 2 uvicorn workers on PostgreSQL.

Reports pushed operations per second and push latency, checks that every
payment exists exactly once afterwards (some batches are deliberately sent
twice, as after a lost response), then measures a centre's bootstrap.
BENCH_QUICK=1: 10 counters x 10 s; default 50 counters x 60 s.

Each figure goes through bench.figures.record with a bare baseline measured in the same run
(the machine is shared, so only the ratio compares across runs): for the push, the same
counters inserting the same rows straight into PostgreSQL, one transaction per batch; for the
bootstrap, a plain SELECT of the centre's rows.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select

from app.models.billing import LedgerEntry
from app.models.consumers import Consumer
from app.models.payments import Payment
from bench.figures import record
from bench.scratch_db import scratch_database
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests import sync_helpers
from tests.factories import PASSWORD
from tests.sync_helpers import memory_keyring, open_desktop, prepare_central, server_process

QUICK = os.environ.get("BENCH_QUICK") == "1"
COUNTERS = int(os.environ.get("BENCH_COUNTERS", 10 if QUICK else 50))
SECONDS = float(os.environ.get("BENCH_SECONDS", 10 if QUICK else 60))
PAYMENTS_PER_PUSH = 10
RESEND_SHARE = 0.03
BOOTSTRAP_CONSUMERS = int(os.environ.get("BENCH_BOOTSTRAP_CONSUMERS", 500 if QUICK else 5000))


@dataclass
class CounterRun:
    """One simulated counter: its latencies and the payments the server applied."""

    latencies: list[float] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)
    replayed: int = 0  # operations of a resent batch answered again (the first answer, kept)
    errors: int = 0


def main() -> None:
    sync_helpers.HEALTHY_WITHIN_S = 300  # two workers starting on a loaded machine take their time
    with scratch_database("bench") as url:
        _run(url)


def _run(url: str) -> None:
    world = prepare_central(url)
    consumers = world.consumer_ids + _add_consumers(url, world.zone_id, BOOTSTRAP_CONSUMERS)
    with memory_keyring(), server_process(url, workers=2) as server:
        tokens = [_enrol(server, n) for n in range(COUNTERS)]
        runs = _push_for(server, tokens, consumers)
        bare = _bare_push(url, consumers)
        _report_push(url, runs, bare)
        _pull(server, tokens[0])
        _bootstrap(server, url)


def _add_consumers(url: str, zone_id: str, count: int) -> list[str]:
    """A centre's worth of consumers, each with two ledger entries, for the bootstrap figure."""
    engine = create_engine(url)
    ids = [str(uuid.uuid4()) for _ in range(count)]
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(Consumer.__table__.insert(), [dict(
            id=i, version=1, updated_at=now, deleted=False, account_no=f"B-{n:06d}", name=f"Consumer {n}",
            phone="", email="", category="Residential", sub_category="", vip=False, status="Active",
            service_address="1 Main St", billing_address="1 Main St", zone_id=zone_id,
            registered_on=date(2020, 1, 1)) for n, i in enumerate(ids)])
        connection.execute(LedgerEntry.__table__.insert(), [dict(
            id=str(uuid.uuid4()), version=1, updated_at=now, deleted=False, consumer_id=i,
            entry_type="bill", amount=10_000 + k, source_type="bill", source_id=str(uuid.uuid4()),
            description="", posted_at=now) for i in ids for k in range(2)])
    engine.dispose()
    return ids


def _client(server: str, token: str | None = None) -> httpx.Client:
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)} | ({"Authorization": f"Bearer {token}"} if token else {})
    return httpx.Client(base_url=server, headers=headers, timeout=60)


def _enrol(server: str, n: int) -> str:
    with _client(server) as http:
        admin = http.post("/v1/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
        code = http.post("/v1/enrolment-codes", json={"centre_code": "CSC"},
                         headers={"Authorization": f"Bearer {admin}"}).json()["code"]
        device_id = str(uuid.uuid4())
        secret = http.post("/v1/devices/enrol", json={"enrolment_code": code, "device_id": device_id,
                                                      "device_code": f"B{n:04d}"}).json()["device_secret"]
        return http.post("/v1/auth/login", json={"username": "cashier", "password": PASSWORD,
                                                 "device_id": device_id, "device_secret": secret}).json()["token"]


def _push_for(server: str, tokens: list[str], consumers: list[str]) -> list[CounterRun]:
    runs = [CounterRun() for _ in tokens]
    deadline = time.monotonic() + SECONDS
    threads = [threading.Thread(target=_counter, args=(server, token, consumers, run, deadline, n))
               for n, (token, run) in enumerate(zip(tokens, runs, strict=True))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _counter.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    return runs


def _counter(server: str, token: str, consumers: list[str], run: CounterRun, deadline: float, n: int) -> None:
    rng, seq = random.Random(n), 0
    with _client(server, token) as http:
        while time.monotonic() < deadline:
            operations = []
            for _ in range(PAYMENTS_PER_PUSH):
                seq += 2
                operations += _payment_ops(seq - 1, rng.choice(consumers), f"{n:03d}-{seq:07d}")
            resend = rng.random() < RESEND_SHARE
            for attempt in range(2 if resend else 1):
                _push(http, operations, run, resent=attempt > 0)


def _payment_ops(seq: int, consumer_id: str, number: str) -> list[dict]:
    payment_id, now = str(uuid.uuid4()), datetime.now(UTC).isoformat()
    payment = {"id": payment_id, "payment_no": f"PAY-{number}", "transaction_no": f"TXN-{number}",
               "receipt_no": f"R-{number}", "consumer_id": consumer_id, "payment_type": "Bill",
               "channel": "Walk-in", "method": "Cash", "amount": "145.50", "paid_at": now,
               "received_by": "cashier"}
    entry_id = str(uuid.uuid4())
    entry = {"id": entry_id, "consumer_id": consumer_id, "entry_type": "payment", "amount": "-145.50",
             "source_type": "payment", "source_id": payment_id, "posted_at": now}
    return [{"seq": seq, "entity": "payments", "entity_id": payment_id, "operation": "insert", "payload": payment},
            {"seq": seq + 1, "entity": "ledger_entries", "entity_id": entry_id, "operation": "insert",
             "payload": entry}]


def _push(http: httpx.Client, operations: list[dict], run: CounterRun, *, resent: bool = False) -> None:
    started = time.perf_counter()
    try:
        response = http.post("/v1/push", json={"operations": operations})
        response.raise_for_status()
    except httpx.HTTPError:
        run.errors += 1
        return
    run.latencies.append(time.perf_counter() - started)
    results = response.json()["results"]
    if resent:  # a retry after a lost response gets the first answers back
        run.replayed += sum(r["status"] == "applied" for r in results)
        return
    run.applied += [r["entity_id"] for r in results if r["status"] == "applied" and r["entity"] == "payments"]


def _bare_push(url: str, consumers: list[str]) -> CounterRun:
    """The bare work: the same counters insert the same rows into PostgreSQL themselves, one
    transaction of one executemany per table a batch, for as long as the bench pushed."""
    engine = create_engine(url, pool_size=COUNTERS)
    run = CounterRun()
    deadline = time.monotonic() + SECONDS
    lock = threading.Lock()

    def counter(n: int) -> None:
        rng, seq, latencies, done = random.Random(1000 + n), 0, [], 0
        while time.monotonic() < deadline:
            rows: dict[str, list[dict]] = {"payments": [], "ledger_entries": []}
            for _ in range(PAYMENTS_PER_PUSH):
                seq += 2
                # no second dash: the pushed payments' check counts receipts like R-%-%
                for op in _payment_ops(seq - 1, rng.choice(consumers), f"X{n:03d}{seq:07d}"):
                    rows[op["entity"]].append(_bare_row(op["payload"]))
            started = time.perf_counter()
            with engine.begin() as connection:
                connection.execute(Payment.__table__.insert(), rows["payments"])
                connection.execute(LedgerEntry.__table__.insert(), rows["ledger_entries"])
            latencies.append(time.perf_counter() - started)
            done += PAYMENTS_PER_PUSH
        with lock:
            run.latencies.extend(latencies)
            run.applied.extend(["x"] * done)

    threads = [threading.Thread(target=counter, args=(n,)) for n in range(COUNTERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _bare_push.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    with engine.begin() as connection:  # out of the centre's data again: the bootstrap measures the centre
        bare = select(Payment.id).where(Payment.receipt_no.like("R-X%"))
        connection.execute(LedgerEntry.__table__.delete().where(LedgerEntry.source_id.in_(bare)))
        connection.execute(Payment.__table__.delete().where(Payment.receipt_no.like("R-X%")))
    engine.dispose()
    return run


def _bare_row(payload: dict) -> dict:
    now = datetime.fromisoformat(payload["paid_at" if "paid_at" in payload else "posted_at"])
    row = {k: v for k, v in payload.items() if k not in ("paid_at", "posted_at", "amount")}
    amount = Decimal(payload["amount"])  # the column type stores minor units, as the server does
    times = {"paid_at": now} if "paid_at" in payload else {"posted_at": now, "description": ""}
    return row | times | {"amount": amount, "version": 1, "updated_at": now, "deleted": False}


def _p95(latencies: list[float]) -> float:
    latencies = sorted(latencies)
    return latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0


def _report_push(url: str, runs: list[CounterRun], bare: CounterRun) -> None:
    elapsed = _counter.elapsed  # type: ignore[attr-defined]
    latencies = sorted(x for run in runs for x in run.latencies)
    applied = [pid for run in runs for pid in run.applied]
    ops = 2 * len(applied)
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(select(func.count(), func.count(func.distinct(Payment.id)))
                                    .where(Payment.receipt_no.like("R-%-%"))).one()
    engine.dispose()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    print(f"counters {len(runs)}, {elapsed:.1f} s, 2 workers, {PAYMENTS_PER_PUSH} payments "
          f"({2 * PAYMENTS_PER_PUSH} ops) per push; {len(latencies)} pushes, "
          f"{sum(r.errors for r in runs)} errors")
    print(f"resent batches answered again with their first answers: {sum(r.replayed for r in runs)} operations")
    exactly_once = stored[0] == stored[1] == len(applied) == len(set(applied))
    print(f"every payment exactly once: {exactly_once} ({stored[0]} stored, {len(applied)} applied)")
    bare_ops = 2 * len(bare.applied) / _bare_push.elapsed  # type: ignore[attr-defined]
    print(f"bare inserts of the same rows: {bare_ops:,.0f} ops/s, p95 {_p95(bare.latencies) * 1000:.0f} ms")
    record("push ops/s", ops / elapsed, "ops/s", goal=">= 2,000", baseline=bare_ops,
           baseline_name="bare executemany INSERTs", met=ops / elapsed >= 2000)
    record("push p95", p95 * 1000, "ms", goal="< 200", baseline=_p95(bare.latencies) * 1000,
           baseline_name="bare INSERT transaction p95", met=p95 < 0.2)
    if not exactly_once:
        raise SystemExit("sync bench: payments lost or duplicated")



def _pull(server: str, token: str) -> None:
    """A device far behind reads the whole change log of its centre (server side only, no apply)."""
    with _client(server, token) as http:
        epoch = http.get("/v1/bootstrap").json()["epoch"]
        cursor, rows, started = f"{epoch}:0:0", 0, time.perf_counter()
        while True:
            page = http.get("/v1/changes", params={"cursor": cursor, "limit": 2000}).json()
            rows, cursor = rows + len(page["changes"]), page["cursor"]
            if not page["more"]:
                break
    elapsed = time.perf_counter() - started
    record(f"pull of the change log, {rows:,} rows, pages of 2000", rows / elapsed, "rows/s")


def _bootstrap(server: str, url: str) -> None:
    with tempfile.TemporaryDirectory() as folder, _client(server) as http:
        admin = http.post("/v1/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
        code = http.post("/v1/enrolment-codes", json={"centre_code": "CSC"},
                         headers={"Authorization": f"Bearer {admin}"}).json()["code"]
        desk = open_desktop(Path(folder) / "desk", server)
        try:
            desk.agent.enrol(code)
            desk.agent.login("cashier", PASSWORD)
            rows: list[int] = []
            desk.agent.progress = lambda p: rows.append(p.total_rows)
            started = time.perf_counter()
            desk.agent.sync_once()
            elapsed = time.perf_counter() - started
        finally:
            desk.close()
    total = rows[-1] if rows else 0
    print(f"bootstrap of a centre: {total:,} rows in {elapsed:.1f} s = {total / elapsed:,.0f} rows/s "
          f"(SQLite desktop, pages of {desk.agent.bootstrap_page_size})")
    bare = _bare_select(url)
    record("bootstrap rows/s", total / elapsed, "rows/s", goal=">= 50,000", baseline=bare,
           baseline_name="bare SELECT of the tables", met=total / elapsed >= 50_000)


def _bare_select(url: str) -> float:
    """Rows per second PostgreSQL hands out when simply asked for every row of the bootstrap's tables."""
    from sync.server.bootstrap import BOOTSTRAP_ENTITIES

    engine = create_engine(url)
    with engine.connect() as connection:
        started, rows = time.perf_counter(), 0
        for entity in BOOTSTRAP_ENTITIES:
            rows += len(connection.exec_driver_sql(f'SELECT * FROM "{entity}"').fetchall())
        elapsed = time.perf_counter() - started
    engine.dispose()
    print(f"bare SELECT of the same tables: {rows:,} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s")
    return rows / elapsed


if __name__ == "__main__":
    main()
