"""Printing to a real TCP listener on loopback that plays a network receipt printer."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime

import pytest

from app.domain.core.errors import PrinterError, ValidationError
from app.domain.core.money import Money
from app.printing.escpos.decode import decode
from app.printing.escpos.printers import (
    PrinterAddress,
    kick_drawer,
    parse_printer_url,
    print_receipt,
    query_status,
    send,
)
from app.printing.escpos.receipt import PrinterProfile, ReceiptData, render_receipt
from tests.loopback_printer import (
    COVER_OPEN,
    ERROR,
    OFFLINE,
    OK_STATUS,
    PAPER_LOW,
    PAPER_OUT,
    LoopbackPrinter,
)

DLE_EOT = b"\x10\x04"
ALL_QUERIES = b"".join(DLE_EOT + bytes([n]) for n in (1, 2, 3, 4))


class FakePrinter:
    """Accepts one connection at a time; records what arrives; answers DLE EOT if told to."""

    def __init__(self, status: dict[int, int] | None = None, reads: bool = True) -> None:
        self.status, self.reads = status, reads
        self.received = bytearray()
        self.finished = threading.Event()
        self._stop = threading.Event()
        self.server = socket.socket()
        if not reads:  # a tiny window so an unread job backs up on the sender
            self.server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.server.settimeout(0.05)
        self.address = PrinterAddress("tcp", host="127.0.0.1", port=self.server.getsockname()[1])
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            with conn:
                self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        if not self.reads:
            self._stop.wait()
            return
        conn.settimeout(0.05)
        scanned = 0
        while not self._stop.is_set():
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                break
            self.received += chunk
            scanned = self._answer(conn, scanned)
        self.finished.set()

    def _answer(self, conn: socket.socket, scanned: int) -> int:
        while (at := self.received.find(DLE_EOT, scanned)) >= 0 and at + 2 < len(self.received):
            if self.status is not None:
                conn.sendall(bytes([self.status[self.received[at + 2]]]))
            scanned = at + 3
        return scanned

    def close(self) -> None:
        self._stop.set()
        self.thread.join(timeout=2)
        self.server.close()


@pytest.fixture
def printer_factory() -> Iterator[type[FakePrinter]]:
    made: list[FakePrinter] = []

    def make(**options: object) -> FakePrinter:
        made.append(FakePrinter(**options))  # type: ignore[arg-type]
        return made[-1]

    yield make  # type: ignore[misc]
    for printer in made:
        printer.close()


def sample_receipt() -> bytes:
    usd = lambda v: Money.of(v, "USD")  # noqa: E731
    data = ReceiptData(
        utility_name="City Utilities", centre="Central Service Centre", counter="3",
        receipt_no="R-5001", printed_at=datetime(2025, 1, 15, 10, 30), cashier="Jane Smith",
        consumer_name="John Doe", account_no="WU-10001", payment_type="Bill",
        reference="INV-2025-001234", method="Cash", amount_applied=usd("145.50"),
        tendered=usd("150.00"), change=usd("4.50"), balance_after=usd("0"),
    )
    return render_receipt(data, PrinterProfile(columns=48), "$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- (a) .. (e) -------------------------------------------------------------------------


def test_received_bytes_decode_to_the_receipt(printer_factory) -> None:
    printer = printer_factory()
    receipt = sample_receipt()
    outcome = print_receipt(printer.address, receipt, check_status=False)
    assert printer.finished.wait(2)
    assert bytes(printer.received) == receipt and outcome.bytes_sent == len(receipt)
    decoded = decode(bytes(printer.received))
    assert "qr:R-5001" in decoded.commands and decoded.commands[-1] == "cut"
    assert decoded.text_lines == decode(receipt).text_lines


def test_refused_connection_says_so() -> None:
    address = PrinterAddress("tcp", host="127.0.0.1", port=free_port())
    with pytest.raises(PrinterError) as error:
        send(address, b"hello")
    assert str(error.value) == f"Printer at 127.0.0.1:{address.port} refused the connection"


def test_printer_that_never_reads_times_out_within_the_timeout(printer_factory) -> None:
    printer = printer_factory(reads=False)
    started = time.monotonic()
    with pytest.raises(PrinterError) as error:
        send(printer.address, b"x" * 64_000_000, timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert str(error.value).startswith("Printer did not answer within 0.5 s")


def test_silent_printer_does_not_report_status(printer_factory) -> None:
    printer = printer_factory(status=None)
    started = time.monotonic()
    status = query_status(printer.address, timeout=0.2)
    assert not status.reported and status.problem == "did not report its status"
    assert not status.ready and status.label == "status unknown"
    assert time.monotonic() - started < 1.0


def test_paper_out_refuses_and_prints_nothing(printer_factory) -> None:
    printer = printer_factory(status=PAPER_OUT)
    with pytest.raises(PrinterError, match="Printer reports: paper out"):
        print_receipt(printer.address, sample_receipt())
    assert printer.finished.wait(2)
    assert bytes(printer.received) == ALL_QUERIES


@pytest.mark.parametrize(("status", "problem"), [(COVER_OPEN, "cover open"), (OFFLINE, "offline"),
                                                 (ERROR, "error")])
def test_cover_open_offline_and_error_refuse_and_print_nothing(printer_factory, status,
                                                               problem) -> None:
    printer = printer_factory(status=status)
    with pytest.raises(PrinterError, match=f"Printer reports: {problem}$"):
        print_receipt(printer.address, sample_receipt())
    assert printer.finished.wait(2)
    assert bytes(printer.received) == ALL_QUERIES


def test_status_ok_prints(printer_factory) -> None:
    printer = printer_factory(status=OK_STATUS)
    receipt = sample_receipt()
    outcome = print_receipt(printer.address, receipt)
    assert outcome.status.reported and outcome.status.online and outcome.warnings == ()
    assert printer.finished.wait(2)
    assert bytes(printer.received).endswith(receipt)
    assert decode(bytes(printer.received)).commands[:4] == [f"status_query:{n}" for n in (1, 2, 3, 4)]


def test_paper_near_end_prints_with_a_warning(printer_factory) -> None:
    printer = printer_factory(status=PAPER_LOW)
    outcome = print_receipt(printer.address, sample_receipt())
    assert outcome.status.paper_near_end and outcome.warnings == ("Paper is nearly out",)


def test_printer_silent_on_status_is_not_printed_and_gets_no_receipt(printer_factory) -> None:
    """A printer that accepts the connection and never answers may be offline with a buffer
    that prints everything later: unknown status is "not printed", and nothing is sent."""
    printer = printer_factory(status=None)
    started = time.monotonic()
    with pytest.raises(PrinterError, match="did not report its status"):
        print_receipt(printer.address, sample_receipt(), status_timeout=0.1)
    assert time.monotonic() - started < 1.0
    assert printer.finished.wait(2)
    assert bytes(printer.received) == DLE_EOT + b"\x01"


# --- the drawer pulse (DLE DC4) ----------------------------------------------------------------


@pytest.mark.parametrize("status", [OK_STATUS, PAPER_OUT, COVER_OPEN, OFFLINE])
def test_drawer_pulse_runs_even_when_the_printer_cannot_print(status) -> None:
    printer = LoopbackPrinter(status=status)
    try:
        kick_drawer(parse_printer_url(printer.url), pin=2)
        assert printer.wait_for_pulses(1) == 1 and printer.jobs == []
    finally:
        printer.close()
    assert decode(b"\x10\x14\x01\x00\x02").commands == ["drawer_pulse:pin0"]


@pytest.mark.parametrize(("status", "reason"), [(None, "did not confirm the drawer kick"),
                                                (ERROR, "ignores the drawer kick")])
def test_drawer_pulse_not_delivered_says_so(status, reason) -> None:
    printer = LoopbackPrinter(status=status)
    try:
        with pytest.raises(PrinterError, match=reason):
            kick_drawer(parse_printer_url(printer.url), pin=5, status_timeout=0.1)
        assert printer.pulses == 0
    finally:
        printer.close()


# --- other destinations and addresses -------------------------------------------------------


def test_file_printer_gets_the_bytes(tmp_path) -> None:
    target = tmp_path / "lp0"
    outcome = print_receipt(parse_printer_url(f"file://{target}"), b"\x1b@hello\n")
    assert target.read_bytes() == b"\x1b@hello\n" and outcome.bytes_sent == 8


def test_file_printer_that_cannot_be_written(tmp_path) -> None:
    with pytest.raises(PrinterError, match="Cannot write to printer"):
        send(parse_printer_url(f"file://{tmp_path}/missing/lp0"), b"x")


def test_usb_without_a_device_is_a_printer_error() -> None:
    with pytest.raises(PrinterError):
        send(parse_printer_url("usb://04b8:0202"), b"x", timeout=0.2)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("tcp://10.0.0.5", PrinterAddress("tcp", host="10.0.0.5", port=9100)),
        ("tcp://printer.local:9101", PrinterAddress("tcp", host="printer.local", port=9101)),
        ("usb://04b8:0e15", PrinterAddress("usb", vendor_id=0x04B8, product_id=0x0E15)),
        ("serial:///dev/ttyUSB0?baud=19200", PrinterAddress("serial", device="/dev/ttyUSB0", baud=19200)),
        ("serial://COM3", PrinterAddress("serial", device="COM3", baud=9600)),
        ("file:///dev/usb/lp0", PrinterAddress("file", device="/dev/usb/lp0")),
    ],
)
def test_printer_urls(url: str, expected: PrinterAddress) -> None:
    assert parse_printer_url(url) == expected


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("", "must look like tcp://"),
        ("lpt1", "must look like tcp://"),
        ("tcp://:9100", "needs a host"),
        ("tcp://10.0.0.5:99999", "port must be a number"),
        ("usb://epson", "usb://VID:PID in hex"),
        ("serial:///dev/ttyS0?baud=1234", "baud must be one of"),
        ("file://", "file:///dev/usb/lp0"),
    ],
)
def test_bad_printer_urls_name_the_rule(url: str, rule: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_printer_url(url)
    assert error.value.field == "Printer" and rule in error.value.rule


def test_address_reads_well_in_messages() -> None:
    assert str(parse_printer_url("tcp://10.0.0.5")) == "10.0.0.5:9100"
    assert str(parse_printer_url("usb://4b8:202")) == "USB 04b8:0202"
