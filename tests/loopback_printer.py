"""A network receipt printer played by a TCP listener on loopback: one job per connection, as received.

Each job keeps every byte that arrived, status queries (DLE EOT n) included, so
decode(job).commands starts with the queries the app asked before printing.
The printer answers those queries with `status` (ready by default; None: it stays silent).
"""

from __future__ import annotations

import socket
import threading

DLE_EOT = b"\x10\x04"
OK_STATUS = {1: 0x12, 2: 0x12, 4: 0x12}
PAPER_OUT = {1: 0x1A, 2: 0x32, 4: 0x72}  # offline, stopped at paper end, paper end sensors


class LoopbackPrinter:
    def __init__(self, status: dict[int, int] | None = OK_STATUS) -> None:
        self.status = status
        self.jobs: list[bytes] = []
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

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                job = self._receive(conn)
            with self._arrived:
                self.jobs.append(job)
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
        while (at := data.find(DLE_EOT, scanned)) >= 0 and at + 2 < len(data):
            if self.status is not None and data[at + 2] in self.status:
                conn.sendall(bytes([self.status[data[at + 2]]]))
            scanned = at + 3
        return scanned

    def wait_for_jobs(self, count: int, timeout: float = 3.0) -> list[bytes]:
        """The first `count` jobs (fails if they do not all arrive in time)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.jobs) >= count, timeout)
            assert len(self.jobs) >= count, f"expected {count} print jobs, got {len(self.jobs)}"
            return list(self.jobs)

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
