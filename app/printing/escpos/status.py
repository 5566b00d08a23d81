"""What a receipt printer says about itself (DLE EOT 1-4) and the real-time drawer pulse (DLE DC4).

A printer that does not answer, answers garbage or reports offline, cover open,
paper out or an error is not ready: nothing is printed on it and the receipt waits.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

DLE_EOT = b"\x10\x04"
DLE_DC4 = b"\x10\x14"
QUERIES = (1, 2, 3, 4)  # printer, offline cause, error cause, paper roll sensor
PULSE_UNITS = 2  # DLE DC4 t: the pulse lasts t x 100 ms


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """`reported=False`: the printer did not answer every query, so its state is unknown."""

    online: bool = True
    paper_out: bool = False
    paper_near_end: bool = False
    cover_open: bool = False
    error: bool = False
    reported: bool = False

    @property
    def problem(self) -> str | None:
        """Why nothing may be printed now, in the cashier's words; None when ready."""
        if not self.reported:
            return "did not report its status"
        for flag, text in ((self.cover_open, "cover open"), (self.paper_out, "paper out"),
                           (self.error, "error"), (not self.online, "offline")):
            if flag:
                return text
        return None

    @property
    def ready(self) -> bool:
        return self.problem is None

    @property
    def label(self) -> str:
        problem = self.problem
        if problem is None:
            return "paper nearly out" if self.paper_near_end else "ready"
        return "status unknown" if not self.reported else problem


READY = PrinterStatus(reported=True)


def read_status(sock: socket.socket, timeout: float) -> PrinterStatus:
    sock.settimeout(timeout)
    answers: dict[int, int] = {}
    for query in QUERIES:
        answer = ask(sock, query)
        if answer is None:
            break  # a printer that ignores one query ignores them all
        answers[query] = answer
    return status_from(answers)


def ask(sock: socket.socket, query: int) -> int | None:
    try:
        sock.sendall(DLE_EOT + bytes([query]))
        reply = sock.recv(1)
    except OSError:
        return None
    # Every real-time status byte has bits 1 and 4 set and bits 0 and 7 clear.
    return reply[0] if len(reply) == 1 and reply[0] & 0x93 == 0x12 else None


def status_from(answers: dict[int, int]) -> PrinterStatus:
    printer, cause, errors, paper = (answers.get(n, 0) for n in QUERIES)
    return PrinterStatus(
        online=not printer & 0x08,
        paper_out=bool(paper & 0x60 or cause & 0x20),
        paper_near_end=bool(paper & 0x0C),
        cover_open=bool(cause & 0x04),
        error=bool(cause & 0x40 or errors & 0x2C),
        reported=len(answers) == len(QUERIES),
    )


def drawer_pulse_bytes(pin: int) -> bytes:
    """DLE DC4 1 m t: a real-time pulse on the drawer connector (m 0 = pin 2, 1 = pin 5).
    The printer runs it at once, even offline, out of paper or with a job waiting."""
    if pin not in (0, 1, 2, 5):
        raise ValueError("drawer pin must be 2 or 5 (or 0/1)")
    return DLE_DC4 + bytes([1, 0 if pin in (0, 2) else 1, PULSE_UNITS])
