"""A network receipt printer played by a TCP listener on loopback: one job per connection, as received.

It answers the real-time status queries (DLE EOT 1-4) with the bytes an Epson TM printer sends
in each state, and executes the real-time drawer pulse (DLE DC4 1 m t) the way one does: at once,
even offline, with the cover open or out of paper, but not in an error state nor when it has
hung (`status=None`: it accepts connections and never answers).

`jobs` are the connections that carried something to print, each with every byte that arrived
(status queries included, so decode(job).commands starts with the queries the app asked before
printing); a connection with real-time commands only (a status poll, a drawer pulse) is not a job.
`faulted_jobs` counts jobs that arrived while the printer was not ready (a real one would hold
them and print them, unasked, when the fault clears); `pulses` counts executed drawer pulses.
"""

from __future__ import annotations

import re
import socket
import threading

DLE_EOT = b"\x10\x04"
OK_STATUS = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}
OFFLINE = {1: 0x1A, 2: 0x12, 3: 0x12, 4: 0x12}
COVER_OPEN = {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}  # offline, cover open
PAPER_OUT = {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}  # offline, stopped at paper end, paper end sensors
ERROR = {1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12}  # offline, error occurred, unrecoverable error
PAPER_LOW = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E}  # near-end sensors, still printing
REAL_TIME = re.compile(rb"\x10\x04[\x01-\x04]|\x10\x14\x01[\x00\x01][\x01-\x08]", re.DOTALL)


class LoopbackPrinter:
    def __init__(self, status: dict[int, int] | None = OK_STATUS) -> None:
        self.status = status
        self.jobs: list[bytes] = []
        self.faulted_jobs = 0
        self.pulses = 0
        self.polls = 0
        self._arrived = threading.Condition()
        self._stop = threading.Event()
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def ready(self) -> bool:
        return self.status == OK_STATUS or self.status == PAPER_LOW

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                ready = self.ready
                job = self._receive(conn)
            with self._arrived:
                if REAL_TIME.sub(b"", job):
                    self.jobs.append(job)
                    self.faulted_jobs += 0 if ready else 1
                else:
                    self.polls += 1
                self._arrived.notify_all()

    def _receive(self, conn: socket.socket) -> bytes:
        conn.settimeout(0.05)
        data, scanned = bytearray(), 0
        while not self._stop.is_set():
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            data += chunk
            scanned = self._answer(conn, data, scanned)
        return bytes(data)

    def _answer(self, conn: socket.socket, data: bytearray, scanned: int) -> int:
        while match := REAL_TIME.search(data, scanned):
            command = match.group()
            if command.startswith(DLE_EOT):
                if self.status is not None and command[2] in self.status:
                    conn.sendall(bytes([self.status[command[2]]]))
            elif self.status is not None and self.status != ERROR:
                with self._arrived:
                    self.pulses += 1
                    self._arrived.notify_all()
            scanned = match.end()
        return scanned

    def wait_for_jobs(self, count: int, timeout: float = 3.0) -> list[bytes]:
        """The first `count` jobs (fails if they do not all arrive in time)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.jobs) >= count, timeout)
            assert len(self.jobs) >= count, f"expected {count} print jobs, got {len(self.jobs)}"
            return list(self.jobs)

    def wait_for_pulses(self, count: int, timeout: float = 3.0) -> int:
        with self._arrived:
            self._arrived.wait_for(lambda: self.pulses >= count, timeout)
            assert self.pulses >= count, f"expected {count} drawer pulses, got {self.pulses}"
            return self.pulses

    def close(self) -> None:
        self._stop.set()
        self.thread.join(timeout=2)
        self.server.close()


def refused_url() -> str:
    """A printer address on loopback where nothing listens: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"
