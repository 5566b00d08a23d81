"""A bill run off the GUI thread: a progress bar with counts, bills/s and ETA, Stop, a summary.

The run executes on the serial writer pool (one database writer at a time); progress comes
back through a signal after each committed chunk. Stopping leaves the run resumable: the
chunks committed stay, and running the same scope again finishes it.

On a desktop connected to a central service a cycle is run there instead (its job workers
bill it; sync.central_billing): the dialog polls the service and shows the same progress,
Stop only stops following (the service's run goes on), and the bills arrive with the next
sync. Other scopes, and a desktop without a service, run locally.
"""

from __future__ import annotations

import threading
from typing import Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from app.formatting import Formats
from app.services.billing.runs import RunProgress
from app.services.billing.scope import RunScope
from app.services.core.changes import BILLS, LEDGER, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.errors import show_error
from app.views.common.operations import writer_pool
from app.views.common.widgets import named


class _RunSignals(QObject):
    """Argument-free (see app/views/common/operations.py): the values wait in `latest`."""

    progressed = Signal()
    finished = Signal()
    failed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.latest: dict[str, object] = {}

    def put(self, kind: str, value: object) -> None:
        self.latest[kind] = value
        getattr(self, kind).emit()


class _RunJob(QRunnable):
    def __init__(self, services: Services, actor: Actor, scope: RunScope, signals: _RunSignals,
                 stop: threading.Event, central: CentralLink | None = None) -> None:
        super().__init__()
        self.services, self.actor, self.scope = services, actor, scope
        self.signals, self.stop, self.central = signals, stop, central

    def run(self) -> None:
        try:
            if self.central is not None:
                result = self._central()
            else:
                billing = self.services.billing
                run_id = billing.start_run(self.actor, self.scope)
                result = billing.execute(self.actor, run_id,
                                         lambda progress: self.signals.put("progressed", progress),
                                         self.stop.is_set)
        except Exception as error:  # noqa: BLE001 - shown on the GUI thread
            self.signals.put("failed", error)
        else:
            self.signals.put("finished", result)

    def _central(self) -> RunProgress:
        from sync.central_billing import run_centrally
        from sync.run_protocol import BillRunRequest

        agent = self.central.agent()
        try:
            return run_centrally(agent, BillRunRequest(cycle=self.scope.label),
                                 lambda progress: self.signals.put("progressed", progress),
                                 pull=False, should_stop=self.stop.is_set)
        finally:
            agent.close()


class CentralLink(Protocol):
    """The desktop's link to its central service (sync.desktop.SyncLink)."""

    @property
    def configured(self) -> bool: ...

    def agent(self, progress=None): ...


def runs_centrally(scope: RunScope, link: CentralLink | None) -> bool:
    return link is not None and link.configured and scope.kind == "cycle"


class RunDialog(QDialog):
    """Runs billing for one scope and shows how it goes, then what it did."""

    run_finished = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, scope: RunScope, parent=None,
                 central: CentralLink | None = None) -> None:
        super().__init__(parent)
        self.central = central if runs_centrally(scope, central) else None
        where = " (central service)" if self.central else ""
        self.setWindowTitle(f"Bill run: {scope.label}{where}")
        named(self, "Bill run")
        formats = Formats.of(services.settings.current())
        self.scope_label = named(QLabel(f"<b>{scope.label}</b> · {formats.day(scope.period_start)} to "
                                        f"{formats.day(scope.period_end)}"), "Run scope")
        self.bar = named(QProgressBar(), "Run progress")
        self.bar.setRange(0, 0)
        self.counts = named(QLabel("Starting…"), "Run counts")
        self.speed = named(QLabel(""), "Run speed")
        self.summary = named(QLabel(""), "Run summary")
        self.summary.setWordWrap(True)
        self.summary.hide()
        self.stop_button = named(QPushButton("Stop"), "Stop")
        self.close_button = named(QPushButton("Close"), "Close")
        self.close_button.setEnabled(False)
        self.stop_button.clicked.connect(self._stop)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        for widget in (self.scope_label, self.bar, self.counts, self.speed, self.summary):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.resize(520, 220)
        self.result: RunProgress | None = None
        self._stop_flag = threading.Event()
        self._signals = _RunSignals()
        latest = self._signals.latest
        self._signals.progressed.connect(lambda: self._show_progress(latest["progressed"]))
        self._signals.finished.connect(lambda: self._done(latest["finished"]))
        self._signals.failed.connect(lambda: self._failed(latest["failed"]))
        job = _RunJob(services, actor, scope, self._signals, self._stop_flag, self.central)
        if self.central is not None:  # the desktop's database is not written: not the writer pool
            QThreadPool.globalInstance().start(job)
        else:
            writer_pool().start(job)

    def _stop(self) -> None:
        self._stop_flag.set()
        self.stop_button.setEnabled(False)
        self.counts.setText(self.counts.text() + (" · no longer followed; the service goes on…"
                                                  if self.central else " · stopping after this chunk…"))

    def _show_progress(self, progress: RunProgress) -> None:
        total = max(progress.accounts_total, 1)
        self.bar.setRange(0, total)
        self.bar.setValue(min(progress.done, total))
        self.counts.setText(f"{progress.done:,} of {progress.accounts_total:,} accounts · "
                            f"{progress.billed:,} billed · {progress.skipped:,} already billed · "
                            f"{progress.failed:,} exceptions")
        eta = progress.eta_seconds
        self.speed.setText(f"{progress.bills_per_second:,.0f} bills/s"
                           + ("" if eta is None else f" · ETA {eta:,.0f} s"))

    def _done(self, progress: RunProgress) -> None:
        self.result = progress
        self._show_progress(progress)
        verb = "finished" if progress.state == "Completed" else "stopped; run it again to finish"
        if self.central is not None:
            verb = ("finished on the central service; the bills arrive with the next sync"
                    if progress.state == "Completed" else "still running on the central service")
        self.summary.setText(
            f"Run {verb}: {progress.billed:,} bill(s) generated, {progress.skipped:,} already "
            f"billed, {progress.failed:,} account(s) sent to the exceptions queue, in "
            f"{progress.seconds:,.1f} s.")
        self._finish()
        self.run_finished.emit(Changes.of(BILLS, LEDGER))

    def _failed(self, error: Exception) -> None:
        self.summary.setText(f"The run failed: {error}. Bills already committed are kept; "
                             "run it again to finish.")
        self._finish()
        show_error(self, error)

    def _finish(self) -> None:
        self.summary.show()
        self.stop_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setFocus()
