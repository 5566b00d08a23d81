"""A counter that syncs all day (#19): one desktop recording payments while its background sync runs
every 2 s against 2 uvicorn workers on PostgreSQL, on loopback.

Phases, in one run: a steady 5 payments/s with no sync (the bare baseline), the same with the
background sync, then a burst of 40/s. Prints record-payment p50/p95 for each, the longest wait
for SQLite's write lock at a payment's BEGIN, the provisional receipt numbers issued while the
server was reachable (goal 0), and how long after the burst the server holds every payment
(goal under 5 s). Each payment is one unit of work as posting writes it: a leased receipt
number, the payment, its ledger entry, the audit entry and their outbox rows.

BENCH_QUICK=1 (or BENCH_SOAK_SECONDS=N): N seconds per phase (default 30; quick 8).
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select

from app.domain.core.permissions import Role
from app.models.billing import LedgerEntry
from app.models.payments import Payment
from app.services.core.context import Actor
from app.services.core.numbering import issue_number
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work
from bench.figures import record
from bench.scratch_db import scratch_database
from sync.local import store_leased_block
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests import sync_helpers
from tests.factories import PASSWORD
from tests.sync_helpers import (
    Desktop,
    memory_keyring,
    open_desktop,
    prepare_central,
    server_process,
)

QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = float(os.environ.get("BENCH_SOAK_SECONDS", 8 if QUICK else 30))
STEADY, BURST, SYNC_EVERY = 5, 40, 2.0  # payments a second; seconds between background syncs


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    lock_waits: list[float] = field(default_factory=list)
    provisional: int = 0
    syncs: int = 0
    sync_errors: list[str] = field(default_factory=list)


def main() -> None:
    sync_helpers.HEALTHY_WITHIN_S = 300  # two workers starting on a loaded machine take their time
    with scratch_database("soak") as url, tempfile.TemporaryDirectory() as folder:
        _run(url, Path(folder))


def _run(url: str, folder: Path) -> None:
    world = prepare_central(url)
    central = create_engine(url)
    with memory_keyring(), server_process(url, workers=2) as server:
        desk = _enrolled(server, folder / "counter")
        try:
            desk.agent.sync_once()
            consumer = world.consumer_ids[0]
            _lease_for(desk, STEADY * SECONDS)
            phases = [_phase(desk, consumer, "no sync (baseline)", STEADY, sync=False),
                      _phase(desk, consumer, "with sync", STEADY, sync=True)]
            burst = _phase(desk, consumer, f"burst {BURST}/s with sync", BURST, sync=True, keep_syncing=True)
            ended = time.perf_counter()
            caught_up = _until_server_has_all(desk, central, ended)
            phases.append(burst)
        finally:
            _stop_syncing.set()
            for syncer in _syncers:
                syncer.join()
            desk.close()
            central.dispose()
    _report(phases, caught_up)


def _enrolled(server_url: str, folder: Path) -> Desktop:
    with httpx.Client(base_url=server_url, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)}) as http:
        token = http.post("/v1/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
        code = http.post("/v1/enrolment-codes", json={"centre_code": "CSC"},
                         headers={"Authorization": f"Bearer {token}"}).json()["code"]
    desk = open_desktop(folder, server_url)
    desk.runtime.app.self_lease = False  # numbers come from the server's leases only
    desk.agent.enrol(code)
    answer = desk.agent.login("cashier", PASSWORD)
    desk.actor = Actor(answer.user_id, answer.username, answer.username, Role(answer.role), answer.centre_id)
    return desk


def _lease_for(desk: Desktop, payments: float) -> None:
    """Numbers for the no-sync baseline phase, leased before it, as a counter that synced before
    opening has them. Without them the baseline ran the counter dry (it issued provisional
    numbers, a different path, and so no baseline), and the first payment of the next phase,
    taken before that phase's first sync could refill, counted as provisional while online."""
    with desk.runtime.app.sessions() as session:
        settings = load_settings(session)
        size, low_water = settings.get("numbering.lease_block_size"), settings.get("numbering.low_water_mark")
    blocks = min(10, math.ceil((payments + low_water) / size))
    answer = desk.agent._call("POST", "/v1/leases", json={"series": "receipt", "blocks": blocks})
    with desk.runtime.app.sessions() as session, session.begin():
        for block in answer["blocks"]:
            store_leased_block(session, "receipt", block["first"], block["last"])


_stop_syncing = threading.Event()
_syncers: list[threading.Thread] = []


def _phase(desk: Desktop, consumer: str, name: str, rate: int, *, sync: bool,
           keep_syncing: bool = False) -> Phase:
    phase = Phase(name)
    _stop_syncing.clear()
    syncer = threading.Thread(target=_background_sync, args=(desk, phase), daemon=True) if sync else None
    if syncer is not None:
        _syncers.append(syncer)
        syncer.start()
    started = time.perf_counter()
    for n in range(int(rate * SECONDS)):
        due = started + n / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        _record(desk, consumer, phase)
    if syncer is not None and not keep_syncing:
        _stop_syncing.set()
        syncer.join()
    return phase


def _background_sync(desk: Desktop, phase: Phase) -> None:
    while not _stop_syncing.is_set():
        try:
            began = time.perf_counter()
            report = desk.agent.sync_once()
            phase.syncs += 1
            if os.environ.get("BENCH_SOAK_TRACE"):
                print(f"  sync {time.perf_counter() - began:.2f} s: {report}", flush=True)
        except Exception as error:  # reported, as the status bar would show it
            phase.sync_errors.append(f"{type(error).__name__}: {error}")
        _stop_syncing.wait(SYNC_EVERY)


def _record(desk: Desktop, consumer: str, phase: Phase) -> None:
    app = desk.runtime.app
    asked = time.perf_counter()
    with unit_of_work(app, desk.actor) as work:  # BEGIN IMMEDIATE: waits for the write lock
        phase.lock_waits.append(time.perf_counter() - asked)
        number = issue_number(work.session, load_settings(work.session), "receipt", on=work.now.date(),
                              device_code=app.device_code, self_lease=False)
        payment = Payment(payment_no=f"PAY-{number.text}", transaction_no=f"TXN-{uuid.uuid4().hex[:12]}",
                          receipt_no=number.text, consumer_id=consumer, payment_type="Bill", channel="Walk-in",
                          method="Cash", amount=Decimal("10.00"), paid_at=work.now,
                          received_by=desk.actor.username)
        work.record(payment)
        work.record(LedgerEntry(consumer_id=consumer, entry_type="payment", amount=Decimal("-10.00"),
                                source_type="payment", source_id=payment.id, posted_at=work.now))
        work.audit("payment_recorded", "payment", payment.id, receipt_no=number.text, amount="10.00")
    phase.latencies.append(time.perf_counter() - asked)
    phase.provisional += number.provisional


def _until_server_has_all(desk: Desktop, central, ended: float, limit: float = 120.0) -> float | None:
    """Seconds from the burst's end until the server holds every payment the desktop took."""
    with desk.runtime.app.sessions() as session:
        taken = session.execute(select(func.count()).select_from(Payment)).scalar_one()
    try:
        while time.perf_counter() - ended < limit:
            with central.connect() as connection:
                held = connection.execute(select(func.count()).select_from(Payment.__table__)).scalar_one()
            if held >= taken:
                return time.perf_counter() - ended
            time.sleep(0.05)
        return None
    finally:
        _stop_syncing.set()


def _ms(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def _report(phases: list[Phase], caught_up: float | None) -> None:
    print(f"{SECONDS:.0f} s per phase, background sync every {SYNC_EVERY:.0f} s, 2 workers on PostgreSQL")
    baseline = phases[0]
    for phase in phases:
        for error in sorted(set(phase.sync_errors))[:3]:
            print(f"    sync error ({phase.name}): {error}")
    for phase in phases:
        bare = phase is not baseline
        for label, share in (("p50", 0.5), ("p95", 0.95)):
            record(f"record-payment {label}, {phase.name} ({len(phase.latencies)} payments, "
                   f"{phase.syncs} syncs)", _ms(phase.latencies, share), "ms",
                   baseline=_ms(baseline.latencies, share) if bare else None,
                   baseline_name="same, no sync" if bare else "")
    wait = max((w for p in phases for w in p.lock_waits), default=0) * 1000
    record("longest wait for the write lock at a payment's BEGIN", wait, "ms")
    print("provisional numbers by phase: " + ", ".join(f"{p.name} {p.provisional}" for p in phases))
    online = sum(p.provisional for p in phases[1:])
    record("provisional receipt numbers while the server was reachable", online, "numbers",
           goal="0", met=online == 0)
    if caught_up is None:
        record("server holds every payment after the burst: NOT within 120 s", 120_000, "ms",
               goal="< 5,000 ms", met=False)
    else:
        record("server holds every payment, after the burst's end", caught_up * 1000, "ms",
               goal="< 5,000 ms", met=caught_up < 5)


if __name__ == "__main__":
    main()
