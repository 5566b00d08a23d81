"""Background work for screens (Anki's CollectionOp): run off the GUI thread, report back on it.

Database writes go through one serial pool so that the app has one writer at a
time; reads, printing and network run on the shared pool beside it. A progress
dialog appears only if the work is still running after 600 ms.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
from shiboken6 import isValid

log = logging.getLogger(__name__)

_writer_pool: QThreadPool | None = None


def writer_pool() -> QThreadPool:
    global _writer_pool
    if _writer_pool is None:
        _writer_pool = QThreadPool()
        _writer_pool.setMaxThreadCount(1)
    return _writer_pool


class _Signals(QObject):
    # Argument-free on purpose. A queued signal that carries a Python object makes Qt copy it,
    # which takes the GIL, while Qt holds the sender's connection lock; the GUI thread building
    # widgets holds the GIL and waits for a lock of the same pool: a deadlock seen under load
    # (a MainWindow built while page refreshes finish). Results travel in Python instead.
    finished = Signal()
    progressed = Signal()


class _Job(QRunnable):
    def __init__(self, work: Callable[..., Any], signals: _Signals, reports: bool,
                 outcome: list[tuple[bool, Any]], progress: deque[tuple[str, int, int]]) -> None:
        super().__init__()
        self.work = work
        self.signals = signals
        self.reports = reports
        self.outcome = outcome
        self.progress = progress

    def run(self) -> None:
        try:
            result = self.work(self._report) if self.reports else self.work()
        except Exception as error:  # noqa: BLE001 - handed to the failure callback on the GUI thread
            self.outcome.append((False, error))
        else:
            self.outcome.append((True, result))
        self.signals.finished.emit()

    def _report(self, stage: str, done: int, total: int) -> None:
        self.progress.append((stage, done, total))
        self.signals.progressed.emit()


class Operation:
    """`Operation(parent, work).success(cb).failure(cb).run_in_background()`.

    With `reports_progress`, `work` is called with a `progress(stage, done, total)` callable
    (safe from the worker thread) and the progress dialog shows the stage and a bar."""

    _running: set[Operation] = set()

    def __init__(self, parent: QWidget | None, work: Callable[..., Any], *, writes: bool = False,
                 label: str = "Working…", reports_progress: bool = False) -> None:
        self.parent = parent
        self.work = work
        self.writes = writes
        self.label = label
        self.reports_progress = reports_progress
        self._progress: tuple[str, int, int] | None = None
        self._on_success: Callable[[Any], None] = lambda _result: None
        self._on_failure: Callable[[Exception], None] | None = None
        self._signals = _Signals()
        self._outcome: list[tuple[bool, Any]] = []
        self._reported: deque[tuple[str, int, int]] = deque(maxlen=1)
        self._dialog: QProgressDialog | None = None
        self._focus: QWidget | None = None  # where the keyboard was before the progress dialog
        self._timer: QTimer | None = None

    def success(self, callback: Callable[[Any], None]) -> Operation:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> Operation:
        self._on_failure = callback
        return self

    def run_in_background(self) -> None:
        Operation._running.add(self)
        self._signals.finished.connect(self._done)
        self._signals.progressed.connect(self._latest_progress)
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_progress)
        self._timer.start(600)
        pool = writer_pool() if self.writes else QThreadPool.globalInstance()
        pool.start(_Job(self.work, self._signals, self.reports_progress, self._outcome,
                        self._reported))

    def _latest_progress(self) -> None:
        if self._reported:
            self._progressed(*self._reported[-1])

    def _done(self) -> None:
        ok, value = self._outcome[0]
        if self.parent is not None and not isValid(self.parent):
            # The screen that asked is gone (logged out, closed): nobody to tell. A failure is
            # still logged; the work itself is done or rolled back as it would be anyway.
            if self._timer is not None:
                self._timer.stop()
            Operation._running.discard(self)
            if not ok:
                log.warning("background work for a closed screen failed: %s", value)
            return
        if ok:
            self._done_ok(value)
        else:
            self._done_failed(value)

    def _show_progress(self) -> None:
        if self.parent is not None and not isValid(self.parent):
            return  # the screen closed while the work ran; _done lets it go
        self._focus = QApplication.focusWidget()
        self._dialog = QProgressDialog(self.label, "", 0, 0, self.parent)
        self._dialog.setAccessibleName("Progress")
        self._dialog.setCancelButton(None)
        self._dialog.setMinimumDuration(0)
        if self._progress is not None:
            self._progressed(*self._progress)
        self._dialog.show()

    def _progressed(self, stage: str, done: int, total: int) -> None:
        self._progress = (stage, done, total)
        if self._dialog is None:
            return
        self._dialog.setLabelText(f"{self.label} {stage} {done:,} of {total:,}" if total
                                  else f"{self.label} {stage}")
        self._dialog.setMaximum(total)
        self._dialog.setValue(done)

    def _finish(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
            self._give_focus_back()
        Operation._running.discard(self)

    def _give_focus_back(self) -> None:
        """The keyboard returns to where it was when the progress dialog took it (the window
        manager may not reactivate the window by itself), before the callbacks move it on."""
        widget, self._focus = self._focus, None
        if widget is None or not isValid(widget) or not widget.isVisible():
            return
        widget.window().activateWindow()
        widget.setFocus()

    def _done_ok(self, result: Any) -> None:
        self._finish()
        self._on_success(result)

    def _done_failed(self, error: Exception) -> None:
        self._finish()
        if self._on_failure is not None:
            self._on_failure(error)
        else:
            from app.views.common.errors import show_error

            show_error(self.parent, error)


def wait_for_background(timeout_ms: int = 5000) -> None:
    """For tests and shutdown: let queued work finish."""
    QThreadPool.globalInstance().waitForDone(timeout_ms)
    writer_pool().waitForDone(timeout_ms)


class QuietOperation(Operation):
    """An operation that shows no progress dialog: its caller reports progress elsewhere
    (sync, in the status bar; a dialog every minute would stop the counter)."""

    def _show_progress(self) -> None:
        pass
