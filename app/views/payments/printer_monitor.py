"""The receipt printer's state in the status bar at all times, and the queue printed by itself:
when the printer reports ready again, the receipts that wait print in the order they were taken,
one attempt each."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from app.domain.core.permissions import Permission, can
from app.services.core.context import Actor
from app.services.payments.receipts import PrinterState, PrintResult
from app.services.registry import Services
from app.views.common.operations import QuietOperation
from app.views.common.widgets import named
from app.views.payments.display import alive

READY_POLL_MS = 15_000  # a ready printer is asked now and then
FAULT_POLL_MS = 3_000  # a faulted one (or one with receipts waiting) more often


def describe(state: PrinterState) -> str:
    if not state.configured:
        return "Printer: none set up"
    waiting = f" · {state.queued} receipt{'s' if state.queued != 1 else ''} waiting" \
        if state.queued else ""
    return f"Printer: {state.label}{waiting}"


class PrinterMonitor(QObject):
    state_changed = Signal(object)  # PrinterState
    retried = Signal(object)  # list[PrintResult], oldest first

    def __init__(self, services: Services, actor: Actor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor = services, actor
        self.label = named(QLabel("Printer: …"), "Printer status")
        self.label.setToolTip("The receipt printer of this counter, as it reports itself")
        self.state: PrinterState | None = None
        self._polling = self._retrying = self._again = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.poll)
        self.enabled = can(actor.role, Permission.RECORD_PAYMENT)

    def start(self) -> None:
        if self.enabled:
            self.poll()
        else:
            self.label.hide()

    def stop(self) -> None:
        self._timer.stop()
        self.enabled = False

    def poll(self) -> None:
        """Ask the printer now (off the GUI thread)."""
        if not self.enabled:
            return
        if self._polling:
            self._again = True  # what it says now may be newer than the answer on its way
            return
        self._polling = True
        QuietOperation(self.label, lambda: self.services.receipts.printer_state(self.actor)) \
            .success(self._polled).failure(self._poll_failed).run_in_background()

    def report(self, result: PrintResult) -> None:
        """A print just happened elsewhere: ask the printer again now."""
        if not result.printed:
            self.poll()

    def _poll_failed(self, _error: Exception) -> None:
        self._polling = False
        self._schedule(0 if self._again else FAULT_POLL_MS)
        self._again = False

    def _polled(self, state: PrinterState) -> None:
        self._polling = False
        if not alive(self.label):
            return
        if self._again:
            self._again = False
            self.poll()
            return
        self.state = state
        self.label.setText(describe(state))
        self.label.setStyleSheet("" if state.ready or not state.configured
                                 else "color: #b3261e; font-weight: 600;")
        self.state_changed.emit(state)
        if state.ready and state.queued and not self._retrying:
            self._retry()
        if state.configured:
            self._schedule(READY_POLL_MS if state.ready and not state.queued else FAULT_POLL_MS)

    def _schedule(self, ms: int) -> None:
        if self.enabled:
            self._timer.start(ms)

    def _retry(self) -> None:
        self._retrying = True
        QuietOperation(self.label, lambda: self.services.receipts.retry_queue(self.actor)) \
            .success(self._retried).failure(lambda _e: self._retried([])).run_in_background()

    def _retried(self, results: list[PrintResult]) -> None:
        self._retrying = False
        if results and alive(self.label):
            self.retried.emit(results)
            self._timer.start(0)  # show the new state (and the shorter queue) at once
