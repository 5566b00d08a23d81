"""A background task of a service process: one pass every interval until stopped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class PeriodicTask:
    """Runs `step` every `interval` seconds on a daemon thread; a failed pass is logged and the
    loop goes on, so a database hiccup never stops the mailer or the report scheduler."""

    def __init__(self, name: str, step: Callable[[], None], interval: float, *,
                 run_at_start: bool = True) -> None:
        self.name, self.step, self.interval, self.run_at_start = name, step, interval, run_at_start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    def _loop(self) -> None:
        if not self.run_at_start and self._stop.wait(self.interval):
            return
        while not self._stop.is_set():
            try:
                self.step()
            except Exception:  # noqa: BLE001 - the loop must survive a database hiccup
                log.exception("%s pass failed", self.name)
            self._stop.wait(self.interval)
