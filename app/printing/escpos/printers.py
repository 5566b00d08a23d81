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
from app.printing.escpos.status import PrinterStatus, drawer_pulse_bytes, read_status

Scheme = Literal["tcp", "usb", "serial", "file"]
DEFAULT_PORT = 9100
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
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
    allow_unknown: bool = False,
) -> PrintOutcome:
    """Ask the printer how it is (where it can say) and send only when it is ready: offline,
    cover open, paper out, an error or no answer at all mean "not printed". `allow_unknown`:
    a printer that does not answer still gets the job (the test page, which diagnoses it)."""
    if address.scheme != "tcp":
        send(address, data_bytes, timeout)
        return PrintOutcome(address, len(data_bytes), PrinterStatus())
    with _connect(address, timeout) as sock:
        status = read_status(sock, status_timeout) if check_status else PrinterStatus()
        if check_status and status.problem and (status.reported or not allow_unknown):
            raise PrinterError(f"Printer reports: {status.problem}" if status.reported
                               else f"Printer at {address} did not report its status")
        _write(sock, address, data_bytes, timeout)
    return PrintOutcome(address, len(data_bytes), status, _warnings(status, check_status))


def _warnings(status: PrinterStatus, checked: bool) -> tuple[str, ...]:
    unknown = ("Printer did not report its status",) if checked and not status.reported else ()
    return unknown + (("Paper is nearly out",) if status.paper_near_end else ())


def kick_drawer(address: PrinterAddress, pin: int, timeout: float = 1.0,
                status_timeout: float = 0.5) -> PrinterStatus:
    """The real-time drawer pulse, on its own connection. A network printer must then answer
    the status queries (which it reads after the pulse) to count as having received it; one in
    an error state ignores the pulse."""
    pulse = drawer_pulse_bytes(pin)
    if address.scheme != "tcp":
        send(address, pulse, timeout)
        return PrinterStatus()
    with _connect(address, timeout) as sock:
        _send_only(sock, address, pulse, timeout)
        status = read_status(sock, status_timeout)
    if not status.reported:
        raise PrinterError(f"Printer at {address} did not confirm the drawer kick")
    if status.error:
        raise PrinterError("Printer reports: error (it ignores the drawer kick until cleared)")
    return status


def _send_only(sock: socket.socket, address: PrinterAddress, data: bytes, timeout: float) -> None:
    sock.settimeout(timeout)
    try:
        sock.sendall(data)
    except OSError as exc:
        raise PrinterError(f"Printer at {address} dropped the connection: {exc.strerror or exc}") from None


def send(address: PrinterAddress, data: bytes, timeout: float = 3.0) -> None:
    if address.scheme == "tcp":
        with _connect(address, timeout) as sock:
            _write(sock, address, data, timeout)
    elif address.scheme == "file":
        _write_file(address, data)
    else:
        _send_with_escpos(address, data, timeout)


def query_status(address: PrinterAddress, timeout: float = 0.5) -> PrinterStatus:
    """DLE EOT 1-4 (Epson real-time status). Only network printers are asked."""
    if address.scheme != "tcp":
        return PrinterStatus()
    with _connect(address, timeout) as sock:
        return read_status(sock, timeout)


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
