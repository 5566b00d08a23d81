"""The Payments tests' network receipt printer: a loopback TCP listener that keeps each job."""

from __future__ import annotations

import socket
import threading

DLE_EOT = b"\x10\x04"
STATUS_OK = {1: 0x12, 2: 0x12, 4: 0x12}
PAPER_OUT = {1: 0x1A, 2: 0x32, 4: 0x72}


class CounterPrinter:
    """Accepts connections one after another; answers DLE EOT status queries with `status`."""

    def __init__(self, status: dict[int, int] | None = None) -> None:
        self.status = dict(STATUS_OK if status is None else status)
        self.jobs: list[bytes] = []
        self.job_done = threading.Condition()
        self._stop = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                self._take_job(conn)

    def _take_job(self, conn: socket.socket) -> None:
        conn.settimeout(0.05)
        received, scanned = bytearray(), 0
        while not self._stop.is_set():
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            received += chunk
            while (at := received.find(DLE_EOT, scanned)) >= 0 and at + 2 < len(received):
                conn.sendall(bytes([self.status[received[at + 2]]]))
                scanned = at + 3
        with self.job_done:
            self.jobs.append(bytes(received))
            self.job_done.notify_all()

    def wait_for_jobs(self, count: int, timeout: float = 3.0) -> list[bytes]:
        with self.job_done:
            self.job_done.wait_for(lambda: len(self.jobs) >= count, timeout)
            return list(self.jobs)

    def close(self) -> None:
        self._stop.set()
        self.thread.join(timeout=2)
        self.server.close()


def refused_url() -> str:
    """A loopback port that nobody listens on: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{probe.getsockname()[1]}"
