"""Where receipts go: printer addresses, status queries and sending the bytes."""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from app.domain.core.errors import PrinterError, ValidationError

Scheme = Literal["tcp", "usb", "serial", "file"]
DEFAULT_PORT = 9100
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
DLE_EOT = b"\x10\x04"
URL_RULE = (
    "must look like tcp://192.168.1.50:9100, usb://04b8:0202, "
    "serial:///dev/ttyUSB0?baud=19200 or file:///dev/usb/lp0"
)


@dataclass(frozen=True, slots=True)
class PrinterAddress:
    scheme: Scheme
    host: str = ""
    port: int = DEFAULT_PORT
    vendor_id: int = 0
    product_id: int = 0
    device: str = ""
    baud: int = 9600

    def __str__(self) -> str:
        if self.scheme == "tcp":
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"{host}:{self.port}"
        if self.scheme == "usb":
            return f"USB {self.vendor_id:04x}:{self.product_id:04x}"
        return self.device


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What the printer said about itself. `reported=False`: it did not answer, assume fine."""

    online: bool = True
    paper_out: bool = False
    paper_near_end: bool = False
    cover_open: bool = False
    reported: bool = False

    @property
    def blocking_problem(self) -> str | None:
        if self.paper_out:
            return "paper out"
        if self.cover_open:
            return "cover open"
        return None


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    address: PrinterAddress
    bytes_sent: int
    status: PrinterStatus
    warnings: tuple[str, ...] = ()


# --- addresses ----------------------------------------------------------------------


def parse_printer_url(url: str) -> PrinterAddress:
    scheme, separator, _ = url.strip().partition("://")
    parser = _PARSERS.get(scheme.lower()) if separator else None
    if parser is None:
        raise ValidationError("Printer", URL_RULE)
    return parser(url.strip())


def _parse_tcp(url: str) -> PrinterAddress:
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValidationError("Printer", "a network printer needs a host, e.g. tcp://192.168.1.50:9100")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise ValidationError("Printer", "the port must be a number from 1 to 65535") from None
    return PrinterAddress("tcp", host=parts.hostname, port=port)


def _parse_usb(url: str) -> PrinterAddress:
    ids = re.fullmatch(r"(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})", url[6:].strip("/"), re.I)
    if not ids or not int(ids[1], 16) or not int(ids[2], 16):
        raise ValidationError("Printer", "a USB printer is usb://VID:PID in hex, e.g. usb://04b8:0202")
    return PrinterAddress("usb", vendor_id=int(ids[1], 16), product_id=int(ids[2], 16))


def _parse_serial(url: str) -> PrinterAddress:
    parts = urlsplit(url)
    device, query = parts.netloc + parts.path, parse_qs(parts.query)
    if not device or set(query) - {"baud"}:
        raise ValidationError("Printer", "a serial printer is serial:///dev/ttyUSB0?baud=19200")
    baud = query.get("baud", ["9600"])[-1]
    if not baud.isdigit() or int(baud) not in BAUD_RATES:
        raise ValidationError("Printer", f"baud must be one of {', '.join(map(str, BAUD_RATES))}")
    return PrinterAddress("serial", device=device, baud=int(baud))


def _parse_file(url: str) -> PrinterAddress:
    parts = urlsplit(url)
    device = parts.netloc + parts.path
    if not device or parts.query:
        raise ValidationError("Printer", "a device file printer is file:///dev/usb/lp0")
    return PrinterAddress("file", device=device)


_PARSERS = {"tcp": _parse_tcp, "usb": _parse_usb, "serial": _parse_serial, "file": _parse_file}


# --- printing -----------------------------------------------------------------------


def print_receipt(
    address: PrinterAddress,
    data_bytes: bytes,
    check_status: bool = True,
    timeout: float = 3.0,
    status_timeout: float = 0.5,
) -> PrintOutcome:
    """Ask the printer how it is (where it can say), refuse if it cannot print, then send."""
    if address.scheme != "tcp":
        send(address, data_bytes, timeout)
        return PrintOutcome(address, len(data_bytes), PrinterStatus())
    with _connect(address, timeout) as sock:
        status = _read_status(sock, status_timeout) if check_status else PrinterStatus()
        if status.blocking_problem:
            raise PrinterError(f"Printer reports: {status.blocking_problem}")
        _write(sock, address, data_bytes, timeout)
    return PrintOutcome(address, len(data_bytes), status, _warnings(status, check_status))


def _warnings(status: PrinterStatus, checked: bool) -> tuple[str, ...]:
    warnings = []
    if checked and not status.reported:
        warnings.append("Printer did not report its status")
    if status.paper_near_end:
        warnings.append("Paper is nearly out")
    if not status.online:
        warnings.append("Printer reports: offline")
    return tuple(warnings)


def send(address: PrinterAddress, data: bytes, timeout: float = 3.0) -> None:
    if address.scheme == "tcp":
        with _connect(address, timeout) as sock:
            _write(sock, address, data, timeout)
    elif address.scheme == "file":
        _write_file(address, data)
    else:
        _send_with_escpos(address, data, timeout)


def query_status(address: PrinterAddress, timeout: float = 0.5) -> PrinterStatus:
    """DLE EOT 1, 2 and 4 (Epson real-time status). Only network printers are asked."""
    if address.scheme != "tcp":
        return PrinterStatus()
    with _connect(address, timeout) as sock:
        return _read_status(sock, timeout)


def _no_answer(address: PrinterAddress, timeout: float) -> str:
    return f"Printer did not answer within {timeout:g} s ({address})"


@contextlib.contextmanager
def _connect(address: PrinterAddress, timeout: float) -> Iterator[socket.socket]:
    try:
        sock = socket.create_connection((address.host, address.port), timeout=timeout)
    except ConnectionRefusedError:
        raise PrinterError(f"Printer at {address} refused the connection") from None
    except TimeoutError:
        raise PrinterError(_no_answer(address, timeout)) from None
    except OSError as exc:
        raise PrinterError(f"Printer at {address} cannot be reached: {exc.strerror or exc}") from None
    try:
        yield sock
    finally:
        _close(sock)


def _write(sock: socket.socket, address: PrinterAddress, data: bytes, timeout: float) -> None:
    sock.settimeout(timeout)  # since 3.5 the timeout bounds the whole sendall
    try:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
    except TimeoutError:
        raise PrinterError(_no_answer(address, timeout)) from None
    except OSError as exc:
        raise PrinterError(f"Printer at {address} dropped the connection: {exc.strerror or exc}") from None


def _close(sock: socket.socket) -> None:
    # Unread input (a late status byte) makes close() send RST, which can make the
    # printer drop the end of the job; take whatever has already arrived first.
    with contextlib.suppress(OSError):
        sock.setblocking(False)
        while sock.recv(256):
            pass
    sock.close()


def _read_status(sock: socket.socket, timeout: float) -> PrinterStatus:
    sock.settimeout(timeout)
    answers: dict[int, int] = {}
    for query in (1, 2, 4):
        answer = _ask(sock, query)
        if answer is None:
            break  # a printer that ignores one query ignores them all
        answers[query] = answer
    return _status_from(answers)


def _ask(sock: socket.socket, query: int) -> int | None:
    try:
        sock.sendall(DLE_EOT + bytes([query]))
        reply = sock.recv(1)
    except OSError:
        return None
    # Every real-time status byte has bits 1 and 4 set and bits 0 and 7 clear.
    return reply[0] if len(reply) == 1 and reply[0] & 0x93 == 0x12 else None


def _status_from(answers: dict[int, int]) -> PrinterStatus:
    printer, offline_cause, paper = answers.get(1, 0), answers.get(2, 0), answers.get(4, 0)
    return PrinterStatus(
        online=not printer & 0x08,
        paper_out=bool(paper & 0x60 or offline_cause & 0x20),
        paper_near_end=bool(paper & 0x0C),
        cover_open=bool(offline_cause & 0x04),
        reported=len(answers) == 3,
    )


def _write_file(address: PrinterAddress, data: bytes) -> None:
    try:
        with open(address.device, "wb") as device:
            device.write(data)
    except OSError as exc:
        raise PrinterError(f"Cannot write to printer {address}: {exc.strerror or exc}") from None


def _send_with_escpos(address: PrinterAddress, data: bytes, timeout: float) -> None:
    printer = _escpos_printer(address, timeout)
    try:
        printer.open()
        printer._raw(data)
    except Exception as exc:  # pyusb and pyserial raise their own types; all mean "not printed"
        raise PrinterError(f"{address} could not print: {_first_line(exc)}") from exc
    finally:
        with contextlib.suppress(Exception):
            printer.close()


def _escpos_printer(address: PrinterAddress, timeout: float) -> Any:
    # Imported here: it is heavy, and only counters with USB or serial printers need it.
    from escpos.printer import Serial, Usb

    if address.scheme == "usb":
        if not Usb.is_usable():
            raise PrinterError("USB printing needs the pyusb package and libusb installed")
        return Usb(address.vendor_id, address.product_id, timeout=int(timeout * 1000))
    if not Serial.is_usable():
        raise PrinterError("Serial printing needs the pyserial package installed")
    return Serial(devfile=address.device, baudrate=address.baud, timeout=timeout)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
