"""How long a counter waits for a receipt: render, status check and send to a loopback printer."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime

from app.domain.cash.drawer import denominations_for, make_change
from app.domain.core.money import Money
from app.printing.escpos.printers import PrinterAddress, print_receipt
from app.printing.escpos.receipt import PrinterProfile, ReceiptData, render_receipt
from bench.figures import p95, record

RECEIPTS = 500
STATUS_OK = b"\x12"


def _sample(number: int) -> ReceiptData:
    usd = lambda v: Money.of(v, "USD")  # noqa: E731
    return ReceiptData(
        utility_name="City Utilities", header_lines=("12 Main Street", "Helpline 1800-000-000"),
        centre="Central Service Centre", counter="3", receipt_no=f"R-{5001 + number}",
        printed_at=datetime(2025, 1, 15, 10, 30), cashier="Jane Smith",
        consumer_name="John Doe", account_no="WU-10001", payment_type="Bill",
        reference="INV-2025-001234", method="Cash", amount_applied=usd("145.50"),
        tendered=usd("150.00"), change=usd("4.50"), balance_after=usd("0"),
        footer_lines=("Thank you for your payment",),
    )


class _LoopbackPrinter:
    """Reads every job and answers each DLE EOT query with 'all fine'."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = PrinterAddress("tcp", host="127.0.0.1", port=self.server.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                while chunk := conn.recv(65536):
                    conn.sendall(STATUS_OK * chunk.count(b"\x10\x04"))

    def close(self) -> None:
        self.server.close()


def _timed(action: Callable[[int], object], runs: int) -> list[float]:
    times = []
    for number in range(runs):
        started = time.perf_counter()
        action(number)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _send_bytes(printer: _LoopbackPrinter, data: bytes) -> None:
    """The baseline: the receipt's bytes written to the printer's socket, nothing else."""
    with socket.create_connection((printer.address.host, printer.address.port), timeout=5) as conn:
        conn.sendall(data)


def main() -> None:
    profile = PrinterProfile(columns=48)
    receipts = [_sample(n) for n in range(RECEIPTS)]
    printer = _LoopbackPrinter()
    try:
        render = lambda n: render_receipt(receipts[n], profile, "$")  # noqa: E731
        data = render(0)
        bare = p95(_timed(lambda n: _send_bytes(printer, data), RECEIPTS))
        record("receipt render p95", p95(_timed(render, RECEIPTS)), "ms")
        full = p95(_timed(lambda n: print_receipt(printer.address, render(n)), RECEIPTS))
        record("receipt render + status check + send p95", full, "ms", goal="< 50 ms",
               baseline=bare, baseline_name="same bytes to a socket", met=full < 50)
    finally:
        printer.close()
    drawer = {d.value: 40 for d in denominations_for("USD")}
    amounts = [Money.from_minor(7919 * n % 100_000, "USD") for n in range(RECEIPTS)]
    record("make_change up to $1,000.00 p95",
           p95(_timed(lambda n: make_change(amounts[n], drawer), RECEIPTS)), "ms")


if __name__ == "__main__":
    main()
