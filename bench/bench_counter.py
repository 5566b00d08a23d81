"""The counter at Confirm: how long until the drawer opens and until the receipt's bytes reach
the printer, each measured at the printer (a loopback TCP double that answers DLE EOT 1-4 as a
ready TM printer does), beside a bare baseline: the same bytes written to a fresh socket.

Confirm -> drawer kick: record_payment (committed) then the DLE DC4 pulse on its own connection.
Confirm -> receipt bytes: the same, then the status check and the receipt (as the counter does).
BENCH_QUICK=1 runs a small version."""

from __future__ import annotations

import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from app.domain.core.clock import FixedClock
from app.printing.escpos.decode import decode
from app.runtime import open_runtime
from app.services.core.context import SYSTEM_ACTOR
from app.services.payments.posting import PaymentRequest
from app.services.registry import Services
from bench.bench_payments import CASHIER, _consumers, _load, _open_bills, _open_cash_session
from bench.figures import p95, record, scaled

PAYMENTS = max(20, scaled(200))  # p95 needs at least 20
NOW = datetime(2025, 4, 20, 10, 30, tzinfo=UTC)
TODAY = date(2025, 4, 20)
PULSE = b"\x10\x14\x01\x00\x02"


class TimedPrinter:
    """Answers every status query 'ready' and notes, on the perf_counter clock, when a drawer
    pulse arrived and when each print job's last byte arrived."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.pulses: list[float] = []
        self.jobs: list[float] = []
        self.arrived = threading.Condition()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                self._job(conn)

    def _job(self, conn: socket.socket) -> None:
        data, last = bytearray(), 0.0
        while chunk := conn.recv(65536):
            last = time.perf_counter()
            data += chunk
            if PULSE in chunk:
                self._note(self.pulses, last)
            conn.sendall(b"\x12" * chunk.count(b"\x10\x04"))
        if len(data.replace(PULSE, b"")) > 12 * 2:  # more than status queries: a print job
            self._note(self.jobs, last)

    def _note(self, times: list[float], moment: float) -> None:
        with self.arrived:
            times.append(moment)
            self.arrived.notify_all()

    def wait(self, times: list[float], count: int) -> float:
        with self.arrived:
            self.arrived.wait_for(lambda: len(times) >= count, 5)
            return times[count - 1]

    def close(self) -> None:
        self.server.close()


def _report(name: str, times: list[float], bare: list[float] | None = None, *, goal_p95: float | None = None,
            bare_name: str = "") -> None:
    """The median and p95 of `times`, each beside the same statistic of the bare baseline's."""
    for label, stat in (("median", statistics.median), ("p95", p95)):
        value = stat(times)
        goal = goal_p95 if label == "p95" else None
        record(f"{name}, {label}", value, "ms", goal=f"p95 < {goal:.0f} ms" if goal else "",
               baseline=stat(bare) if bare else None, baseline_name=bare_name,
               met=value < goal if goal else None)


def _bare(printer: TimedPrinter, times: list[float], payload: bytes, runs: int) -> list[float]:
    """The same bytes, written to a fresh socket with nothing else around them."""
    host, port = printer.url.removeprefix("tcp://").split(":")
    out = []
    for _ in range(runs):
        before = len(times)
        started = time.perf_counter()
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            arrived = printer.wait(times, before + 1)
            while sock.recv(64):
                pass
        out.append((arrived - started) * 1000)
    return out


def bench_confirm(folder: Path) -> None:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(NOW))
    services = Services(runtime.app)
    printer = TimedPrinter()
    try:
        services.settings.update(SYSTEM_ACTOR, {
            "general.currency": "USD", "general.locale": "en_US",
            "general.time_zone": "America/New_York", "printing.printer_url": printer.url})
        ids = _consumers(runtime, PAYMENTS)
        _open_cash_session(runtime)  # in the centre _consumers made
        _load(runtime, ids, PAYMENTS * 5, ledger=True)  # some history per account
        kick, receipt, posting = [], [], []
        for n, (consumer_id, bill_id) in enumerate(_open_bills(runtime, ids), start=1):
            request = PaymentRequest(consumer_id, "Bill", "Cash", Decimal("145.50"), TODAY,
                                     bill_id, tendered=Decimal("150.00"))
            started = time.perf_counter()
            posted = services.payments.record_payment(CASHIER, request)
            posting.append((time.perf_counter() - started) * 1000)
            payment_id = posted.details.payment.payment_id
            drawer, result = services.drawer.deliver(CASHIER, posted)  # as the posted step does
            assert drawer.opened and result.printed, result.message
            kick.append((printer.wait(printer.pulses, n) - started) * 1000)
            receipt.append((printer.wait(printer.jobs, n) - started) * 1000)
        receipt_bytes = _receipt_job(services, payment_id)
        print(f"{PAYMENTS} cash payments on {printer.url}; receipt {len(receipt_bytes)} bytes")
        _report("record_payment alone (one transaction, committed)", posting)
        _report("Confirm -> drawer kick at the printer", kick,
                _bare(printer, printer.pulses, PULSE, PAYMENTS), goal_p95=100,
                bare_name="the 5 pulse bytes to a fresh socket")
        _report(f"Confirm -> receipt bytes at the printer ({PAYMENTS} payments)", receipt,
                _bare(printer, printer.jobs, receipt_bytes, PAYMENTS), goal_p95=100,
                bare_name="same receipt bytes to a fresh socket")
    finally:
        printer.close()
        runtime.close()


def _receipt_job(services: Services, payment_id: str) -> bytes:
    from app.printing.escpos.receipt import render_receipt
    from app.services.payments.receipt_data import (
        currency_symbol,
        load_receipt,
        profile_of,
        receipt_data_of,
    )

    loaded = load_receipt(services.app, payment_id)
    job = render_receipt(receipt_data_of(loaded), profile_of(loaded.settings),
                         currency_symbol(loaded.settings))
    assert "PAYMENT RECEIPT" in decode(job).text
    return job


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-counter-") as folder:
        bench_confirm(Path(folder) / "counter")


if __name__ == "__main__":
    main()
