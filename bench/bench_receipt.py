"""How long a counter waits for a receipt: render, status check and send to a loopback printer."""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from app.domain.cash.drawer import denominations_for, make_change
from app.domain.core.money import Money
from app.printing.escpos.printers import PrinterAddress, print_receipt
from app.printing.escpos.receipt import PrinterProfile, ReceiptData, render_receipt

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


def _report(name: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"{name:<34} median {statistics.median(times):7.3f} ms   p95 {p95:7.3f} ms")


def main() -> None:
    profile = PrinterProfile(columns=48)
    receipts = [_sample(n) for n in range(RECEIPTS)]
    printer = _LoopbackPrinter()
    try:
        render = lambda n: render_receipt(receipts[n], profile, "$")  # noqa: E731
        _report("render", _timed(render, RECEIPTS))
        _report("render + send", _timed(
            lambda n: print_receipt(printer.address, render(n), check_status=False), RECEIPTS))
        _report("render + status + send", _timed(
            lambda n: print_receipt(printer.address, render(n)), RECEIPTS))
    finally:
        printer.close()
    print(f"{RECEIPTS} receipts per figure, {len(render(0))} bytes each, 48 columns")
    drawer = {d.value: 40 for d in denominations_for("USD")}
    amounts = [Money.from_minor(7919 * n % 100_000, "USD") for n in range(RECEIPTS)]
    _report("make_change (up to $1,000.00)", _timed(lambda n: make_change(amounts[n], drawer), RECEIPTS))
    coins_only = {Decimal("0.01"): 20_000, Decimal("0.05"): 5_000}
    _report("make_change (coins only, $999.99)",
            _timed(lambda n: make_change(Money.from_minor(99_999, "USD"), coins_only), 20))


if __name__ == "__main__":
    main()
