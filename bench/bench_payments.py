"""Payments at scale: Confirm to receipt bytes on a loopback printer (with the commit), and the
landing page's KPIs and first page over 1,000,000 payments. BENCH_QUICK=1 runs a small version."""

from __future__ import annotations

import os
import random
import socket
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from app.domain.core.clock import FixedClock
from app.domain.core.permissions import Role
from app.models.billing import Bill, LedgerEntry
from app.models.consumers import Consumer, ServiceAccount
from app.models.payments import Payment, PaymentAllocation
from app.models.reference import ServiceCentre, Zone
from app.runtime import Runtime, open_runtime
from app.services.core.context import SYSTEM_ACTOR, Actor
from app.services.payments.posting import PaymentFilter, PaymentRequest
from app.services.registry import Services
from bench.figures import p95, record

QUICK = os.environ.get("BENCH_QUICK") == "1"
RECEIPT_PAYMENTS = 40 if QUICK else 200  # p95 needs at least 20
KPI_PAYMENTS = 100_000 if QUICK else 1_000_000
BILLS_PER_CONSUMER = 24  # two years of monthly bills, each paid once
CHUNK = 20_000
BATCH = 100_000
NOW = datetime(2025, 4, 20, 10, 30, tzinfo=UTC)
TODAY = date(2025, 4, 20)
CASHIER = Actor("bench-cashier", "cashier", "Jane Smith", Role.CUSTOMER_SERVICE_EXECUTIVE)
MANAGER = Actor("bench-manager", "manager", "Ravi Kumar", Role.BILLING_MANAGER)


class LoopbackPrinter:
    """Reads each job and answers every DLE EOT status query with 'online, paper present'."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.received = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                while chunk := conn.recv(65536):
                    self.received += len(chunk)
                    conn.sendall(b"\x12" * chunk.count(b"\x10\x04"))

    def close(self) -> None:
        self.server.close()


def _report(name: str, times: list[float], *, goal_p95: float | None = None, bare: list[float] | None = None,
            bare_name: str = "") -> None:
    """The median and p95 of `times` into the table, each beside the bare baseline's own."""
    for label, stat in (("median", statistics.median), ("p95", p95)):
        value = stat(times)
        goal = goal_p95 if label == "p95" else None
        record(f"{name}, {label}", value, "ms", goal=f"p95 < {goal:.0f} ms" if goal else "",
               baseline=stat(bare) if bare else None, baseline_name=bare_name,
               met=value < goal if goal else None)


def _timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


# a utility in a temporary SQLite file, loaded with SQLAlchemy Core ---------------------------

def _world(folder: Path) -> tuple[Runtime, Services]:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW))
    services = Services(runtime.app)
    services.settings.update(SYSTEM_ACTOR, {"general.currency": "USD", "general.locale": "en_US",
                                            "general.time_zone": "America/New_York"})
    return runtime, services


def _open_cash_session(runtime: Runtime) -> None:
    """Cash is taken only in an open cash session at the counter: one, with a float for change."""
    from app.services.cash.sessions import CashSessionsService

    CashSessionsService(runtime.app).open_session(CASHIER, {"5": 400, "1": 4000, "0.25": 4000})


def _consumers(runtime: Runtime, count: int) -> list[tuple[str, str]]:
    """(consumer id, service account id) of `count` consumers in one zone."""
    with runtime.app.sessions() as session, session.begin():
        centre = ServiceCentre(code="CSC", name="Central Service Centre")
        session.add(centre)
        session.flush()
        zone = Zone(code="NZ", name="North Zone", centre_id=centre.id)
        session.add(zone)
        session.flush()
        ids = [(str(uuid.uuid4()), str(uuid.uuid4())) for _ in range(count)]
        _insert(session, Consumer, [
            {"id": cid, "account_no": f"WU-{100000 + n}", "name": f"Consumer {n:07d}",
             "phone": f"555{n:07d}", "category": "Residential", "service_address": f"{n} Main St",
             "billing_address": f"{n} Main St", "zone_id": zone.id,
             "registered_on": date(2020, 1, 1)} for n, (cid, _a) in enumerate(ids)])
        _insert(session, ServiceAccount, [
            {"id": aid, "consumer_id": cid, "utility": "Water", "account_no": f"WU-{100000 + n}-W",
             "connected_on": date(2020, 1, 1)} for n, (cid, aid) in enumerate(ids)])
    return ids


def _insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start:start + CHUNK])


def _month(n: int, consumers: int) -> tuple[date, date]:
    """Bill n's period: month (n // consumers) counted back from February 2025 (March is each
    consumer's open bill; April's bills are not out yet on April 20)."""
    months_back = BILLS_PER_CONSUMER - 1 - n // consumers
    year, month = divmod(2025 * 12 + 1 - months_back, 12)
    start = date(year, month + 1, 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def _rows(ids: list[tuple[str, str]], first: int, count: int, ledger: bool) -> dict[str, list]:
    """Bill n of consumer n % len(ids), paid 0-20 days after it was issued (2% voided)."""
    rng = random.Random(first)
    rows: dict[str, list] = {"bills": [], "payments": [], "allocations": [], "ledger": []}
    for n in range(first, first + count):
        consumer_id, account_id = ids[n % len(ids)]
        start, end = _month(n, len(ids))
        total = Decimal(rng.randrange(2_000, 40_000)) / 100
        bill_id, payment_id = str(uuid.uuid4()), str(uuid.uuid4())
        paid = min(datetime.combine(end, datetime.min.time(), UTC)
                   + timedelta(days=rng.randrange(0, 21), minutes=rng.randrange(0, 600)), NOW)
        rows["bills"].append({
            "id": bill_id, "invoice_no": f"INV-{n:08d}", "consumer_id": consumer_id,
            "service_account_id": account_id, "period_start": start, "period_end": end,
            "bill_date": end, "due_date": end + timedelta(days=15), "consumption": Decimal("12.5"),
            "total": total})
        rows["payments"].append({
            "id": payment_id, "payment_no": f"PAY-{n:08d}", "transaction_no": f"TXN-{n:08d}",
            "receipt_no": f"R-{10_000_000 + n}", "consumer_id": consumer_id, "payment_type": "Bill",
            "channel": "Walk-in", "method": ("Cash", "UPI", "Credit Card")[n % 3], "amount": total,
            "paid_at": paid, "status": "Voided" if n % 50 == 0 else "Posted",
            "verification": "Verified", "received_by": "Jane Smith",
            "item_dated_on": end, "item_count": 1})  # the bill's date, as record_payment writes
        rows["allocations"].append({"id": str(uuid.uuid4()), "payment_id": payment_id,
                                    "bill_id": bill_id, "amount": total})
        if ledger:
            rows["ledger"] += [
                {"id": str(uuid.uuid4()), "consumer_id": consumer_id, "entry_type": "bill",
                 "amount": total, "source_type": "bill", "source_id": bill_id, "posted_at": paid},
                {"id": str(uuid.uuid4()), "consumer_id": consumer_id, "entry_type": "payment",
                 "amount": -total, "source_type": "payment", "source_id": payment_id,
                 "posted_at": paid}]
    return rows


def _load(runtime: Runtime, ids: list[tuple[str, str]], payments: int, ledger: bool) -> None:
    for first in range(0, payments, BATCH):
        rows = _rows(ids, first, min(BATCH, payments - first), ledger)
        with runtime.app.sessions() as session, session.begin():
            for model, key in ((Bill, "bills"), (Payment, "payments"),
                               (PaymentAllocation, "allocations"), (LedgerEntry, "ledger")):
                if rows[key]:
                    _insert(session, model, rows[key])


def _open_bills(runtime: Runtime, ids: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A current $145.50 bill (and its ledger debit) for each consumer: (consumer, bill)."""
    bills, ledger, out = [], [], []
    for n, (consumer_id, account_id) in enumerate(ids):
        bill_id = str(uuid.uuid4())
        bills.append({"id": bill_id, "invoice_no": f"INV-OPEN-{n:06d}", "consumer_id": consumer_id,
                      "service_account_id": account_id, "period_start": date(2025, 3, 1),
                      "period_end": date(2025, 3, 31), "bill_date": date(2025, 3, 31),
                      "due_date": date(2025, 4, 15), "consumption": Decimal("12.5"),
                      "total": Decimal("145.50")})
        ledger.append({"id": str(uuid.uuid4()), "consumer_id": consumer_id, "entry_type": "bill",
                       "amount": Decimal("145.50"), "source_type": "bill", "source_id": bill_id,
                       "posted_at": NOW - timedelta(days=20)})
        out.append((consumer_id, bill_id))
    with runtime.app.sessions() as session, session.begin():
        _insert(session, Bill, bills)
        _insert(session, LedgerEntry, ledger)
    return out


# the two figures ------------------------------------------------------------------------------

def bench_confirm_to_receipt(folder: Path) -> None:
    runtime, services = _world(folder)
    printer = LoopbackPrinter()
    try:
        services.settings.update(SYSTEM_ACTOR, {"printing.printer_url": printer.url})
        ids = _consumers(runtime, RECEIPT_PAYMENTS)
        _open_cash_session(runtime)  # in the centre _consumers made
        _load(runtime, ids, RECEIPT_PAYMENTS * 5, ledger=True)  # some history per account
        open_bills = _open_bills(runtime, ids)
        posting, printing, total = [], [], []
        for consumer_id, bill_id in open_bills:
            request = PaymentRequest(consumer_id, "Bill", "Cash", Decimal("145.50"), TODAY, bill_id,
                                     tendered=Decimal("150.00"))
            started = time.perf_counter()
            posted = services.payments.record_payment(CASHIER, request)
            committed = time.perf_counter()
            result = services.receipts.print_receipt(CASHIER, posted.details.payment.payment_id)
            done = time.perf_counter()
            assert result.printed, result.message
            posting.append((committed - started) * 1000)
            printing.append((done - committed) * 1000)
            total.append((done - started) * 1000)
        print(f"{RECEIPT_PAYMENTS} cash payments, each with its receipt on {printer.url} "
              f"({printer.received:,} bytes received)")
        _report("record_payment (one transaction, committed)", posting)
        _report("print_receipt (status, send, drawer, record)", printing)
        _report("Confirm -> receipt bytes sent", total, goal_p95=300)
    finally:
        printer.close()
        runtime.close()


def bench_landing_page(folder: Path) -> None:
    runtime, services = _world(folder)
    try:
        consumers = max(1, KPI_PAYMENTS // BILLS_PER_CONSUMER)
        started = time.perf_counter()
        ids = _consumers(runtime, consumers)
        _load(runtime, ids, KPI_PAYMENTS, ledger=False)
        print(f"loaded {KPI_PAYMENTS:,} payments, bills and allocations for {consumers:,} consumers "
              f"with SQLAlchemy Core in {time.perf_counter() - started:.1f} s", flush=True)
        pay = services.payments
        month = TODAY.replace(day=1)
        pay.kpis(MANAGER, month, TODAY)  # first read warms the page cache, as a user's first look
        median = lambda action, runs: statistics.median(_timed(action, runs))  # noqa: E731
        kpis = median(lambda: pay.kpis(MANAGER, month, TODAY), 10)
        record(f"KPIs, April 2025 ({KPI_PAYMENTS:,} payments), median of 10", kpis, "ms",
               goal="< 200 ms", met=kpis < 200)
        record("KPIs, a full month a year back, median of 10",
               median(lambda: pay.kpis(MANAGER, date(2024, 4, 1), TODAY), 10), "ms")
        record("first page of 100, newest first, median of 10",
               median(lambda: pay.list_payments(MANAGER), 10), "ms")
        record("first page, searched 'consumer 00012', median of 5", median(
            lambda: pay.list_payments(MANAGER, PaymentFilter(text="consumer 00012")), 5), "ms")
        record("count of all payments (off the GUI thread), median of 5",
               median(lambda: pay.count_payments(MANAGER), 5), "ms")
    finally:
        runtime.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-payments-") as folder:
        bench_confirm_to_receipt(Path(folder) / "counter")
        bench_landing_page(Path(folder) / "utility")


if __name__ == "__main__":
    main()
